import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createCvfMcpServer, httpDispatch } from '@cvf/mcp';
import { loadConfigOrExit } from '@cvf/platform';
import { apiConnectionFrom } from './api-connection';

/**
 * `npm run mcp`: the MCP server on stdin/stdout for a local MCP client. Every tool is a call
 * of the REST API at CVF_API_URL (commands at CVF_INGEST_URL when set) with CVF_API_TOKEN:
 * the API's own front door decides each one. Stdout carries the protocol alone; anything
 * else goes to stderr.
 */
async function main(): Promise<void> {
  const server = createCvfMcpServer(httpDispatch(loadConfigOrExit(apiConnectionFrom)));
  // The client closing our stdin is its way to stop us.
  process.stdin.once('end', () => void server.close());
  await server.connect(new StdioServerTransport());
}

main().catch((error: unknown) => {
  process.stderr.write(
    `cvf mcp failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});

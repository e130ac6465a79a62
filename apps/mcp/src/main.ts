import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { type ApiConnection, createCvfMcpServer, httpDispatch } from '@cvf/mcp';
import { ConfigError, parseEnvironment } from '@cvf/platform';
import { apiConnectionFrom } from './api-connection';

/**
 * `npm run mcp`: the MCP server on stdin/stdout for a local MCP client. Every tool is a call
 * of the REST API at CVF_API_URL (commands at CVF_INGEST_URL when set) with CVF_API_TOKEN:
 * the API's own front door decides each one. Stdout carries the protocol alone; anything
 * else goes to stderr.
 */
async function main(): Promise<void> {
  const server = createCvfMcpServer(httpDispatch(connectionOrExit()));
  // The client closing our stdin is its way to stop us.
  process.stdin.once('end', () => void server.close());
  await server.connect(new StdioServerTransport());
}

/** The configuration, or exit 78 (EX_CONFIG) naming each bad variable, as every app does. */
function connectionOrExit(): ApiConnection {
  try {
    return apiConnectionFrom(parseEnvironment());
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return process.exit(78);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `cvf mcp failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});

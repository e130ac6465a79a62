import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { type RestDispatch, toolResultOf } from './rest';
import { CVF_TOOLS, type CvfTool } from './tools';

const INSTRUCTIONS =
  'Tools of the CVF portfolio backend. Each tool is one call of its REST API, made with the ' +
  'credential this server was given, so the API decides who may do what: a refusal comes back ' +
  "as an error result holding the API's problem details (401, 403, 404, 400 naming the field, " +
  "422 rule violation). Results are the API's JSON. Money is a decimal string in the " +
  "company's currency; months are YYYY-MM. A write answers a position: pass it as " +
  'min_position to a read to see that write.';

/**
 * An MCP server offering `tools` (all of them by default), each answered by one REST call
 * through `dispatch`: the caller's credential travels with the dispatcher, never in a tool's
 * arguments.
 */
export function createCvfMcpServer(
  dispatch: RestDispatch,
  tools: readonly CvfTool[] = CVF_TOOLS,
): McpServer {
  const server = new McpServer(
    { name: 'cvf-portfolio-backend', version: '1.0.0' },
    { instructions: INSTRUCTIONS },
  );
  for (const tool of tools) {
    server.registerTool(
      tool.name,
      {
        title: tool.title,
        description: tool.description,
        inputSchema: tool.inputSchema,
        annotations: tool.annotations,
      },
      (args) => call(dispatch, tool, args),
    );
  }
  return server;
}

async function call(dispatch: RestDispatch, tool: CvfTool, args: unknown): Promise<CallToolResult> {
  try {
    return toolResultOf(await dispatch(tool.request(args)));
  } catch (error) {
    // The API could not be asked (unreachable, timed out): say so, as an error result.
    const message = error instanceof Error ? error.message : String(error);
    return { content: [{ type: 'text', text: message }], isError: true };
  }
}

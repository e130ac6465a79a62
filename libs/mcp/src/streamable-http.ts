import { type McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';

/** The headers of an MCP POST that the transport reads (the rest are the HTTP server's). */
const MCP_HEADERS = ['accept', 'content-type', 'mcp-protocol-version'] as const;

/** One answer of the Streamable HTTP transport, for the HTTP server to send. */
export interface McpHttpAnswer {
  readonly status: number;
  readonly headers: readonly (readonly [string, string])[];
  readonly body: string;
}

/**
 * Answers one POST of MCP's Streamable HTTP transport, statelessly: `server` is made for
 * this request and closed after it, so no session outlives a request and any instance can
 * answer any request. Answers are JSON (no SSE stream: every tool answers once).
 *
 * @param headers the request's headers, as Node gives them
 * @param body the request's JSON body, already parsed by the HTTP server
 */
export async function answerMcpPost(
  server: McpServer,
  headers: Readonly<Record<string, string | string[] | undefined>>,
  body: unknown,
): Promise<McpHttpAnswer> {
  const transport = new WebStandardStreamableHTTPServerTransport({
    sessionIdGenerator: undefined,
    enableJsonResponse: true,
  });
  await server.connect(transport);
  try {
    const forwarded = new Headers();
    for (const name of MCP_HEADERS) {
      const value = headers[name];
      if (value !== undefined) forwarded.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    const response = await transport.handleRequest(
      new Request('http://localhost/mcp', { method: 'POST', headers: forwarded }),
      { parsedBody: body },
    );
    return {
      status: response.status,
      headers: [...response.headers.entries()],
      body: await response.text(),
    };
  } finally {
    await server.close();
  }
}

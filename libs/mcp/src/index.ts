// The MCP server of the API (`@cvf/mcp`): its tools, each one REST call, and two ways to reach
// the API: over HTTP (apps/mcp, stdio) and in-process (the gateway's /mcp).
export * from './rest';
export * from './tools';
export * from './cvf-mcp-server';
export * from './http-dispatch';
export * from './in-process-dispatch';
export * from './streamable-http';

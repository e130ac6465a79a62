import { ConfigError, type Environment } from '@cvf/platform';
import { type ApiConnection } from '@cvf/mcp';

/** One call's limit: a read waiting for min_position takes up to 5 s, a write well under. */
const CALL_TIMEOUT_MS = 30_000;

/**
 * The stdio server's slice of the environment: the API's addresses and the credential the
 * MCP client configured (its `env`). @throws ConfigError when CVF_API_TOKEN is unset.
 */
export function apiConnectionFrom(environment: Environment): ApiConnection {
  const token = environment.CVF_API_TOKEN;
  if (token === undefined) {
    throw new ConfigError([
      'CVF_API_TOKEN: required: the API key or JWT every tool calls the API with ' +
        "(set it in the MCP client's configuration)",
    ]);
  }
  return {
    urls: {
      gateway: environment.CVF_API_URL,
      ingest: environment.CVF_INGEST_URL ?? environment.CVF_API_URL,
    },
    token,
    timeoutMs: CALL_TIMEOUT_MS,
  };
}

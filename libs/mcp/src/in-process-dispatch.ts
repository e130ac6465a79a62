import { type FastifyInstance } from 'fastify';
import { type RestDispatch } from './rest';
import { CVF_TOOLS, type CvfTool } from './tools';

/** What an in-process call carries over from the MCP request that caused it. */
export interface InProcessCaller {
  /** The MCP request's Authorization header, as it came. */
  readonly authorization: string;
  /** The MCP request's id: the injected calls log it, and their events correlate to it. */
  readonly requestId: string;
}

/**
 * The tools' REST calls dispatched inside this process with Fastify's `inject`: the same
 * routing, hooks, guards (bearer token, route policy, tenant, rate limit), pipes and problem
 * filter as a request from outside, with the MCP request's credential.
 */
export function inProcessDispatch(fastify: FastifyInstance, caller: InProcessCaller): RestDispatch {
  return async (request) => {
    const response = await fastify.inject({
      method: request.route.method,
      url: request.target,
      headers: {
        authorization: caller.authorization,
        'x-request-id': caller.requestId,
        accept: 'application/json',
        ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(request.body === undefined ? {} : { payload: JSON.stringify(request.body) }),
    });
    return { status: response.statusCode, body: response.body };
  };
}

/**
 * The tools whose every route this process serves: all of them in the all-in-one process,
 * the read tools alone in a gateway without ingest (commands are ingest's routes).
 */
export function toolsServedBy(
  fastify: FastifyInstance,
  tools: readonly CvfTool[] = CVF_TOOLS,
): CvfTool[] {
  return tools.filter((tool) =>
    tool.routes.every((route) => fastify.hasRoute({ method: route.method, url: route.url })),
  );
}

import { Controller, Get, Post, Req, Res } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { mcpAnswerSchema, mcpErrorSchema, problemSchema } from '../http/openapi-schemas';
import {
  answerMcpPost,
  createCvfMcpServer,
  type CvfTool,
  inProcessDispatch,
  toolsServedBy,
} from '@cvf/mcp';
import { Allow, type AuthenticatedRequest, ApiOperationIds } from '@cvf/platform';
import type { FastifyInstance, FastifyReply } from 'fastify';

/**
 * MCP over Streamable HTTP (ARCHITECTURE.md "What people see"), stateless: each POST gets a
 * server of its own. Every tool call is dispatched in-process to its REST route with this
 * request's Authorization header, so the route's own policy, tenant check, rate limit,
 * validation and problem details decide it, as they would a direct call. The endpoint itself
 * admits any role (401 without a credential); what a role may do is the routes' to say.
 */
@ApiTags('mcp')
@ApiOperationIds({ post: 'postMcpMessage', stream: 'getMcpStream' })
@Controller('mcp')
export class McpController {
  private served: readonly CvfTool[] | undefined;

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  @Post()
  @Allow('company', 'underwriting', 'operations')
  @ApiOperation({
    summary:
      'MCP (Streamable HTTP, JSON answers, no session): the CVF tools, each one call of this ' +
      "API with the request's credential",
  })
  @ApiBody({ schema: mcpAnswerSchema, description: 'a JSON-RPC message or batch' })
  @ApiResponse({ status: 200, schema: mcpAnswerSchema, description: 'the JSON-RPC answer' })
  @ApiResponse({ status: 202, description: 'notifications only: nothing to answer' })
  @ApiResponse({ status: 400, schema: mcpErrorSchema, description: 'not JSON-RPC' })
  @ApiResponse({
    status: 406,
    schema: mcpErrorSchema,
    description: 'Accept lacks application/json',
  })
  @ApiResponse({ status: 415, schema: mcpErrorSchema, description: 'not application/json' })
  async post(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply): Promise<void> {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    const dispatch = inProcessDispatch(fastify, {
      // The AuthGuard verified it, so it is there.
      authorization: request.headers.authorization ?? '',
      requestId: String(request.id),
    });
    const answer = await answerMcpPost(
      createCvfMcpServer(dispatch, this.toolsOf(fastify)),
      request.headers,
      request.body,
    );
    await reply.status(answer.status).headers(Object.fromEntries(answer.headers)).send(answer.body);
  }

  /** No server-initiated stream: every tool answers its own POST (the spec's 405). */
  @Get()
  @Allow('company', 'underwriting', 'operations')
  @ApiOperation({ summary: 'No event stream here: 405 (POST JSON-RPC messages instead)' })
  @ApiResponse({ status: 405, schema: problemSchema, description: 'always: POST instead' })
  async stream(@Res() reply: FastifyReply): Promise<void> {
    await reply.status(405).header('allow', 'POST').send({
      status: 405,
      error: 'method_not_allowed',
      message: 'this MCP endpoint keeps no session and opens no stream: POST JSON-RPC messages',
    });
  }

  /** Routes are all registered by the first request: which tools can this process answer? */
  private toolsOf(fastify: FastifyInstance): readonly CvfTool[] {
    this.served ??= toolsServedBy(fastify);
    return this.served;
  }
}

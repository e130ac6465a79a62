import Fastify from 'fastify';
import { inProcessDispatch, toolsServedBy } from './in-process-dispatch';
import { TOOL_ROUTES } from './tools';

// A bare Fastify instance (no Nest, no network): what the gateway's /mcp dispatches through.

it('given a process without the ingest routes, then only the read tools are offered', async () => {
  const fastify = Fastify();
  for (const route of Object.values(TOOL_ROUTES)) {
    if (route.service === 'gateway') fastify.route({ ...route, handler: () => ({}) });
  }
  await fastify.ready();
  expect(toolsServedBy(fastify).map((tool) => tool.name)).toEqual([
    'list_companies',
    'get_cashflows',
    'get_owed',
    'get_cohorts_table',
    'list_breaches',
  ]);
  await fastify.close();
});

it('given a tool call, then the route is injected with the caller credential and request id', async () => {
  const fastify = Fastify();
  fastify.post('/companies/:companyId/payments', (request, reply) =>
    reply.status(201).send({
      params: request.params,
      authorization: request.headers.authorization,
      requestId: request.headers['x-request-id'],
      contentType: request.headers['content-type'],
      body: request.body,
    }),
  );
  const dispatch = inProcessDispatch(fastify, { authorization: 'Bearer k', requestId: 'req-1' });
  const answer = await dispatch({
    route: TOOL_ROUTES.recordPayment,
    target: '/companies/a%2Fb/payments',
    body: { amount: '1.00' },
  });
  expect(answer.status).toBe(201);
  expect(JSON.parse(answer.body)).toEqual({
    params: { companyId: 'a/b' },
    authorization: 'Bearer k',
    requestId: 'req-1',
    contentType: 'application/json',
    body: { amount: '1.00' },
  });
  await fastify.close();
});

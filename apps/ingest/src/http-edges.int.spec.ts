import { send, type HttpReply } from './testing/ingest-http';
import { startIngestTestApp, type IngestTestApp } from './testing/ingest-test-app';

// The edges of the HTTP contract on the ingest service alone: a trailing slash names the same
// route, a known path asked with a method it lacks is 405 with Allow, an unknown path is 404.

let ingest: IngestTestApp;
beforeAll(async () => {
  ingest = await startIngestTestApp('ingest_http_edges');
});
afterAll(() => ingest.close());

const inject = async (method: 'DELETE' | 'PATCH' | 'OPTIONS', url: string): Promise<HttpReply> => {
  const response = await ingest.app.inject({ method, url });
  return { status: response.statusCode, body: response.json(), headers: response.headers };
};

describe('a trailing slash', () => {
  it('names the same route: POST /companies/ registers, GET /companies/{id}/terms/ reads', async () => {
    const created = await send(ingest.app, 'POST', '/companies/', { id: 'slash', name: 'Slash' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: 'slash', stream_id: 'company-slash' });

    const terms = await send(ingest.app, 'GET', '/companies/slash/terms/');
    expect(terms.status).toBe(200);
    expect(terms.body).toMatchObject({ id: 'slash', name: 'Slash' });
    // and the same request without it answers the same
    const without = await send(ingest.app, 'GET', '/companies/slash/terms');
    expect(without.body).toEqual(terms.body);
  });

  it('keeps an Idempotency-Key to one route: POST /companies/ retried as POST /companies replays', async () => {
    const headers = { 'idempotency-key': 'slash-retry-1' };
    const first = await send(ingest.app, 'POST', '/companies/', { name: 'No id' }, headers);
    const retry = await send(ingest.app, 'POST', '/companies', { name: 'No id' }, headers);
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body).toEqual(first.body);
  });

  it('leaves the OpenAPI document as it was: one spelling per path, none with a trailing slash', async () => {
    const response = await ingest.app.inject({ method: 'GET', url: '/docs/openapi.json/' });
    expect(response.statusCode).toBe(200);
    const paths = Object.keys(response.json<{ paths: Record<string, unknown> }>().paths);
    expect(paths).toContain('/companies');
    expect(paths).toContain('/companies/{companyId}/payments/upload');
    expect(paths.filter((path) => path.endsWith('/'))).toEqual([]);
  });
});

describe('a method a known path lacks', () => {
  it('answers 405 with Allow and a problem body: DELETE /companies', async () => {
    const reply = await inject('DELETE', '/companies');
    expect(reply.status).toBe(405);
    expect(reply.headers.allow).toBe('POST');
    expect(reply.headers['content-type']).toMatch(/^application\/json/);
    expect(reply.headers['x-request-id']).toEqual(expect.any(String));
    expect(reply.headers['x-content-type-options']).toBe('nosniff');
    expect(reply.body).toEqual({
      status: 405,
      error: 'method_not_allowed',
      message: 'DELETE is not allowed on /companies; it answers POST',
      allowed: ['POST'],
    });
  });

  it('lists every method of a path with parameters, trailing slash and query alike', async () => {
    const reply = await inject('PATCH', '/companies/acme/thresholds/3/?x=1');
    expect(reply.status).toBe(405);
    expect(reply.headers.allow).toBe('PUT, DELETE');
    expect(reply.body).toMatchObject({ allowed: ['PUT', 'DELETE'] });
  });

  it('counts HEAD with GET: DELETE /companies/{id}/terms', async () => {
    const reply = await inject('DELETE', '/companies/acme/terms');
    expect(reply.headers.allow).toBe('GET, HEAD');
  });

  it('stays 404 for a path no route has', async () => {
    const reply = await inject('DELETE', '/no-such-thing');
    expect(reply.status).toBe(404);
    expect(reply.headers.allow).toBeUndefined();
    expect(reply.headers['x-request-id']).toEqual(expect.any(String));
    expect(reply.body).toMatchObject({ status: 404, error: 'not_found' });
  });
});

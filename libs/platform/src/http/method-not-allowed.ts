import { type FastifyInstance } from 'fastify';
import { MethodNotAllowedError } from '../errors';

/** The methods a route of ours can have (HEAD comes with every GET). */
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/**
 * A path that exists, asked with a method it does not have, answers 405 with `Allow` listing
 * the methods it has (RFC 9110 §15.5.6), in the problem format, instead of 404; a path no route
 * has stays 404. Decided by the router itself (`findRoute`, the same match, trailing slash
 * and all), only for requests it found no route for: a matched request pays nothing.
 */
export function answerWrongMethodWith405(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request, _reply, done) => {
    if (!request.is404) {
      done();
      return;
    }
    const allowed = METHODS.filter(
      (method) => fastify.findRoute({ method, url: request.url }) !== null,
    );
    // OPTIONS alone (CORS answers a preflight on any path) does not make a path exist.
    if (allowed.every((method) => method === 'OPTIONS')) {
      done();
      return;
    }
    const path = request.url.split('?')[0] ?? request.url;
    done(new MethodNotAllowedError(request.method, path, allowed));
  });
}

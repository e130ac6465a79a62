import { type OpenAPIObject } from '@nestjs/swagger';
import { createCvfClient, type CvfClient, type Middleware } from '@cvf/client';
import { assertAnswerInContract, checkedAppAt, contractCheckEnabled } from './contract-check';
import { ContractChecker } from './openapi-contract';

/**
 * Answers over the network checked against the OpenAPI document of the service that gave
 * them (its /docs/openapi.json, read once per origin): for services in processes of their
 * own, which the in-process hook (checkContract) cannot see. A broken answer fails the
 * request. Streams (SSE) are left alone. CVF_CONTRACT_CHECK=off: nothing is checked.
 */
const checkers = new Map<string, Promise<ContractChecker>>();

function checkerOf(origin: string): Promise<ContractChecker> {
  let checker = checkers.get(origin);
  if (!checker) {
    checker = fetch(`${origin}/docs/openapi.json`)
      .then((reply) => reply.json() as Promise<OpenAPIObject>)
      .then((document) => new ContractChecker(document))
      .catch((error: unknown) => {
        // Not kept: the next request to this origin tries again.
        checkers.delete(origin);
        throw error;
      });
    checkers.set(origin, checker);
  }
  return checker;
}

async function check(method: string, url: URL, response: Response): Promise<void> {
  if (!contractCheckEnabled()) return;
  if ((response.headers.get('content-type') ?? '').startsWith('text/event-stream')) return;
  // An in-process app checked this answer as it sent it: report that verdict.
  const app = checkedAppAt(url.origin);
  if (app) return assertAnswerInContract(app, response.headers.get('x-request-id') ?? undefined);
  const body = await response.clone().text();
  const path = `${url.pathname}${url.search}`;
  const problems = (await checkerOf(url.origin)).problems({
    method,
    url: path,
    status: response.status,
    headers: Object.fromEntries(response.headers),
    body,
  });
  if (problems.length > 0) {
    throw new Error(
      `${method} ${path} → ${response.status} breaks the OpenAPI document:\n  ` +
        `${problems.join('\n  ')}\n  body: ${body.slice(0, 500)}`,
    );
  }
}

/** An openapi-fetch middleware that checks every answer. */
export function contractMiddleware(): Middleware {
  return {
    async onResponse({ request, response }) {
      await check(request.method, new URL(request.url), response);
      return undefined;
    },
  };
}

/** `fetch`, with every answer checked (for requests a spec builds itself). */
export async function contractFetch(url: string, init: RequestInit = {}): Promise<Response> {
  const response = await fetch(url, init);
  await check(init.method ?? 'GET', new URL(url), response);
  return response;
}

/** The typed client (@cvf/client) with every answer checked against the document. */
export function contractClient(baseUrl: string, token?: string): CvfClient {
  return createCvfClient({
    baseUrl,
    ...(token === undefined ? {} : { token }),
    middleware: [contractMiddleware()],
  });
}

import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { servedOpenApiDocument } from '../openapi/document';
import { ContractChecker } from './openapi-contract';

/**
 * Every answer of an in-process test app checked against the OpenAPI document it serves
 * (CVF_CONTRACT_CHECK=off turns it off). A violation is kept by request id: the test's HTTP
 * helpers fail the request that caused it, and the app's `close` fails for any left.
 */
interface AppContract {
  readonly checker: ContractChecker;
  /** Violations not yet reported, by request id. */
  readonly pending: Map<string, string>;
}

const contracts = new WeakMap<NestFastifyApplication, AppContract>();

export const contractCheckEnabled = (): boolean => process.env.CVF_CONTRACT_CHECK !== 'off';

/** Call before the app is ready (it adds a Fastify hook). */
export function checkContract(app: NestFastifyApplication): void {
  if (!contractCheckEnabled()) return;
  const document = servedOpenApiDocument(app);
  if (!document) throw new Error('checkContract: the app has no OpenAPI document (createHttpApp)');
  const contract: AppContract = { checker: new ContractChecker(document), pending: new Map() };
  contracts.set(app, contract);
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onSend', (request, reply, payload, done) => {
      const body =
        typeof payload === 'string'
          ? payload
          : Buffer.isBuffer(payload)
            ? payload.toString('utf8')
            : payload == null
              ? ''
              : null; // a stream (a static file): not an API answer
      if (body !== null) {
        const exchange = {
          method: request.method,
          url: request.url,
          status: reply.statusCode,
          headers: reply.getHeaders(),
          body,
        };
        const problems = contract.checker.problems(exchange);
        if (problems.length > 0) {
          contract.pending.set(
            String(request.id),
            `${request.method} ${request.url} → ${reply.statusCode} breaks the OpenAPI ` +
              `document:\n  ${problems.join('\n  ')}\n  body: ${body.slice(0, 500)}`,
          );
        }
      }
      done(null, payload);
    });
}

/** In-process apps listening on an origin: their own hook has checked what they answer. */
const listening = new Map<string, NestFastifyApplication>();

/**
 * `app` (checked by `checkContract`) now answers at `origin`: a client there reports the
 * hook's verdict instead of checking each answer a second time (contract-client.ts).
 */
export function contractCheckedAt(app: NestFastifyApplication, origin: string): void {
  if (contracts.has(app)) listening.set(origin, app);
}

/** The in-process app answering at `origin` whose hook checks it, if any. */
export const checkedAppAt = (origin: string): NestFastifyApplication | undefined =>
  listening.get(origin);

/** Throws the violation the answer to this request caused, if any. */
export function assertAnswerInContract(
  app: NestFastifyApplication,
  requestId: string | string[] | number | undefined,
): void {
  const contract = contracts.get(app);
  const id = Array.isArray(requestId) ? requestId[0] : requestId;
  if (!contract || id === undefined) return;
  const violation = contract.pending.get(String(id));
  if (violation === undefined) return;
  contract.pending.delete(String(id));
  throw new Error(violation);
}

/** Throws every violation no helper reported (requests sent some other way). */
export function assertContractKept(app: NestFastifyApplication): void {
  const contract = contracts.get(app);
  if (!contract || contract.pending.size === 0) return;
  const violations = [...contract.pending.values()];
  contract.pending.clear();
  throw new Error(
    `${violations.length} answers broke the OpenAPI document:\n${violations.join('\n')}`,
  );
}

/** The operations the app has answered so far, with their statuses (coverage reports). */
export function contractCoverage(
  app: NestFastifyApplication,
): ReadonlyMap<string, ReadonlySet<number>> {
  return contracts.get(app)?.checker.seen ?? new Map();
}

import { type NestFastifyApplication } from '@nestjs/platform-fastify';

/** The admin key every test app and test process is configured with (CVF_ADMIN_KEY). */
export const TEST_ADMIN_KEY = 'cvf-test-admin-key-for-tests-only-0123456789';

/** A SECRET_KEY for test processes (distributed mode requires one). */
export const TEST_SECRET_KEY = 'test:MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=';

/** The variables a test process needs to boot with credentials. */
export const TEST_CREDENTIAL_ENV: Readonly<Record<string, string>> = {
  CVF_ADMIN_KEY: TEST_ADMIN_KEY,
  SECRET_KEY: TEST_SECRET_KEY,
  // Tests share one Redis and one admin key: the limit is tested on its own, not by accident.
  RATE_LIMIT_PER_MINUTE: '1000000',
};

export const bearer = (token: string): { authorization: string } => ({
  authorization: `Bearer ${token}`,
});

/** Headers of a request made as the test admin. */
export const ADMIN_HEADERS: Readonly<{ authorization: string }> = bearer(TEST_ADMIN_KEY);

/**
 * For specs written about something other than who may call: a request that carries no
 * Authorization header is sent as the test admin. Requests that carry one (the access
 * specs) are left as they are. Call before the app is ready.
 */
export function sendAsAdminByDefault(app: NestFastifyApplication): void {
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (request, _reply, done) => {
      if (request.headers.authorization === undefined) {
        request.headers.authorization = ADMIN_HEADERS.authorization;
      }
      done();
    });
}

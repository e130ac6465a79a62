import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import {
  addParameter,
  addProblem,
  ContributesToOpenApi,
  headerRef,
  isObject,
  type Json,
  operationsOf,
} from '@cvf/platform';
import { IdempotencyInterceptor } from './idempotency.interceptor';
import { IdempotencyStore } from './idempotency.store';
import { IdempotentRequests } from './idempotent-requests';

/** `Idempotency-Key` for every JSON POST (the interceptor) and for uploads (IdempotentRequests). */
@ContributesToOpenApi((document) => {
  // The interceptor is global: every POST of an app with this module takes the key.
  for (const { method, operation } of operationsOf(document)) {
    if (method !== 'post') continue;
    addParameter(operation, 'IdempotencyKey');
    addProblem(operation, 400);
    addProblem(operation, 409);
    addProblem(operation, 422);
    for (const [status, response] of Object.entries(operation.responses as Json)) {
      if (!/^2/.test(status) || !isObject(response)) continue;
      response.headers = {
        ...(response.headers as Json),
        'Idempotent-Replayed': headerRef('Idempotent-Replayed'),
      };
    }
  }
})
@Module({
  providers: [
    IdempotencyStore,
    IdempotentRequests,
    { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
  ],
  exports: [IdempotentRequests],
})
export class IdempotencyModule {}

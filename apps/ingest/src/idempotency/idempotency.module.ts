import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { IdempotencyInterceptor } from './idempotency.interceptor';
import { IdempotencyStore } from './idempotency.store';
import { IdempotentRequests } from './idempotent-requests';

/** `Idempotency-Key` for every JSON POST (the interceptor) and for uploads (IdempotentRequests). */
@Module({
  providers: [
    IdempotencyStore,
    IdempotentRequests,
    { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
  ],
  exports: [IdempotentRequests],
})
export class IdempotencyModule {}

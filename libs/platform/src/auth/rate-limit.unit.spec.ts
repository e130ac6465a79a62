import { SkipThrottle } from '@nestjs/throttler';
import { RATE_LIMITER, SKIP_RATE_LIMIT_KEY } from './rate-limit';

// The guard reads SkipThrottle's metadata by its key; the library keeps the key to itself.
it('SkipThrottle for the rate limiter sets the key the guard reads', () => {
  class Routes {
    open(): void {}
  }
  const descriptor = { value: Routes.prototype.open };
  SkipThrottle({ [RATE_LIMITER]: true })(Routes.prototype, 'open', descriptor);
  expect(Reflect.getMetadataKeys(Routes.prototype.open)).toContain(SKIP_RATE_LIMIT_KEY);
  expect(Reflect.getMetadata(SKIP_RATE_LIMIT_KEY, Routes.prototype.open)).toBe(true);
});

import { Injectable, type OnModuleInit } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { ROUTE_POLICY, type RoutePolicy } from './route-policy';

/** Every route handler of the given controllers that declares no policy, as `Class.method`. */
export function routesWithoutPolicy(
  reflector: Reflector,
  scanner: MetadataScanner,
  controllers: readonly (new (...args: never[]) => unknown)[],
): string[] {
  const missing: string[] = [];
  for (const controller of controllers) {
    const prototype = controller.prototype as Record<string, unknown>;
    for (const name of scanner.getAllMethodNames(prototype)) {
      const handler = prototype[name];
      if (typeof handler !== 'function') continue;
      if (Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
      const policy = reflector.getAllAndOverride<RoutePolicy | undefined>(ROUTE_POLICY, [
        handler,
        controller,
      ]);
      if (policy === undefined) missing.push(`${controller.name}.${name}`);
    }
  }
  return missing;
}

/** Startup fails if any route of this process has no declared policy (route-policy.ts). */
@Injectable()
export class RoutePoliciesCheck implements OnModuleInit {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  onModuleInit(): void {
    const controllers = this.discovery
      .getControllers()
      .flatMap((wrapper) =>
        typeof wrapper.metatype === 'function'
          ? [wrapper.metatype as new (...args: never[]) => unknown]
          : [],
      );
    const missing = routesWithoutPolicy(this.reflector, this.scanner, controllers);
    if (missing.length > 0) {
      throw new Error(
        `routes without a policy (@Allow(...roles) or @Public(reason)): ${missing.join(', ')}`,
      );
    }
  }
}

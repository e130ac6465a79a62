import { RequestMethod } from '@nestjs/common';
import {
  HTTP_CODE_METADATA,
  METHOD_METADATA,
  PATH_METADATA,
  RESPONSE_PASSTHROUGH_METADATA,
  ROUTE_ARGS_METADATA,
} from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { type ModulesContainer } from '@nestjs/core';
import { ROUTE_POLICY, type RoutePolicy } from '../auth/route-policy';
import {
  COMMAND_ROUTE,
  OPENAPI_CONTRIBUTION,
  OPERATION_IDS,
  type OpenApiContribution,
  type RouteFacts,
} from './decorators';

type Controller = abstract new (...args: never[]) => unknown;

/** Every route of the app's controllers, by `Controller.method`, and the modules' contributions. */
export function routeFactsOf(modules: ModulesContainer): {
  readonly routes: ReadonlyMap<string, RouteFacts>;
  readonly contributions: readonly OpenApiContribution[];
} {
  const routes = new Map<string, RouteFacts>();
  const contributions = new Set<OpenApiContribution>();
  const seen = new Map<string, Controller>();
  for (const module of modules.values()) {
    const contribution = Reflect.getMetadata(OPENAPI_CONTRIBUTION, module.metatype) as
      OpenApiContribution | undefined;
    if (contribution) contributions.add(contribution);
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Controller | null;
      if (typeof controller !== 'function') continue;
      const other = seen.get(controller.name);
      if (other === controller) continue;
      if (other) throw new Error(`two controllers are named ${controller.name}: rename one`);
      seen.set(controller.name, controller);
      for (const facts of controllerRoutes(controller)) routes.set(facts.key, facts);
    }
  }
  return { routes, contributions: [...contributions] };
}

function controllerRoutes(controller: Controller): RouteFacts[] {
  const prototype = controller.prototype as Record<string, unknown>;
  const ids = (Reflect.getMetadata(OPERATION_IDS, controller) ?? {}) as Record<string, string>;
  const classPolicy = Reflect.getMetadata(ROUTE_POLICY, controller) as RoutePolicy | undefined;
  const facts: RouteFacts[] = [];
  for (const name of Object.getOwnPropertyNames(prototype)) {
    const handler = Object.getOwnPropertyDescriptor(prototype, name)?.value as unknown;
    if (typeof handler !== 'function' || name === 'constructor') continue;
    if (Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
    const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod;
    const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, name) ?? {}) as Record<
      string,
      unknown
    >;
    const writesReply =
      Object.keys(args).some((arg) => arg.startsWith(`${RouteParamtypes.RESPONSE}:`)) &&
      Reflect.getMetadata(RESPONSE_PASSTHROUGH_METADATA, controller, name) !== true;
    const code = Reflect.getMetadata(HTTP_CODE_METADATA, handler) as number | undefined;
    facts.push({
      key: `${controller.name}.${name}`,
      operationId: ids[name],
      successStatus: writesReply ? null : (code ?? (method === RequestMethod.POST ? 201 : 200)),
      policy:
        (Reflect.getMetadata(ROUTE_POLICY, handler) as RoutePolicy | undefined) ?? classPolicy,
      command: Reflect.getMetadata(COMMAND_ROUTE, controller, name) === true,
    });
  }
  const unknown = Object.keys(ids).filter((name) => !facts.some((f) => f.key.endsWith(`.${name}`)));
  if (unknown.length > 0) {
    throw new Error(`@ApiOperationIds of ${controller.name} names no route: ${unknown.join(', ')}`);
  }
  return facts;
}

import { Injectable, type OnModuleInit, type Type } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { WRITE_COMMANDS } from './write-commands';

/**
 * Where @nestjs/cqrs's `@CommandHandler(C)` records C on the handler class. The package does
 * not export the key; handler-registry.unit.spec.ts fails if a release moves it.
 */
export const COMMAND_HANDLER_METADATA = '__commandHandler__';

/**
 * Every command of `commands` has exactly one handler among `handlers`, and no handler
 * handles a command outside them. Returns the problems, one line each (empty when sound).
 */
export function handlerProblems(
  commands: readonly Type[],
  handlers: readonly Type[],
): readonly string[] {
  const byCommand = new Map<Type, string[]>(commands.map((command) => [command, []]));
  const problems: string[] = [];
  for (const handler of handlers) {
    const command = Reflect.getMetadata(COMMAND_HANDLER_METADATA, handler) as Type | undefined;
    if (command === undefined) continue;
    const names = byCommand.get(command);
    if (names === undefined) {
      problems.push(`${handler.name} handles ${command.name}, which is not a write command`);
    } else {
      names.push(handler.name);
    }
  }
  for (const [command, names] of byCommand) {
    if (names.length === 0) problems.push(`${command.name} has no handler`);
    if (names.length > 1)
      problems.push(`${command.name} has ${names.length} handlers: ${names.sort().join(', ')}`);
  }
  return problems;
}

/**
 * Fails startup unless the closed set of write commands (WRITE_COMMANDS) maps one to one
 * onto the command handlers bound in this process. The CommandBus itself would answer a
 * missing handler only when a request needs it, and lets a second one silently replace the
 * first.
 */
@Injectable()
export class WriteHandlersCheck implements OnModuleInit {
  constructor(private readonly discovery: DiscoveryService) {}

  onModuleInit(): void {
    const handlers = this.discovery.getProviders().flatMap((wrapper) => {
      const type = (wrapper.instance as object | undefined)?.constructor ?? wrapper.metatype;
      return typeof type === 'function' ? [type as Type] : [];
    });
    const problems = handlerProblems(WRITE_COMMANDS, [...new Set(handlers)]);
    if (problems.length > 0) {
      throw new Error(
        `write commands and their handlers do not match:\n  ${problems.join('\n  ')}`,
      );
    }
  }
}

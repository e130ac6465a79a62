import { Global, Module } from '@nestjs/common';
import { Command, CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Test } from '@nestjs/testing';
import { EVENT_STORE } from '@cvf/event-store';
import { PG_POOL } from '@cvf/platform';
import { CommandsModule } from './commands.module';
import { COMMAND_HANDLER_METADATA, handlerProblems } from './handler-registry';
import { CompanyWriteHandler } from './company-write.handler';
import { PaymentImportHandler } from './payment-import.handler';
import { PaymentWriteHandler } from './payment-write.handler';
import { CompanyWrite, PaymentImport, PaymentWrite, WRITE_COMMANDS } from './write-commands';

class Ping extends Command<string> {}
class Pong extends Command<string> {}

@CommandHandler(Ping)
class PingHandler implements ICommandHandler<Ping> {
  execute(): Promise<string> {
    return Promise.resolve('ping');
  }
}

@CommandHandler(Ping)
class SecondPingHandler implements ICommandHandler<Ping> {
  execute(): Promise<string> {
    return Promise.resolve('ping again');
  }
}

@CommandHandler(Pong)
class PongHandler implements ICommandHandler<Pong> {
  execute(): Promise<string> {
    return Promise.resolve('pong');
  }
}

class NotAHandler {}

describe('write commands and their handlers', () => {
  it('@nestjs/cqrs records the handled command where the check reads it', () => {
    expect(Reflect.getMetadata(COMMAND_HANDLER_METADATA, PingHandler)).toBe(Ping);
  });

  it('given the ingest handlers, every write command has exactly one', () => {
    const handlers = [CompanyWriteHandler, PaymentWriteHandler, PaymentImportHandler, NotAHandler];
    expect(handlerProblems(WRITE_COMMANDS, handlers)).toEqual([]);
  });

  it('a command without a handler is named', () => {
    expect(handlerProblems([Ping, Pong], [PingHandler])).toEqual(['Pong has no handler']);
  });

  it('a command with two handlers is named with both', () => {
    expect(handlerProblems([Ping], [PingHandler, SecondPingHandler])).toEqual([
      'Ping has 2 handlers: PingHandler, SecondPingHandler',
    ]);
  });

  it('a handler of a command outside the closed set is named', () => {
    expect(handlerProblems([Ping], [PingHandler, PongHandler])).toEqual([
      'PongHandler handles Pong, which is not a write command',
    ]);
  });

  it('the set is the company, payment and bulk payment writes', () => {
    expect(WRITE_COMMANDS).toEqual([CompanyWrite, PaymentWrite, PaymentImport]);
  });
});

/** A store that refuses every read: a handler that reaches it was bound and ran. */
const refusingStore = { readStream: () => Promise.reject(new Error('no store here')) };
/** And a database that refuses every query (company names are reserved there). */
const refusingPool = { query: () => Promise.reject(new Error('no database here')) };

@Global()
@Module({
  providers: [
    { provide: EVENT_STORE, useValue: refusingStore },
    { provide: PG_POOL, useValue: refusingPool },
  ],
  exports: [EVENT_STORE, PG_POOL],
})
class NoStoreModule {}

@CommandHandler(PaymentWrite)
class RoguePaymentHandler implements ICommandHandler<PaymentWrite> {
  execute(): Promise<never> {
    return Promise.reject(new Error('a second payment path'));
  }
}

describe('the CommandsModule at startup', () => {
  it('boots with one handler per write command, all bound on the CommandBus', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [NoStoreModule, CommandsModule],
    }).compile();
    const app = await moduleRef.init();
    const bus = app.get(CommandBus);
    const context = { companyId: 'acme', actor: 'test' };
    await expect(
      bus.execute(new CompanyWrite({ type: 'RenameCompany', data: { name: 'Acme' } }, context)),
    ).rejects.toThrow('no store here');
    await expect(
      bus.execute(
        new PaymentWrite({ type: 'VoidPayment', data: { payment_id: 'p1', reason: 'x' } }, context),
      ),
    ).rejects.toThrow('no store here');
    expect(() => bus.execute(new Ping())).toThrow('No handler found for the command: "Ping"');
    await app.close();
  });

  it('refuses to start when a second handler of a write command is bound', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [NoStoreModule, CommandsModule],
      providers: [RoguePaymentHandler],
    }).compile();
    await expect(moduleRef.init()).rejects.toThrow(
      'PaymentWrite has 2 handlers: PaymentWriteHandler, RoguePaymentHandler',
    );
    await moduleRef.close();
  });
});

import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { CompanyNames } from './company-names';
import { CompanyStreams } from './company-streams';
import { CompanyWriteHandler } from './company-write.handler';
import { WriteHandlersCheck } from './handler-registry';
import { PaymentImportHandler } from './payment-import.handler';
import { PaymentWriteHandler } from './payment-write.handler';
import { StreamWriter } from './stream-writer';

/**
 * The write side's one path: the CommandBus and a handler for each write command. Every
 * transport module (REST, uploads, webhooks) imports this one and dispatches on the bus;
 * none of them imports another. Needs the DatabaseModule (EVENT_STORE) of its process.
 */
@Module({
  imports: [CqrsModule.forRoot(), DiscoveryModule],
  providers: [
    StreamWriter,
    CompanyStreams,
    CompanyNames,
    CompanyWriteHandler,
    PaymentWriteHandler,
    PaymentImportHandler,
    WriteHandlersCheck,
  ],
  exports: [CqrsModule, CompanyStreams, CompanyNames],
})
export class CommandsModule {}

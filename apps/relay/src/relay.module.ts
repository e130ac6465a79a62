import {
  Controller,
  Get,
  HttpCode,
  Inject,
  Injectable,
  Logger,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type BeforeApplicationShutdown,
} from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '@cvf/event-store';
import {
  EventRelay,
  KAFKA_PRODUCER,
  KAFKA_TOPICS,
  type KafkaTopics,
  MessagingModule,
} from '@cvf/messaging';
import {
  type AppConfig,
  DatabaseModule,
  PG_POOL,
  Public,
  ApiOperationIds,
  ApiLiveness,
} from '@cvf/platform';
import { type Producer } from 'kafkajs';
import { Pool } from 'pg';

/** Runs the relay for the life of the process (a standby waits for the leader's lock). */
@Injectable()
export class RelayService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('relay');
  readonly relay: EventRelay;
  private leading = false;
  private shuttingDown = false;

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(PG_POOL) pool: Pool,
    @Inject(KAFKA_PRODUCER) producer: Producer,
    @Inject(KAFKA_TOPICS) topics: KafkaTopics,
  ) {
    // The checkpoint is named after the topic: a relay per prefix keeps its own place.
    this.relay = new EventRelay(store, pool, producer, {
      name: topics.events,
      topic: topics.events,
      onError: (error) => this.logger.warn(`relay: ${String(error)}; retrying`),
    });
  }

  get isLeading(): boolean {
    return this.leading;
  }

  onApplicationBootstrap(): void {
    // Not awaited: a standby waits here for the leader's lock without blocking start-up.
    void this.relay.start().then(
      () => {
        this.leading = true;
        this.logger.log('leading: publishing the event log to Kafka');
        this.relay.done.catch((error: unknown) => {
          if (this.shuttingDown) return; // a batch still retrying when we were told to stop
          this.logger.error(
            `relay stopped: ${String(error)}; exiting so the orchestrator restarts it`,
          );
          process.exitCode = 1;
          process.kill(process.pid, 'SIGTERM');
        });
      },
      (error: unknown) => this.logger.error(`relay failed to start: ${String(error)}`),
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.shuttingDown = true;
    await this.relay.stop();
  }
}

@Public('health probes answer without a credential')
@ApiOperationIds({ live: 'getLiveness', ready: 'getReadiness' })
@Controller('health')
export class RelayHealthController {
  constructor(private readonly service: RelayService) {}

  @Get('live')
  @ApiLiveness()
  live() {
    return { status: 'ok' };
  }

  /** Ready when leading (publishing) or standing by; the standby reports which. */
  @Get('ready')
  @HttpCode(200)
  ready() {
    // Still ready while retrying a batch (restarting would not bring the broker back); the
    // body says since when, for dashboards and alerts on relay lag.
    const failing = this.service.relay.failingSince;
    return {
      status: 'ok',
      role: this.service.isLeading ? 'leader' : 'standby',
      published: this.service.relay.eventsPublished,
      ...(failing && { retrying: { since: failing.since.toISOString(), error: failing.error } }),
    };
  }
}

@Module({})
export class RelayAppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: RelayAppModule,
      imports: [
        DatabaseModule.forRoot(config, { poolSize: 4 }),
        MessagingModule.forRoot({
          brokers: config.kafkaBrokers,
          clientId: `${config.kafkaClientId}-relay`,
          topicPrefix: config.kafkaTopicPrefix,
        }),
      ],
      controllers: [RelayHealthController],
      providers: [RelayService],
    };
  }
}

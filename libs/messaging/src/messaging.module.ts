import {
  type DynamicModule,
  Global,
  Inject,
  Logger,
  Module,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { ClientKafka } from '@nestjs/microservices';
import { type Kafka, logLevel, type Producer } from 'kafkajs';
import { KafkaAlertPublisher } from './kafka-alert-publisher';
import { KafkaProbe } from './kafka-probe';
import { RELAY_PRODUCER_CONFIG } from './relay';
import {
  createKafka,
  ensureTopics,
  type KafkaSettings,
  type KafkaTopics,
  kafkaTopics,
} from './topics';

export const KAFKA = Symbol.for('cvf.messaging.Kafka');
export const KAFKA_PRODUCER = Symbol.for('cvf.messaging.Producer');
/** This deployment's topic and group names (`KafkaTopics`). */
export const KAFKA_TOPICS = Symbol.for('cvf.messaging.Topics');
/** `KafkaProbe` for readiness checks of the services that depend on Kafka. */
export const KAFKA_PROBE = Symbol.for('cvf.messaging.Probe');
/** The NestJS microservices Kafka client alerts are published with (`publishesAlerts`). */
export const ALERTS_CLIENT = Symbol.for('cvf.messaging.AlertsClient');

class KafkaLifecycle implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Kafka');
  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(KAFKA_PRODUCER) private readonly producer: Producer,
    private readonly topics: KafkaTopics,
    private readonly partitions: number,
    private readonly alertsClient: ClientKafka | null,
    private readonly probe: KafkaProbe,
  ) {}

  async onModuleInit(): Promise<void> {
    await ensureTopics(this.kafka, this.topics, this.partitions);
    await this.producer.connect();
    await this.alertsClient?.connect();
    this.logger.log('connected; topics ready');
  }

  async onApplicationShutdown(): Promise<void> {
    await this.probe.close();
    await this.alertsClient?.close().catch(() => undefined);
    await this.producer.disconnect().catch(() => undefined);
  }
}

/**
 * Kafka for a process in distributed mode: one client and one idempotent producer (acks all,
 * one request in flight), the topics created on start. Consumers are made per use
 * (projector group, SSE feeds) from the KAFKA client.
 */
@Global()
@Module({})
export class MessagingModule {
  static forRoot(
    settings: KafkaSettings,
    options: { readonly publishesAlerts?: boolean } = {},
  ): DynamicModule {
    const partitions = settings.partitions ?? 6;
    const topics = kafkaTopics(settings.topicPrefix);
    const alertsClient = options.publishesAlerts
      ? new ClientKafka({
          client: {
            clientId: `${settings.clientId}-alerts`,
            brokers: [...settings.brokers],
            logLevel: settings.logLevel ?? logLevel.WARN,
          },
          producer: RELAY_PRODUCER_CONFIG,
          producerOnlyMode: true,
          send: { acks: -1 },
        })
      : null;
    return {
      module: MessagingModule,
      providers: [
        { provide: KAFKA, useFactory: () => createKafka(settings) },
        { provide: KAFKA_TOPICS, useValue: topics },
        {
          provide: KAFKA_PRODUCER,
          useFactory: (kafka: Kafka) => kafka.producer(RELAY_PRODUCER_CONFIG),
          inject: [KAFKA],
        },
        { provide: ALERTS_CLIENT, useValue: alertsClient },
        {
          provide: KAFKA_PROBE,
          useFactory: (kafka: Kafka) => new KafkaProbe(kafka),
          inject: [KAFKA],
        },
        {
          provide: KafkaLifecycle,
          useFactory: (kafka: Kafka, producer: Producer, probe: KafkaProbe) =>
            new KafkaLifecycle(kafka, producer, topics, partitions, alertsClient, probe),
          inject: [KAFKA, KAFKA_PRODUCER, KAFKA_PROBE],
        },
      ],
      exports: [KAFKA, KAFKA_PRODUCER, KAFKA_TOPICS, ALERTS_CLIENT, KAFKA_PROBE],
    };
  }
}

/**
 * The imports that make a process publish alerts to Kafka (distributed mode) instead of Redis
 * pub/sub: pass `alertPublisher` to `CacheModule.forRoot` and import `module`.
 */
export function kafkaAlerts(settings: KafkaSettings) {
  return {
    module: MessagingModule.forRoot(settings, { publishesAlerts: true }),
    alertPublisher: {
      useFactory: (client: ClientKafka, topics: KafkaTopics) =>
        new KafkaAlertPublisher(client, topics.alerts),
      inject: [ALERTS_CLIENT, KAFKA_TOPICS],
    },
  };
}

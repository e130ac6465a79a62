import { type Admin, type Kafka } from 'kafkajs';

/**
 * Readiness of Kafka for real: one admin connection, kept, asked for the cluster's metadata on
 * each probe. A broker that is down fails the probe (the health check's timeout bounds it).
 */
export class KafkaProbe {
  private admin: Admin | null = null;
  private connecting: Promise<void> | null = null;

  constructor(private readonly kafka: Kafka) {}

  async ping(): Promise<void> {
    if (!this.admin) {
      const admin = this.kafka.admin({ retry: { retries: 0 } });
      this.connecting ??= admin.connect().then(
        () => void (this.admin = admin),
        (error: unknown) => {
          this.connecting = null;
          throw error;
        },
      );
      await this.connecting;
    }
    const { brokers } = await this.admin!.describeCluster();
    if (brokers.length === 0) throw new Error('the cluster lists no broker');
  }

  async close(): Promise<void> {
    await this.admin?.disconnect().catch(() => undefined);
    this.admin = null;
  }
}

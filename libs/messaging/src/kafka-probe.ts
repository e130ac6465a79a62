import { type Admin, type Kafka } from 'kafkajs';

/**
 * Readiness of Kafka for real: one admin connection, kept, asked for the cluster's metadata on
 * each probe. A broker that is down fails the probe (the health check's timeout bounds it); a
 * connection that could not be made is tried again by the next probe.
 */
export class KafkaProbe {
  private admin: Promise<Admin> | null = null;

  constructor(private readonly kafka: Kafka) {}

  async ping(): Promise<void> {
    this.admin ??= this.connect();
    const { brokers } = await (await this.admin).describeCluster();
    if (brokers.length === 0) throw new Error('the cluster lists no broker');
  }

  async close(): Promise<void> {
    const admin = this.admin;
    this.admin = null;
    await admin?.then((a) => a.disconnect()).catch(() => undefined);
  }

  private async connect(): Promise<Admin> {
    const admin = this.kafka.admin({ retry: { retries: 0 } });
    try {
      await admin.connect();
      return admin;
    } catch (error) {
      this.admin = null;
      await admin.disconnect().catch(() => undefined);
      throw error;
    }
  }
}

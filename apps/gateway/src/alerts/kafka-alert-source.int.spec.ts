import { ClientKafka } from '@nestjs/microservices';
import { type Alert } from '@cvf/cache';
import { KafkaAlertPublisher, RELAY_PRODUCER_CONFIG } from '@cvf/messaging';
import { createTopic, testKafka, uniqueName } from '@cvf/messaging/testing';
import { testServices } from '@cvf/test-support';
import { KafkaAlertSource } from './kafka-alert-source';

// Distributed mode's SSE feed: alerts published to Kafka by the worker reach the listeners
// of their company (and only theirs) through the gateway's Kafka alert source.
it('delivers each company its own alerts from cvf.alerts.v1', async () => {
  const kafka = testKafka();
  const topic = uniqueName('cvf.alerts.test');
  await createTopic(kafka, topic, 2);
  const source = KafkaAlertSource.onTopic(kafka, topic);
  // The worker's publisher as wired in distributed mode: the Nest microservices Kafka client.
  const client = new ClientKafka({
    client: { clientId: uniqueName('cvf-test-alerts'), brokers: testServices.kafkaBrokers },
    producer: RELAY_PRODUCER_CONFIG,
    producerOnlyMode: true,
    send: { acks: -1 },
  });
  await client.connect();
  try {
    const received: Alert[] = [];
    const subscription = await source.subscribe('acme', (alert) => received.push(alert));
    const alert = (company: string, period: number): Alert => ({
      alert_id: `breach:${company}:2020-01-01:${period}`,
      type: 'ThresholdBreached',
      change: 'raised',
      company_id: company,
      cohort_month: '2020-01-01',
      period,
      month: '2020-02-01',
      ratio: '0.100000',
      minimum: '0.25',
      position: '1:1',
      detected_at: new Date().toISOString(),
    });
    await new KafkaAlertPublisher(client, topic).publish([
      alert('acme', 1),
      alert('other', 1),
      alert('acme', 2),
    ]);
    const deadline = Date.now() + 20_000;
    while (received.length < 2 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    expect(received.map((a) => a.alert_id)).toEqual([
      'breach:acme:2020-01-01:1',
      'breach:acme:2020-01-01:2',
    ]);
    subscription.close();
  } finally {
    await client.close();
    await source.onApplicationShutdown();
  }
});

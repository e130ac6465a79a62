import { paymentStreamId } from '@cvf/domain';
import { type EventStore, type LogPosition } from '@cvf/event-store';
import { toNewEvent } from '@cvf/platform';
import { migrateReadModel, ReadModelProjection } from '@cvf/read-model';
import { type Pool } from 'pg';
import { eventually } from '@cvf/platform/testing';

/** `eventually` with the patience of Kafka tests (rebalances take seconds here). */
export const until = (
  what: string,
  condition: () => Promise<boolean> | boolean,
  timeoutMs = 45_000,
): Promise<void> => eventually(what, condition, timeoutMs);

export async function countEvents(pool: Pool): Promise<number> {
  const { rows } = await pool.query<{ n: string }>('SELECT count(*)::text AS n FROM events');
  return Number(rows[0]?.n ?? 0);
}

/**
 * Embedded mode's projection of the whole log into `schema`: the reference a Kafka-fed read
 * model must equal. Reads until it has seen every committed event (another transaction open
 * anywhere in the cluster holds log readers back for a while).
 */
export async function projectEmbedded(
  pool: Pool,
  store: EventStore,
  schema: string,
): Promise<void> {
  await migrateReadModel(pool, schema);
  const projection = new ReadModelProjection(pool, schema);
  const total = await countEvents(pool);
  let checkpoint: LogPosition | null = null;
  let read = 0;
  await until(`the embedded projection read all ${total} events`, async () => {
    const page = await store.readAll(checkpoint, 500);
    if (page.events.length > 0) {
      await projection.applyBatch(page.events);
      checkpoint = page.checkpoint;
      read += page.events.length;
    }
    return read >= total;
  });
}

/**
 * Payments appended as fast as the store takes them, round-robin over the companies (each
 * registered with terms first by `writePortfolio`), until `stop` is called: the load that
 * failures are injected into. `stop` resolves to the number of payments written.
 */
export function paymentLoad(
  store: EventStore,
  companies: readonly string[],
  label: string,
): { stop(): Promise<number> } {
  let stopping = false;
  let written = 0;
  const running = (async () => {
    for (let n = 0; !stopping; n++) {
      const company = companies[n % companies.length]!;
      const paymentId = `${label}-${n}`;
      const event = toNewEvent(
        {
          type: 'PaymentRecorded',
          data: {
            payment_id: paymentId,
            customer_id: `load-${n % 7}`,
            payment_date: `2021-0${3 + (n % 4)}-0${1 + (n % 9)}`,
            amount: `${10 + (n % 90)}.${String(n % 100).padStart(2, '0')}`,
            source: 'api',
          },
        },
        { companyId: company, actor: 'load' },
      );
      await store.append(paymentStreamId(company, paymentId), [event], { kind: 'no-stream' });
      written += 1;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  })();
  return {
    stop: async () => {
      stopping = true;
      await running;
      return written;
    },
  };
}

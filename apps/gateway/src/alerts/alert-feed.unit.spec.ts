import { type Alert, type AlertLogId, type PublishedAlert, type RetainedAlert } from '@cvf/cache';
import { AlertFeed, type AlertLogReader } from './alert-feed';
import { EVERY_COMPANY } from './alert-listeners';
import { SseStream } from './sse-stream';

/** The log as a list: ids `<n>-0` in append order. */
class FakeLog implements AlertLogReader {
  readonly entries: RetainedAlert[] = [];
  failing = false;
  reads = 0;

  append(alert: Alert): RetainedAlert {
    const retained = { ...alert, log_id: `${this.entries.length + 1}-0` };
    this.entries.push(retained);
    return retained;
  }
  newest(): Promise<AlertLogId> {
    return this.failing
      ? Promise.reject(new Error('redis away'))
      : Promise.resolve(this.entries.at(-1)?.log_id ?? '0-0');
  }
  readAfter(after: AlertLogId, count: number) {
    this.reads += 1;
    if (this.failing) return Promise.reject(new Error('redis away'));
    const later = this.entries.filter(
      (e) => Number(e.log_id.split('-')[0]) > Number(after.split('-')[0]),
    );
    const page = later.slice(0, count);
    return Promise.resolve({ alerts: page, last: page.at(-1)?.log_id ?? null });
  }
}

const breach = (company: string, period: number): Alert => ({
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
  detected_at: '2020-05-01T00:00:00.000Z',
});

/** A feed writing to an in-memory response; `blocks` are what the client read, as lines. */
function open(log: FakeLog, scope: string | typeof EVERY_COMPANY, after: AlertLogId | null) {
  const chunks: string[] = [];
  const sink = {
    writableLength: 0,
    ended: false,
    write: (chunk: string) => chunks.push(chunk) > 0,
    end: () => (sink.ended = true),
    once: () => undefined,
  };
  const failures: unknown[] = [];
  const feed = new AlertFeed(log, scope, (error) => failures.push(error));
  const stream = new SseStream(sink, () => undefined, 60_000);
  return {
    feed,
    failures,
    sink,
    start: () => feed.open(stream, after),
    /** Each block as `id`/`event`/comment, e.g. `3-0 ThresholdBreached acme`, `id 3-0`. */
    blocks: async () => {
      await new Promise((resolve) => setImmediate(resolve));
      return chunks.map((chunk) => {
        const id = /^id: (.*)$/m.exec(chunk)?.[1];
        const data = /^data: (.*)$/m.exec(chunk)?.[1];
        if (data !== undefined) {
          const alert = JSON.parse(data) as PublishedAlert;
          return `${id ?? '-'} ${alert.type} ${alert.company_id}`;
        }
        if (id !== undefined) return `id ${id}`;
        return chunk.trim();
      });
    },
    close: () => stream.close(),
  };
}

describe('AlertFeed', () => {
  it('given no Last-Event-ID, then only alerts logged from now on, after an id to resume from', async () => {
    const log = new FakeLog();
    const before = log.append(breach('acme', 1));
    const client = open(log, 'acme', null);
    client.start();
    client.feed.live(before); // logged before the stream began: its nudge came late
    client.feed.live(log.append(breach('acme', 2)));
    expect(await client.blocks()).toEqual(['id 1-0', '2-0 ThresholdBreached acme']);
    client.close();
  });

  it('given a Last-Event-ID, then the missed alerts of the company in order, then live ones, each once', async () => {
    const log = new FakeLog();
    log.append(breach('acme', 1));
    log.append(breach('acme', 2));
    const other = log.append(breach('other', 1));
    const missed = log.append(breach('acme', 3));
    const client = open(log, 'acme', '1-0');
    // Live alerts heard before the resend ran: they wait for it, and are not sent twice.
    client.feed.live(missed);
    client.start();
    client.feed.live(other);
    client.feed.live(log.append(breach('acme', 4)));
    expect(await client.blocks()).toEqual([
      ': resending the alerts after 1-0',
      '2-0 ThresholdBreached acme',
      '4-0 ThresholdBreached acme',
      '5-0 ThresholdBreached acme',
    ]);
    client.close();
  });

  it('given live alerts out of log order (two partitions), then they are sent in log order', async () => {
    const log = new FakeLog();
    const client = open(log, EVERY_COMPANY, null);
    client.start();
    await client.blocks();
    const first = log.append(breach('north', 1));
    const second = log.append(breach('south', 1));
    client.feed.live(second);
    client.feed.live(first);
    expect(await client.blocks()).toEqual([
      'id 0-0',
      '1-0 ThresholdBreached north',
      '2-0 ThresholdBreached south',
    ]);
    client.close();
  });

  it('given entries of other companies last, then the id to resume from moves past them', async () => {
    const log = new FakeLog();
    log.append(breach('acme', 1));
    log.append(breach('other', 1));
    const client = open(log, 'acme', '0-0');
    client.start();
    expect(await client.blocks()).toEqual([
      ': resending the alerts after 0-0',
      '1-0 ThresholdBreached acme',
      'id 2-0',
    ]);
    client.close();
  });

  it('given an id after the newest (a flushed log), then every alert kept is resent', async () => {
    const log = new FakeLog();
    log.append(breach('acme', 1));
    const client = open(log, 'acme', '99-0');
    client.start();
    expect(await client.blocks()).toEqual([
      ': 99-0 is not in the alert log: resending every alert it keeps',
      '1-0 ThresholdBreached acme',
    ]);
    client.close();
  });

  it('given a live alert that was never retained, then it is sent as it came, without an id', async () => {
    const log = new FakeLog();
    const client = open(log, 'acme', null);
    client.start();
    client.feed.live(breach('acme', 1));
    expect(await client.blocks()).toEqual(['id 0-0', '- ThresholdBreached acme']);
    client.close();
  });

  it('given the log unreadable, then the stream ends (the client resumes from its id)', async () => {
    const log = new FakeLog();
    log.failing = true;
    const client = open(log, 'acme', '1-0');
    client.start();
    client.feed.live({ ...breach('acme', 1), log_id: '2-0' });
    expect(await client.blocks()).toEqual([
      ': the alert log could not be read: reconnect to resume',
    ]);
    expect([client.sink.ended, client.failures.length]).toEqual([true, 1]);
  });

  it('given a burst of nudges, then the log is read once per catch-up, not per alert', async () => {
    const log = new FakeLog();
    const client = open(log, 'acme', null);
    client.start();
    await client.blocks();
    const burst = [1, 2, 3, 4].map((period) => log.append(breach('acme', period)));
    for (const alert of burst) client.feed.live(alert);
    expect((await client.blocks()).slice(1)).toHaveLength(4);
    expect(log.reads).toBe(2); // the page, then the empty read that ends it
    client.close();
  });
});

import { randomUUID } from 'node:crypto';
import type { LogPosition, NewEvent, RecordedEvent } from '../../event-store.port';
import { comparePositions, positionOf } from '../../log-position';
import type { StoreAccessor } from './store-accessor';
import { aStreamId, anEvent, eventually, rejectionOf } from '../fixtures';

/** An event of `companyId`; ids are unique per test, so nobody else's events count. */
const eventOf = (companyId: string): NewEvent =>
  anEvent({ metadata: { ...anEvent().metadata, companyId } });

export function readCompanyLogContract(store: StoreAccessor): void {
  /**
   * Writes events of one company into its own stream and a second stream, with another
   * company's event in between; returns them in append (log) order.
   */
  const aCompanyHistory = async (): Promise<{ companyId: string; written: NewEvent[] }> => {
    const companyId = `company-${randomUUID()}`;
    const [company, payment] = [aStreamId('company'), aStreamId('payment')];
    const written = [eventOf(companyId), eventOf(companyId), eventOf(companyId)];
    await store().append(company, [written[0]!], { kind: 'no-stream' });
    await store().append(aStreamId('other'), [eventOf(`other-${companyId}`)], {
      kind: 'no-stream',
    });
    await store().append(payment, [written[1]!], { kind: 'no-stream' });
    const last = await store().append(company, [written[2]!], { kind: 'exact', version: 1 });
    // On a shared server any open transaction holds visibility back: wait, bounded.
    await eventually('the history is visible', () => store().isVisible(last.position));
    return { companyId, written };
  };

  /** Every page in `direction`, `maxCount` at a time, each continued from the last event. */
  const readAllPages = async (
    companyId: string,
    direction: 'forwards' | 'backwards',
    maxCount: number,
  ): Promise<RecordedEvent[][]> => {
    const pages: RecordedEvent[][] = [];
    let after: LogPosition | null = null;
    for (;;) {
      const page = await store().readCompanyLog(companyId, { after, direction, maxCount });
      pages.push([...page.events]);
      const last = page.events.at(-1);
      if (!page.more || !last) return pages;
      after = positionOf(last);
    }
  };

  it('reads every event of the company across its streams, in log order, and no other', async () => {
    const { companyId, written } = await aCompanyHistory();

    const page = await store().readCompanyLog(companyId, {
      after: null,
      direction: 'forwards',
      maxCount: 10,
    });
    expect(page.events.map((e) => e.eventId)).toEqual(written.map((e) => e.eventId));
    expect(page.events[0]).toMatchObject({ ...written[0], streamVersion: 1 });
    expect(page.more).toBe(false);
    for (let i = 1; i < page.events.length; i++) {
      const order = comparePositions(positionOf(page.events[i - 1]!), positionOf(page.events[i]!));
      expect(order).toBeLessThan(0);
    }
    // The horizon is of the whole log: at least the company's last event.
    expect(comparePositions(page.visibleUpTo, positionOf(page.events[2]!))).toBeGreaterThanOrEqual(
      0,
    );
  });

  it('pages forwards and backwards from a position without repeating or skipping', async () => {
    const { companyId, written } = await aCompanyHistory();
    const ids = written.map((e) => e.eventId);

    const forwards = await readAllPages(companyId, 'forwards', 2);
    expect(forwards.map((page) => page.length)).toEqual([2, 1]);
    expect(forwards.flat().map((e) => e.eventId)).toEqual(ids);

    const backwards = await readAllPages(companyId, 'backwards', 2);
    expect(backwards.map((page) => page.length)).toEqual([2, 1]);
    expect(backwards.flat().map((e) => e.eventId)).toEqual([...ids].reverse());

    // A full page with nothing beyond it says so.
    const exact = await store().readCompanyLog(companyId, {
      after: null,
      direction: 'backwards',
      maxCount: 3,
    });
    expect(exact.events).toHaveLength(3);
    expect(exact.more).toBe(false);
  });

  it('reads nothing of a company without events, and still says how far the log is visible', async () => {
    await aCompanyHistory(); // the log is not empty
    const page = await store().readCompanyLog(`nobody-${randomUUID()}`, {
      after: null,
      direction: 'forwards',
      maxCount: 5,
    });
    expect(page).toMatchObject({ events: [], more: false });
    expect(page.visibleUpTo).not.toBeNull();
  });

  it('says a position is visible once its write has committed, and not before', async () => {
    const { position } = await store().append(aStreamId(), [anEvent()], { kind: 'no-stream' });
    await eventually('the append is visible', () => store().isVisible(position));
    const future = { transactionId: '9223372036854775807', globalPosition: '1' };
    expect(await store().isVisible(future)).toBe(false);
  });

  it('puts the head at or after every append that has returned', async () => {
    const first = await store().append(aStreamId(), [anEvent()], { kind: 'no-stream' });
    const head = await store().headPosition();
    expect(comparePositions(head, first.position)).toBeGreaterThanOrEqual(0);
    const second = await store().append(aStreamId(), [anEvent()], { kind: 'no-stream' });
    expect(comparePositions(await store().headPosition(), second.position)).toBeGreaterThanOrEqual(
      0,
    );
  });

  it('refuses a page size that is not a positive integer', async () => {
    for (const maxCount of [0, -1, 1.5]) {
      const error = await rejectionOf(
        store().readCompanyLog('company-1', { after: null, direction: 'forwards', maxCount }),
      );
      expect(error).toBeInstanceOf(RangeError);
    }
  });
}

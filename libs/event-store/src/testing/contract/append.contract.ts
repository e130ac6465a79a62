import { DuplicateEventIdError, WrongExpectedVersionError } from '../../errors';
import type { StoreAccessor } from './store-accessor';
import { aStreamId, anEvent, rejectionOf, someEvents } from '../fixtures';

export function appendContract(store: StoreAccessor): void {
  it('starts a stream at version 1 and counts versions up', async () => {
    const streamId = aStreamId();
    const result = await store().append(streamId, someEvents(3), { kind: 'no-stream' });

    expect(result).toMatchObject({ appended: 3, nextExpectedVersion: 3 });
    const stored = await store().readStream(streamId);
    expect(stored.map((e) => e.streamVersion)).toEqual([1, 2, 3]);
  });

  it('appends with the exact current version and hands back the next one', async () => {
    const streamId = aStreamId();
    const first = await store().append(streamId, someEvents(2), { kind: 'no-stream' });
    const second = await store().append(streamId, someEvents(1), {
      kind: 'exact',
      version: first.nextExpectedVersion,
    });

    expect(second).toMatchObject({ appended: 1, nextExpectedVersion: 3 });
  });

  it('treats exact version 0 as "the stream does not exist"', async () => {
    const streamId = aStreamId();
    await store().append(streamId, someEvents(1), { kind: 'exact', version: 0 });

    const error = await rejectionOf(
      store().append(streamId, someEvents(1), { kind: 'exact', version: 0 }),
    );
    expect(error).toBeInstanceOf(WrongExpectedVersionError);
  });

  it('rejects a stale exact version, naming stream, expectation and actual version', async () => {
    const streamId = aStreamId();
    await store().append(streamId, someEvents(2), { kind: 'no-stream' });

    const error = await rejectionOf(
      store().append(streamId, someEvents(1), { kind: 'exact', version: 1 }),
    );
    expect(error).toBeInstanceOf(WrongExpectedVersionError);
    expect(error).toMatchObject({
      streamId,
      expected: { kind: 'exact', version: 1 },
      actualVersion: 2,
      streamAlreadyExists: false,
    });
    expect(await store().readStream(streamId)).toHaveLength(2);
  });

  it('rejects an exact version on a stream that does not exist, with actual version 0', async () => {
    const error = await rejectionOf(
      store().append(aStreamId(), someEvents(1), { kind: 'exact', version: 4 }),
    );
    expect(error).toMatchObject({ actualVersion: 0 });
  });

  it('rejects "no-stream" when the stream exists', async () => {
    const streamId = aStreamId();
    await store().append(streamId, someEvents(1), { kind: 'no-stream' });

    const error = await rejectionOf(store().append(streamId, someEvents(1), { kind: 'no-stream' }));
    expect(error).toBeInstanceOf(WrongExpectedVersionError);
    expect(error).toMatchObject({ actualVersion: 1, streamAlreadyExists: true });
  });

  it('appends with "any" to new and existing streams', async () => {
    const streamId = aStreamId();
    await store().append(streamId, someEvents(1), { kind: 'any' });
    const result = await store().append(streamId, someEvents(2), { kind: 'any' });

    expect(result).toMatchObject({ appended: 2, nextExpectedVersion: 3 });
  });

  it('lets exactly one of several writers with the same expected version win', async () => {
    const streamId = aStreamId();
    await store().append(streamId, someEvents(1), { kind: 'no-stream' });

    const attempts = await Promise.allSettled(
      Array.from({ length: 5 }, () =>
        store().append(streamId, someEvents(1), { kind: 'exact', version: 1 }),
      ),
    );
    expect(attempts.filter((a) => a.status === 'fulfilled')).toHaveLength(1);
    for (const attempt of attempts) {
      if (attempt.status === 'rejected') {
        expect(attempt.reason).toBeInstanceOf(WrongExpectedVersionError);
      }
    }
    expect(await store().readStream(streamId)).toHaveLength(2);
  });

  describe('idempotent re-delivery (same event ids)', () => {
    it('is a no-op reporting the stored position and current version', async () => {
      const streamId = aStreamId();
      const events = someEvents(2);
      const first = await store().append(streamId, events, { kind: 'no-stream' });
      const again = await store().append(streamId, events, { kind: 'no-stream' });

      expect(again).toEqual({ appended: 0, nextExpectedVersion: 2, position: first.position });
      expect(await store().readStream(streamId)).toHaveLength(2);
    });

    it('succeeds even when the stream has moved past the expected version', async () => {
      const streamId = aStreamId();
      const recorded = anEvent();
      const first = await store().append(streamId, [recorded], { kind: 'no-stream' });
      await store().append(streamId, someEvents(2), { kind: 'exact', version: 1 });

      const again = await store().append(streamId, [recorded], { kind: 'no-stream' });
      expect(again).toEqual({ appended: 0, nextExpectedVersion: 3, position: first.position });
    });

    it('appends only the new events of a partly stored batch, checking the expectation', async () => {
      const streamId = aStreamId();
      const [stored, fresh] = [anEvent(), anEvent()];
      await store().append(streamId, [stored], { kind: 'no-stream' });

      const stale = await rejectionOf(
        store().append(streamId, [stored, fresh], { kind: 'no-stream' }),
      );
      expect(stale).toBeInstanceOf(WrongExpectedVersionError);

      const result = await store().append(streamId, [stored, fresh], { kind: 'exact', version: 1 });
      expect(result).toMatchObject({ appended: 1, nextExpectedVersion: 2 });
      const ids = (await store().readStream(streamId)).map((e) => e.eventId);
      expect(ids).toEqual([stored.eventId, fresh.eventId]);
    });

    it('refuses an event id already stored in another stream', async () => {
      const event = anEvent();
      await store().append(aStreamId(), [event], { kind: 'no-stream' });
      const otherStream = aStreamId();

      for (const expected of [{ kind: 'no-stream' }, { kind: 'any' }] as const) {
        const error = await rejectionOf(store().append(otherStream, [event], expected));
        expect(error).toBeInstanceOf(DuplicateEventIdError);
      }
      expect(await store().readStream(otherStream)).toHaveLength(0);
    });

    it('refuses the same event id twice in one call', async () => {
      const event = anEvent();
      const error = await rejectionOf(
        store().append(aStreamId(), [event, event], { kind: 'no-stream' }),
      );
      expect(error).toBeInstanceOf(DuplicateEventIdError);
    });
  });
}

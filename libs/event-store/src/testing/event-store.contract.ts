import type { EventStore } from '../event-store.port';
import { appendContract } from './contract/append.contract';
import { appendManyContract } from './contract/append-many.contract';
import { importNewStreamsContract } from './contract/import-new-streams.contract';
import { readContract } from './contract/read.contract';
import { readCompanyLogContract } from './contract/read-company-log.contract';
import type { StoreAccessor } from './contract/store-accessor';
import { subscribeContract } from './contract/subscribe.contract';

export interface EventStoreUnderTest {
  readonly store: EventStore;
  /** Releases whatever the factory set up (connections, databases). */
  dispose(): Promise<void>;
}

/**
 * The behaviour every EventStore adapter must show, written once. Call it from an adapter's
 * spec file; the factory runs once for the whole suite, and tests keep to their own streams
 * (and to log positions after the ones they found), so they never depend on each other.
 */
export function eventStoreContract(
  name: string,
  factory: () => Promise<EventStoreUnderTest>,
): void {
  describe(`${name}: EventStore contract`, () => {
    let underTest: EventStoreUnderTest | undefined;
    const store: StoreAccessor = () => {
      if (!underTest) throw new Error('the store factory has not run');
      return underTest.store;
    };

    beforeAll(async () => {
      underTest = await factory();
    });
    afterAll(async () => {
      await underTest?.dispose();
    });

    describe('append', () => appendContract(store));
    describe('readStream and readAll', () => readContract(store));
    describe('readCompanyLog, isVisible and headPosition', () => readCompanyLogContract(store));
    describe('appendMany', () => appendManyContract(store));
    describe('importNewStreams', () => importNewStreamsContract(store));
    describe('subscribe', () => subscribeContract(store));
  });
}

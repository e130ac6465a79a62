import { EVENT_STORE, type EventStore } from '@cvf/event-store';
import { holdProjection, type ProjectionHold } from '@cvf/read-model/testing';
import { sleep } from './freshness/polling';
import { call, type Reply, withMin, write } from './testing/gateway-http';
import { type GatewayTestApp, startGatewayTestApp } from './testing/gateway-test-app';

/**
 * Reads see the caller's own writes without min_position: a read that finds nothing waits
 * (bounded, READ_OWN_WRITES_WAIT_MS) until the projection has passed the log's head, then
 * looks again. The race is made certain by holding the projection back (the lock its every
 * batch takes) while the write is made, and letting it go while the read waits.
 */
const WAIT_MS = 1_000;
/** How long the projection stays held once the read has started. */
const HELD_MS = 300;

let stack: GatewayTestApp;
let store: EventStore;

beforeAll(async () => {
  stack = await startGatewayTestApp('gateway_own_writes', {
    env: { READ_OWN_WRITES_WAIT_MS: String(WAIT_MS) },
  });
  store = stack.app.get<EventStore>(EVENT_STORE);
}, 30_000);
afterAll(() => stack?.close());

/** Runs `body` while the projection is held; it goes on once `body` lets it go, or after. */
async function whileHeld<T>(body: (hold: ProjectionHold) => Promise<T>): Promise<T> {
  const hold = await holdProjection(stack.database.url, stack.cache.readModelSchema);
  try {
    return await body(hold);
  } finally {
    await hold.release();
  }
}

/** The answer to GET `url`, with the projection let go `HELD_MS` after the request went out. */
async function readWhileReleasing(hold: ProjectionHold, url: string) {
  const started = Date.now();
  const [reply] = await Promise.all([
    call(stack.app, 'GET', url),
    sleep(HELD_MS).then(() => hold.release()),
  ]);
  return { reply, tookMs: Date.now() - started };
}

async function timed(url: string): Promise<{ reply: Reply; tookMs: number }> {
  const started = Date.now();
  const reply = await call(stack.app, 'GET', url);
  return { reply, tookMs: Date.now() - started };
}

const register = (id: string) => write(stack.app, 'POST', '/companies', { id, name: `Co ${id}` });

describe('without min_position, a read of what the caller has just written', () => {
  it('given POST /companies while it is not projected yet, then GET /companies/{id} waits for it and answers 200', async () => {
    await whileHeld(async (hold) => {
      await register('fresh');
      // The race is real: a list, which has no 404 to avoid, answers at once without it.
      const list = await call<{ data: { id: string }[] }>(stack.app, 'GET', '/companies');
      expect(list.status).toBe(200);
      expect(list.body.data.map((c) => c.id)).not.toContain('fresh');

      const { reply, tookMs } = await readWhileReleasing(hold, '/companies/fresh');
      expect(reply.status).toBe(200);
      expect(reply.body).toMatchObject({ id: 'fresh', name: 'Co fresh' });
      expect(tookMs).toBeGreaterThanOrEqual(HELD_MS);
    });
  });

  it('given a company just registered, then its terms, payments and cached cashflows are 200 too', async () => {
    for (const url of ['trades', 'payments', 'cashflows', 'metrics']) {
      await whileHeld(async (hold) => {
        await register(`fresh-${url}`);
        const { reply } = await readWhileReleasing(hold, `/companies/fresh-${url}/${url}`);
        expect({ url, status: reply.status }).toEqual({ url, status: 200 });
      });
    }
  });

  it('given a known company and assumptions just set, then the predicted view of the scenario is 200', async () => {
    const at = await register('forecast');
    // Projected and cached: only the scenario is new.
    expect((await call(stack.app, 'GET', withMin('/companies/forecast', at))).status).toBe(200);
    await whileHeld(async (hold) => {
      await write(stack.app, 'PUT', '/companies/forecast/predictions/WORST', {
        m0: '0.2',
        churn: '0.3',
      });
      const { reply } = await readWhileReleasing(
        hold,
        '/companies/forecast/cashflows/predicted?scenario=WORST',
      );
      expect(reply.status).toBe(200);
    });
  });
});

describe('a read of what does not exist', () => {
  it('given the projection is caught up, then an unknown company is 404 at once, whatever the route', async () => {
    const at = await register('known');
    expect((await call(stack.app, 'GET', withMin('/companies/known', at))).status).toBe(200);
    for (const url of [
      '/companies/nobody',
      '/companies/nobody/trades',
      '/companies/nobody/cashflows',
    ]) {
      const { reply, tookMs } = await timed(url);
      expect({ url, status: reply.status }).toEqual({ url, status: 404 });
      expect(tookMs).toBeLessThan(WAIT_MS / 2);
    }
  });

  it('given the projection lags behind a write, then an unknown company is 404 once the wait runs out', async () => {
    await whileHeld(async () => {
      await register('pending');
      const { reply, tookMs } = await timed('/companies/nobody');
      expect(reply.status).toBe(404);
      expect(tookMs).toBeGreaterThanOrEqual(WAIT_MS);
      expect(tookMs).toBeLessThan(WAIT_MS + 1_000);
    });
  });

  it('given a scenario without assumptions, then its predicted view is 404 at once', async () => {
    const at = await register('no-forecast');
    expect((await call(stack.app, 'GET', withMin('/companies/no-forecast', at))).status).toBe(200);
    const { reply, tookMs } = await timed('/companies/no-forecast/cashflows/predicted');
    expect(reply.status).toBe(404);
    expect(tookMs).toBeLessThan(WAIT_MS / 2);
  });
});

describe('min_position', () => {
  it('given the position of a write not projected yet, then the read waits for it and answers 200', async () => {
    await whileHeld(async (hold) => {
      const at = await register('explicit');
      const { reply, tookMs } = await readWhileReleasing(hold, withMin('/companies/explicit', at));
      expect(reply.status).toBe(200);
      expect(tookMs).toBeGreaterThanOrEqual(HELD_MS);
    });
  });

  it('given a position already reached, then an unknown company is 404 at once, not after the log’s head', async () => {
    const at = await register('reached');
    expect((await call(stack.app, 'GET', withMin('/companies/reached', at))).status).toBe(200);
    await whileHeld(async () => {
      await register('behind');
      const { reply, tookMs } = await timed(withMin('/companies/nobody', at));
      expect(reply.status).toBe(404);
      expect(tookMs).toBeLessThan(WAIT_MS / 2);
    });
  });
});

describe('the hot path', () => {
  it('given reads that find their data, then none looks at the log; a miss looks once', async () => {
    const at = await register('hot');
    expect((await call(stack.app, 'GET', withMin('/companies/hot/cashflows', at))).status).toBe(
      200,
    );
    const head = jest.spyOn(store, 'headPosition');
    try {
      for (const url of ['/companies/hot', '/companies/hot/trades', '/companies/hot/cashflows']) {
        expect((await call(stack.app, 'GET', url)).status).toBe(200);
      }
      expect(head).not.toHaveBeenCalled();
      expect((await call(stack.app, 'GET', '/companies/nobody')).status).toBe(404);
      expect(head).toHaveBeenCalledTimes(1);
    } finally {
      head.mockRestore();
    }
  });
});

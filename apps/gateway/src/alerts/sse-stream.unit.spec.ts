import { SseStream, type SseSink } from './sse-stream';

type FakeSink = SseSink & {
  chunks: string[];
  ended: boolean;
  writableLength: number;
  drain(): void;
};

function sink(): FakeSink {
  const drains: (() => void)[] = [];
  const out = {
    chunks: [] as string[],
    ended: false,
    writableLength: 0,
    write(chunk: string) {
      out.chunks.push(chunk);
      return true;
    },
    end() {
      out.ended = true;
    },
    once(_event: 'drain', listener: () => void) {
      drains.push(listener);
    },
    drain() {
      out.writableLength = 0;
      for (const listener of drains.splice(0)) listener();
    },
  };
  return out;
}

describe('SseStream', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('frames an event with id, event and one data line', () => {
    const out = sink();
    const stream = new SseStream(out);
    stream.event({ id: 'breach:a:2020-01-01:1', event: 'ThresholdBreached', data: { x: 'a\nb' } });
    expect(out.chunks).toEqual([
      'id: breach:a:2020-01-01:1\nevent: ThresholdBreached\ndata: {"x":"a\\nb"}\n\n',
    ]);
    stream.close();
  });

  it('frames an event without an id, and an id alone (where a reconnect resumes)', () => {
    const out = sink();
    const stream = new SseStream(out);
    stream.event({ event: 'DeliveryRejected', data: 1 });
    stream.id('1767225600000-0');
    expect(out.chunks).toEqual(['event: DeliveryRejected\ndata: 1\n\n', 'id: 1767225600000-0\n\n']);
    stream.close();
  });

  it('lets a writer wait while the client is behind, until it drains or the stream closes', async () => {
    const out = sink();
    const stream = new SseStream(out);
    await stream.drained(); // nothing buffered: at once
    out.writableLength = 100 * 1024;
    let drained = false;
    const waiting = stream.drained().then(() => (drained = true));
    await Promise.resolve();
    expect(drained).toBe(false);
    out.drain();
    await waiting;
    out.writableLength = 100 * 1024;
    const closing = stream.drained();
    stream.close();
    await closing;
  });

  it('keeps line breaks out of fields, so no field can pose as another', () => {
    const out = sink();
    const stream = new SseStream(out);
    stream.event({ id: 'a\r\nevent: Fake', event: 'X\ndata: y', data: 1 });
    expect(out.chunks[0]).toBe('id: a  event: Fake\nevent: X data: y\ndata: 1\n\n');
    stream.close();
  });

  it('sends a heartbeat comment every interval until closed, and closes once', () => {
    const out = sink();
    const onClose = jest.fn();
    const stream = new SseStream(out, onClose, 15_000);
    jest.advanceTimersByTime(45_000);
    expect(out.chunks).toEqual([': heartbeat\n\n', ': heartbeat\n\n', ': heartbeat\n\n']);
    stream.close();
    stream.close();
    jest.advanceTimersByTime(45_000);
    expect(out.chunks).toHaveLength(3);
    expect([out.ended, onClose.mock.calls.length, stream.isClosed]).toEqual([true, 1, true]);
  });

  it('drops a client that reads nothing rather than buffering for it', () => {
    const out = sink();
    const onClose = jest.fn();
    const stream = new SseStream(out, onClose);
    out.writableLength = 2 * 1024 * 1024;
    stream.comment('hello');
    expect([out.chunks.length, out.ended, onClose.mock.calls.length]).toEqual([0, true, 1]);
  });
});

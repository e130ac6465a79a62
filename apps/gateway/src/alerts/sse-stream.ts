/** Where an SSE stream writes: the raw HTTP response (node's ServerResponse). */
export interface SseSink {
  write(chunk: string): boolean;
  end(): void;
  once(event: 'drain', listener: () => void): unknown;
  readonly writableLength: number;
}

export const HEARTBEAT_MS = 15_000;
/** A client that reads nothing while this much piles up is dropped, not buffered for. */
const MAX_BUFFERED_BYTES = 1024 * 1024;
/** Past this much unsent, a writer with more to send waits for the client (`drained`). */
const PAUSE_BUFFERED_BYTES = 64 * 1024;

// A line break inside a field would end it early and let the rest pose as other fields.
const oneLine = (text: string): string => text.replace(/[\r\n]/g, ' ');

/**
 * Server-Sent Events framing (the WHATWG event-stream format) with a heartbeat comment,
 * so proxies and clients see traffic on a quiet stream and a dead peer is noticed.
 */
export class SseStream {
  private readonly heartbeat: NodeJS.Timeout;
  private closed = false;
  private readonly waiting = new Set<() => void>();

  constructor(
    private readonly sink: SseSink,
    private readonly onClose: () => void = () => undefined,
    heartbeatMs: number = HEARTBEAT_MS,
  ) {
    this.heartbeat = setInterval(() => this.comment('heartbeat'), heartbeatMs);
  }

  /** How long a client waits before reconnecting after the stream drops. */
  retry(ms: number): void {
    this.write(`retry: ${ms}\n\n`);
  }

  comment(text: string): void {
    this.write(`: ${oneLine(text)}\n\n`);
  }

  /**
   * `id` lets a reconnecting client say what it saw (Last-Event-ID). Without one the client
   * keeps the id it had.
   */
  event(message: { id?: string; event: string; data: unknown }): void {
    const id = message.id === undefined ? '' : `id: ${oneLine(message.id)}\n`;
    this.write(`${id}event: ${oneLine(message.event)}\ndata: ${JSON.stringify(message.data)}\n\n`);
  }

  /**
   * An id alone, no event: the client's last event id becomes it (the event-stream format
   * sets it before it drops a block without data), so a reconnect resumes after it.
   */
  id(id: string): void {
    this.write(`id: ${oneLine(id)}\n\n`);
  }

  /** Resolves once the client has read most of what was written (or the stream closed). */
  async drained(): Promise<void> {
    if (this.closed || this.sink.writableLength <= PAUSE_BUFFERED_BYTES) return;
    await new Promise<void>((resolve) => {
      this.waiting.add(resolve);
      this.sink.once('drain', () => {
        this.waiting.delete(resolve);
        resolve();
      });
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Idempotent: stops the heartbeat, ends the response, tells the owner once. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    for (const resolve of this.waiting) resolve();
    this.waiting.clear();
    this.sink.end();
    this.onClose();
  }

  private write(chunk: string): void {
    if (this.closed) return;
    if (this.sink.writableLength > MAX_BUFFERED_BYTES) {
      this.close();
      return;
    }
    this.sink.write(chunk);
  }
}

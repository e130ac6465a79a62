/** Reads an SSE response until `until` matches the text so far (or the time runs out). */
export async function readUntil(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  until: RegExp,
  timeoutMs = 10_000,
): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  const deadline = Date.now() + timeoutMs;
  while (!until.test(text)) {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no ${String(until)} in:\n${text}`)),
        deadline - Date.now(),
      );
    });
    try {
      const chunk = await Promise.race([reader.read(), timeout]);
      if (chunk.done) throw new Error(`stream ended before ${String(until)}:\n${text}`);
      text += decoder.decode(chunk.value, { stream: true });
    } finally {
      clearTimeout(timer);
    }
  }
  return text;
}

/** One event of a stream as a client sees it (`id` undefined: the event carried none). */
export interface SseEvent {
  readonly id: string | undefined;
  readonly event: string;
  readonly data: unknown;
}

/**
 * An SSE response read as it comes, kept whole: `events` and `lastEventId` (what an
 * EventSource would send as Last-Event-ID on reconnecting) are parsed from every complete
 * block so far.
 */
export class SseTranscript {
  text = '';
  private readonly decoder = new TextDecoder();

  constructor(
    readonly response: Response,
    private readonly aborter: AbortController,
  ) {}

  /** Opens `url` (status checked by the caller). */
  static async open(url: string, headers: Record<string, string> = {}): Promise<SseTranscript> {
    const aborter = new AbortController();
    const response = await fetch(url, { headers, signal: aborter.signal });
    return new SseTranscript(response, aborter);
  }

  /** Reads until `done` holds for the transcript (or the time runs out). */
  async until(done: (transcript: this) => boolean, timeoutMs = 10_000): Promise<this> {
    const reader = this.reader();
    const deadline = Date.now() + timeoutMs;
    while (!done(this)) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`not there in time; read so far:\n${this.text}`)),
          Math.max(0, deadline - Date.now()),
        );
      });
      try {
        const chunk = await Promise.race([reader.read(), timeout]);
        if (chunk.done) throw new Error(`stream ended; read:\n${this.text}`);
        this.text += this.decoder.decode(chunk.value, { stream: true });
      } finally {
        clearTimeout(timer);
      }
    }
    return this;
  }

  /** Until the stream holds `count` events. */
  untilEvents(count: number, timeoutMs?: number): Promise<this> {
    return this.until((t) => t.events().length >= count, timeoutMs);
  }

  events(): SseEvent[] {
    return this.blocks().flatMap((lines) => {
      const data = lines.find((line) => line.startsWith('data: '));
      if (data === undefined) return [];
      const field = (name: string) =>
        lines.find((line) => line.startsWith(`${name}: `))?.slice(name.length + 2);
      const event: SseEvent = {
        id: field('id'),
        event: field('event') ?? 'message',
        data: JSON.parse(data.slice(6)) as unknown,
      };
      return [event];
    });
  }

  get lastEventId(): string | undefined {
    let last: string | undefined;
    for (const lines of this.blocks()) {
      for (const line of lines) if (line.startsWith('id: ')) last = line.slice(4);
    }
    return last;
  }

  close(): Promise<void> {
    this.aborter.abort();
    return this.reader()
      .cancel()
      .catch(() => undefined);
  }

  private blocks(): string[][] {
    const complete = this.text.slice(0, this.text.lastIndexOf('\n\n') + 2);
    return complete
      .split('\n\n')
      .filter((block) => block !== '')
      .map((block) => block.split('\n'));
  }

  private cached: ReadableStreamDefaultReader<Uint8Array> | null = null;
  private reader(): ReadableStreamDefaultReader<Uint8Array> {
    this.cached ??= this.response.body!.getReader();
    return this.cached;
  }
}

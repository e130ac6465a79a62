import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  decodePosition,
  PostgresEventStore,
  type LogPosition,
  type RecordedEvent,
} from '@cvf/event-store';
import { Pool } from 'pg';
import { assertAnswerInContract } from '@cvf/platform/testing';

/** One answer of the ingest API, its JSON body parsed. */
export interface HttpReply {
  readonly status: number;
  readonly body: Readonly<Record<string, unknown>>;
  readonly headers: Readonly<Record<string, string | string[] | number | undefined>>;
}

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/**
 * Sends a request through Fastify's `inject`: real routing, parsing, validation, filters.
 * Fails when the answer breaks the app's OpenAPI document (the test apps check every answer).
 */
export async function send(
  app: NestFastifyApplication,
  method: Method,
  url: string,
  payload?: string | object,
  headers: Readonly<Record<string, string>> = {},
): Promise<HttpReply> {
  const response = await app.inject({ method, url, payload, headers });
  assertAnswerInContract(app, response.headers['x-request-id']);
  return {
    status: response.statusCode,
    body: response.json<Record<string, unknown>>(),
    headers: response.headers,
  };
}

/** What a test asserts about an event: its type and payload (metadata checked separately). */
export interface Fact {
  readonly type: string;
  readonly data: unknown;
}

export const factOf = (event: RecordedEvent): Fact => ({ type: event.type, data: event.data });

/**
 * The test's own view of the event log, through the event store port on the test database
 * (a separate pool: what the app wrote is read back as any other reader would).
 */
export class EventLog {
  private readonly pool: Pool;
  readonly store: PostgresEventStore;

  constructor(databaseUrl: string) {
    this.pool = new Pool({ connectionString: databaseUrl, max: 2 });
    this.store = new PostgresEventStore(this.pool);
  }

  readStream(streamId: string): Promise<readonly RecordedEvent[]> {
    return this.store.readStream(streamId);
  }

  async facts(streamId: string): Promise<readonly Fact[]> {
    return (await this.readStream(streamId)).map(factOf);
  }

  async close(): Promise<void> {
    await this.store.close();
    await this.pool.end();
  }
}

/** An encoded log position, "<transaction>:<global position>". */
export const POSITION = /^\d+:\d+$/;

/** The body every successful write answers with (ids such as payment_id come on top). */
export function writeResult(streamId: string, streamVersion: number, eventsAppended: number) {
  return {
    stream_id: streamId,
    stream_version: streamVersion,
    position: expect.stringMatching(POSITION) as unknown,
    events_appended: eventsAppended,
  };
}

/**
 * Counts the events appended anywhere in the log between two looks, for requests whose
 * stream cannot even be named (a payment whose id would be derived from invalid facts).
 * Each look writes a marker (registers a company of its own). Every append takes numbers
 * from the store-wide sequence behind `globalPosition`, in order, and this database serves
 * this app alone: two markers' numbers are adjacent only if nothing was appended, or even
 * attempted and rolled back, in between. (Not `readAll`: it waits for every older open
 * transaction in the whole cluster, other test databases' included.)
 */
export class AppendCounter {
  private static markers = 0;

  private constructor(
    private readonly app: NestFastifyApplication,
    private last: LogPosition,
  ) {}

  static async start(app: NestFastifyApplication): Promise<AppendCounter> {
    return new AppendCounter(app, await AppendCounter.writeMarker(app));
  }

  /** Events appended since the previous look (or the start), the markers not counted. */
  async appendedSinceLastLook(): Promise<number> {
    const marker = await AppendCounter.writeMarker(this.app);
    const taken = BigInt(marker.globalPosition) - BigInt(this.last.globalPosition) - 1n;
    this.last = marker;
    return Number(taken);
  }

  private static async writeMarker(app: NestFastifyApplication): Promise<LogPosition> {
    const id = `log-marker-${++AppendCounter.markers}`;
    const reply = await send(app, 'POST', '/companies', { id, name: id });
    if (reply.status !== 201) throw new Error(`marker write failed: ${JSON.stringify(reply.body)}`);
    return decodePosition(String(reply.body.position));
  }
}

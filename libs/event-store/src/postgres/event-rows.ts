import type { EventMetadata, RecordedEvent } from '../event-store.port';

/**
 * Columns every read selects. 64-bit integers come back as text so that no precision is
 * lost; stream versions are converted to numbers (exact far beyond any real stream).
 * The text aliases reuse the column names, so queries must ORDER BY the table alias's
 * columns (`e.global_position`): a bare name would sort the text ("10" before "9").
 */
export const EVENT_COLUMNS = `
  global_position::text AS global_position,
  transaction_id::text  AS transaction_id,
  stream_id,
  stream_version::text  AS stream_version,
  event_id::text        AS event_id,
  type,
  schema_version,
  data,
  metadata,
  recorded_at`;

export type EventRow = {
  global_position: string;
  transaction_id: string;
  stream_id: string;
  stream_version: string;
  event_id: string;
  type: string;
  schema_version: number;
  data: unknown;
  metadata: EventMetadata;
  recorded_at: Date;
};

export function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    eventId: row.event_id,
    type: row.type,
    schemaVersion: row.schema_version,
    data: row.data,
    metadata: row.metadata,
    streamId: row.stream_id,
    streamVersion: Number(row.stream_version),
    globalPosition: row.global_position,
    transactionId: row.transaction_id,
    recordedAt: row.recorded_at.toISOString(),
  };
}

/**
 * The log itself. Design notes (why `transaction_id`, why `streams`) are at the top of
 * postgres-event-store.ts.
 */
export const createEventStore = `
CREATE TABLE streams (
  stream_id           text   PRIMARY KEY,
  -- Number of events in the stream (1-based versions: the last event's version).
  version             bigint NOT NULL CHECK (version >= 0),
  -- Transaction that last appended: lets a writer check it would not land "before" it.
  last_transaction_id xid8   NOT NULL
);

CREATE TABLE events (
  global_position bigserial   PRIMARY KEY,
  transaction_id  xid8        NOT NULL DEFAULT pg_current_xact_id(),
  stream_id       text        NOT NULL,
  stream_version  bigint      NOT NULL CHECK (stream_version >= 1),
  event_id        uuid        NOT NULL UNIQUE,
  type            text        NOT NULL,
  schema_version  integer     NOT NULL,
  data            jsonb       NOT NULL,
  metadata        jsonb       NOT NULL,
  recorded_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (stream_id, stream_version)
);

-- Log order for readAll and subscriptions.
CREATE INDEX events_log_order ON events (transaction_id, global_position);
`;

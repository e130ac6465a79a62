import { type AlertLogId, LOG_START, parseAlertLogId } from '@cvf/cache';
import { ValidationError } from '@cvf/domain';

/** The `id:` this stream sent before it sent alert log ids: alert ids (`breach:acme:…`). */
const ALERT_ID = /^(breach|capped|delivery):/;

/**
 * Where a reconnecting breach stream client resumes: after the alert log id it last saw,
 * from the `Last-Event-ID` header or, for clients that cannot set headers, the
 * `last_event_id` query parameter (the header wins: a browser's EventSource reconnects to the
 * same URL with a newer header). Null when neither is given: live alerts only. An alert id,
 * which this stream sent as `id:` before, resumes from the start of what the log keeps.
 * Anything else is refused (400), naming the one that was given.
 */
export function parseLastEventId(header: unknown, query: unknown): AlertLogId | null {
  const fromHeader = header !== undefined && header !== '';
  const [name, raw] = fromHeader ? ['Last-Event-ID', header] : ['last_event_id', query];
  if (raw === undefined || raw === '') return null;
  if (typeof raw !== 'string') throw ValidationError.of(name, 'must be given once');
  const id = parseAlertLogId(raw);
  if (id !== null) return id;
  if (ALERT_ID.test(raw) && raw.length <= 1_000) return LOG_START;
  throw ValidationError.of(
    name,
    'is not an event id of this stream (the `id:` of an event it sent, e.g. "1767225600000-0")',
  );
}

import { type RecordedEvent } from '@cvf/event-store';
import { type IHeaders, type KafkaMessage, type Message } from 'kafkajs';

/**
 * The wire form of an event on `cvf.events.v1`: the stored record as JSON (money is already
 * decimal strings inside `data`), keyed by company id, with type and event id as headers so
 * consumers can filter without parsing.
 */
export function encodeEvent(event: RecordedEvent): Message {
  return {
    key: event.metadata.companyId,
    value: JSON.stringify(event),
    headers: {
      'event-type': event.type,
      'event-id': event.eventId,
      'schema-version': String(event.schemaVersion),
    },
  };
}

export class UndecodableMessageError extends Error {}

export function decodeEvent(message: Pick<KafkaMessage, 'value' | 'offset'>): RecordedEvent {
  if (!message.value)
    throw new UndecodableMessageError(`message at offset ${message.offset} has no value`);
  const parsed = JSON.parse(message.value.toString('utf8')) as Partial<RecordedEvent>;
  const required = [
    'eventId',
    'type',
    'streamId',
    'streamVersion',
    'globalPosition',
    'transactionId',
    'metadata',
  ] as const;
  for (const field of required) {
    if (parsed[field] === undefined) {
      throw new UndecodableMessageError(`message at offset ${message.offset} lacks ${field}`);
    }
  }
  return parsed as RecordedEvent;
}

export function headerText(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  if (value === undefined) return undefined;
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
}

import { DEFAULT_CURRENCY, DEFAULT_TIME_ZONE } from '../shared/locale';
import { formatCents } from '../shared/money';
import { type DomainEvent, type DomainEventType, type EventData } from './domain-event';

/**
 * Schema versions and upcasting. Stored events are never rewritten; an event written in an
 * older shape is converted to the current shape when read. Each type lists its upcasters in
 * order: `UPCASTERS[type][i]` turns version i + 1 into version i + 2, so the current version
 * is always 1 + the number of upcasters and the two can never disagree.
 *
 * Trust boundary: current-version payloads are not re-validated on read (the log is written
 * only through the deciders, and validating every event of every replay would cost more than
 * it protects). Upcasters do check the old fields they convert, since those shapes are no
 * longer produced by any code that could be tested against them.
 */

export type JsonObject = Readonly<Record<string, unknown>>;
type Upcaster = (data: JsonObject) => JsonObject;

/** Raised for an event this code cannot read: unknown type, or a version newer than known. */
export class EventSchemaError extends Error {
  override readonly name = 'EventSchemaError';
}

function requireString(data: JsonObject, field: string, type: string): string {
  const value = data[field];
  if (typeof value !== 'string') {
    throw new EventSchemaError(`${type}: stored field ${field} is not a string`);
  }
  return value;
}

/**
 * PaymentRecorded v1 stored `amount_cents` (integer minor units) and had no `source`; every
 * v1 payment came through the API. v2 stores `amount` as a 2-decimal string and a `source`.
 */
const paymentRecordedV1ToV2: Upcaster = (data) => {
  const cents = data['amount_cents'];
  if (typeof cents !== 'number' || !Number.isSafeInteger(cents) || cents < 0) {
    throw new EventSchemaError('PaymentRecorded v1: amount_cents is not a non-negative integer');
  }
  return {
    payment_id: requireString(data, 'payment_id', 'PaymentRecorded v1'),
    customer_id: requireString(data, 'customer_id', 'PaymentRecorded v1'),
    payment_date: requireString(data, 'payment_date', 'PaymentRecorded v1'),
    amount: formatCents(cents, 2), // v1 predates currencies: USD, 2 decimals
    source: 'api',
  };
};

/** CompanyRegistered v1 had a name only: every company was USD and UTC then. */
const companyRegisteredV1ToV2: Upcaster = (data) => ({
  name: requireString(data, 'name', 'CompanyRegistered v1'),
  currency: DEFAULT_CURRENCY,
  timezone: DEFAULT_TIME_ZONE,
});

const UPCASTERS: { readonly [T in DomainEventType]: readonly Upcaster[] } = {
  CompanyRegistered: [companyRegisteredV1ToV2],
  CompanyRenamed: [],
  TradeCreated: [],
  TradeAmended: [],
  SpendPlanned: [],
  SpendActualReported: [],
  ThresholdSet: [],
  ThresholdRemoved: [],
  ThresholdOverridden: [],
  ThresholdOverrideRevoked: [],
  PredictionAssumptionsSet: [],
  WebhookSecretAdded: [],
  WebhookSecretRevoked: [],
  PaymentRecorded: [paymentRecordedV1ToV2],
  PaymentRefunded: [],
  PaymentRefundReversed: [],
  PaymentDisputed: [],
  PaymentDisputeReinstated: [],
  PaymentCorrected: [],
  PaymentVoided: [],
};

/** The version every newly written event of a type carries. */
export const CURRENT_SCHEMA_VERSION: Readonly<Record<DomainEventType, number>> = Object.fromEntries(
  Object.entries(UPCASTERS).map(([type, upcasters]) => [type, upcasters.length + 1]),
) as Record<DomainEventType, number>;

function upcasterChain(type: string): readonly Upcaster[] {
  if (!Object.hasOwn(UPCASTERS, type)) {
    throw new EventSchemaError(`unknown event type '${type}'`);
  }
  return UPCASTERS[type as DomainEventType];
}

/** Stored payload of any known version → the current payload of that type. */
export function upcast<T extends DomainEventType>(
  type: T,
  schemaVersion: number,
  data: unknown,
): EventData<T>;
export function upcast(type: string, schemaVersion: number, data: unknown): DomainEvent['data'];
export function upcast(type: string, schemaVersion: number, data: unknown): DomainEvent['data'] {
  const chain = upcasterChain(type);
  const current = chain.length + 1;
  if (!Number.isInteger(schemaVersion) || schemaVersion < 1) {
    throw new EventSchemaError(`${type}: invalid schema version ${String(schemaVersion)}`);
  }
  if (schemaVersion > current) {
    throw new EventSchemaError(
      `${type}: schema version ${schemaVersion} is newer than this code knows (${current}); ` +
        'run a newer build to read it',
    );
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new EventSchemaError(`${type}: stored data is not an object`);
  }
  let payload = data as JsonObject;
  for (const step of chain.slice(schemaVersion - 1)) payload = step(payload);
  // Trusted from here on: see the note at the top of this file.
  return payload as DomainEvent['data'];
}

/** A stored (type, version, data) triple → a typed current event. */
export function toDomainEvent(type: string, schemaVersion: number, data: unknown): DomainEvent {
  return { type, data: upcast(type, schemaVersion, data) } as DomainEvent;
}

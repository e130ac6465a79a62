import fc from 'fast-check';
import { parseMoney } from '../shared/money';
import { DOMAIN_EVENT_TYPES } from './domain-event';
import { newEnvelope, readStoredEvent, type EventMetadata } from './envelope';
import { CURRENT_SCHEMA_VERSION, EventSchemaError, toDomainEvent, upcast } from './schema';

const v1Payment = {
  payment_id: 'p-1',
  customer_id: 'c-1',
  payment_date: '2020-01-15',
  amount_cents: 123450,
};

const metadata: Omit<EventMetadata, 'schema_version'> = {
  event_id: '5b1c0a52-7d1e-4c39-9d0e-2a7f1f0e9a11',
  company_id: 'acme',
  occurred_at: '2020-01-15T10:00:00.000Z',
  recorded_at: '2020-01-15T10:00:01.000Z',
  actor: 'system:test',
  causation_id: null,
  correlation_id: null,
};

describe('schema versions', () => {
  it('has a current version for every event type: PaymentRecorded and CompanyRegistered at 2, the rest at 1', () => {
    expect(Object.keys(CURRENT_SCHEMA_VERSION).sort()).toEqual([...DOMAIN_EVENT_TYPES].sort());
    const second = ['PaymentRecorded', 'CompanyRegistered'];
    for (const type of DOMAIN_EVENT_TYPES) {
      expect(CURRENT_SCHEMA_VERSION[type]).toBe(second.includes(type) ? 2 : 1);
    }
  });
});

describe('upcast', () => {
  it('turns PaymentRecorded v1 cents into a 2-decimal amount and sets source api', () => {
    expect(upcast('PaymentRecorded', 1, v1Payment)).toEqual({
      payment_id: 'p-1',
      customer_id: 'c-1',
      payment_date: '2020-01-15',
      amount: '1234.50',
      source: 'api',
    });
  });

  it('reads a CompanyRegistered v1 (a name only) as USD and UTC', () => {
    expect(upcast('CompanyRegistered', 1, { name: 'Acme' })).toEqual({
      name: 'Acme',
      currency: 'USD',
      timezone: 'UTC',
    });
    expect(() => upcast('CompanyRegistered', 1, {})).toThrow(EventSchemaError);
  });

  it('converts every whole number of cents exactly', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 999_999_999_999_999 }), (cents) => {
        const data = upcast('PaymentRecorded', 1, { ...v1Payment, amount_cents: cents });
        expect(parseMoney(data.amount, 2)).toEqual({ cents });
      }),
    );
    expect(upcast('PaymentRecorded', 1, { ...v1Payment, amount_cents: 5 }).amount).toBe('0.05');
    expect(upcast('PaymentRecorded', 1, { ...v1Payment, amount_cents: 0 }).amount).toBe('0.00');
  });

  it('leaves a current-version payload as it is', () => {
    const data = {
      payment_id: 'p',
      customer_id: 'c',
      payment_date: '2020-01-01',
      amount: '1.00',
      source: 'csv',
    };
    expect(upcast('PaymentRecorded', 2, data)).toEqual(data);
    expect(
      upcast('TradeCreated', 1, {
        cohort_month: '2020-01-01',
        sharing_percentage: '0.8',
        cash_cap: '500.00',
      }),
    ).toEqual({ cohort_month: '2020-01-01', sharing_percentage: '0.8', cash_cap: '500.00' });
  });

  it('refuses an unknown type', () => {
    expect(() => upcast('PaymentTeleported', 1, {})).toThrow(EventSchemaError);
    expect(() => upcast('PaymentTeleported', 1, {})).toThrow(
      "unknown event type 'PaymentTeleported'",
    );
  });

  it('refuses a version newer than this code knows, naming both versions', () => {
    expect(() => upcast('PaymentRecorded', 3, {})).toThrow(
      'PaymentRecorded: schema version 3 is newer than this code knows (2)',
    );
    expect(() => upcast('CompanyRegistered', 3, { name: 'x' })).toThrow(EventSchemaError);
  });

  it('refuses a version that is not a positive integer, and data that is not an object', () => {
    for (const version of [0, -1, 1.5, Number.NaN]) {
      expect(() => upcast('PaymentRecorded', version, v1Payment)).toThrow(EventSchemaError);
    }
    for (const data of [null, 'x', 42, []]) {
      expect(() => upcast('PaymentRecorded', 2, data)).toThrow('stored data is not an object');
    }
  });

  it('refuses a v1 payment whose cents are not a non-negative integer', () => {
    for (const amount_cents of [12.5, -1, '100', undefined]) {
      expect(() => upcast('PaymentRecorded', 1, { ...v1Payment, amount_cents })).toThrow(
        EventSchemaError,
      );
    }
    expect(() => upcast('PaymentRecorded', 1, { ...v1Payment, customer_id: 7 })).toThrow(
      'customer_id is not a string',
    );
  });

  it('builds a typed event from a stored triple', () => {
    expect(toDomainEvent('PaymentRecorded', 1, v1Payment)).toEqual({
      type: 'PaymentRecorded',
      data: expect.objectContaining({ amount: '1234.50', source: 'api' }),
    });
  });
});

describe('envelopes', () => {
  it('stamps new events with the current schema version of their type', () => {
    const envelope = newEnvelope(
      { type: 'CompanyRegistered', data: { name: 'Acme', currency: 'USD', timezone: 'UTC' } },
      metadata,
    );
    expect(envelope).toEqual({
      type: 'CompanyRegistered',
      data: { name: 'Acme', currency: 'USD', timezone: 'UTC' },
      metadata: { ...metadata, schema_version: 2 },
    });
  });

  it('reads a stored v1 event in the current shape and version', () => {
    const read = readStoredEvent({
      type: 'PaymentRecorded',
      data: v1Payment,
      metadata: { ...metadata, schema_version: 1 },
    });
    expect(read.metadata.schema_version).toBe(2);
    if (read.type !== 'PaymentRecorded') throw new Error('narrowing');
    expect(read.data.amount).toBe('1234.50');
    expect(read.data.source).toBe('api');
  });
});

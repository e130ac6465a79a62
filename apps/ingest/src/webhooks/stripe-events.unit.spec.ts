import { RuleViolationError, ValidationError } from '@cvf/domain';
import { interpretStripeEvent, readStripeEvent, type StripeEvent } from './stripe-events';

// 2021-01-02T04:30:00Z: 23:30 the day before in New York, so the UTC date is what counts.
const CREATED = 1_609_561_800;

const charge = (overrides: Record<string, unknown> = {}) => ({
  id: 'ch_1',
  object: 'charge',
  amount: 1999,
  amount_captured: 1999,
  currency: 'usd',
  customer: 'cus_1',
  captured: true,
  created: CREATED,
  billing_details: { email: null },
  ...overrides,
});

const event = (type: string, object: Record<string, unknown>): StripeEvent =>
  readStripeEvent({ id: 'evt_1', object: 'event', type, created: CREATED, data: { object } });

describe('a Stripe event read as a payment fact', () => {
  it('records a succeeded charge: charge id, customer, UTC date, exact amount', () => {
    expect(interpretStripeEvent(event('charge.succeeded', charge()))).toEqual({
      kind: 'record',
      occurredAt: '2021-01-02T04:30:00.000Z',
      payment: {
        payment_id: 'ch_1',
        customer_id: 'cus_1',
        payment_date: '2021-01-02',
        amount: '19.99',
      },
    });
  });

  it.each([
    [1999, '19.99'],
    [5, '0.05'],
    [0, '0.00'],
    [100_000, '1000.00'],
    [123_456_789_012, '1234567890.12'],
  ])('converts %d minor units exactly to %s', (minor, amount) => {
    const intent = interpretStripeEvent(event('charge.succeeded', charge({ amount: minor })));
    expect(intent).toMatchObject({ payment: { amount } });
  });

  it('refuses currencies without 2 decimals (422) and amounts that are not whole minor units (400)', () => {
    for (const currency of ['jpy', 'KRW', 'kwd', 'bhd']) {
      expect(() => interpretStripeEvent(event('charge.succeeded', charge({ currency })))).toThrow(
        RuleViolationError,
      );
    }
    for (const amount of [19.99, -1, '1999']) {
      expect(() => interpretStripeEvent(event('charge.succeeded', charge({ amount })))).toThrow(
        ValidationError,
      );
    }
    expect(() =>
      interpretStripeEvent(event('charge.succeeded', charge({ currency: undefined }))),
    ).toThrow(ValidationError);
  });

  it('records an uncaptured charge only once captured, with the captured amount', () => {
    expect(
      interpretStripeEvent(event('charge.succeeded', charge({ captured: false }))),
    ).toMatchObject({
      kind: 'ignore',
    });
    const captured = charge({ amount: 5000, amount_captured: 4000 });
    expect(interpretStripeEvent(event('charge.captured', captured))).toMatchObject({
      payment: { payment_id: 'ch_1', amount: '40.00' },
    });
  });

  it('records a succeeded payment intent under its charge, so both events name one payment', () => {
    const intent = {
      id: 'pi_1',
      object: 'payment_intent',
      amount: 2500,
      amount_received: 2500,
      currency: 'eur',
      customer: { id: 'cus_2', object: 'customer' },
      created: CREATED,
      latest_charge: 'ch_9',
    };
    expect(interpretStripeEvent(event('payment_intent.succeeded', intent))).toMatchObject({
      payment: { payment_id: 'ch_9', customer_id: 'cus_2', amount: '25.00' },
    });
    const withoutCharge = { ...intent, latest_charge: null };
    expect(interpretStripeEvent(event('payment_intent.succeeded', withoutCharge))).toMatchObject({
      payment: { payment_id: 'pi_1' },
    });
  });

  it('names a customer without a Stripe customer by a hash of the email, or as a guest of its own', () => {
    const byEmail = (email: string) =>
      interpretStripeEvent(
        event('charge.succeeded', charge({ customer: null, billing_details: { email } })),
      );
    const first = byEmail('Ann@Example.com');
    expect(first).toMatchObject({
      payment: { customer_id: expect.stringMatching(/^email:[0-9a-f]{32}$/) },
    });
    expect(byEmail(' ann@example.com')).toEqual(first);
    expect(JSON.stringify(first)).not.toContain('example.com');

    const guest = interpretStripeEvent(event('charge.succeeded', charge({ customer: null })));
    expect(guest).toMatchObject({ payment: { customer_id: 'guest:ch_1' } });
  });

  it('records refunds that move money, from refund.created and from a charge.refunded list', () => {
    const refund = (id: string, status: string, amount: number) => ({
      id,
      object: 'refund',
      amount,
      currency: 'usd',
      charge: 'ch_1',
      status,
      created: CREATED,
    });
    expect(interpretStripeEvent(event('refund.created', refund('re_1', 'succeeded', 500)))).toEqual(
      {
        kind: 'refund',
        occurredAt: '2021-01-02T04:30:00.000Z',
        refunds: [{ payment_id: 'ch_1', refund_id: 're_1', amount: '5.00' }],
      },
    );
    expect(
      interpretStripeEvent(event('refund.created', refund('re_2', 'failed', 500))),
    ).toMatchObject({
      kind: 'ignore',
    });
    const refunded = charge({
      refunds: {
        data: [
          refund('re_1', 'succeeded', 500),
          refund('re_3', 'pending', 99),
          refund('re_4', 'canceled', 1),
        ],
      },
    });
    expect(interpretStripeEvent(event('charge.refunded', refunded))).toMatchObject({
      refunds: [
        { refund_id: 're_1', amount: '5.00' },
        { refund_id: 're_3', amount: '0.99' },
      ],
    });
    expect(interpretStripeEvent(event('charge.refunded', charge()))).toMatchObject({
      kind: 'ignore',
    });
  });

  it('ignores event types that do not change payments', () => {
    expect(interpretStripeEvent(event('customer.created', { id: 'cus_1' }))).toEqual({
      kind: 'ignore',
      reason: 'event type customer.created does not change payments',
    });
  });

  it('refuses a body that is not a Stripe event', () => {
    for (const body of [
      null,
      [],
      { id: 'evt_1' },
      { id: 'evt 1', type: 't', data: { object: {} } },
    ]) {
      expect(() => readStripeEvent(body)).toThrow(ValidationError);
    }
    expect(() =>
      interpretStripeEvent(event('charge.succeeded', charge({ created: 'yesterday' }))),
    ).toThrow(ValidationError);
  });
});

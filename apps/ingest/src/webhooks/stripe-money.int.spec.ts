import type Stripe from 'stripe';
import { Client } from 'pg';
import { currencyExponent, formatCents, type PaymentEvent, paymentView } from '@cvf/domain';
import { random } from '@cvf/platform/testing';
import { EventLog, send } from '../testing/ingest-http';
import { startIngestTestApp, type IngestTestApp } from '../testing/ingest-test-app';
import {
  balanceTransaction,
  stripeCharge,
  stripeDispute,
  stripeEvent,
  stripeIntent,
  stripeInvoicePaidBy,
  stripeRefund,
  stripeSignature,
} from '../testing/stripe-events';

// Every case of the issue "Money in, exactly", as a company on Stripe would send it: payloads
// typed by the official SDK and signed with its generateTestHeaderString, against real
// PostgreSQL. Each scenario is delivered once in order to one company, and to another twice
// over, shuffled, with every 409 retried the way Stripe retries: both must end in the same
// payments, with the right net amounts and dates, and no delivery left retrying.

let ingest: IngestTestApp;
let log: EventLog;
let db: Client;
let companies = 0;

beforeAll(async () => {
  ingest = await startIngestTestApp('ingest_stripe_money');
  log = new EventLog(ingest.database.url);
  db = new Client({ connectionString: ingest.database.url });
  await db.connect();
});

afterAll(async () => {
  await db.end();
  await log.close();
  await ingest.close();
});

interface Company {
  readonly id: string;
  readonly secret: string;
}

async function company(locale: { currency?: string; timezone?: string } = {}): Promise<Company> {
  const id = `co-${++companies}`;
  const registered = await send(ingest.app, 'POST', '/companies', { id, name: id, ...locale });
  expect(registered.status).toBe(201);
  const secret = await send(ingest.app, 'POST', `/companies/${id}/webhook-secrets`);
  return { id, secret: String(secret.body.secret) };
}

function deliver(to: Company, event: Stripe.Event) {
  const payload = JSON.stringify(event);
  return send(ingest.app, 'POST', `/webhooks/${to.id}/stripe`, payload, {
    'content-type': 'application/json',
    'stripe-signature': stripeSignature(payload, to.secret),
  });
}

/** Delivers until nothing is left: a 409 goes to the back of the queue, as Stripe retries it. */
async function deliverAll(to: Company, events: readonly Stripe.Event[]): Promise<string[]> {
  const queue = [...events];
  const outcomes: string[] = [];
  for (let round = 0; queue.length > 0; round++) {
    if (round > 20 * events.length)
      throw new Error(`still retrying: ${queue.map((e) => e.id).join(', ')}`);
    const event = queue.shift()!;
    const reply = await deliver(to, event);
    if (reply.status === 409) queue.push(event);
    else {
      expect(reply.status).toBe(200);
      outcomes.push(String(reply.body.outcome));
    }
  }
  return outcomes;
}

/** Twice over and shuffled (seeded, so a failure can be replayed). */
function shuffledTwice(events: readonly Stripe.Event[], seed: number): Stripe.Event[] {
  const next = random(seed);
  const doubled = [...events, ...events];
  for (let i = doubled.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [doubled[i], doubled[j]] = [doubled[j]!, doubled[i]!];
  }
  return doubled;
}

/** Every payment of the company as its stream folds: date, amount, refunds, chargebacks. */
async function payments(of: Company) {
  const { rows } = await db.query<{ stream_id: string }>(
    `SELECT stream_id FROM streams WHERE stream_id LIKE $1 ORDER BY stream_id`,
    [`payment-${of.id.replaceAll('-', '~')}-%`],
  );
  const found: Record<string, { date: string; amount: string; net: string }> = {};
  for (const { stream_id } of rows) {
    const events = (await log.readStream(stream_id)).map(
      (e) => ({ type: e.type, data: e.data }) as PaymentEvent,
    );
    const view = paymentView(events);
    if (!view) continue;
    const net = view.amountCents - view.refundedCents - view.disputedCents;
    const exponent = currencyExponent(view.currency);
    found[view.paymentId] = {
      date: view.paymentDate,
      amount: formatCents(view.amountCents, exponent),
      net: formatCents(net, exponent),
    };
  }
  return found;
}

/** The scenario in order to one company, shuffled twice over to another: the same payments. */
async function scenario(
  events: readonly Stripe.Event[],
  locale: { currency?: string; timezone?: string } = {},
) {
  const ordered = await company(locale);
  await deliverAll(ordered, events);
  const expected = await payments(ordered);
  for (const seed of [1, 2, 3]) {
    const shuffled = await company(locale);
    await deliverAll(shuffled, shuffledTwice(events, seed));
    expect(await payments(shuffled)).toEqual(expected);
  }
  return { result: expected, company: ordered };
}

// 2024-01-31T23:30:00Z, and the next day.
const JAN_31_LATE = 1_706_743_800;
const FEB_1 = 1_706_800_000;
let ids = 0;
const evt = () => `evt_money_${++ids}`;

const charge = (fields: Partial<Stripe.Charge> = {}) =>
  stripeCharge({
    id: 'ch_1',
    payment_intent: 'pi_1',
    customer: 'cus_1',
    amount: 10_000,
    amount_captured: 10_000,
    amount_refunded: 0,
    currency: 'usd',
    created: FEB_1,
    ...fields,
  });
const succeeded = (fields: Partial<Stripe.Charge> = {}) =>
  stripeEvent('charge.succeeded', charge(fields), evt(), FEB_1);
const refund = (fields: Partial<Stripe.Refund> = {}) =>
  stripeRefund({
    id: 're_1',
    charge: 'ch_1',
    payment_intent: 'pi_1',
    amount: 2_500,
    currency: 'usd',
    status: 'succeeded',
    created: FEB_1 + 3_600,
    ...fields,
  });

describe('refunds', () => {
  it('a refund that later fails or is canceled is put back: net 100.00, not 75.00', async () => {
    for (const [type, status] of [
      ['charge.refund.updated', 'failed'],
      ['refund.failed', 'failed'],
      ['refund.updated', 'canceled'],
    ] as const) {
      const { result } = await scenario([
        succeeded(),
        stripeEvent('refund.created', refund({ status: 'pending' }), evt(), FEB_1 + 3_600),
        stripeEvent(type, refund({ status }), evt(), FEB_1 + 7_200),
      ]);
      expect(result).toEqual({ pi_1: { date: '2024-02-01', amount: '100.00', net: '100.00' } });
    }
  });

  it('charge.refunded without its refund list records the refunded amount once, also beside refund.created', async () => {
    const refunded = stripeCharge({ ...charge(), amount_refunded: 2_500, refunds: undefined });
    const alone = await scenario([
      succeeded(),
      stripeEvent('charge.refunded', refunded, evt(), FEB_1 + 3_600),
    ]);
    expect(alone.result.pi_1).toMatchObject({ net: '75.00' });
    const both = await scenario([
      succeeded(),
      stripeEvent('charge.refunded', refunded, evt(), FEB_1 + 3_600),
      stripeEvent('refund.created', refund(), evt(), FEB_1 + 3_600),
    ]);
    expect(both.result.pi_1).toMatchObject({ net: '75.00' });
  });
});

describe('chargebacks', () => {
  it('funds withdrawn are deducted, funds reinstated restore them', async () => {
    const dispute = stripeDispute({
      id: 'dp_1',
      charge: 'ch_1',
      payment_intent: 'pi_1',
      amount: 10_000,
      currency: 'usd',
    });
    const lost = await scenario([
      succeeded(),
      stripeEvent('charge.dispute.funds_withdrawn', dispute, evt(), FEB_1 + 86_400),
    ]);
    expect(lost.result.pi_1).toMatchObject({ net: '0.00' });
    const won = await scenario([
      succeeded(),
      stripeEvent('charge.dispute.funds_withdrawn', dispute, evt(), FEB_1 + 86_400),
      stripeEvent('charge.dispute.funds_reinstated', dispute, evt(), FEB_1 + 172_800),
    ]);
    expect(won.result.pi_1).toMatchObject({ net: '100.00' });
  });
});

describe('one payment per charge', () => {
  const intent = stripeIntent({
    id: 'pi_1',
    latest_charge: 'ch_1',
    amount_received: 10_000,
    currency: 'usd',
    customer: 'cus_1',
    created: JAN_31_LATE,
  });

  it('payment_intent.succeeded and charge.succeeded, in either order: one payment, dated by the charge', async () => {
    const { result } = await scenario([
      stripeEvent('payment_intent.succeeded', intent, evt(), FEB_1),
      succeeded(),
    ]);
    expect(result).toEqual({ pi_1: { date: '2024-02-01', amount: '100.00', net: '100.00' } });
  });

  it('the same for money made after refs were kept (found by refs alone, no stream lookups)', async () => {
    const now = Math.floor(Date.now() / 1000);
    const { result } = await scenario([
      stripeEvent('payment_intent.succeeded', { ...intent, created: now - 60 }, evt(), now),
      stripeEvent('charge.succeeded', charge({ created: now }), evt(), now),
      stripeEvent('refund.created', refund({ created: now }), evt(), now),
    ]);
    expect(Object.keys(result)).toEqual(['pi_1']);
    expect(result.pi_1).toMatchObject({ amount: '100.00', net: '75.00' });
  });

  it('an invoice-only integration records its payments; beside the charge, still one', async () => {
    const paid = stripeInvoicePaidBy({
      id: 'in_1',
      intent: 'pi_1',
      amount: 10_000,
      paidAt: JAN_31_LATE,
      customer: 'cus_1',
    });
    const onlyInvoices = await scenario([stripeEvent('invoice.paid', paid, evt(), JAN_31_LATE)]);
    expect(onlyInvoices.result).toEqual({
      pi_1: { date: '2024-01-31', amount: '100.00', net: '100.00' },
    });
    const everything = await scenario([
      stripeEvent('invoice.paid', paid, evt(), JAN_31_LATE),
      stripeEvent('invoice.payment_succeeded', paid, evt(), JAN_31_LATE),
      stripeEvent('payment_intent.succeeded', intent, evt(), FEB_1),
      succeeded(),
    ]);
    expect(Object.values(everything.result)).toEqual([
      { date: '2024-02-01', amount: '100.00', net: '100.00' },
    ]);
  });
  it('a payment recorded before refs were kept (under its charge id) is found again, not doubled', async () => {
    const co = await company();
    const earlier = await send(ingest.app, 'POST', `/companies/${co.id}/payments`, {
      payment_id: 'ch_1',
      customer_id: 'cus_1',
      payment_date: '2024-02-01',
      amount: '100.00',
    });
    expect(earlier.status).toBe(201);
    const again = await deliver(co, succeeded());
    expect(again.body).toMatchObject({ outcome: 'duplicate', payment_id: 'ch_1' });
    await deliverAll(co, [stripeEvent('refund.created', refund(), evt(), FEB_1)]);
    expect(await payments(co)).toEqual({
      ch_1: { date: '2024-02-01', amount: '100.00', net: '75.00' },
    });
  });
});

describe('currencies and time zones', () => {
  it('a EUR charge for a USD company is kept as a rejected delivery, or recorded from its USD settlement', async () => {
    const euros = charge({ currency: 'eur', amount: 9_000, amount_captured: 9_000 });
    const { result, company: co } = await scenario([
      stripeEvent('charge.succeeded', euros, 'evt_eur_1', FEB_1),
    ]);
    expect(result).toEqual({});
    const listed = await send(ingest.app, 'GET', `/companies/${co.id}/webhook-deliveries`);
    expect(listed.body.data).toEqual([
      expect.objectContaining({
        event_id: 'evt_eur_1',
        event_type: 'charge.succeeded',
        outcome: 'rejected',
        reason: expect.stringContaining('EUR'),
      }),
    ]);
    const settled = await scenario([
      stripeEvent(
        'charge.succeeded',
        { ...euros, balance_transaction: balanceTransaction(9_712, 'usd') },
        evt(),
        FEB_1,
      ),
    ]);
    expect(settled.result.pi_1).toMatchObject({ amount: '97.12' });
  });

  it("JPY (no decimals) and KWD (three) are recorded in the currency's minor unit", async () => {
    const money = (currency: string, amount: number, refunded: number) => [
      succeeded({ currency, amount, amount_captured: amount }),
      stripeEvent('refund.created', refund({ currency, amount: refunded }), evt(), FEB_1),
    ];
    const yen = await scenario(money('jpy', 1_500, 500), { currency: 'JPY' });
    expect(yen.result.pi_1).toEqual({ date: '2024-02-01', amount: '1500', net: '1000' });
    const dinars = await scenario(money('kwd', 12_340, 2_340), { currency: 'KWD' });
    expect(dinars.result.pi_1).toEqual({ date: '2024-02-01', amount: '12.340', net: '10.000' });
  });

  it('2024-01-31 23:30 UTC is January in Los Angeles and February in Berlin', async () => {
    const late = () => succeeded({ created: JAN_31_LATE });
    const la = await scenario([late()], { timezone: 'America/Los_Angeles' });
    const berlin = await scenario([late()], { timezone: 'Europe/Berlin', currency: 'USD' });
    expect(la.result.pi_1).toMatchObject({ date: '2024-01-31' });
    expect(berlin.result.pi_1).toMatchObject({ date: '2024-02-01' });
  });
});

describe('the delivery log', () => {
  it('lists every delivery with its outcome, and a fixed rejection is recorded on replay', async () => {
    const co = await company();
    await deliverAll(co, [succeeded({ amount: 2_000, amount_captured: 2_000 })]);
    const tooMuch = stripeEvent(
      'refund.created',
      refund({ amount: 2_500 }),
      'evt_big_refund',
      FEB_1,
    );
    const rejected = await deliver(co, tooMuch);
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({ outcome: 'rejected', payment_id: 'pi_1' });
    expect((await deliver(co, tooMuch)).body).toMatchObject({ outcome: 'duplicate' });

    // Operations finds the payment was recorded short, corrects it, and replays the refund.
    const corrected = await send(ingest.app, 'PUT', `/companies/${co.id}/payments/pi_1`, {
      customer_id: 'cus_1',
      payment_date: '2024-02-01',
      amount: '100.00',
    });
    expect(corrected.status).toBe(200);
    const replayed = await send(
      ingest.app,
      'POST',
      `/companies/${co.id}/webhook-deliveries/evt_big_refund/replay`,
    );
    expect(replayed.status).toBe(200);
    expect(replayed.body).toMatchObject({ outcome: 'recorded', events_appended: 1 });
    expect((await payments(co)).pi_1).toMatchObject({ net: '75.00' });

    const listed = await send(ingest.app, 'GET', `/companies/${co.id}/webhook-deliveries`);
    expect(listed.status).toBe(200);
    expect(listed.body.data).toEqual([
      expect.objectContaining({
        event_id: 'evt_big_refund',
        outcome: 'recorded',
        deliveries: 2,
        payment_id: 'pi_1',
      }),
      expect.objectContaining({ event_type: 'charge.succeeded', outcome: 'recorded' }),
    ]);
    const onlyRecorded = await send(
      ingest.app,
      'GET',
      `/companies/${co.id}/webhook-deliveries?outcome=rejected`,
    );
    expect(onlyRecorded.body.data).toEqual([]);
    const bad = await send(ingest.app, 'GET', `/companies/${co.id}/webhook-deliveries?limit=0`);
    expect(bad.status).toBe(400);
    const unknown = await send(
      ingest.app,
      'POST',
      `/companies/${co.id}/webhook-deliveries/evt_nope/replay`,
    );
    expect(unknown.status).toBe(404);
  });

  it('a refund before its charge is deferred (409) until the charge is recorded', async () => {
    const co = await company();
    const early = stripeEvent('refund.created', refund(), 'evt_early_refund', FEB_1);
    expect((await deliver(co, early)).status).toBe(409);
    const listed = await send(ingest.app, 'GET', `/companies/${co.id}/webhook-deliveries`);
    expect(listed.body.data).toEqual([
      expect.objectContaining({ event_id: 'evt_early_refund', outcome: 'deferred' }),
    ]);
    await deliverAll(co, [succeeded(), early]);
    expect((await payments(co)).pi_1).toMatchObject({ net: '75.00' });
  });
});

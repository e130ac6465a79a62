import { companyStreamId, paymentStreamId, type DomainEvent } from '@cvf/domain';
import { type EventStore } from '@cvf/event-store';
import { toNewEvent } from '@cvf/platform';

/**
 * Writes a small but nasty portfolio to the log for projection tests: terms, payments across
 * months, a backfill that moves a customer, refunds, a correction and a void, for several
 * companies. Returns the number of events written.
 */
export async function writePortfolio(
  store: EventStore,
  companies: readonly string[],
): Promise<number> {
  let written = 0;
  const put = async (streamId: string, companyId: string, events: DomainEvent[]) => {
    const existing = (await store.readStream(streamId)).length;
    await store.append(
      streamId,
      events.map((event) => toNewEvent(event, { companyId, actor: 'test' })),
      { kind: 'exact', version: existing },
    );
    written += events.length;
  };
  for (const [i, company] of companies.entries()) {
    await put(companyStreamId(company), company, [
      {
        type: 'CompanyRegistered',
        data: { name: `Company ${i}`, currency: 'USD', timezone: 'UTC' },
      },
      { type: 'SpendPlanned', data: { cohort_month: '2021-01-01', planned_spend: '1000.00' } },
      { type: 'SpendPlanned', data: { cohort_month: '2021-02-01', planned_spend: '800.00' } },
      {
        type: 'TradeCreated',
        data: { cohort_month: '2021-01-01', sharing_percentage: '0.5', cash_cap: '600.00' },
      },
      { type: 'ThresholdSet', data: { payment_period_month: 1, minimum_payment_percent: '0.2' } },
    ]);
    const pay = async (id: string, customer: string, date: string, amount: string) =>
      put(paymentStreamId(company, id), company, [
        {
          type: 'PaymentRecorded',
          data: {
            payment_id: id,
            customer_id: customer,
            payment_date: date,
            amount,
            source: 'api',
          },
        },
      ]);
    for (let n = 0; n < 12; n++) {
      await pay(`p${n}`, `c${n % 4}`, `2021-0${2 + (n % 3)}-1${n % 9}`, `${100 + n}.25`);
    }
    // Backfill: customer c1 paid in January too, which moves them (and their payments) to 2021-01.
    await pay('p-backfill', 'c1', '2021-01-05', '50.00');
    await put(paymentStreamId(company, 'p3'), company, [
      { type: 'PaymentRefunded', data: { payment_id: 'p3', refund_id: 'r1', amount: '40.00' } },
    ]);
    await put(paymentStreamId(company, 'p5'), company, [
      {
        type: 'PaymentCorrected',
        data: { payment_id: 'p5', customer_id: 'c2', payment_date: '2021-03-02', amount: '99.99' },
      },
    ]);
    await put(paymentStreamId(company, 'p6'), company, [
      { type: 'PaymentVoided', data: { payment_id: 'p6', reason: 'duplicate charge' } },
    ]);
  }
  return written;
}

import {
  currencyExponent,
  derivePaymentId,
  ENTITY_ID_RULE,
  formatCents,
  isValidEntityId,
  type FieldIssue,
  type PaymentRow,
} from '@cvf/domain';
import { sha256Hex } from '@cvf/platform';

/** The facts of one uploaded row, as they are recorded. */
export interface UploadedPayment {
  /** Line of the file (the header is line 1). */
  readonly row: number;
  readonly paymentId: string;
  readonly customerId: string;
  readonly paymentDate: string;
  readonly amount: string;
}

/**
 * The valid rows of a payments file, column by column: a million rows are a few arrays (and
 * the strings they hold), not a million objects. Dates repeat a lot and are interned. The
 * amounts are minor units of `currency` (the company's).
 */
export class PaymentColumns {
  length = 0;
  private readonly exponent: number;
  private lines = new Int32Array(1_024);
  private cents = new Float64Array(1_024);
  private readonly paymentIds: string[] = [];
  private readonly customerIds: string[] = [];
  private readonly dates: string[] = [];
  private readonly internedDates = new Map<string, string>();

  constructor(readonly currency: string) {
    this.exponent = currencyExponent(currency);
  }

  push(row: number, payment: PaymentRow, paymentId: string): void {
    if (this.length === this.lines.length) this.grow();
    const date = payment.paymentDate;
    let interned = this.internedDates.get(date);
    if (interned === undefined) this.internedDates.set(date, (interned = date));
    this.lines[this.length] = row;
    this.cents[this.length] = payment.amountCents;
    this.paymentIds.push(paymentId);
    this.customerIds.push(payment.customerId);
    this.dates.push(interned);
    this.length += 1;
  }

  paymentId(index: number): string {
    const id = this.paymentIds[index];
    if (id === undefined) throw new RangeError(`no row at index ${index}`);
    return id;
  }

  at(index: number): UploadedPayment {
    if (!(index >= 0 && index < this.length)) throw new RangeError(`no row at index ${index}`);
    return {
      row: this.lines[index]!,
      paymentId: this.paymentIds[index]!,
      customerId: this.customerIds[index]!,
      paymentDate: this.dates[index]!,
      amount: formatCents(this.cents[index]!, this.exponent),
    };
  }

  private grow(): void {
    const lines = new Int32Array(this.lines.length * 2);
    lines.set(this.lines);
    this.lines = lines;
    const cents = new Float64Array(this.cents.length * 2);
    cents.set(this.cents);
    this.cents = cents;
  }
}

/**
 * A file whose amounts add up beyond exact integers could not be summed into cohorts exactly:
 * its row that crosses the bound is refused.
 */
export function sumBeyondExactRange(currency: string): string {
  const bound = formatCents(Number.MAX_SAFE_INTEGER, currencyExponent(currency));
  return `the file's amounts add up to more than ${bound} ${currency} from this row on, beyond exact arithmetic`;
}

/**
 * Payment ids of one file: the row's own, or the deterministic one derived from (customer,
 * date, amount, occurrence of that triple among the rows without an id), exactly as the CLI
 * derives them (ARCHITECTURE.md), so the same file always yields the same ids. A repeated id
 * is an issue of the later row.
 */
export class FilePaymentIds {
  /** First row of each id; negative when the id was derived (it names its triple then). */
  private readonly rowOf = new Map<string, number>();
  /** Occurrences so far of the triples seen more than once: few, so the map stays small. */
  private readonly repeats = new Map<string, number>();

  assign(payment: PaymentRow, row: number): { id: string } | { issues: FieldIssue[] } {
    let id = payment.paymentId;
    if (id === null) {
      id = this.derivedId(payment);
    } else if (!isValidEntityId(id)) {
      // The id becomes part of a stream id (stream-ids.ts), which the table rule cannot know.
      return { issues: [{ column: 'payment_id', reason: `must be ${ENTITY_ID_RULE}` }] };
    }
    const first = this.rowOf.get(id);
    if (first !== undefined) {
      const reason = `duplicate payment_id '${id}' (first at row ${Math.abs(first)})`;
      return { issues: [{ column: 'payment_id', reason }] };
    }
    this.rowOf.set(id, payment.paymentId === null ? -row : row);
    return { id };
  }

  /**
   * Occurrence 1 unless the id of occurrence 1 was derived already, which means this triple
   * was seen before: only then is it counted in a map (a map of every triple of a
   * million-row file would cost seconds for the rare repeat).
   */
  private derivedId(payment: PaymentRow): string {
    const first = derive(payment, 1);
    const holder = this.rowOf.get(first);
    if (holder === undefined || holder > 0) return first;
    const triple = `${payment.customerId}\u0000${payment.paymentDate}\u0000${payment.amountCents}`;
    const occurrence = (this.repeats.get(triple) ?? 1) + 1;
    this.repeats.set(triple, occurrence);
    return derive(payment, occurrence);
  }
}

function derive(payment: PaymentRow, occurrence: number): string {
  return derivePaymentId(
    payment.customerId,
    payment.paymentDate,
    payment.amountCents,
    occurrence,
    sha256Hex,
  );
}

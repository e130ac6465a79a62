import { type Decider } from '../events/decider';
import { type PaymentEvent } from '../events/payment-events';
import { type PaymentCommand } from './commands';
import { decidePayment } from './decide';
import { evolvePayment, initialPaymentState, type PaymentState } from './state';

export * from './commands';
export { decidePayment, parsePaymentFields, PAYMENT_FACT_FIELDS } from './decide';
export * from './state';
export * from './view';

/** The payment stream's decider as one value, for command handlers and specs. */
export const paymentDecider: Decider<PaymentCommand, PaymentEvent, PaymentState> = {
  decide: decidePayment,
  evolve: evolvePayment,
  initialState: initialPaymentState,
};

import { type Decider } from '../events/decider';
import { type PaymentEvent } from '../events/payment-events';
import { type PaymentCommand } from './commands';
import { decidePayment } from './decide';
import { evolvePayment, initialPaymentState, type PaymentState } from './state';

export * from './commands';
export {
  CUSTOMER_ID_MAX,
  decidePayment,
  parsePaymentFields,
  PAYMENT_FACT_FIELDS,
  VOID_REASON_MAX,
} from './decide';
export * from './state';
export * from './view';

/** The payment stream's decider as one value, for command handlers and specs. */
export const paymentDecider: Decider<PaymentCommand, PaymentEvent, PaymentState> = {
  decide: decidePayment,
  evolve: evolvePayment,
  initialState: initialPaymentState,
};

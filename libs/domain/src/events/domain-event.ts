import { type CompanyEvent, isCompanyEventType, COMPANY_EVENT_TYPES } from './company-events';
import { type PaymentEvent, isPaymentEventType, PAYMENT_EVENT_TYPES } from './payment-events';

/** The closed catalogue: every event this system has ever written is one of these. */
export type DomainEvent = CompanyEvent | PaymentEvent;
export type DomainEventType = DomainEvent['type'];

/** The payload type of one event type, e.g. `EventData<'TradeCreated'>`. */
export type EventData<T extends DomainEventType> = Extract<DomainEvent, { type: T }>['data'];

export const DOMAIN_EVENT_TYPES: readonly DomainEventType[] = [
  ...COMPANY_EVENT_TYPES,
  ...PAYMENT_EVENT_TYPES,
];

export function isDomainEventType(type: string): type is DomainEventType {
  return isCompanyEventType(type) || isPaymentEventType(type);
}

export function isCompanyEvent(event: DomainEvent): event is CompanyEvent {
  return isCompanyEventType(event.type);
}

export function isPaymentEvent(event: DomainEvent): event is PaymentEvent {
  return isPaymentEventType(event.type);
}

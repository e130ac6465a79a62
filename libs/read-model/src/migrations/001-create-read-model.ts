/**
 * The read models of ARCHITECTURE.md "Read side", in plain SQL. `s` is the quoted schema.
 *
 * Months are `MonthIndex` integers (year * 12 + month - 1, as in @cvf/domain) so that a
 * payment's period is a subtraction; `month_start(m)` shows one as a date when reading by
 * hand. Money is bigint cents; ratios are numeric, which keeps the digits as entered
 * ("0.80" stays "0.80"). Every table is keyed by company first: all reads are per company.
 * Ids are opaque, so they compare bytewise (COLLATE "C"): the cheapest comparison for every
 * index and join on them, whatever the database's default collation.
 */
export const createReadModel = (s: string): string => `
CREATE FUNCTION ${s}.month_start(month_index integer) RETURNS date
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN make_date(month_index / 12, month_index % 12 + 1, 1);

CREATE TABLE ${s}.companies (
  company_id    text COLLATE "C" PRIMARY KEY,
  name          text NOT NULL,
  -- Null only for a log renaming a company it never registered.
  registered_at timestamptz
);

CREATE TABLE ${s}.trades (
  company_id         text COLLATE "C" NOT NULL,
  cohort_month       integer NOT NULL,
  sharing_percentage numeric NOT NULL,
  cash_cap_cents     bigint NOT NULL,
  PRIMARY KEY (company_id, cohort_month)
);

CREATE TABLE ${s}.spends (
  company_id    text COLLATE "C" NOT NULL,
  cohort_month  integer NOT NULL,
  planned_cents bigint NOT NULL,
  -- Null until reported; effective spend is actual when reported, else planned.
  actual_cents  bigint,
  PRIMARY KEY (company_id, cohort_month)
);

CREATE TABLE ${s}.thresholds (
  company_id              text COLLATE "C" NOT NULL,
  payment_period          integer NOT NULL,
  minimum_payment_percent numeric NOT NULL,
  PRIMARY KEY (company_id, payment_period)
);

CREATE TABLE ${s}.threshold_overrides (
  company_id     text COLLATE "C" NOT NULL,
  cohort_month   integer NOT NULL,
  payment_period integer NOT NULL,
  reason         text NOT NULL,
  PRIMARY KEY (company_id, cohort_month, payment_period)
);

CREATE TABLE ${s}.prediction_assumptions (
  company_id text COLLATE "C" NOT NULL,
  scenario   text NOT NULL CHECK (scenario IN ('WORST', 'AVERAGE', 'BEST')),
  m0         numeric NOT NULL,
  churn      numeric NOT NULL,
  PRIMARY KEY (company_id, scenario)
);

-- One row per payment stream: the fold of its events (voided payments stay, flagged).
CREATE TABLE ${s}.payments (
  company_id     text COLLATE "C" NOT NULL,
  payment_id     text COLLATE "C" NOT NULL,
  customer_id    text COLLATE "C" NOT NULL,
  payment_date   date NOT NULL,
  payment_month  integer NOT NULL,
  amount_cents   bigint NOT NULL CHECK (amount_cents >= 0),
  refunded_cents bigint NOT NULL CHECK (refunded_cents >= 0),
  voided         boolean NOT NULL,
  source         text NOT NULL,
  recorded_at    timestamptz NOT NULL,
  PRIMARY KEY (company_id, payment_id)
);
-- A customer's payments (list endpoint) and their earliest month (cohort assignment).
CREATE INDEX payments_by_customer ON ${s}.payments (company_id, customer_id, payment_month);
-- Payments by date, in the (date, id) order the list endpoint pages through.
CREATE INDEX payments_by_date ON ${s}.payments (company_id, payment_date, payment_id);

-- Customers with at least one non-voided payment, in the cohort of the earliest one.
CREATE TABLE ${s}.customers (
  company_id   text COLLATE "C" NOT NULL,
  customer_id  text COLLATE "C" NOT NULL,
  cohort_month integer NOT NULL,
  PRIMARY KEY (company_id, customer_id)
);
CREATE INDEX customers_by_cohort ON ${s}.customers (company_id, cohort_month);

-- Kept incrementally: a row exists while the cohort has customers.
CREATE TABLE ${s}.cohorts (
  company_id     text COLLATE "C" NOT NULL,
  cohort_month   integer NOT NULL,
  customer_count integer NOT NULL CHECK (customer_count > 0),
  PRIMARY KEY (company_id, cohort_month)
);

-- The cohort table, cell by cell, kept incrementally: a row exists while the cell has
-- payments (net 0 included: a fully refunded payment still counts).
CREATE TABLE ${s}.cohort_totals (
  company_id    text COLLATE "C" NOT NULL,
  cohort_month  integer NOT NULL,
  payment_month integer NOT NULL CHECK (payment_month >= cohort_month),
  net_cents     bigint NOT NULL,
  payment_count integer NOT NULL CHECK (payment_count > 0),
  PRIMARY KEY (company_id, cohort_month, payment_month)
);

-- Per company, the last event applied: an event at or before it is a re-delivery.
CREATE TABLE ${s}.company_positions (
  company_id      text COLLATE "C" PRIMARY KEY,
  transaction_id  xid8 NOT NULL,
  global_position bigint NOT NULL
);

-- Where the projection resumes reading the log.
CREATE TABLE ${s}.projection_checkpoint (
  singleton       boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  transaction_id  xid8 NOT NULL,
  global_position bigint NOT NULL,
  updated_at      timestamptz NOT NULL DEFAULT now()
);

-- Recompute jobs written with the batch that made them necessary, handed to the scheduler
-- after commit. cohort_months null means every cohort of the company.
CREATE TABLE ${s}.recompute_outbox (
  id            bigserial PRIMARY KEY,
  company_id    text COLLATE "C" NOT NULL,
  cohort_months integer[],
  position      text NOT NULL,
  enqueued_at   timestamptz NOT NULL DEFAULT now()
);
`;

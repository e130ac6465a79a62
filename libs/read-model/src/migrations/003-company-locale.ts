/**
 * A company's currency (ISO 4217) and time zone (IANA), from CompanyRegistered v2; companies
 * registered before they existed are USD and UTC, as their events read (schema.ts).
 */
export const addCompanyLocale = (s: string): string => `
ALTER TABLE ${s}.companies
  ADD COLUMN currency text NOT NULL DEFAULT 'USD',
  ADD COLUMN timezone text NOT NULL DEFAULT 'UTC';
`;

import { type MigrationSet, runMigrations } from '@cvf/event-store';
import type { Pool } from 'pg';
import { DEFAULT_READ_MODEL_SCHEMA } from '../sql';
import { createReadModel } from './001-create-read-model';
import { addPaymentDisputes } from './002-payment-disputes';
import { addCompanyLocale } from './003-company-locale';

/** The read models' tables, applied inside each read-model schema (`s` is its quoted name). */
export const READ_MODEL_MIGRATIONS: MigrationSet = {
  name: 'read_model',
  migrations: [
    { id: '001-create-read-model', sql: createReadModel },
    { id: '002-payment-disputes', sql: addPaymentDisputes },
    { id: '003-company-locale', sql: addCompanyLocale },
  ],
};

/**
 * Brings one read-model schema up to date; safe at every start. The ledger lives inside the
 * schema (`<schema>.migrations`), so a rebuilt schema carries its own when it is renamed
 * into place.
 */
export function migrateReadModel(
  pool: Pool,
  schema: string = DEFAULT_READ_MODEL_SCHEMA,
): Promise<{ applied: readonly string[] }> {
  return runMigrations(pool, READ_MODEL_MIGRATIONS, { schema });
}

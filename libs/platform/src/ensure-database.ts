import { Client } from 'pg';

/**
 * The embedded default must start on a machine that only has a PostgreSQL server: create the
 * configured database when it does not exist yet (connecting to the server's `postgres`
 * database). Returns true when it created it.
 */
export async function ensureDatabase(databaseUrl: string): Promise<boolean> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  if (!/^[A-Za-z0-9_]{1,63}$/.test(name))
    throw new Error(`DATABASE_URL: unsupported database name '${name}'`);
  url.pathname = '/postgres';
  const admin = new Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 1) return false;
    try {
      await admin.query(`CREATE DATABASE ${name}`);
    } catch (error) {
      // Another process created it between our check and CREATE: that is fine.
      if ((error as { code?: string }).code !== '42P04') throw error;
    }
    return true;
  } finally {
    await admin.end();
  }
}

import { type DomainEvent } from '@cvf/domain';
import { toNewEvent } from '@cvf/platform';
import { Pool } from 'pg';
import { CompanyNames } from './commands/company-names';
import { EventLog, send, type Method } from './testing/ingest-http';
import { startIngestTestApp, type IngestTestApp } from './testing/ingest-test-app';

// Company names are unique per deployment, case-insensitively (DOMAIN.md "Inputs"), though
// each company's name lives in its own stream: a reservation in ingest.company_names.

let ingest: IngestTestApp;
let log: EventLog;
let pool: Pool;
const request = (method: Method, url: string, payload?: object) =>
  send(ingest.app, method, url, payload);

const streamLength = async (companyId: string) =>
  (await log.readStream(`company-${companyId}`)).length;

beforeAll(async () => {
  ingest = await startIngestTestApp('ingest_company_names');
  log = new EventLog(ingest.database.url);
  pool = new Pool({ connectionString: ingest.database.url, max: 2 });
});

afterAll(async () => {
  await pool.end();
  await log.close();
  await ingest.close();
});

describe('registering', () => {
  it('given a company named Acme, when another registers as " ACME ", then 409 and nothing is appended', async () => {
    expect((await request('POST', '/companies', { id: 'acme', name: 'Acme' })).status).toBe(201);

    const reply = await request('POST', '/companies', { id: 'acme-2', name: ' ACME ' });

    expect(reply.status).toBe(409);
    expect(reply.body).toMatchObject({ error: 'conflict', message: expect.stringMatching(/ACME/) });
    expect(await streamLength('acme-2')).toBe(0);
  });

  it('given a registration that failed, then its name stays free', async () => {
    const refused = await request('POST', '/companies', {
      id: 'failed',
      name: 'Fleeting',
      currency: 'XXX',
    });
    expect(refused.status).toBe(400);

    const reply = await request('POST', '/companies', { id: 'second', name: 'fleeting' });

    expect(reply.status).toBe(201);
  });

  it('given the same name registered by five companies at once, then exactly one gets it', async () => {
    const replies = await Promise.all(
      [1, 2, 3, 4, 5].map((n) => request('POST', '/companies', { id: `race-${n}`, name: 'Race' })),
    );
    expect(replies.map((reply) => reply.status).sort()).toEqual([201, 409, 409, 409, 409]);
  });
});

describe('renaming', () => {
  it('given two companies, when one is renamed to the other’s name in another case, then 409', async () => {
    await request('POST', '/companies', { id: 'north', name: 'North' });
    await request('POST', '/companies', { id: 'south', name: 'South' });

    const reply = await request('PUT', '/companies/south', { name: 'NORTH' });

    expect(reply.status).toBe(409);
    expect(await streamLength('south')).toBe(1);
  });

  it('when renamed, then the old name is free for another company and the new one is not', async () => {
    await request('POST', '/companies', { id: 'mover', name: 'Old Name' });

    expect((await request('PUT', '/companies/mover', { name: 'New Name' })).status).toBe(200);

    expect((await request('POST', '/companies', { id: 'taker', name: 'old name' })).status).toBe(
      201,
    );
    expect((await request('POST', '/companies', { id: 'late', name: 'new name' })).status).toBe(
      409,
    );
  });

  it('when a company changes only the case of its name, then it is renamed', async () => {
    await request('POST', '/companies', { id: 'casey', name: 'casey' });

    const reply = await request('PUT', '/companies/casey', { name: 'Casey' });

    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ events_appended: 1 });
  });
});

describe('reservations left behind', () => {
  it('given a reservation whose company never got a stream, then it is taken over once settled, not before', async () => {
    await pool.query(
      `INSERT INTO ingest.company_names (name, company_id, reserved_at) VALUES
         ('Crashed', 'ghost-1', now() - interval '1 hour'),
         ('In Flight', 'ghost-2', now())`,
    );

    const settled = await request('POST', '/companies', { id: 'heir', name: 'crashed' });
    const fresh = await request('POST', '/companies', { id: 'eager', name: 'in flight' });

    expect(settled.status).toBe(201);
    expect(fresh.status).toBe(409);
  });
});

describe('a log from before names were unique', () => {
  const registered = (name: string): DomainEvent => ({
    type: 'CompanyRegistered',
    data: { name, currency: 'USD', timezone: 'UTC' },
  });
  const append = (companyId: string, events: readonly DomainEvent[]) =>
    log.store.append(
      `company-${companyId}`,
      events.map((event) =>
        toNewEvent(event, { companyId, actor: 'test', correlationId: null, causationId: null }),
      ),
      { kind: 'no-stream' },
    );

  it('given duplicate names in the log, then reserving them at start succeeds, the first keeps the name and nobody can take it anew', async () => {
    // As if this database came before migration 006: its companies' names unreserved.
    await append('legacy-1', [registered('Twin')]);
    await append('legacy-2', [registered('TWIN')]);
    const last = await append('legacy-3', [
      registered('Before'),
      { type: 'CompanyRenamed', data: { name: 'After' } },
    ]);
    // The start reads the log as subscribers do: wait until the appends are visible there.
    while (!(await log.store.isVisible(last.position))) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await pool.query(
      `DELETE FROM ingest.company_names WHERE company_id LIKE 'legacy-%';
       DELETE FROM ingest.company_names_from_log`,
    );

    await ingest.app.get(CompanyNames).reserveNamesInLog();

    const holders = await pool.query<{ name: string; company_id: string }>(
      `SELECT name, company_id FROM ingest.company_names
       WHERE company_id LIKE 'legacy-%' ORDER BY company_id`,
    );
    expect(holders.rows).toEqual([
      { name: 'Twin', company_id: 'legacy-1' },
      { name: 'After', company_id: 'legacy-3' },
    ]);
    expect((await request('POST', '/companies', { id: 'new-twin', name: 'twin' })).status).toBe(
      409,
    );
    expect((await request('POST', '/companies', { id: 'new-b', name: 'Before' })).status).toBe(201);
    // The second of the pair keeps its name, and may change it.
    expect((await request('PUT', '/companies/legacy-2', { name: 'TWIN' })).status).toBe(200);
    expect((await request('PUT', '/companies/legacy-2', { name: 'Twin Two' })).status).toBe(200);
    // Done once: a second start reads nothing and changes nothing.
    await ingest.app.get(CompanyNames).reserveNamesInLog();
    expect((await pool.query(`SELECT 1 FROM ingest.company_names_from_log`)).rowCount).toBe(1);
  });
});

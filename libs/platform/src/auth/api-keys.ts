import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  ENTITY_ID_RULE,
  isValidEntityId,
  NotFoundError,
  ValidationError,
  type ValidationIssue,
} from '@cvf/domain';
import { type MigrationSet } from '@cvf/event-store';
import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { sha256Bytes } from '../hashing';
import { PG_POOL } from '../nest/tokens';
import { isRole, type Principal, type Role } from './principal';

export const AUTH_MIGRATIONS: MigrationSet = {
  name: 'auth',
  migrations: [
    {
      id: '001-api-keys',
      sql: `CREATE TABLE auth_api_keys (
              id           text        PRIMARY KEY,
              key_sha256   bytea       NOT NULL UNIQUE,
              role         text        NOT NULL,
              company_id   text,
              name         text,
              created_at   timestamptz NOT NULL DEFAULT now(),
              last_used_at timestamptz,
              revoked_at   timestamptz,
              CHECK ((role = 'company') = (company_id IS NOT NULL))
            )`,
    },
  ],
};

export interface ApiKeyInfo {
  readonly id: string;
  readonly role: Role;
  readonly company_id: string | null;
  readonly name: string | null;
  readonly created_at: string;
  readonly last_used_at: string | null;
  readonly revoked_at: string | null;
}

export interface CreatedApiKey {
  readonly id: string;
  /** Shown once; only its sha256 is stored. */
  readonly key: string;
  readonly role: Role;
  readonly company_id: string | null;
  readonly name: string | null;
  readonly created_at: string;
}

interface Row {
  id: string;
  role: string;
  company_id: string | null;
  name: string | null;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

/** `last_used_at` is written at most this often per key (a write per request would be a lot). */
const LAST_USED_EVERY_MS = 60_000;
const KEY_PREFIX = 'cvfk_';

/**
 * API keys: random 256-bit secrets, stored only as their sha256 (a key that random needs no
 * slow hash: there is nothing to guess). Every process verifies against PostgreSQL; the
 * Authenticator reuses an answer for at most a second, so a revocation holds everywhere
 * within a second.
 */
@Injectable()
export class ApiKeys {
  private readonly lastUsedWritten = new Map<string, number>();
  private readonly logger = new Logger('ApiKeys');

  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async create(input: {
    role: unknown;
    company_id?: unknown;
    name?: unknown;
  }): Promise<CreatedApiKey> {
    const { role, companyId, name } = validateKeyInput(input);
    const id = `key_${randomBytes(9).toString('base64url')}`;
    const key = `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
    const { rows } = await this.pool.query<{ created_at: Date }>(
      `INSERT INTO auth_api_keys (id, key_sha256, role, company_id, name)
       VALUES ($1, $2, $3, $4, $5) RETURNING created_at`,
      [id, sha256Bytes(key), role, companyId, name],
    );
    const createdAt = rows[0]?.created_at ?? new Date();
    return { id, key, role, company_id: companyId, name, created_at: createdAt.toISOString() };
  }

  async list(): Promise<ApiKeyInfo[]> {
    const { rows } = await this.pool.query<Row>(
      `SELECT id, role, company_id, name, created_at, last_used_at, revoked_at
       FROM auth_api_keys ORDER BY created_at, id`,
    );
    return rows.map(info);
  }

  /** Revokes at once: 404 for an unknown or already revoked key. */
  async revoke(id: string): Promise<ApiKeyInfo> {
    const { rows } = await this.pool.query<Row>(
      `UPDATE auth_api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL
       RETURNING id, role, company_id, name, created_at, last_used_at, revoked_at`,
      [id],
    );
    const row = rows[0];
    if (row === undefined) throw new NotFoundError('api key', { id });
    return info(row);
  }

  /**
   * The principal of a live key; null for anything else (unknown, revoked, not a key). One
   * query each time: the Authenticator reuses an answer for at most a second.
   */
  async verify(token: string): Promise<Principal | null> {
    if (!token.startsWith(KEY_PREFIX)) return null;
    const { rows } = await this.pool.query<Row>(
      `SELECT id, role, company_id FROM auth_api_keys WHERE key_sha256 = $1 AND revoked_at IS NULL`,
      [sha256Bytes(token)],
    );
    const row = rows[0];
    const principal: Principal | null =
      row !== undefined && isRole(row.role)
        ? { id: row.id, kind: 'api_key', role: row.role, companyId: row.company_id }
        : null;
    if (principal !== null) this.touch(principal.id, Date.now());
    return principal;
  }

  private touch(id: string, now: number): void {
    if ((this.lastUsedWritten.get(id) ?? 0) + LAST_USED_EVERY_MS > now) return;
    this.lastUsedWritten.set(id, now);
    this.pool
      .query('UPDATE auth_api_keys SET last_used_at = now() WHERE id = $1', [id])
      .catch((error: Error) => this.logger.warn(`last_used_at of ${id}: ${error.message}`));
  }
}

function validateKeyInput(input: { role: unknown; company_id?: unknown; name?: unknown }): {
  role: Role;
  companyId: string | null;
  name: string | null;
} {
  const issues: ValidationIssue[] = [];
  const role = input.role;
  if (!isRole(role)) {
    issues.push({
      field: 'role',
      reason: 'must be one of company, underwriting, operations, admin',
    });
  }
  const companyId = input.company_id ?? null;
  if (role === 'company') {
    if (!isValidEntityId(companyId)) {
      issues.push({ field: 'company_id', reason: `required for role company: ${ENTITY_ID_RULE}` });
    }
  } else if (companyId !== null) {
    issues.push({ field: 'company_id', reason: 'only a company key is bound to a company' });
  }
  const name = input.name ?? null;
  if (name !== null && (typeof name !== 'string' || name.length === 0 || name.length > 200)) {
    issues.push({ field: 'name', reason: 'must be text of 1–200 characters' });
  }
  if (issues.length > 0 || !isRole(role)) throw new ValidationError(issues);
  return { role, companyId: companyId as string | null, name: name as string | null };
}

function info(row: Row): ApiKeyInfo {
  return {
    id: row.id,
    role: row.role as Role,
    company_id: row.company_id,
    name: row.name,
    created_at: row.created_at.toISOString(),
    last_used_at: row.last_used_at?.toISOString() ?? null,
    revoked_at: row.revoked_at?.toISOString() ?? null,
  };
}

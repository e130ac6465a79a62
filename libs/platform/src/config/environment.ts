import { DEFAULT_READ_MODEL_SCHEMA } from '@cvf/read-model';
import { IsOptional, IsString } from 'class-validator';
import { parseSecretKeys } from '../crypto/secret-box';
import {
  BrokerList,
  OneOf,
  OptionalText,
  OriginList,
  Secret,
  SecretKeyList,
  Text,
  Url,
  WholeNumber,
} from './rules';

export const RUN_MODES = ['embedded', 'distributed'] as const;
export type RunMode = (typeof RUN_MODES)[number];

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Where Kafka is in distributed mode when KAFKA_BROKERS is not set. */
export const LOCAL_KAFKA_BROKER = '127.0.0.1:9092';

const KEY_NAME = /^[A-Za-z0-9_.:-]{1,64}$/;
const DAY_SECONDS = 86_400;

/**
 * Every environment variable a CVF process reads, each with its default and its rule; an
 * unset or empty variable takes the default. Parsed and validated once at boot
 * (`parseEnvironment`), whichever app starts: each then takes the typed slice it uses
 * (`appConfigFrom`; the cache's, the worker's and the MCP server's options are derived from
 * it in their own packages). Only test and benchmark harnesses read variables of their own.
 */
export class Environment {
  // The process.
  @OneOf(RUN_MODES) readonly CVF_MODE: RunMode = 'embedded';
  @WholeNumber(0, 65_535) readonly PORT: number = 3_000;
  @IsString() readonly HOST: string = '127.0.0.1';
  @OneOf(LOG_LEVELS) readonly LOG_LEVEL: LogLevel = 'info';
  /** all-in-one: `off` skips loading and printing the demo portfolio. */
  @OneOf(['on', 'off']) readonly CVF_DEMO: 'on' | 'off' = 'on';
  /** `production` makes the credentials below required, as distributed mode does. */
  @IsOptional() @IsString() readonly NODE_ENV: string | undefined = undefined;

  // Who may call (ARCHITECTURE.md "Who may do what"), and the HTTP front door.
  /** The first admin API key; `npm start` generates one for the demo when unset. */
  @Secret(32, true) readonly CVF_ADMIN_KEY: string | undefined = undefined;
  /** JWTs: HS256 with JWT_SECRET, or RS256/ES256 with the PEM or JWKS in JWT_PUBLIC_KEY_FILE. */
  @OptionalText(/^.{1,500}$/, 'must be 1–500 characters')
  readonly JWT_ISSUER: string | undefined = undefined;
  @OptionalText(/^.{1,500}$/, 'must be 1–500 characters')
  readonly JWT_AUDIENCE: string | undefined = undefined;
  @Secret(32) readonly JWT_SECRET: string | undefined = undefined;
  @IsOptional() @IsString() readonly JWT_PUBLIC_KEY_FILE: string | undefined = undefined;
  /** Webhook secrets at rest: `<id>:<base64 of 32 bytes>[,…]`, the first seals (secret-box.ts). */
  @SecretKeyList(parseSecretKeys) readonly SECRET_KEY: string | undefined = undefined;
  /** Requests per minute per principal (per IP for unauthenticated routes), across instances. */
  @WholeNumber(1, 1_000_000) readonly RATE_LIMIT_PER_MINUTE: number = 1_200;
  /** Browser origins allowed by CORS; none unless listed. */
  @OriginList() readonly CORS_ORIGINS: readonly string[] = [];
  /**
   * A connection that sends nothing for this long is closed: a stalled upload is cut. Keep it
   * above 15 where breach streams (SSE, a heartbeat every 15 s) are served.
   */
  @WholeNumber(1, 3_600) readonly REQUEST_TIMEOUT_SECONDS: number = 60;

  // PostgreSQL, Redis, Kafka.
  @Url(['postgres:', 'postgresql:'])
  readonly DATABASE_URL: string = 'postgres://postgres@127.0.0.1:5432/cvf';
  @Url(['redis:', 'rediss:']) readonly REDIS_URL: string = 'redis://127.0.0.1:6379';
  /** Unset: LOCAL_KAFKA_BROKER in distributed mode, none in embedded mode. */
  @BrokerList() readonly KAFKA_BROKERS: readonly string[] | undefined = undefined;
  @IsString() readonly KAFKA_CLIENT_ID: string = 'cvf';
  /** Kafka's legal topic characters; the longest suffix (`cvf-projector`, 13) must still fit 249. */
  @Text(/^[A-Za-z0-9._-]{0,200}$/, "only letters, digits, '.', '_' and '-', at most 200")
  readonly KAFKA_TOPIC_PREFIX: string = '';

  // Ingest.
  @WholeNumber(1024, 4 * 1024 ** 3) readonly UPLOAD_LIMIT_BYTES: number = 200 * 1024 ** 2;
  @WholeNumber(1, DAY_SECONDS) readonly WEBHOOK_TOLERANCE_SECONDS: number = 300;
  @WholeNumber(3_600, 30 * DAY_SECONDS) readonly IDEMPOTENCY_TTL_SECONDS: number = DAY_SECONDS;

  // The Redis cache of computed results and its recompute queue (libs/cache).
  @Text(KEY_NAME) readonly CACHE_PREFIX: string = 'cvf';
  @WholeNumber(60, 90 * DAY_SECONDS) readonly CACHE_TTL_SECONDS: number = 7 * DAY_SECONDS;
  @Text(/^[A-Za-z0-9_.-]{1,64}$/) readonly RECOMPUTE_QUEUE: string = 'cvf-recompute';
  @Text(KEY_NAME) readonly ALERTS_CHANNEL: string = 'cvf:alerts';
  @Text(/^[a-z_][a-z0-9_]{0,62}$/) readonly READ_MODEL_SCHEMA: string = DEFAULT_READ_MODEL_SCHEMA;

  // The read API (apps/gateway).
  /**
   * A read that finds nothing and names no min_position waits at most this long for the read
   * models to pass the log's head (it may be the caller's own write, not projected yet)
   * before answering 404; 0 answers at once.
   */
  @WholeNumber(0, 30_000) readonly READ_OWN_WRITES_WAIT_MS: number = 2_000;

  // The recompute worker (apps/worker).
  @WholeNumber(1, 64) readonly WORKER_CONCURRENCY: number = 2;
  @WholeNumber(0, 600_000) readonly WORKER_SHUTDOWN_TIMEOUT_MS: number = 10_000;
  @WholeNumber(1_000, 600_000) readonly WORKER_LOCK_DURATION_MS: number = 30_000;
  @WholeNumber(1_000, 600_000) readonly WORKER_STALLED_INTERVAL_MS: number = 30_000;

  // The MCP server over stdio (apps/mcp): a client of this API, with its MCP client's credential.
  /** Where the API answers: the gateway, or the all-in-one process (both routes on one port). */
  @Url(['http:', 'https:']) readonly CVF_API_URL: string = 'http://127.0.0.1:3000';
  /** Where commands go when ingest has a host of its own (k8s/); CVF_API_URL when unset. */
  @IsOptional() @Url(['http:', 'https:']) readonly CVF_INGEST_URL: string | undefined = undefined;
  /** The bearer token (an API key or a JWT) the tools call the API with; apps/mcp requires it. */
  @Secret(32) readonly CVF_API_TOKEN: string | undefined = undefined;
}

/** Every default, as a process with no variables set sees them. */
export const ENVIRONMENT_DEFAULTS: Environment = Object.freeze(new Environment());

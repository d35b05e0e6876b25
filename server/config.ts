import path from 'node:path';
import { z } from 'zod';
import { projectRoot } from './kernel/paths.js';

/**
 * The one place configuration is read. Everything comes from environment variables, validated at
 * start: a bad value stops the process with a message naming the variable. README lists them all.
 */
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  /** Where the SQLite file, blobs and demo output live. */
  DATA_DIR: z.string().default('./data'),
  /** mysql://user:pass@host:port/db switches to MySQL/MariaDB; unset means SQLite under DATA_DIR. */
  DATABASE_URL: z
    .string()
    .regex(/^(mysql|mariadb|sqlite):/, 'must start with mysql://, mariadb:// or sqlite:')
    .optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Seed the demo data set when the database has no users: auto (default) or never. */
  SEED_DEMO: z.enum(['auto', 'never']).default('auto'),
  SESSION_TTL_HOURS: z.coerce.number().positive().max(24 * 30).default(12),
  /** Send the session cookie only over HTTPS. Turn on behind TLS. */
  COOKIE_SECURE: bool.default(false),
  /** Failed logins (per username and per client address) inside the window before a lock. */
  LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).max(1000).default(5),
  LOGIN_WINDOW_MINUTES: z.coerce.number().positive().default(15),
  LOGIN_LOCK_MINUTES: z.coerce.number().positive().default(15),
  /** Largest JSON request body accepted, in bytes. */
  JSON_BODY_LIMIT: z.coerce.number().int().min(1024).default(100 * 1024),
  /** Trust X-Forwarded-For from this many proxies (Express "trust proxy"). */
  TRUST_PROXY: z.coerce.number().int().min(0).default(0),
  /** A TrueType/OpenType CJK font for PDFs; unset means the usual system locations are searched. */
  CJK_FONT_PATH: z.string().optional(),
  /** Built web client; defaults to dist/client in the project. */
  CLIENT_DIR: z.string().optional(),
  /** scrypt cost (N = 2^SCRYPT_LOG_N) for new password hashes. */
  SCRYPT_LOG_N: z.coerce.number().int().min(10).max(20).default(15),
  /** Platform CA folder (root/issuing certificates and keys); default DATA_DIR/ca, created at first start. */
  CA_DIR: z.string().optional(),
  /** PEM bundle of external root certificates whose chains are accepted besides the platform CA. */
  TRUST_ANCHORS: z.string().optional(),
  /** Days a published CRL stays current (its nextUpdate). */
  CRL_VALIDITY_DAYS: z.coerce.number().int().min(1).max(90).default(7),
  /** How often the audit head is signed with the platform key (0 turns the timer off). */
  AUDIT_CHECKPOINT_MINUTES: z.coerce.number().min(0).max(24 * 60).default(5),
  /** Redis for multi-process live rooms (used by later modules). */
  REDIS_URL: z.string().optional(),
  /** Largest sealed bid accepted (bytes); default 2 GiB. */
  BID_MAX_BYTES: z.coerce.number().int().min(1024).default(2 * 1024 ** 3),
  /** Largest tender document or clarification accepted (bytes); default 200 MiB. */
  DOCUMENT_MAX_BYTES: z.coerce.number().int().min(1024).default(200 * 1024 ** 2),
  /** Longest the lifecycle scheduler sleeps before asking the database what is due (ms). */
  SCHEDULER_POLL_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
  /** The region whose signed credit feed this deployment publishes (000000 = national); default: the region tree's root. */
  CREDIT_REGION: z.string().regex(/^[0-9]{6}$/).optional(),
  /** The region certificate (PEM, chain after it) and its key that sign the feed; unset: one issued by the platform CA. */
  CREDIT_FEED_CERT: z.string().optional(),
  CREDIT_FEED_KEY: z.string().optional(),
  /** PEM bundle of the roots peers' region certificates must chain to; unset: this platform's own root. */
  CREDIT_TRUST_ROOTS: z.string().optional(),
  /** Peers whose feeds are pulled: CODE=URL pairs, comma-separated, e.g. 360781=https://ggzy.ruijin.example. */
  CREDIT_PEERS: z
    .string()
    .regex(/^\s*[0-9]{6}=https?:\/\/[^,\s]+(\s*,\s*[0-9]{6}=https?:\/\/[^,\s]+)*\s*$/, 'must be CODE=URL pairs separated by commas')
    .optional(),
  /** How often each peer is pulled (seconds; 0: only on demand). */
  CREDIT_PULL_SECONDS: z.coerce.number().int().min(0).max(86_400).default(300),
  /** Longest wait between retries of a failing peer (seconds); retries start at 5 s and double. */
  CREDIT_PULL_BACKOFF_MAX_SECONDS: z.coerce.number().int().min(1).max(86_400).default(3600),
});

export type Env = z.infer<typeof EnvSchema>;

export interface Config {
  env: Env['NODE_ENV'];
  port: number;
  host: string;
  dataDir: string;
  database: { dialect: 'sqlite'; storage: string } | { dialect: 'mysql'; url: string };
  logLevel: Env['LOG_LEVEL'];
  seedDemo: Env['SEED_DEMO'];
  sessionTtlMs: number;
  cookieSecure: boolean;
  loginThrottle: { maxFailures: number; windowMs: number; lockMs: number };
  jsonBodyLimit: number;
  trustProxy: number;
  cjkFontPath: string | undefined;
  clientDir: string;
  scryptLogN: number;
  redisUrl: string | undefined;
  caDir: string;
  trustAnchorsPath: string | undefined;
  crlValidityDays: number;
  auditCheckpointMs: number;
  bidMaxBytes: number;
  documentMaxBytes: number;
  schedulerPollMs: number;
  credit: {
    region: string | undefined;
    feedSigner: { cert: string; key: string } | undefined;
    trustRootsPath: string | undefined;
    peers: { code: string; url: string }[];
    pullMs: number;
    backoffMaxMs: number;
  };
}

export class ConfigError extends Error {}

export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(
    Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== '')),
  );
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const env = parsed.data;
  if (!env.CREDIT_FEED_CERT !== !env.CREDIT_FEED_KEY) throw new ConfigError('invalid configuration:\n  CREDIT_FEED_CERT and CREDIT_FEED_KEY go together (the region certificate and its key)');
  const dataDir = path.resolve(env.DATA_DIR);
  let database: Config['database'];
  if (!env.DATABASE_URL) database = { dialect: 'sqlite', storage: path.join(dataDir, 'tenderhall.sqlite') };
  else if (env.DATABASE_URL.startsWith('sqlite:')) {
    const file = env.DATABASE_URL.replace(/^sqlite:(\/\/)?/, '');
    database = { dialect: 'sqlite', storage: path.resolve(file) };
  } else database = { dialect: 'mysql', url: env.DATABASE_URL.replace(/^mariadb:/, 'mysql:') };
  return {
    env: env.NODE_ENV,
    port: env.PORT,
    host: env.HOST,
    dataDir,
    database,
    logLevel: env.LOG_LEVEL,
    seedDemo: env.SEED_DEMO,
    sessionTtlMs: env.SESSION_TTL_HOURS * 3600_000,
    cookieSecure: env.COOKIE_SECURE,
    loginThrottle: {
      maxFailures: env.LOGIN_MAX_FAILURES,
      windowMs: env.LOGIN_WINDOW_MINUTES * 60_000,
      lockMs: env.LOGIN_LOCK_MINUTES * 60_000,
    },
    jsonBodyLimit: env.JSON_BODY_LIMIT,
    trustProxy: env.TRUST_PROXY,
    cjkFontPath: env.CJK_FONT_PATH,
    clientDir: env.CLIENT_DIR ? path.resolve(env.CLIENT_DIR) : path.join(projectRoot, 'dist', 'client'),
    scryptLogN: env.SCRYPT_LOG_N,
    redisUrl: env.REDIS_URL,
    auditCheckpointMs: env.AUDIT_CHECKPOINT_MINUTES * 60_000,
    caDir: env.CA_DIR ? path.resolve(env.CA_DIR) : path.join(dataDir, 'ca'),
    trustAnchorsPath: env.TRUST_ANCHORS ? path.resolve(env.TRUST_ANCHORS) : undefined,
    crlValidityDays: env.CRL_VALIDITY_DAYS,
    bidMaxBytes: env.BID_MAX_BYTES,
    documentMaxBytes: env.DOCUMENT_MAX_BYTES,
    schedulerPollMs: env.SCHEDULER_POLL_MS,
    credit: {
      region: env.CREDIT_REGION,
      feedSigner: env.CREDIT_FEED_CERT && env.CREDIT_FEED_KEY ? { cert: path.resolve(env.CREDIT_FEED_CERT), key: path.resolve(env.CREDIT_FEED_KEY) } : undefined,
      trustRootsPath: env.CREDIT_TRUST_ROOTS ? path.resolve(env.CREDIT_TRUST_ROOTS) : undefined,
      peers: (env.CREDIT_PEERS ?? '')
        .split(',')
        .map((pair) => pair.trim())
        .filter(Boolean)
        .map((pair) => {
          const at = pair.indexOf('=');
          return { code: pair.slice(0, at), url: pair.slice(at + 1).replace(/\/+$/, '') };
        }),
      pullMs: env.CREDIT_PULL_SECONDS * 1000,
      backoffMaxMs: env.CREDIT_PULL_BACKOFF_MAX_SECONDS * 1000,
    },
  };
}

/** Where the config for display (startup banner, README) hides secrets. */
export function describeDatabase(config: Config): string {
  if (config.database.dialect === 'sqlite') return `SQLite ${config.database.storage}`;
  const url = new URL(config.database.url);
  if (url.password) url.password = '***';
  return `MySQL/MariaDB ${url.toString()}`;
}

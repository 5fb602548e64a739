import path from 'node:path';
import { z } from 'zod';

export const processRoles = ['api', 'worker', 'all'] as const;
export type ProcessRole = (typeof processRoles)[number];

const booleanFromEnv = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/**
 * Every environment variable Hearth reads. README.md's configuration table mirrors this list;
 * nothing else in the code touches process.env.
 */
const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  HEARTH_DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  HEARTH_DEMO_API_KEY: z
    .string()
    .min(24, 'at least 24 characters')
    .max(200)
    .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, - and _ only')
    .optional(),
  HEARTH_DEMO_PASSWORD: z.string().min(8).max(200).optional(),
  HEARTH_DEMO_DATA: booleanFromEnv.default(true),
  HEARTH_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(1200),
  HEARTH_LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).default(5),
  HEARTH_LOGIN_LOCK_MINUTES: z.coerce.number().int().min(1).default(15),
  HEARTH_AUTH_CACHE_SECONDS: z.coerce.number().int().min(0).max(300).default(5),
  HEARTH_SESSION_HOURS: z.coerce.number().int().min(1).max(24 * 30).default(12),
  HEARTH_JOB_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  HEARTH_JOB_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(500),
  HEARTH_JOB_LEASE_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  HEARTH_SHUTDOWN_GRACE_SECONDS: z.coerce.number().int().min(0).max(600).default(25),
  HEARTH_TRUST_PROXY: booleanFromEnv.default(false),
  HEARTH_COOKIE_SECURE: booleanFromEnv.optional(),
  // 32 bytes, base64: seals secrets kept in the database (payment-provider keys). Without it none can be stored.
  HEARTH_SECRETS_KEY: z
    .string()
    .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes in base64 (openssl rand -base64 32)')
    .optional(),
  HEARTH_MEMBER_SESSION_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  // WeChat's API hosts; tests point them at a local fake.
  HEARTH_WECHAT_API_BASE: z.url().default('https://api.weixin.qq.com'),
  HEARTH_WECHAT_OPEN_BASE: z.url().default('https://open.weixin.qq.com'),
  // WeCom's (企业微信) server API host; tests point it at a local fake.
  HEARTH_WECOM_API_BASE: z.url().default('https://qyapi.weixin.qq.com'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface Config {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  role: ProcessRole;
  dataDir: string;
  database: { kind: 'pglite'; dataDir: string } | { kind: 'postgres'; url: string; poolSize: number };
  demo: { enabled: boolean; apiKey?: string; password?: string };
  rateLimitPerMinute: number;
  login: { maxFailures: number; lockMinutes: number; sessionHours: number };
  authCacheSeconds: number;
  jobs: { concurrency: number; pollMs: number; leaseSeconds: number };
  shutdownGraceSeconds: number;
  trustProxy: boolean;
  cookieSecure: boolean;
  secretsKey?: Buffer;
  logLevel: string;
  memberPortal: { sessionDays: number; wechatApiBase: string; wechatOpenBase: string };
  wecomApiBase: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Reads and validates the environment and command line; throws ConfigError listing every problem at once. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, argv: string[] = process.argv.slice(2)): Config {
  const problems: string[] = [];
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(`${issue.path.join('.')}: ${issue.message}`);
  }
  const role = parseRole(argv, problems);
  if (!parsed.success || !role) throw new ConfigError(problems);
  const e = parsed.data;
  const dataDir = path.resolve(e.HEARTH_DATA_DIR);
  if (!e.DATABASE_URL && role !== 'all') {
    problems.push(`--role=${role}: the embedded database serves one process; use --role=all or set DATABASE_URL`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    role,
    dataDir,
    database: e.DATABASE_URL
      ? { kind: 'postgres', url: e.DATABASE_URL, poolSize: e.DATABASE_POOL_SIZE }
      : { kind: 'pglite', dataDir: path.join(dataDir, 'pglite') },
    demo: { enabled: e.HEARTH_DEMO_DATA, apiKey: e.HEARTH_DEMO_API_KEY, password: e.HEARTH_DEMO_PASSWORD },
    rateLimitPerMinute: e.HEARTH_RATE_LIMIT_PER_MINUTE,
    login: {
      maxFailures: e.HEARTH_LOGIN_MAX_FAILURES,
      lockMinutes: e.HEARTH_LOGIN_LOCK_MINUTES,
      sessionHours: e.HEARTH_SESSION_HOURS,
    },
    authCacheSeconds: e.HEARTH_AUTH_CACHE_SECONDS,
    jobs: { concurrency: e.HEARTH_JOB_CONCURRENCY, pollMs: e.HEARTH_JOB_POLL_MS, leaseSeconds: e.HEARTH_JOB_LEASE_SECONDS },
    shutdownGraceSeconds: e.HEARTH_SHUTDOWN_GRACE_SECONDS,
    trustProxy: e.HEARTH_TRUST_PROXY,
    // Off by default: `npm start` serves plain http on localhost; turn on behind HTTPS.
    cookieSecure: e.HEARTH_COOKIE_SECURE ?? false,
    secretsKey: e.HEARTH_SECRETS_KEY ? Buffer.from(e.HEARTH_SECRETS_KEY, 'base64') : undefined,
    logLevel: e.LOG_LEVEL,
    memberPortal: { sessionDays: e.HEARTH_MEMBER_SESSION_DAYS, wechatApiBase: e.HEARTH_WECHAT_API_BASE.replace(/\/$/, ''), wechatOpenBase: e.HEARTH_WECHAT_OPEN_BASE.replace(/\/$/, '') },
    wecomApiBase: e.HEARTH_WECOM_API_BASE.replace(/\/$/, ''),
  };
}

function parseRole(argv: string[], problems: string[]): ProcessRole | undefined {
  let role: string = 'all';
  for (const arg of argv) {
    const match = /^--role=(.*)$/.exec(arg);
    if (match) role = match[1] ?? '';
    else problems.push(`unknown argument ${arg} (expected --role=api|worker|all)`);
  }
  if ((processRoles as readonly string[]).includes(role)) return role as ProcessRole;
  problems.push(`--role: must be one of ${processRoles.join(', ')}, got "${role}"`);
  return undefined;
}

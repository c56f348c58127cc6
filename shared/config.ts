import { resolve } from 'node:path';
import type { SecurityPolicy } from './auth/policy.ts';
import { defaultPolicy } from './auth/policy.ts';
import { parseAddressRange, type AddressRange } from './net/address-range.ts';
import { classifyHost } from './net/address-class.ts';
import type { S3Settings } from './files/s3-file-storage.ts';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export const mailTransportNames = ['smtp', 'http', 'send_email'] as const;
export type MailTransportName = (typeof mailTransportNames)[number];

/** Everything configurable, read from environment variables (documented in README.md). */
export interface Config {
  port: number;
  host: string | undefined;
  databaseUrl: string;
  databaseAuthToken: string | undefined;
  publicUrl: URL | undefined;
  logLevel: LogLevel;
  /** DEMO_SEED: the whole demo ('all'), only its organisations and users ('users', as the test servers start), or none. */
  seedDemo: false | 'users' | 'all';
  policy: SecurityPolicy;
  erp: {
    /** Default outbound endpoint, configured at start (admins can add more in the portal). */
    webhookUrl: URL | undefined;
    webhookSecret: string | undefined;
    /** Secrets the ERP signs inbound webhooks with; several during a rotation. */
    inboundSecrets: string[];
    /** Per-attempt timeout of an outbound delivery. */
    deliveryTimeoutMs: number;
  };
  mail: {
    /**
     * How mail leaves (`MAIL_TRANSPORT`): `smtp` (default; Node only), `http` (an HTTP mail API in
     * Resend's shape, see shared/mail/http-mail-transport.ts) or `send_email` (Cloudflare's binding).
     */
    transport: MailTransportName;
    /** smtp:// or smtps:// server; without it (and MAIL_TRANSPORT=smtp) mail is kept in the database for admins to read. */
    smtpUrl: string | undefined;
    /** MAIL_API_URL (default https://api.resend.com/emails) and MAIL_API_TOKEN: set with MAIL_TRANSPORT=http. */
    api: { url: URL; token: string } | undefined;
    from: string;
  };
  /**
   * Where files live (`FILE_STORAGE`): the local folder `uploads.dir` (default), an
   * S3-compatible bucket (`S3_*`), or R2 through the Worker's binding (Workers only).
   */
  files: { storage: 'local' } | { storage: 's3'; s3: S3Settings } | { storage: 'r2' };
  uploads: {
    /** Absolute folder where uploaded files are kept with FILE_STORAGE=local (one subfolder per organisation). */
    dir: string;
    /** The largest upload accepted, in bytes. */
    maxBytes: number;
  };
  certificates: {
    /** Days after a certificate's expiry before its supplier is flagged (`CERTIFICATE_GRACE_DAYS`). */
    graceDays: number;
  };
  as2: {
    /** Our AS2 name (`AS2_ID`): partners send to it as AS2-To; our certificate's CN. */
    id: string;
    /** The largest AS2 message accepted, in bytes (`AS2_MAX_MB`); it is streamed to disk, not held in memory. */
    maxBytes: number;
  };
  /** Our EDIFACT identification (`EDI_ID`, "id:qualifier"): UNB sender and NAD+BY of the ORDERS we send. */
  edi: { id: string; qualifier: string };
  /** The REST API (/api/v1): requests per key and minute (`API_RATE_LIMIT`), counted in the database across instances. */
  api: { rateLimitPerMinute: number };
  http: HttpLimits;
  /**
   * `TRUST_PROXY=true`: a TLS-terminating proxy in front sets X-Forwarded-Proto/-Host/-For and
   * we believe them (and only then). Without it those headers are ignored.
   */
  trustProxy: boolean;
  /**
   * Which peers may be that proxy (TRUST_PROXY=true only): loopback and private ones always,
   * and these (`TRUSTED_PROXIES`, comma-separated addresses or CIDR ranges). From any other
   * peer forwarded headers are ignored: a client that reaches the port directly cannot forge
   * its address or host.
   */
  trustedProxies: AddressRange[];
  /** Bearer token for `/metrics` (`METRICS_TOKEN`); without it only loopback peers may scrape. */
  metricsToken: string | undefined;
}

/** What one client may hold of the server (every door: portal, /as2, /api, /erp). */
export interface HttpLimits {
  /** Time to send a request's headers (`HEADERS_TIMEOUT_SECONDS`); then 408 and the socket closes. */
  headersTimeoutMs: number;
  /** Ceiling on receiving one whole request, body included (`REQUEST_TIMEOUT_SECONDS`, 0 = none). */
  requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this (`KEEP_ALIVE_TIMEOUT_SECONDS`). */
  keepAliveTimeoutMs: number;
  /**
   * A body must arrive at least this fast on average (`BODY_MIN_RATE_KB`, KiB/s) once its
   * grace period (`BODY_GRACE_SECONDS`) is over: a trickling body is cut off with 408.
   */
  bodyMinBytesPerSecond: number;
  bodyGraceMs: number;
  /** Open connections one source address may hold (`MAX_CONNECTIONS_PER_SOURCE`); more are answered 503 and closed. */
  maxConnectionsPerSource: number;
}

/** EDI_ID as "id:qualifier" (e.g. 4012345000009:14 for a GLN); LOTBRIDGE:ZZZ (mutually defined) by default. */
function ediId(env: Env): { id: string; qualifier: string } {
  const raw = env.EDI_ID?.trim() || 'LOTBRIDGE:ZZZ';
  const m = /^([A-Za-z0-9 .-]{1,35})(?::([A-Za-z0-9]{1,4}))?$/.exec(raw);
  if (!m) throw new ConfigError(`EDI_ID must be an EDIFACT party id with an optional qualifier, such as 4012345000009:14 (got "${raw}")`);
  return { id: m[1]!, qualifier: m[2] ?? '' };
}

/** A bad setting: the message is the one line the operator sees. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw.trim()) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max} (got "${raw}")`);
  }
  return Number(raw);
}

function oneOf<T extends string>(env: Env, name: string, fallback: T, allowed: readonly T[]): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!allowed.includes(raw as T)) throw new ConfigError(`${name} must be one of ${allowed.join(', ')} (got "${raw}")`);
  return raw as T;
}

function databaseUrl(env: Env): string {
  const raw = env.DATABASE_URL || 'file:data/lotbridge.db';
  if (!/^(file:|libsql:|https?:|wss?:)/.test(raw)) {
    throw new ConfigError(`DATABASE_URL must be a file: path or a libsql://, http(s):// or ws(s):// URL (got "${raw}")`);
  }
  return raw;
}

function publicUrl(env: Env): URL | undefined {
  const raw = env.PUBLIC_URL;
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`PUBLIC_URL must be an absolute URL such as https://portal.example.com (got "${raw}")`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(`PUBLIC_URL must start with http:// or https:// (got "${raw}")`);
  if (url.pathname !== '/' || url.search || url.hash) throw new ConfigError(`PUBLIC_URL must be an origin without a path (got "${raw}")`);
  return url;
}

function webhookSecret(name: string, raw: string): string {
  if (!/^whsec_[A-Za-z0-9+/]{22,}={0,2}$/.test(raw)) {
    throw new ConfigError(`${name} must be a Standard Webhooks secret: "whsec_" followed by base64 of at least 16 bytes`);
  }
  return raw;
}

function erp(env: Env): Config['erp'] {
  let webhookUrl: URL | undefined;
  if (env.ERP_WEBHOOK_URL) {
    try {
      webhookUrl = new URL(env.ERP_WEBHOOK_URL);
    } catch {
      throw new ConfigError(`ERP_WEBHOOK_URL must be an absolute http(s) URL (got "${env.ERP_WEBHOOK_URL}")`);
    }
    if (webhookUrl.protocol !== 'http:' && webhookUrl.protocol !== 'https:') throw new ConfigError('ERP_WEBHOOK_URL must start with http:// or https://');
    if (!env.ERP_WEBHOOK_SECRET) throw new ConfigError('ERP_WEBHOOK_URL is set but ERP_WEBHOOK_SECRET is not: the ERP must be able to verify what we send');
  }
  return {
    webhookUrl,
    webhookSecret: env.ERP_WEBHOOK_SECRET ? webhookSecret('ERP_WEBHOOK_SECRET', env.ERP_WEBHOOK_SECRET) : undefined,
    inboundSecrets: (env.ERP_INBOUND_SECRET ?? '')
      .split(/[\s,]+/)
      .filter(Boolean)
      .map((s) => webhookSecret('ERP_INBOUND_SECRET', s)),
    deliveryTimeoutMs: integer(env, 'WEBHOOK_TIMEOUT_SECONDS', 15, 1, 300) * 1000,
  };
}

function mail(env: Env): Config['mail'] {
  const smtpUrl = env.SMTP_URL || undefined;
  if (smtpUrl) {
    let url: URL;
    try {
      url = new URL(smtpUrl);
    } catch {
      throw new ConfigError(`SMTP_URL must be a URL such as smtp://mail.example.com:587 (got "${smtpUrl.replace(/\/\/.*@/, '//')}")`);
    }
    if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') throw new ConfigError('SMTP_URL must start with smtp:// or smtps://');
  }
  const from = env.MAIL_FROM || 'Lotbridge <no-reply@lotbridge.localhost>';
  if (!/@/.test(from)) throw new ConfigError(`MAIL_FROM must be an e-mail address, optionally with a name (got "${from}")`);
  const transport = oneOf(env, 'MAIL_TRANSPORT', 'smtp', mailTransportNames);
  if (smtpUrl && transport !== 'smtp') throw new ConfigError(`SMTP_URL is set but MAIL_TRANSPORT is ${transport}: remove SMTP_URL, or set MAIL_TRANSPORT=smtp`);
  if (env.MAIL_API_TOKEN && transport !== 'http') throw new ConfigError(`MAIL_API_TOKEN is set but MAIL_TRANSPORT is ${transport}: set MAIL_TRANSPORT=http to send through the mail API`);
  return { transport, smtpUrl, api: transport === 'http' ? mailApi(env) : undefined, from };
}

/** The mail API of MAIL_TRANSPORT=http. The token is never part of a message (it may be logged). */
function mailApi(env: Env): { url: URL; token: string } {
  const raw = env.MAIL_API_URL || 'https://api.resend.com/emails';
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`MAIL_API_URL must be an absolute URL such as https://api.resend.com/emails (got "${raw.replace(/\/\/.*@/, '//')}")`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ConfigError('MAIL_API_URL must start with https:// (or http:// for a relay on this machine)');
  if (url.username || url.password) throw new ConfigError('MAIL_API_URL must not carry credentials: put the token in MAIL_API_TOKEN');
  // The token is a Bearer header: over plain http only to a relay on this machine, never across a network.
  if (url.protocol === 'http:' && classifyHost(url.hostname) !== 'loopback') throw new ConfigError(`MAIL_API_URL must start with https:// (http:// only for a relay on this machine, not ${url.hostname}): the token would cross the network in clear text`);
  const token = env.MAIL_API_TOKEN?.trim();
  if (!token) throw new ConfigError('MAIL_TRANSPORT=http needs MAIL_API_TOKEN (the API key, sent as a Bearer token)');
  if (!/^[\x21-\x7e]+$/.test(token)) throw new ConfigError('MAIL_API_TOKEN must be printable characters without spaces');
  return { url, token };
}

/** RFC 4130 AS2-name: 1 to 128 printable ASCII characters (sent quoted when it holds a space, a double quote or a backslash). */
function as2Id(env: Env): string {
  const raw = env.AS2_ID || 'LOTBRIDGE';
  if (!/^[\x20-\x7e]{1,128}$/.test(raw) || raw.trim() !== raw) {
    throw new ConfigError(`AS2_ID must be 1 to 128 printable ASCII characters without leading or trailing spaces (got "${raw}")`);
  }
  return raw;
}

/**
 * The demo's sign-ins are public, so it is seeded by default only where the portal is not
 * published: no PUBLIC_URL, or one on this machine, and not behind a reverse proxy (TRUST_PROXY).
 */
function seedDemoByDefault(url: URL | undefined, behindProxy: boolean): 'true' | 'false' {
  if (behindProxy) return 'false';
  return !url || ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname) ? 'true' : 'false';
}

function httpLimits(env: Env): HttpLimits {
  return {
    headersTimeoutMs: integer(env, 'HEADERS_TIMEOUT_SECONDS', 20, 1, 300) * 1000,
    requestTimeoutMs: integer(env, 'REQUEST_TIMEOUT_SECONDS', 3600, 0, 86_400) * 1000,
    keepAliveTimeoutMs: integer(env, 'KEEP_ALIVE_TIMEOUT_SECONDS', 5, 1, 300) * 1000,
    bodyMinBytesPerSecond: integer(env, 'BODY_MIN_RATE_KB', 8, 1, 1_000_000) * 1024,
    bodyGraceMs: integer(env, 'BODY_GRACE_SECONDS', 10, 1, 300) * 1000,
    maxConnectionsPerSource: integer(env, 'MAX_CONNECTIONS_PER_SOURCE', 64, 1, 100_000),
  };
}

function trustedProxies(env: Env): AddressRange[] {
  const raw = env.TRUSTED_PROXIES?.trim();
  if (!raw) return [];
  if (env.TRUST_PROXY !== 'true') throw new ConfigError('TRUSTED_PROXIES is set but TRUST_PROXY is not true: forwarded headers are believed only with TRUST_PROXY=true');
  return raw.split(',').map((entry) => {
    const range = parseAddressRange(entry);
    if (!range) throw new ConfigError(`TRUSTED_PROXIES must be IP addresses or CIDR ranges separated by commas, such as 203.0.113.7, 198.51.100.0/24, 2001:db8::/32 (got "${entry.trim()}")`);
    return range;
  });
}

function metricsToken(env: Env): string | undefined {
  const raw = env.METRICS_TOKEN;
  if (!raw) return undefined;
  if (raw.length < 16 || !/^[\x21-\x7e]+$/.test(raw)) throw new ConfigError('METRICS_TOKEN must be at least 16 printable characters without spaces');
  return raw;
}

const s3Names = ['S3_ENDPOINT', 'S3_BUCKET', 'S3_REGION', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'] as const;

/** FILE_STORAGE and the S3_* settings. The secret key is checked for presence only, never echoed. */
function files(env: Env): Config['files'] {
  const storage = oneOf(env, 'FILE_STORAGE', 'local', ['local', 's3', 'r2'] as const);
  if (storage !== 's3') {
    const stray = s3Names.find((n) => env[n]);
    if (stray) throw new ConfigError(`${stray} is set but FILE_STORAGE is ${storage}: set FILE_STORAGE=s3 to keep files in the bucket, or remove the S3_ settings`);
    return { storage };
  }
  const missing = s3Names.filter((n) => n !== 'S3_REGION' && !env[n]);
  if (missing.length) throw new ConfigError(`FILE_STORAGE=s3 needs ${missing.join(', ')}`);
  let endpoint: URL;
  try {
    endpoint = new URL(env.S3_ENDPOINT!);
  } catch {
    throw new ConfigError(`S3_ENDPOINT must be an absolute URL such as https://s3.eu-central-1.amazonaws.com (got "${env.S3_ENDPOINT!.replace(/\/\/.*@/, '//')}")`);
  }
  if (endpoint.protocol !== 'http:' && endpoint.protocol !== 'https:') throw new ConfigError('S3_ENDPOINT must start with http:// or https://');
  if (endpoint.username || endpoint.password || endpoint.search || endpoint.hash) throw new ConfigError('S3_ENDPOINT must be the API origin without credentials, query or fragment (the keys go in S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY)');
  const bucket = env.S3_BUCKET!;
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) throw new ConfigError(`S3_BUCKET must be a bucket name: 3 to 63 lower-case letters, digits, dots and hyphens (got "${bucket}")`);
  const region = env.S3_REGION || 'us-east-1';
  if (!/^[a-z0-9-]{1,32}$/.test(region)) throw new ConfigError(`S3_REGION must be a region name such as eu-central-1, or auto for R2 (got "${region}")`);
  return {
    storage,
    s3: { endpoint: endpoint.href.replace(/\/+$/, ''), bucket, region, accessKeyId: env.S3_ACCESS_KEY_ID!, secretAccessKey: env.S3_SECRET_ACCESS_KEY! },
  };
}


/**
 * The configuration from `env`: on Node the process environment, on Workers the Worker's `env`
 * (its vars and secrets; pass `cwd` there too, so nothing reads `process`). `cwd` is where a
 * relative UPLOAD_DIR starts from.
 */
export function loadConfig(env: Env = process.env, cwd: string = process.cwd()): Config {
  const minutes = 60_000;
  const published = publicUrl(env);
  return {
    port: integer(env, 'PORT', 3000, 0, 65535),
    host: env.HOST || undefined,
    databaseUrl: databaseUrl(env),
    databaseAuthToken: env.DATABASE_AUTH_TOKEN || undefined,
    publicUrl: published,
    logLevel: oneOf(env, 'LOG_LEVEL', 'info', ['debug', 'info', 'warn', 'error'] as const),
    seedDemo: ({ true: 'all', users: 'users', false: false } as const)[oneOf(env, 'DEMO_SEED', seedDemoByDefault(published, env.TRUST_PROXY === 'true'), ['true', 'false', 'users'] as const)],
    policy: {
      inactivityMs: integer(env, 'SESSION_INACTIVITY_MINUTES', defaultPolicy.inactivityMs / minutes, 1, 24 * 60) * minutes,
      sessionMaxMs: integer(env, 'SESSION_MAX_HOURS', defaultPolicy.sessionMaxMs / 3_600_000, 1, 24 * 30) * 3_600_000,
      lockoutThreshold: integer(env, 'LOCKOUT_THRESHOLD', defaultPolicy.lockoutThreshold, 1, 100),
      lockoutMs: integer(env, 'LOCKOUT_MINUTES', defaultPolicy.lockoutMs / minutes, 1, 24 * 60) * minutes,
    },
    erp: erp(env),
    mail: mail(env),
    files: files(env),
    uploads: {
      // A relative folder is read from the directory the server starts in (the repository for `npm start`).
      dir: resolve(cwd, env.UPLOAD_DIR || 'data/uploads'),
      maxBytes: integer(env, 'UPLOAD_MAX_MB', 20, 1, 1024) * 1024 * 1024,
    },
    certificates: {
      graceDays: integer(env, 'CERTIFICATE_GRACE_DAYS', 30, 0, 365),
    },
    as2: { id: as2Id(env), maxBytes: integer(env, 'AS2_MAX_MB', 256, 1, 4096) * 1024 * 1024 },
    edi: ediId(env),
    api: { rateLimitPerMinute: integer(env, 'API_RATE_LIMIT', 600, 1, 1_000_000) },
    http: httpLimits(env),
    trustProxy: oneOf(env, 'TRUST_PROXY', 'false', ['true', 'false'] as const) === 'true',
    trustedProxies: trustedProxies(env),
    metricsToken: metricsToken(env),
  };
}

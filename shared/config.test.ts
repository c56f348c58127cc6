import { describe, expect, it, vi } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('has working defaults for a fresh clone', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.databaseUrl).toBe('file:data/lotbridge.db');
    expect(c.publicUrl).toBeUndefined();
    expect(c.seedDemo).toBe('all');
    expect(c.policy.inactivityMs).toBe(15 * 60_000);
    expect(c.policy.lockoutThreshold).toBe(5);
  });

  it('reads every documented variable', () => {
    const c = loadConfig({
      PORT: '8080',
      DATABASE_URL: 'libsql://db.example.turso.io',
      PUBLIC_URL: 'https://portal.example.com',
      LOG_LEVEL: 'debug',
      DEMO_SEED: 'false',
      SESSION_INACTIVITY_MINUTES: '5',
      SESSION_MAX_HOURS: '8',
      LOCKOUT_THRESHOLD: '3',
      LOCKOUT_MINUTES: '30',
    });
    expect(c.port).toBe(8080);
    expect(c.databaseUrl).toBe('libsql://db.example.turso.io');
    expect(c.publicUrl?.origin).toBe('https://portal.example.com');
    expect(c.logLevel).toBe('debug');
    expect(c.seedDemo).toBe(false);
    expect(c.policy).toEqual({ inactivityMs: 5 * 60_000, sessionMaxMs: 8 * 3_600_000, lockoutThreshold: 3, lockoutMs: 30 * 60_000 });
  });

  it('reads the request limits, TRUST_PROXY and METRICS_TOKEN, with defaults well under Node\'s', () => {
    const d = loadConfig({});
    expect(d.http).toEqual({
      headersTimeoutMs: 20_000,
      requestTimeoutMs: 3_600_000,
      keepAliveTimeoutMs: 5_000,
      bodyMinBytesPerSecond: 8 * 1024,
      bodyGraceMs: 10_000,
      maxConnectionsPerSource: 64,
    });
    expect(d.trustProxy).toBe(false);
    expect(d.metricsToken).toBeUndefined();
    const c = loadConfig({
      HEADERS_TIMEOUT_SECONDS: '5',
      REQUEST_TIMEOUT_SECONDS: '0',
      KEEP_ALIVE_TIMEOUT_SECONDS: '2',
      BODY_MIN_RATE_KB: '64',
      BODY_GRACE_SECONDS: '3',
      MAX_CONNECTIONS_PER_SOURCE: '8',
      TRUST_PROXY: 'true',
      METRICS_TOKEN: 'prometheus-scrape-token-1',
    });
    expect(c.http).toEqual({ headersTimeoutMs: 5000, requestTimeoutMs: 0, keepAliveTimeoutMs: 2000, bodyMinBytesPerSecond: 65_536, bodyGraceMs: 3000, maxConnectionsPerSource: 8 });
    expect(c.trustProxy).toBe(true);
    expect(c.metricsToken).toBe('prometheus-scrape-token-1');
    expect(() => loadConfig({ METRICS_TOKEN: 'short' })).toThrow('METRICS_TOKEN must be at least 16 printable characters');
    expect(() => loadConfig({ TRUST_PROXY: 'yes' })).toThrow('TRUST_PROXY must be one of true, false');
    expect(d.trustedProxies).toEqual([]);
    expect(loadConfig({ TRUST_PROXY: 'true', TRUSTED_PROXIES: '203.0.113.7, 2001:db8::/32' }).trustedProxies.map((r) => r.prefix)).toEqual([32, 32]);
    expect(() => loadConfig({ TRUST_PROXY: 'true', TRUSTED_PROXIES: '203.0.113.7, proxy.example' })).toThrow('TRUSTED_PROXIES must be IP addresses or CIDR ranges separated by commas');
    expect(() => loadConfig({ TRUSTED_PROXIES: '203.0.113.7' })).toThrow('TRUSTED_PROXIES is set but TRUST_PROXY is not true');
    expect(() => loadConfig({ MAX_CONNECTIONS_PER_SOURCE: '0' })).toThrow('MAX_CONNECTIONS_PER_SOURCE must be a whole number from 1');
  });

  it('seeds the demo by default only where the portal is not published', () => {
    expect(loadConfig({ PUBLIC_URL: 'http://localhost:3000' }).seedDemo).toBe('all');
    expect(loadConfig({ PUBLIC_URL: 'https://portal.example.com' }).seedDemo).toBe(false);
    expect(loadConfig({ PUBLIC_URL: 'https://portal.example.com', DEMO_SEED: 'true' }).seedDemo).toBe('all');
    expect(loadConfig({ DEMO_SEED: 'users' }).seedDemo).toBe('users');
    // Behind a reverse proxy the portal is published even without PUBLIC_URL.
    expect(loadConfig({ TRUST_PROXY: 'true' }).seedDemo).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'true', DEMO_SEED: 'true' }).seedDemo).toBe('all');
  });

  it.each([
    [{ PORT: 'abc' }, /^PORT must be a whole number from 0 to 65535 \(got "abc"\)$/],
    [{ PORT: '70000' }, /PORT/],
    [{ DATABASE_URL: 'postgres://x' }, /^DATABASE_URL must be/],
    [{ PUBLIC_URL: 'portal.example.com' }, /^PUBLIC_URL must be an absolute URL/],
    [{ PUBLIC_URL: 'https://example.com/portal' }, /without a path/],
    [{ LOG_LEVEL: 'loud' }, /^LOG_LEVEL must be one of debug, info, warn, error/],
    [{ SESSION_INACTIVITY_MINUTES: '0' }, /SESSION_INACTIVITY_MINUTES/],
    [{ DEMO_SEED: 'yes' }, /DEMO_SEED/],
  ])('refuses %o with one clear line', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it("reads a Worker's env alone: nothing from process (no process.env, no working directory) when both are given", () => {
    const cwd = vi.spyOn(process, 'cwd');
    const env = vi.spyOn(process, 'env', 'get');
    try {
      const c = loadConfig({ MAIL_TRANSPORT: 'http', MAIL_API_TOKEN: 're_worker_secret_0001', MAIL_FROM: 'Lotbridge <no-reply@portal.example.com>', PUBLIC_URL: 'https://portal.example.com' }, '/');
      expect(c.mail).toEqual({ transport: 'http', smtpUrl: undefined, api: { url: new URL('https://api.resend.com/emails'), token: 're_worker_secret_0001' }, from: 'Lotbridge <no-reply@portal.example.com>' });
      expect(c.uploads.dir).toBe('/data/uploads');
      expect(cwd).not.toHaveBeenCalled();
      expect(env).not.toHaveBeenCalled();
    } finally {
      cwd.mockRestore();
      env.mockRestore();
    }
  });

  it('keeps files in the local folder by default, in an S3 bucket with FILE_STORAGE=s3, and refuses a half-made choice without echoing the secret', () => {
    expect(loadConfig({}).files).toEqual({ storage: 'local' });
    const s3 = { FILE_STORAGE: 's3', S3_ENDPOINT: 'http://127.0.0.1:9000/', S3_BUCKET: 'lotbridge-files', S3_ACCESS_KEY_ID: 'AKIDEXAMPLE', S3_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI-secret' };
    expect(loadConfig(s3).files).toEqual({ storage: 's3', s3: { endpoint: 'http://127.0.0.1:9000', bucket: 'lotbridge-files', region: 'us-east-1', accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI-secret' } });
    expect(loadConfig({ ...s3, S3_REGION: 'auto' }).files).toMatchObject({ s3: { region: 'auto' } });
    const refusal = (env: Record<string, string>) => {
      try {
        loadConfig(env);
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        expect((e as Error).message).not.toContain('wJalrXUtnFEMI-secret');
        return (e as Error).message;
      }
      throw new Error('accepted');
    };
    expect(refusal({ FILE_STORAGE: 'disk' })).toMatch(/FILE_STORAGE must be one of local, s3, r2/);
    expect(refusal({ FILE_STORAGE: 's3', S3_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI-secret' })).toBe('FILE_STORAGE=s3 needs S3_ENDPOINT, S3_BUCKET, S3_ACCESS_KEY_ID');
    expect(refusal({ S3_BUCKET: 'lotbridge-files' })).toMatch(/S3_BUCKET is set but FILE_STORAGE is local/);
    expect(refusal({ ...s3, S3_ENDPOINT: 'minio:9000' })).toMatch(/S3_ENDPOINT must start with http/);
    expect(refusal({ ...s3, S3_ENDPOINT: 'not a url' })).toMatch(/S3_ENDPOINT must be an absolute URL/);
    expect(refusal({ ...s3, S3_ENDPOINT: 'https://AKID:wJalrXUtnFEMI-secret@s3.example.com' })).toMatch(/without credentials/);
    // A URL that does not parse is echoed, but never with the credentials someone put in it.
    expect(refusal({ ...s3, S3_ENDPOINT: 'https://AKID:wJalrXUtnFEMI-secret/K7MDENG@s3 example.com' })).toMatch(/S3_ENDPOINT must be an absolute URL .*got "https:\/\/s3 example.com"/);
    // The same for the other URLs that may carry a password (a secret with "/" is what makes such a URL fail to parse).
    expect(() => loadConfig({ SMTP_URL: 'smtp://mailer:Ab/cd secret@mail example.com:587' })).toThrow(/SMTP_URL must be a URL .*got "smtp:\/\/mail example.com:587"/);
    expect(() => loadConfig({ MAIL_TRANSPORT: 'http', MAIL_API_TOKEN: 'k', MAIL_API_URL: 'https://u:Ab/cd secret@api example/emails' })).toThrow(/got "https:\/\/api example\/emails"/);
    expect(refusal({ ...s3, S3_BUCKET: 'Files_Of_Us' })).toMatch(/S3_BUCKET must be a bucket name/);
    expect(refusal({ ...s3, S3_REGION: 'eu central' })).toMatch(/S3_REGION must be a region name/);
  });
});

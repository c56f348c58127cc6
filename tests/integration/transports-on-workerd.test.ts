// The Workers side of the outbound transports on real workerd (miniflare), bundled as wrangler
// bundles (esbuild, the workerd condition): webhook POSTs and async MDNs over fetch to a real
// receiver on loopback, the SSRF checks without DNS, mail through the HTTP API and through
// miniflare's send_email binding (which parses the raw MIME and checks its From and Message-ID),
// keys from the LOTBRIDGE_KEY secret, /metrics' token check; SMTP refused with what to set.
import { randomBytes } from 'node:crypto';
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerWith, startHttpReceiver, type HttpReceiver } from '../support/http-receiver.ts';
import { rootDir } from '../support/server.ts';
import { pdfBytes, workerMail } from '../support/transports-worker-mail.ts';

describe('outbound transports on workerd', () => {
  let receiver: HttpReceiver;
  let mf: Miniflare;
  let outcomes: Record<string, unknown>;

  beforeAll(async () => {
    receiver = await startHttpReceiver((req, res) => {
      if (req.path === '/moved') return answerWith(302, '', { location: '/elsewhere' })(req, res);
      if (req.path === '/hang') return;
      if (req.path === '/emails') return answerWith(200, '{"id":"re_workerd_1"}', { 'content-type': 'application/json' })(req, res);
      if (req.path === '/endless') {
        res.writeHead(200);
        const more = () => void (!res.destroyed && res.write('x'.repeat(4096), () => setTimeout(more, 5)));
        return more();
      }
      answerWith(204)(req, res);
    });
    const bundle = await build({
      entryPoints: ['tests/support/transports-worker.ts'],
      absWorkingDir: rootDir,
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'neutral',
      conditions: ['workerd', 'worker'],
      mainFields: ['module', 'main'],
      external: ['cloudflare:*', 'node:*'],
      logLevel: 'error',
    });
    const script = bundle.outputFiles[0]!.text;
    mf = new Miniflare({
      modules: true,
      script,
      compatibilityDate: '2026-04-01',
      compatibilityFlags: ['nodejs_compat'],
      bindings: { MAIL_TRANSPORT: 'http', MAIL_API_URL: `${receiver.url}/emails`, MAIL_API_TOKEN: 're_workerd_token_01', LOTBRIDGE_KEY: randomBytes(32).toString('base64'), METRICS_TOKEN: 'scrape-0123456789abcdef' },
      email: { send_email: [{ name: 'SEND_EMAIL' }] },
    });
    outcomes = (await (await mf.dispatchFetch(`http://worker.test/?target=${encodeURIComponent(receiver.url)}`)).json()) as Record<string, unknown>;
  });

  afterAll(async () => {
    await mf?.dispose();
    await receiver?.close();
  });

  it('posts webhooks over fetch with the outcomes Node gives: status, a redirect not followed, a bounded excerpt, a timeout, a private literal refused', () => {
    expect(outcomes.posted).toEqual({ status: 204, retryAfter: null, excerpt: '' });
    expect(outcomes.redirect).toEqual({ status: 302, retryAfter: null, excerpt: '' });
    expect(outcomes.endless).toEqual({ status: 200, excerptLength: 512 });
    expect(outcomes.timeout).toMatchObject({ error: 'TimeoutError', message: 'no answer within 300 ms' });
    expect(outcomes.privateLiteral).toMatchObject({ error: 'InternalAddressError', message: 'not sent: 10.1.2.3 is a private address, and this endpoint is not marked internal' });
    const hook = receiver.received.find((r) => r.path === '/hook')!;
    expect(hook.body.toString()).toBe('{"type":"lot.released"}');
    expect(receiver.received.filter((r) => r.path === '/elsewhere')).toEqual([]);
  });

  it('posts an async MDN over fetch; judges address literals without DNS and lets names pass', () => {
    expect(outcomes.mdn).toEqual({ status: 204, statusText: 'No Content' });
    expect([...receiver.received.find((r) => r.path === '/mdn')!.body]).toEqual([1, 2, 3]);
    expect(outcomes.resolver).toBe('none');
    expect(outcomes.nameProblem).toBeNull();
    expect(outcomes.literalProblem).toEqual({ code: 'net.internalAddress', params: { host: '192.168.1.1', address: '192.168.1.1', kind: 'private' } });
  });

  it('sends mail through the HTTP API (fields and attachment bytes) and through send_email (raw MIME miniflare accepts); refuses SMTP', () => {
    expect(outcomes.mailApi).toEqual({ messageId: 're_workerd_1', rejected: [] });
    const api = receiver.received.find((r) => r.path === '/emails')!;
    expect(api.headers).toMatchObject({ authorization: 'Bearer re_workerd_token_01', 'idempotency-key': workerMail.id });
    const body = JSON.parse(api.body.toString()) as { from: string; to: string[]; cc: string[]; subject: string; text: string; attachments: { filename: string; content: string; content_type: string }[] };
    expect(body).toMatchObject({ from: workerMail.from, to: [workerMail.to], cc: workerMail.cc, subject: workerMail.subject, text: workerMail.text });
    expect(body.attachments.map((a) => [a.filename, a.content_type, [...Buffer.from(a.content, 'base64')]])).toEqual([[workerMail.attachments[0]!.filename, 'application/pdf', pdfBytes]]);
    expect(outcomes.sendEmail).toEqual({ messageId: '<mail_workerd1@meridian.example>', rejected: [] });
    expect(outcomes.smtp).toMatchObject({ error: 'ConfigError', message: expect.stringContaining('SMTP is not available on Cloudflare Workers') });
  });

  it('loads the keyring from the LOTBRIDGE_KEY secret and checks /metrics by token (there is no peer address)', () => {
    expect(outcomes.keys).toBeGreaterThan(0);
    expect(outcomes.metrics).toEqual([200, 401]);
  });
});

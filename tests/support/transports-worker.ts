// A Worker (bundled with the workerd condition by tests/integration/transports-on-workerd.test.ts)
// that runs the Workers side of the outbound transports on real workerd and answers what each did.
import { Hono } from 'hono';
import { createHttpPoster, postBytes } from '#runtime/http-post';
import { systemResolve } from '#runtime/resolve-host';
import { smtpTransport } from '#runtime/smtp-transport';
import { metricsAccess } from '../../gateway/middleware/metrics-access/index.ts';
import { loadConfig } from '../../shared/config.ts';
import { keyringFromSecret } from '../../shared/keys/key-secret.ts';
import { createMailTransport } from '../../shared/mail/mail-transport.ts';
import { internalTargetProblem } from '../../shared/net/internal-target.ts';
import { workerMail } from './transports-worker-mail.ts';

const outcome = <T>(p: Promise<T>) => p.catch((e: Error & { code?: string }) => ({ error: e.name, code: e.code ?? null, message: e.message }));

export default {
  async fetch(request: Request, env: Record<string, string> & { SEND_EMAIL: { send(message: never): Promise<unknown> } }) {
    // cloudflare:email exists on workerd only (its types come with workers-types, which this project's tsconfig does not load).
    const { EmailMessage } = (await import('cloudflare:email' as string)) as { EmailMessage: new (from: string, to: string, raw: string) => unknown };
    const target = new URL(request.url).searchParams.get('target')!;
    const post = createHttpPoster();
    const internal = { internal: true };
    const config = loadConfig(env, '/');
    const app = new Hono();
    app.use(metricsAccess({ token: () => env.METRICS_TOKEN }));
    app.get('/metrics', (c) => c.text('lotbridge_up 1'));
    return Response.json({
      posted: await outcome(post(`${target}/hook`, { 'content-type': 'application/json' }, '{"type":"lot.released"}', 5000, internal)),
      redirect: await outcome(post(`${target}/moved`, {}, 'x', 5000, internal)),
      endless: await outcome(post(`${target}/endless`, {}, 'x', 30_000, internal).then((r) => ({ status: r.status, excerptLength: r.excerpt.length }))),
      timeout: await outcome(post(`${target}/hang`, {}, 'x', 300, internal)),
      privateLiteral: await outcome(post('http://10.1.2.3/hook', {}, 'x', 5000)),
      mdn: await outcome(postBytes(new URL(`${target}/mdn`), { 'content-type': 'multipart/report' }, new Uint8Array([1, 2, 3]), 5000)),
      resolver: systemResolve === null ? 'none' : 'present',
      nameProblem: (await internalTargetProblem('https://erp.example.com/hook', false)) ?? null,
      literalProblem: (await internalTargetProblem('http://192.168.1.1/hook', false)) ?? null,
      smtp: await outcome(Promise.resolve().then(() => smtpTransport('smtp://mail.example.com'))),
      mailApi: await outcome(createMailTransport(config.mail)!.send(workerMail)),
      sendEmail: await outcome(createMailTransport({ ...config.mail, transport: 'send_email' }, { sendEmail: { binding: env.SEND_EMAIL, EmailMessage } })!.send(workerMail)),
      keys: Object.keys(keyringFromSecret(env).checkValues()).length,
      metrics: [(await app.request('/metrics', { headers: { authorization: `Bearer ${env.METRICS_TOKEN}` } })).status, (await app.request('/metrics')).status],
    });
  },
};

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerWith, closedPort, startHttpReceiver, type HttpReceiver } from '../../tests/support/http-receiver.ts';
import { ConfigError, loadConfig } from '../config.ts';
import { httpMailTransport } from './http-mail-transport.ts';
import { createMailTransport, type ComposedMail } from './mail-transport.ts';
import { composeMime } from './mime.ts';
import { sendEmailTransport } from './send-email-transport.ts';
import { smtpTransport as workerdSmtp } from './smtp-transport-workerd.ts';

const pdf = new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x2d, 0x00, 0xff, 0x80, 0x0d, 0x0a]);
const mail: ComposedMail = {
  id: 'mail_01hx7yq2',
  from: 'Meridian Medical – Lotbridge <no-reply@meridian-medical.example>',
  to: 'recall@alpen-med.example',
  cc: ['qa@alpen-med.example'],
  subject: 'Field safety notice FSCA-2026-101 / 现场安全通知 FSCA-2026-101: Rollenklemme kann undicht sein, bitte sofort prüfen',
  text: 'Please quarantine lot L-A.\r\n请隔离批次 L-A。\r\nBitte Charge L-A sperren.',
  attachments: [
    { filename: 'field-safety-notice-FSCA-2026-101-en.pdf', content: pdf, contentType: 'application/pdf' },
    { filename: '现场安全通知.pdf', content: pdf.slice(0, 5), contentType: 'application/pdf' },
  ],
};

/** A header as a mail client shows it: unfolded, RFC 2047 encoded words decoded (the space between two words dropped). */
const decodeWords = (header: string) =>
  header
    .replace(/\r\n /g, ' ')
    .replace(/(\?=)\s+(?==\?UTF-8\?B\?)/g, '$1')
    .replace(/=\?UTF-8\?B\?([A-Za-z0-9+/=]+)\?=/g, (_w, b64: string) => Buffer.from(b64, 'base64').toString('utf8'));

describe('composing raw MIME (for the send_email binding)', () => {
  const raw = composeMime(mail, { messageId: 'mail_01hx7yq2@meridian-medical.example', at: new Date('2026-03-02T09:00:00Z') });
  const [head, ...rest] = raw.split('\r\n\r\n');
  const boundary = /boundary="([^"]+)"/.exec(raw)![1]!;
  const parts = rest.join('\r\n\r\n').split(`--${boundary}`).slice(1, -1);
  const partBody = (p: string) => Buffer.from(p.split('\r\n\r\n')[1]!.replace(/\s+/g, ''), 'base64');

  it('is CRLF text, lines within 78 characters, headers ASCII with the subject and sender name as encoded words', () => {
    expect(raw.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    for (const line of raw.split('\r\n')) expect(line.length, line).toBeLessThanOrEqual(78);
    expect(head).toMatch(/^[\x20-\x7e\r\n]+$/);
    const subject = /^Subject: ((?:.*)(?:\r\n .*)*)/m.exec(head!)![1]!;
    expect(decodeWords(subject)).toBe(mail.subject);
    expect(decodeWords(/^From: (.*\r\n .*)$/m.exec(head!)![1]!)).toBe('Meridian Medical – Lotbridge <no-reply@meridian-medical.example>');
    expect(head).toMatch(/^To: recall@alpen-med\.example$/m);
    expect(head).toMatch(/^Cc: qa@alpen-med\.example$/m);
    expect(head).toMatch(/^Date: Mon, 02 Mar 2026 09:00:00 \+0000$/m);
    expect(head).toMatch(/^Message-ID: <mail_01hx7yq2@meridian-medical\.example>$/m);
    expect(head).toMatch(/^MIME-Version: 1\.0$/m);
  });

  it('carries the text in UTF-8 and every attachment byte for byte, a non-ASCII file name per RFC 2231', () => {
    expect(parts).toHaveLength(3);
    expect(parts[0]).toMatch(/Content-Type: text\/plain; charset=utf-8/);
    expect(partBody(parts[0]!).toString('utf8')).toBe(mail.text);
    expect(parts[1]).toMatch(/Content-Disposition: attachment;\r\n filename="field-safety-notice-FSCA-2026-101-en\.pdf"/);
    expect([...partBody(parts[1]!)]).toEqual([...pdf]);
    expect(parts[2]).toMatch(/filename\*=UTF-8''%E7%8E%B0%E5%9C%BA%E5%AE%89%E5%85%A8%E9%80%9A%E7%9F%A5\.pdf/);
    expect([...partBody(parts[2]!)]).toEqual([...pdf.slice(0, 5)]);
  });

  it('refuses a line break in a header value rather than let it add headers', () => {
    expect(() => composeMime({ ...mail, subject: 'Hello\r\nBcc: someone@evil.example' }, { messageId: 'x@y', at: new Date() })).toThrow(/line break/);
    expect(() => composeMime({ ...mail, to: 'a@b.example\r\nBcc: someone@evil.example' }, { messageId: 'x@y', at: new Date() })).toThrow(/line break/);
  });
});

describe('the send_email transport', () => {
  /** A stand-in for cloudflare:email's EmailMessage and the binding, shaped as workers-types declares them. */
  class EmailMessage {
    constructor(
      readonly from: string,
      readonly to: string,
      readonly raw: string,
    ) {}
  }

  it('sends the composed message once per recipient, from the bare sender address', async () => {
    const sent: EmailMessage[] = [];
    const transport = sendEmailTransport({ binding: { send: async (m: EmailMessage) => void sent.push(m) }, EmailMessage });
    const result = await transport.send(mail);
    expect(sent.map((m) => [m.from, m.to])).toEqual([
      ['no-reply@meridian-medical.example', 'recall@alpen-med.example'],
      ['no-reply@meridian-medical.example', 'qa@alpen-med.example'],
    ]);
    expect(sent[0]!.raw).toBe(sent[1]!.raw);
    expect(sent[0]!.raw).toMatch(/^Message-ID: <mail_01hx7yq2@meridian-medical\.example>$/m);
    expect(result).toEqual({ messageId: '<mail_01hx7yq2@meridian-medical.example>', rejected: [] });
  });

  it('reports a refused Cc as refused, and fails the message when no recipient took it', async () => {
    const refusing = (refuse: (to: string) => boolean) =>
      sendEmailTransport({
        binding: {
          send: async (m: EmailMessage) => {
            if (refuse(m.to)) throw new Error(`destination address not verified: ${m.to}`);
          },
        },
        EmailMessage,
      });
    expect((await refusing((to) => to.startsWith('qa@')).send(mail)).rejected).toEqual(['qa@alpen-med.example']);
    await expect(refusing(() => true).send(mail)).rejects.toThrow('destination address not verified: recall@alpen-med.example');
  });
});

describe('the HTTP mail API transport', () => {
  let api: HttpReceiver;
  beforeAll(async () => void (api = await startHttpReceiver()));
  afterAll(() => api.close());
  const token = 're_live_9f8e7d6c5b4a3210';

  it('words a refusal with the status and the API answer, never the token', async () => {
    api.answer(answerWith(422, JSON.stringify({ name: 'validation_error', message: 'Invalid `to` field.' }), { 'content-type': 'application/json' }));
    const error = await httpMailTransport({ url: new URL(`${api.url}/emails`), token })
      .send(mail)
      .catch((e: Error) => e);
    expect((error as Error).message).toBe('the mail API answered HTTP 422: {"name":"validation_error","message":"Invalid `to` field."}');
    expect((error as Error).message).not.toContain(token);
    expect(api.received.at(-1)!.headers.authorization).toBe(`Bearer ${token}`);
  });

  it('says where it could not connect', async () => {
    const port = await closedPort();
    await expect(httpMailTransport({ url: new URL(`http://127.0.0.1:${port}/emails`), token }).send(mail)).rejects.toThrow(`the mail API at http://127.0.0.1:${port} could not be reached: ECONNREFUSED`);
  });
});

describe('choosing the transport (MAIL_TRANSPORT)', () => {
  it('is SMTP by default, keeping mail without SMTP_URL; http needs a token; send_email needs the binding', () => {
    expect(createMailTransport(loadConfig({}).mail)).toBeNull();
    const smtp = createMailTransport(loadConfig({ SMTP_URL: 'smtp://127.0.0.1:2525' }).mail);
    expect(smtp).not.toBeNull();
    smtp!.close();
    const http = loadConfig({ MAIL_TRANSPORT: 'http', MAIL_API_TOKEN: 're_test_0123456789' }).mail;
    expect(http.api?.url.href).toBe('https://api.resend.com/emails');
    expect(createMailTransport(http)).not.toBeNull();
    expect(() => createMailTransport(loadConfig({ MAIL_TRANSPORT: 'send_email' }).mail)).toThrow(ConfigError);
  });

  it('refuses SMTP on Workers with what to set instead', () => {
    expect(() => workerdSmtp('smtp://mail.example.com')).toThrow(/not available on Cloudflare Workers: set MAIL_TRANSPORT=http/);
  });

  it('validates the settings without echoing a secret', () => {
    const refused = (env: Record<string, string>) => {
      try {
        loadConfig(env);
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        return (e as Error).message;
      }
      throw new Error('accepted');
    };
    expect(refused({ MAIL_TRANSPORT: 'postmark' })).toBe('MAIL_TRANSPORT must be one of smtp, http, send_email (got "postmark")');
    expect(refused({ MAIL_TRANSPORT: 'http' })).toMatch(/needs MAIL_API_TOKEN/);
    expect(refused({ MAIL_TRANSPORT: 'http', MAIL_API_TOKEN: 'has a space' })).not.toContain('has a space');
    expect(refused({ MAIL_TRANSPORT: 'http', MAIL_API_TOKEN: 'k', MAIL_API_URL: 'https://user:s3cret-pass@api.example/emails' })).not.toContain('s3cret');
    expect(refused({ MAIL_TRANSPORT: 'http', MAIL_API_TOKEN: 'k', MAIL_API_URL: 'ftp://api.example/emails' })).toMatch(/must start with https:/);
    // The token goes in the Authorization header: in clear text only to a relay on this machine.
    expect(refused({ MAIL_TRANSPORT: 'http', MAIL_API_TOKEN: 'k', MAIL_API_URL: 'http://api.resend.com/emails' })).toMatch(/http:\/\/ only for a relay on this machine/);
    expect(refused({ MAIL_TRANSPORT: 'http', MAIL_API_TOKEN: 'k', MAIL_API_URL: 'http://10.0.0.5:8025/emails' })).toMatch(/http:\/\/ only for a relay on this machine/);
    for (const local of ['http://127.0.0.1:8025/emails', 'http://localhost:8025/emails', 'http://[::1]:8025/emails']) {
      expect(loadConfig({ MAIL_TRANSPORT: 'http', MAIL_API_TOKEN: 'k', MAIL_API_URL: local }).mail.api?.url.href).toBe(local);
    }
    expect(refused({ MAIL_TRANSPORT: 'http', MAIL_API_TOKEN: 'k', SMTP_URL: 'smtp://mail.example.com' })).toMatch(/SMTP_URL is set but MAIL_TRANSPORT is http/);
    expect(refused({ MAIL_API_TOKEN: 're_secret_value_1234' })).not.toContain('re_secret_value_1234');
  });
});

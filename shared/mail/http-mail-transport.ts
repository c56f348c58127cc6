import { bytesToBase64 } from '../as2/mime.ts';
import type { MailTransport } from './mail-transport.ts';

/** MAIL_API_URL and MAIL_API_TOKEN. */
export interface MailApi {
  url: URL;
  token: string;
}

/** A request to the mail API gives up after this long (the mail sender retries it later). */
const timeoutMs = 30_000;

/**
 * Mail through an HTTP API in Resend's shape (POST https://api.resend.com/emails,
 * `Authorization: Bearer <key>`, JSON `{ from, to, cc, subject, text, html, attachments:
 * [{ filename, content: base64, content_type }] }`, answered `{ "id": … }`). Any service or
 * relay that takes that shape at MAIL_API_URL works. The queue's id goes as `Idempotency-Key`,
 * so a retry after a lost answer does not send the message twice. Runs over fetch: on Node
 * and on Workers. The token is sent to the API only; errors carry the status and the API's
 * answer, never the token.
 */
export function httpMailTransport(api: MailApi, fetchImpl: typeof fetch = fetch): MailTransport {
  return {
    async send(m) {
      const body = {
        from: m.from,
        to: [m.to],
        ...(m.cc.length ? { cc: m.cc } : {}),
        subject: m.subject,
        text: m.text,
        ...(m.html ? { html: m.html } : {}),
        ...(m.attachments.length ? { attachments: m.attachments.map((a) => ({ filename: a.filename, content: bytesToBase64(a.content, 0), content_type: a.contentType })) } : {}),
      };
      let response: Response;
      try {
        response = await fetchImpl(api.url, {
          method: 'POST',
          headers: { authorization: `Bearer ${api.token}`, 'content-type': 'application/json', 'idempotency-key': m.id },
          body: JSON.stringify(body),
          redirect: 'manual',
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (e) {
        const cause = (e as { cause?: { code?: string; message?: string } }).cause;
        const what = (e as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs / 1000} s` : (cause?.code ?? cause?.message ?? (e as Error).message);
        throw new Error(`the mail API at ${api.url.origin} could not be reached: ${what}`);
      }
      const answer = await response.text();
      if (!response.ok) {
        throw new Error(`the mail API answered HTTP ${response.status}${answer ? `: ${answer.replace(/\s+/g, ' ').trim().slice(0, 300)}` : ''}`);
      }
      let id: unknown;
      try {
        id = (JSON.parse(answer) as { id?: unknown }).id;
      } catch {
        id = undefined;
      }
      return { messageId: typeof id === 'string' ? id : null, rejected: [] };
    },
    close: () => undefined,
  };
}

import { Webhook } from 'standardwebhooks';

/** What /erp/webhooks answered. */
export interface ErpAnswer {
  status: number;
  contentType: string | null;
  body: Record<string, unknown>;
}

export interface ErpPostOptions {
  /** The webhook-id (default: a fresh one). */
  id?: string;
  /** Sign with this secret instead (a rotation, or a wrong one). */
  signWith?: string;
  /** The signing time (default: now). */
  at?: Date;
  /** Changes the body after it was signed. */
  tamper?: (body: string) => string;
  headers?: Record<string, string>;
}

let sent = 0;

/**
 * Posts one event to the server's /erp/webhooks as the ERP does: Standard Webhooks v1, signed with
 * `secret` (ERP_INBOUND_SECRET) by the independent standardwebhooks package; through `server.fetch`
 * when given (the Worker under test), else the network.
 */
export async function postErpEvent(server: { url: string; fetch?: typeof fetch }, secret: string, type: string, data: unknown, options: ErpPostOptions = {}): Promise<ErpAnswer> {
  const id = options.id ?? `msg_test_${++sent}_${Date.now()}`;
  const at = options.at ?? new Date();
  const body = JSON.stringify({ type, timestamp: at.toISOString(), data });
  const res = await (server.fetch ?? fetch)(new URL('/erp/webhooks', server.url), {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': new Webhook(options.signWith ?? secret).sign(id, at, body),
      ...options.headers,
    },
    body: options.tamper ? options.tamper(body) : body,
  });
  return { status: res.status, contentType: res.headers.get('content-type'), body: (await res.json()) as Record<string, unknown> };
}

/** Posts one event as postErpEvent does and throws unless the server accepted it (HTTP 200). */
export async function sendErpEvent(server: { url: string }, secret: string, type: string, data: unknown): Promise<void> {
  const answer = await postErpEvent(server, secret, type, data);
  if (answer.status !== 200) throw new Error(`${type}: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
}

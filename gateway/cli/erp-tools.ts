import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { randomUUID } from 'node:crypto';
import { signatureHeaders, verifySignature, isValidSecret } from '../../shared/webhooks/signature.ts';
import { isAppError, AppError } from '../../shared/errors.ts';

/**
 * A reference ERP receiver: verifies each delivery by the same rules as /erp/webhooks,
 * appends one JSON line per arrival to `out` (a repeated webhook-id is marked duplicate),
 * and answers 204. What an ERP integrator builds on their side, ready to run.
 */
export async function runErpSink(options: { port: number; secrets: string[]; out: string; host?: string }): Promise<{ port: number; close(): Promise<void> }> {
  for (const s of options.secrets) if (!isValidSecret(s)) throw new AppError('invalid_input', '--secret must be "whsec_" followed by base64 of at least 16 bytes');
  const seen = new Set<string>();
  if (existsSync(options.out)) {
    for (const line of readFileSync(options.out, 'utf8').split('\n')) if (line) seen.add(JSON.parse(line).webhookId);
  }
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const answer = (status: number, problem?: string) => {
        res.writeHead(status, problem ? { 'content-type': 'application/problem+json' } : {});
        res.end(problem ? JSON.stringify({ type: 'about:blank', title: problem, status }) : undefined);
      };
      if (req.method !== 'POST') return answer(405, 'POST only');
      try {
        const h = (n: string) => (req.headers[n] as string | undefined) ?? null;
        const { id, timestamp } = verifySignature(options.secrets, { id: h('webhook-id'), timestamp: h('webhook-timestamp'), signature: h('webhook-signature') }, body, new Date());
        const event = JSON.parse(body) as { type: string; timestamp: string; data: unknown };
        const duplicate = seen.has(id);
        seen.add(id);
        appendFileSync(options.out, JSON.stringify({ webhookId: id, signedAt: timestamp, receivedAt: new Date().toISOString(), duplicate, ...event }) + '\n');
        answer(204);
      } catch (e) {
        answer(isAppError(e) ? 401 : 400, isAppError(e) ? e.message : `not JSON: ${(e as Error).message}`);
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : options.port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Signs and posts one inbound event the way the ERP must: for integrators testing their side. */
export async function sendErpEvent(options: { url: string; secret: string; type: string; data: unknown; id?: string }): Promise<{ status: number; body: string }> {
  if (!isValidSecret(options.secret)) throw new AppError('invalid_input', '--secret must be "whsec_" followed by base64 of at least 16 bytes');
  const body = JSON.stringify({ type: options.type, timestamp: new Date().toISOString(), data: options.data });
  const id = options.id ?? `msg_${randomUUID()}`;
  const res = await fetch(options.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...signatureHeaders([options.secret], id, Math.floor(Date.now() / 1000), body) },
    body,
  });
  return { status: res.status, body: await res.text() };
}

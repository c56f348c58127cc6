import { Hono } from 'hono';
import { clientAddress, type GatewayEnv } from '../env.ts';
import { newId } from '../../shared/ids.ts';
import { as2StorageKey, BodyTooLargeError, storeAs2Body } from '../../shared/edi/messages/as2-files.ts';
import { receiveAs2Message } from '../../shared/edi/messages/receive-as2-message.ts';
import { screenAs2Request } from '../../shared/edi/messages/screen-as2-request.ts';
import { problem } from '../middleware/problem/index.ts';

/**
 * POST /as2: partners' AS2 messages (RFC 4130), any Content-Type they send them with. The
 * headers are checked and the partner found first (screen-as2-request.ts): a request that is
 * not for us, or from no partner, is refused before its body is read. Then the body is streamed
 * to the file storage (UPLOAD_DIR or the bucket; up to AS2_MAX_MB) before anything reads it; the answer is the MDN
 * (sync), a 200 when the MDN follows asynchronously, or a problem+json refusal.
 */
export function as2Routes(): Hono<GatewayEnv> {
  const as2 = new Hono<GatewayEnv>();
  as2.post('/', async (c) => {
    const app = c.get('app');
    const maxBytes = app.config.as2.maxBytes;
    const tooLarge = () =>
      problem(c, { type: 'about:blank', title: 'payload too large', status: 413, detail: `an AS2 message may be at most ${maxBytes / 1024 / 1024} MiB (AS2_MAX_MB)` });
    const declared = Number(c.req.header('content-length') ?? '0');
    if (declared > maxBytes) return tooLarge();
    const body = c.req.raw.body;
    if (!body) return problem(c, { type: 'about:blank', title: 'empty body', status: 400, detail: 'the request has no body: an AS2 message carries its (signed, encrypted) content in the body' });

    const ctx = c.get('ctx');
    // Refusals count by source (count-as2-refusal.ts); 'unknown' behind the portal's hook.
    const source = clientAddress(c) ?? 'unknown';
    const headers = [...c.req.raw.headers];
    const screened = await screenAs2Request(ctx, app.config.as2.id, headers, source);

    const id = newId('as2m');
    const receivedAt = ctx.clock.now();
    let raw;
    try {
      raw = await storeAs2Body(ctx.files, as2StorageKey(id, receivedAt, 'raw'), body as unknown as AsyncIterable<Uint8Array>, maxBytes);
    } catch (e) {
      if (e instanceof BodyTooLargeError) return tooLarge();
      throw e;
    }
    const settings = { ourAs2Id: app.config.as2.id, maxBytes };
    const reply = await receiveAs2Message(ctx, settings, { id, headers, raw, source, screened });
    if (reply.kind === 'mdn') return new Response(new Uint8Array(reply.body), { status: 200, headers: reply.headers });
    return c.text(reply.text, reply.status);
  });
  return as2;
}

/**
 * POST /as2 under attack (issue 10), against the real server with OpenSSL as the partner's AS2
 * software: compressed CMS bombs built here (1 GiB of zeros behind a few KB), bodies from
 * strangers and from senders that do not authenticate, replays of a known Message-ID, async
 * MDNs pointed at a loopback sink that must receive nothing, and a flood of refusals that
 * must not flood the audit trail. The server's peak memory is read from /proc (VmHWM).
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMdn } from '../../shared/as2/index.ts';
import { defaultPolicy } from '../../shared/auth/policy.ts';
import { systemClock } from '../../shared/clock.ts';
import type { UseCaseContext } from '../../shared/context.ts';
import type { Db } from '../../shared/db/index.ts';
import { addPartner } from '../../shared/edi/partners/add-partner.ts';
import { ensureAs2Identity } from '../../shared/edi/identity/ensure-as2-identity.ts';
import { getAs2Identity } from '../../shared/edi/identity/get-as2-identity.ts';
import { doubleLayerBomb, singleLayerBomb } from '../support/as2-bomb.ts';
import { makeTestPki, OpensslDir } from '../support/openssl.ts';
import { tempDir, type RunningServer } from '../support/server.ts';
import { openServerDb, startBuiltServer } from '../support/portal.ts';

const ourAs2Id = 'LOTBRIDGE';
const GiB = 1024 * 1024 * 1024;
const MiB = 1024 * 1024;
const system = { type: 'system' as const, name: 'as2-attack test' };
const envelopedType = 'application/pkcs7-mime; smime-type=enveloped-data; name=smime.p7m';
const signedReceipt = 'signed-receipt-protocol=optional, pkcs7-signature; signed-receipt-micalg=optional, sha-256';

let server: RunningServer;
let db: Db;
let ctx: UseCaseContext;
let ssl: OpensslDir;
let uploads: { dir: string; remove(): void };
let sink: Server;
let sinkUrl: string;
const sunk: { path: string; body: Buffer }[] = [];

interface Sent {
  status: number;
  contentType: string;
  body: Buffer;
}

const messageId = () => `<${randomBytes(8).toString('hex')}@acme.example>`;

async function post(body: Uint8Array, headers: Record<string, string>): Promise<Sent> {
  const response = await fetch(`${server.url}/as2`, { method: 'POST', headers, body: new Uint8Array(body) });
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', body: Buffer.from(await response.arrayBuffer()) };
}

function as2Headers(from: string, id: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    'AS2-Version': '1.2',
    'AS2-From': from,
    'AS2-To': ourAs2Id,
    'Message-ID': id,
    'Content-Type': envelopedType,
    'Disposition-Notification-To': 'edi@acme.example',
    'Disposition-Notification-Options': signedReceipt,
    ...extra,
  };
}

/** Signed by the partner (sha256), then encrypted to our certificate: what the partner's software sends. */
function signedAndEncrypted(name: string, entity: Buffer): Buffer {
  ssl.write(`${name}.eml`, entity);
  ssl.ok(['cms', '-sign', '-in', `${name}.eml`, '-binary', '-signer', 'partner.pem', '-inkey', 'partner.key', '-md', 'sha256', '-out', `${name}.signed.eml`]);
  ssl.ok(['cms', '-encrypt', '-binary', '-in', `${name}.signed.eml`, '-aes256', '-recip', 'lotbridge.pem', '-outform', 'DER', '-out', `${name}.der`]);
  return ssl.read(`${name}.der`);
}

/** Encrypted to our certificate, not signed. */
function encryptedOnly(name: string, entity: Buffer): Buffer {
  ssl.write(`${name}.eml`, entity);
  ssl.ok(['cms', '-encrypt', '-binary', '-in', `${name}.eml`, '-aes256', '-recip', 'lotbridge.pem', '-outform', 'DER', '-out', `${name}.der`]);
  return ssl.read(`${name}.der`);
}

/** OpenSSL verifies our MDN with our certificate; returns its fields. */
function verifiedMdn(name: string, sent: Sent) {
  ssl.write(`${name}.mdn.eml`, Buffer.concat([Buffer.from(`MIME-Version: 1.0\r\nContent-Type: ${sent.contentType}\r\n\r\n`, 'latin1'), sent.body]));
  const result = ssl.run(['cms', '-verify', '-in', `${name}.mdn.eml`, '-CAfile', 'lotbridge.pem', '-out', `${name}.report.eml`]);
  expect(result.status, result.stderr).toBe(0);
  return parseMdn([['Content-Type', sent.contentType]], sent.body, { trustedCertificates: [], now: new Date() });
}

const edifact = (ref: string) =>
  Buffer.concat([
    Buffer.from('Content-Type: application/edifact\r\nContent-Disposition: attachment; filename="desadv.edi"\r\n\r\n', 'latin1'),
    Buffer.from(`UNA:+.? 'UNB+UNOC:3+4012345000009:14+LOTBRIDGE:ZZZ+261204:2300+${ref}'UNH+1+DESADV:D:96A:UN:EAN005'BGM+351+${ref}+9'UNT+3+1'UNZ+1+${ref}'`, 'latin1'),
  ]);

/** Peak and current resident memory of the server process, from /proc. */
function serverMemory(): { peak: number; current: number } {
  const status = readFileSync(`/proc/${server.process.pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)![1]) * 1024;
  return { peak: kb('VmHWM'), current: kb('VmRSS') };
}

function as2Files(): string[] {
  const root = join(uploads.dir, 'as2');
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => statSync(join(root, f)).isFile());
}

async function rowOf(id: string) {
  return db.get<{
    id: string;
    state: string;
    failure_disposition: string | null;
    failure_reason: string | null;
    raw_storage_key: string | null;
    raw_sha256: string;
    payload_storage_key: string | null;
    mdn_delivery_state: string | null;
    mdn_delivery_attempts: number;
    mdn_last_error: string | null;
  }>('SELECT * FROM as2_messages WHERE message_id = ?', [id.slice(1, -1)]);
}

async function auditCount(action: string): Promise<number> {
  return (await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM audit_log WHERE action = ?', [action]))!.n;
}

beforeAll(async () => {
  ssl = new OpensslDir();
  makeTestPki(ssl);
  uploads = tempDir('lotbridge-as2-attack-');
  sink = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      sunk.push({ path: req.url ?? '', body: Buffer.concat(chunks) });
      res.writeHead(200).end('thanks');
    });
  });
  await new Promise<void>((r) => sink.listen(0, '127.0.0.1', () => r()));
  const address = sink.address();
  sinkUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

  server = await startBuiltServer({ UPLOAD_DIR: uploads.dir, AS2_ID: ourAs2Id, AS2_MAX_MB: '8' });
  db = openServerDb(server);
  ctx = { db, clock: systemClock, policy: defaultPolicy };
  await ensureAs2Identity(ctx, system, { as2Id: ourAs2Id });
  ssl.write('lotbridge.pem', (await getAs2Identity(ctx, system, { as2Id: ourAs2Id })).certificatePem!);
  const certificates = [{ fileName: 'partner.pem', data: ssl.read('partner.pem') }];
  // A partner on the internet: async MDNs only to its own AS2 host.
  await addPartner(ctx, system, { name: 'Acme Medical', kind: 'supplier', as2Id: 'ACME', as2Url: 'https://as2.acme.example/as2', certificates });
  // A partner inside our network: its profile allows loopback explicitly.
  await addPartner(ctx, system, { name: 'Acme Internal', kind: 'supplier', as2Id: 'ACME-INTERNAL', certificates, options: { asyncMdnHosts: new URL(sinkUrl).host, asyncMdnPrivate: true } });
  // A partner whose allowed host name resolves to loopback (as a rebinding DNS answer would).
  await addPartner(ctx, system, { name: 'Acme Rebind', kind: 'supplier', as2Id: 'ACME-REBIND', certificates, options: { asyncMdnHosts: `localhost:${new URL(sinkUrl).port}` } });
}, 180_000);

afterAll(async () => {
  db?.close();
  await server?.stop();
  await new Promise((r) => sink?.close(r));
  ssl?.remove();
  uploads?.remove();
});

describe('compressed CMS bombs', () => {
  let before: { peak: number; current: number };

  beforeAll(() => {
    before = serverMemory();
  });

  it('1 GiB behind a few KB (two compressed layers, partner-signed, encrypted): negative MDN decompression-failed, nothing accepted, memory flat [REQ-AS2-02]', async () => {
    const bomb = await doubleLayerBomb(GiB);
    const body = signedAndEncrypted('bomb2', bomb);
    expect(bomb.length).toBeLessThan(16 * 1024);
    const id = messageId();
    const started = performance.now();
    const sent = await post(body, as2Headers('ACME', id));
    const ms = performance.now() - started;
    expect(sent.status).toBe(200);
    const mdn = verifiedMdn('bomb2', sent);
    expect(mdn.positive).toBe(false);
    expect(mdn.disposition).toBe('automatic-action/MDN-sent-automatically; processed/error: decompression-failed');
    const row = (await rowOf(id))!;
    expect(row).toMatchObject({ state: 'failed', failure_disposition: 'decompression-failed', payload_storage_key: null });
    const after = serverMemory();
    console.log(`two-layer bomb: ${bomb.length} B compressed entity, ${body.length} B request → ${GiB} B if inflated; answered in ${Math.round(ms)} ms; server VmHWM ${Math.round(before.peak / MiB)} → ${Math.round(after.peak / MiB)} MiB`);
    expect(after.peak - before.peak).toBeLessThan(128 * MiB);
  });

  it('1 GiB behind 1 MiB (one layer, partner-signed): refused by the ratio limit before it is inflated past 8 MiB', async () => {
    const bomb = await singleLayerBomb(GiB);
    const body = signedAndEncrypted('bomb1', bomb);
    expect(body.length).toBeLessThan(8 * MiB);
    const id = messageId();
    const started = performance.now();
    const sent = await post(body, as2Headers('ACME', id));
    const ms = performance.now() - started;
    const mdn = verifiedMdn('bomb1', sent);
    expect(mdn.modifiers.error).toBe('decompression-failed');
    expect(mdn.humanText).toMatch(/decompression bomb/);
    expect((await rowOf(id))!.payload_storage_key).toBeNull();
    const after = serverMemory();
    console.log(`one-layer bomb: ${bomb.length} B compressed entity → ${GiB} B if inflated; answered in ${Math.round(ms)} ms; server VmHWM ${Math.round(before.peak / MiB)} → ${Math.round(after.peak / MiB)} MiB`);
    expect(after.peak - before.peak).toBeLessThan(128 * MiB);
  });

  it('nothing from the bombs was accepted: no message_received, no payload file', async () => {
    expect(await auditCount('as2.message_received')).toBe(0);
    expect(as2Files().filter((f) => f.endsWith('.payload'))).toEqual([]);
  });

  it('a partner-signed payload that inflates past AS2_MAX_MB (8 MiB) at an ordinary ratio is not answered processed', async () => {
    // 12 MiB of hex text: about 2:1, nothing like a bomb, but over the limit once inflated.
    const text = Buffer.concat([Buffer.from('Content-Type: text/plain\r\n\r\n', 'latin1'), Buffer.from(randomBytes(6 * MiB).toString('hex'), 'latin1')]);
    const { compressData } = await import('../../shared/as2/index.ts');
    const compressed = Buffer.concat([Buffer.from('Content-Type: application/pkcs7-mime; smime-type=compressed-data; name=smime.p7z\r\nContent-Transfer-Encoding: binary\r\n\r\n', 'latin1'), compressData(text)]);
    const body = signedAndEncrypted('large', compressed);
    expect(body.length).toBeLessThan(8 * MiB);
    const id = messageId();
    const mdn = verifiedMdn('large', await post(body, as2Headers('ACME', id)));
    expect(mdn.positive).toBe(false);
    expect(mdn.modifiers.error).toBe('decompression-failed');
    expect(mdn.humanText).toContain('AS2_MAX_MB');
    expect((await rowOf(id))!.state).toBe('failed');
  });

  it('a real message with one compressed layer is still processed', async () => {
    const { compressData } = await import('../../shared/as2/index.ts');
    const compressed = Buffer.concat([Buffer.from('Content-Type: application/pkcs7-mime; smime-type=compressed-data\r\nContent-Transfer-Encoding: binary\r\n\r\n', 'latin1'), compressData(edifact('CMP1'))]);
    const id = messageId();
    const mdn = verifiedMdn('onelayer', await post(signedAndEncrypted('onelayer', compressed), as2Headers('ACME', id)));
    expect(mdn.positive).toBe(true);
    expect((await rowOf(id))!.state).toBe('processed');
  });
});

/**
 * POSTs headers and a first chunk, then holds the body open until the server either answers
 * or starts a file under UPLOAD_DIR/as2; then ends the body. Returns which came first.
 */
async function heldOpen(headers: Record<string, string>): Promise<{ status: number; fileAppeared: boolean }> {
  const filesBefore = new Set(as2Files());
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${server.url}/as2`, { method: 'POST', headers: { ...headers, 'Transfer-Encoding': 'chunked' } });
    let status: number | undefined;
    let fileAppeared = false;
    req.on('response', (res: IncomingMessage) => {
      status = res.statusCode ?? 0;
      res.resume();
    });
    // Once answered, the server may close the connection under the unfinished body.
    req.on('error', (e) => (status === undefined ? reject(e) : undefined));
    req.write(randomBytes(64 * 1024));
    const poll = setInterval(() => {
      fileAppeared ||= as2Files().some((f) => !filesBefore.has(f));
      if (status === undefined && !fileAppeared) return;
      clearInterval(poll);
      if (status !== undefined) {
        req.destroy();
        resolve({ status, fileAppeared });
      } else {
        req.end();
        req.once('response', (res: IncomingMessage) => resolve({ status: res.statusCode ?? 0, fileAppeared }));
      }
    }, 20);
  });
}

describe('headers and partner are checked before the body is kept', () => {
  it('an unknown AS2-From is refused (403) while its body is still arriving; no file is ever started', async () => {
    const outcome = await heldOpen(as2Headers('STRANGER', messageId()));
    expect(outcome).toEqual({ status: 403, fileAppeared: false });
  });

  it('a wrong AS2-To is refused (400) the same way', async () => {
    const outcome = await heldOpen({ ...as2Headers('ACME', messageId()), 'AS2-To': 'SOMEONE-ELSE' });
    expect(outcome).toEqual({ status: 400, fileAppeared: false });
  });
});

describe('a body from a sender that does not authenticate is not kept', () => {
  it('unsigned while the profile requires a signature: negative MDN, no body file, no payload; the row holds only its SHA-256 and size', async () => {
    const body = encryptedOnly('unsigned', edifact('UNS1'));
    const id = messageId();
    const mdn = verifiedMdn('unsigned', await post(body, as2Headers('ACME', id)));
    expect(mdn.modifiers.error).toBe('authentication-failed');
    const row = (await rowOf(id))!;
    expect(row).toMatchObject({ state: 'failed', raw_storage_key: null, payload_storage_key: null, raw_sha256: createHash('sha256').update(body).digest('hex') });
    expect(as2Files().filter((f) => f.includes(row.id))).toEqual([]);
  });

  it('encrypted to a key that is not ours (decryption fails): the same', async () => {
    ssl.write('other.eml', edifact('OTH1'));
    ssl.ok(['cms', '-encrypt', '-binary', '-in', 'other.eml', '-aes256', '-recip', 'us.pem', '-outform', 'DER', '-out', 'other.der']);
    const id = messageId();
    const mdn = verifiedMdn('other', await post(ssl.read('other.der'), as2Headers('ACME', id)));
    expect(mdn.modifiers.error).toBe('decryption-failed');
    const row = (await rowOf(id))!;
    expect(row.raw_storage_key).toBeNull();
    expect(as2Files().filter((f) => f.includes(row.id))).toEqual([]);
  });
});

describe('a repeated Message-ID', () => {
  it('is answered with the stored MDN only when the repeat authenticates; an unsigned replay gets a refusal that carries no MDN or MIC', async () => {
    const id = messageId();
    const original = signedAndEncrypted('original', edifact('REP1'));
    const first = await post(original, as2Headers('ACME', id));
    const firstMdn = verifiedMdn('original', first);
    expect(firstMdn.positive).toBe(true);

    const forged = await post(encryptedOnly('forged', edifact('REP1')), as2Headers('ACME', id));
    expect(forged.status).toBe(403);
    expect(forged.contentType).toMatch(/problem\+json/);
    expect(forged.body.toString('latin1')).not.toContain(firstMdn.receivedContentMic!);
    expect(forged.body.includes(first.body.subarray(0, 200))).toBe(false);

    const genuine = await post(original, as2Headers('ACME', id));
    expect(genuine.status).toBe(200);
    expect(genuine.body.equals(first.body)).toBe(true);
    const refused = await db.get<{ reason: string }>("SELECT reason FROM audit_log WHERE action = 'as2.message_refused' AND reason LIKE '%does not authenticate%'");
    expect(refused?.reason).toContain(id.slice(1, -1));
  });
});

describe('async MDNs go only where the partner profile allows', () => {
  async function deliveredTo(path: string, id: string) {
    while (!sunk.some((m) => m.path === path && m.body.includes(Buffer.from(id.slice(1, -1))))) await new Promise((r) => setTimeout(r, 100));
  }

  it('a Receipt-Delivery-Option at loopback for an internet partner is refused before the body is kept; a host that resolves to loopback is never POSTed to; the sink receives nothing', async () => {
    const forgedId = messageId();
    const refused = await post(signedAndEncrypted('forged-url', edifact('URL1')), as2Headers('ACME', forgedId, { 'Receipt-Delivery-Option': `${sinkUrl}/forged` }));
    expect(refused.status).toBe(403);
    expect(refused.body.toString()).toContain('Receipt-Delivery-Option');
    expect(await rowOf(forgedId)).toBeUndefined();
    // Its own AS2 host, but another port (a service beside its AS2 server): refused too.
    const otherPortId = messageId();
    const otherPort = await post(signedAndEncrypted('other-port', edifact('URL4')), as2Headers('ACME', otherPortId, { 'Receipt-Delivery-Option': 'https://as2.acme.example:6379/mdn' }));
    expect(otherPort.status).toBe(403);
    expect(otherPort.body.toString()).toContain('not allowed by the partner profile');
    expect(await rowOf(otherPortId)).toBeUndefined();

    // Allowed by name, but "localhost" resolves to 127.0.0.1, which this profile does not allow.
    const port = new URL(sinkUrl).port;
    const rebindId = messageId();
    const accepted = await post(signedAndEncrypted('rebind', edifact('URL2')), as2Headers('ACME-REBIND', rebindId, { 'Receipt-Delivery-Option': `http://localhost:${port}/rebind` }));
    expect(accepted.status).toBe(200);
    let row = (await rowOf(rebindId))!;
    while (row.mdn_delivery_attempts === 0) {
      await new Promise((r) => setTimeout(r, 100));
      row = (await rowOf(rebindId))!;
    }
    expect(row.mdn_last_error).toMatch(/resolves to .*127\.0\.0\.1.*loopback, private or link-local/);

    // The internal partner's async MDN is delivered to the same sink: the sender has run since.
    const legitId = messageId();
    expect((await post(signedAndEncrypted('legit', edifact('URL3')), as2Headers('ACME-INTERNAL', legitId, { 'Receipt-Delivery-Option': `${sinkUrl}/legit` }))).status).toBe(200);
    await deliveredTo('/legit', legitId);
    while ((await rowOf(legitId))!.mdn_delivery_state !== 'delivered') await new Promise((r) => setTimeout(r, 100));
    expect(sunk.filter((m) => m.path !== '/legit')).toEqual([]);
  });
});

describe('refusals are counted, not audited one by one', () => {
  it('500 requests from unknown senders add at most 2 audit entries; the count is on /metrics', async () => {
    const auditBefore = await auditCount('as2.message_refused');
    const started = performance.now();
    for (let i = 0; i < 500; i++) {
      const sent = await post(Buffer.from('x'), as2Headers(`STRANGER-${i}`, messageId()));
      expect(sent.status).toBe(403);
    }
    const perRefusal = (performance.now() - started) / 500;
    const added = (await auditCount('as2.message_refused')) - auditBefore;
    console.log(`500 refusals from unknown senders: ${added} audit entr${added === 1 ? 'y' : 'ies'} added, ${perRefusal.toFixed(1)} ms per refusal`);
    // One per (source, reason, hour): two if the hour turned during the loop.
    expect(added).toBeLessThanOrEqual(2);
    const counted = await db.get<{ n: number }>("SELECT SUM(count) AS n FROM as2_refusals WHERE reason = 'unknown_partner'");
    expect(counted!.n).toBeGreaterThanOrEqual(500);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    const total = Number(/lotbridge_as2_refusals_total\{reason="unknown_partner"\} (\d+)/.exec(metrics)?.[1]);
    expect(total).toBe(counted!.n);
  });
});

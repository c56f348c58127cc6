/**
 * POST /as2 against the real server, OpenSSL as the partner's AS2 software: `openssl cms`
 * signs and encrypts, the test POSTs with AS2 headers, `openssl cms -verify` checks our signed
 * MDN (sync, and async as received by a real HTTP listener), and the Received-Content-MIC is
 * compared with `openssl dgst` of the signed entity. The database is the server's own SQLite
 * file, read as soon as each response arrives. This OpenSSL is built without zlib (`openssl
 * list -disabled` lists ZLIB), so the compressed layer is our compressData inside OpenSSL's
 * signature and encryption.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compressData, parseMdn, parseMimeEntity, splitMultipartSigned } from '../../shared/as2/index.ts';
import { defaultPolicy } from '../../shared/auth/policy.ts';
import { systemClock } from '../../shared/clock.ts';
import type { UseCaseContext } from '../../shared/context.ts';
import type { Db } from '../../shared/db/index.ts';
import { addPartner } from '../../shared/edi/partners/add-partner.ts';
import { addPartnerCertificate } from '../../shared/edi/partners/add-partner-certificate.ts';
import { ensureAs2Identity } from '../../shared/edi/identity/ensure-as2-identity.ts';
import { getAs2Identity } from '../../shared/edi/identity/get-as2-identity.ts';
import { makeTestPki, OpensslDir } from '../support/openssl.ts';
import { tempDir, type RunningServer } from '../support/server.ts';
import { openServerDb, startBuiltServer } from '../support/portal.ts';

const ourAs2Id = 'LOTBRIDGE';
const partnerAs2Id = 'ACME MEDICAL "AS2"'; // a name that must travel quoted (RFC 4130 §6.2)
const quotedPartner = '"ACME MEDICAL \\"AS2\\""';
const system = { type: 'system' as const, name: 'as2-receive test' };

const payload = Buffer.from("UNA:+.? 'UNB+UNOC:3+4012345000009:14+LOTBRIDGE:ZZZ+261125:2318+AS2R1'UNH+1+DESADV:D:96A:UN:EAN005'BGM+351+DES587441+9'UNT+3+1'UNZ+1+AS2R1'", 'latin1');
const entity = Buffer.concat([
  Buffer.from('Content-Type: application/edifact\r\nContent-Transfer-Encoding: binary\r\nContent-Disposition: attachment; filename="desadv-587441.edi"\r\n\r\n', 'latin1'),
  payload,
]);
const signedReceipt = 'signed-receipt-protocol=optional, pkcs7-signature; signed-receipt-micalg=optional, sha-256, sha1';
const envelopedType = 'application/pkcs7-mime; smime-type=enveloped-data; name=smime.p7m';

let server: RunningServer;
let db: Db;
let ctx: UseCaseContext;
let ssl: OpensslDir;
let uploads: { dir: string; remove(): void };
let listener: Server;
let listenerUrl: string;
const asyncMdns: { headers: Record<string, string>; body: Buffer }[] = [];

interface Sent {
  status: number;
  contentType: string;
  headers: Headers;
  body: Buffer;
}

function messageId(): string {
  return `<${randomBytes(8).toString('hex')}@acme.example>`;
}

async function post(body: Uint8Array, headers: Record<string, string>): Promise<Sent> {
  const response = await fetch(`${server.url}/as2`, { method: 'POST', headers, body: new Uint8Array(body) });
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', headers: response.headers, body: Buffer.from(await response.arrayBuffer()) };
}

function as2Headers(id: string, contentType: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    'AS2-Version': '1.2',
    'AS2-From': quotedPartner,
    'AS2-To': ourAs2Id,
    'Message-ID': id,
    Subject: 'DESADV 587441',
    'Content-Type': contentType,
    'Disposition-Notification-To': 'edi@acme.example',
    'Disposition-Notification-Options': signedReceipt,
    ...extra,
  };
}

/** The partner's usual message: signed (sha256) then encrypted (AES-256) to our certificate. */
function signedAndEncrypted(name: string, inner = 'entity.eml', recipient = 'lotbridge.pem'): Buffer {
  ssl.ok(['cms', '-sign', '-in', inner, '-binary', '-signer', 'partner.pem', '-inkey', 'partner.key', '-md', 'sha256', '-out', `${name}.signed.eml`]);
  ssl.ok(['cms', '-encrypt', '-binary', '-in', `${name}.signed.eml`, '-aes256', '-recip', recipient, '-outform', 'DER', '-out', `${name}.der`]);
  return ssl.read(`${name}.der`);
}

/** Has OpenSSL verify an MDN against our certificate; returns the verified multipart/report. */
function opensslVerifiedMdn(name: string, contentType: string, body: Buffer): Buffer {
  ssl.write(`${name}.mdn.eml`, Buffer.concat([Buffer.from(`MIME-Version: 1.0\r\nContent-Type: ${contentType}\r\n\r\n`, 'latin1'), body]));
  const result = ssl.run(['cms', '-verify', '-in', `${name}.mdn.eml`, '-CAfile', 'lotbridge.pem', '-out', `${name}.report.eml`]);
  if (result.status !== 0) throw new Error(`openssl cms -verify refused our MDN: ${result.stderr}`);
  expect(result.stderr).toContain('Verification successful');
  return ssl.read(`${name}.report.eml`);
}

function mdnFields(contentType: string, body: Buffer) {
  return parseMdn([['Content-Type', contentType]], body, { trustedCertificates: [], now: new Date() });
}

function opensslMic(file: string, digest = 'sha256'): string {
  return ssl.ok(['dgst', `-${digest}`, '-binary', file]).toString('base64');
}

interface Row {
  id: string;
  partner_id: string;
  as2_from: string;
  message_id: string;
  state: string;
  layers: string;
  mic: string | null;
  mic_algorithm: string | null;
  disposition: string | null;
  failure_disposition: string | null;
  failure_reason: string | null;
  raw_storage_key: string | null;
  raw_sha256: string;
  raw_size_bytes: number;
  payload_storage_key: string | null;
  payload_sha256: string | null;
  payload_filename: string | null;
  payload_content_type: string | null;
  mdn_mode: string;
  mdn_signed: number;
  mdn_body: ArrayBuffer | null;
  mdn_delivery_state: string | null;
  mdn_delivery_attempts: number;
  edifact_state: string | null;
  repeats: number;
}

async function rowsFor(id: string): Promise<Row[]> {
  return db.all<Row>('SELECT * FROM as2_messages WHERE message_id = ?', [id.slice(1, -1)]);
}

async function onlyRow(id: string): Promise<Row> {
  const rows = await rowsFor(id);
  expect(rows).toHaveLength(1);
  return rows[0]!;
}

function as2Files(): string[] {
  const root = join(uploads.dir, 'as2');
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => statSync(join(root, f)).isFile());
}

beforeAll(async () => {
  ssl = new OpensslDir();
  makeTestPki(ssl);
  ssl.write('entity.eml', entity);
  uploads = tempDir('lotbridge-as2-uploads-');
  listener = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url === '/down') return void res.writeHead(503).end('maintenance');
      asyncMdns.push({ headers: req.headers as Record<string, string>, body: Buffer.concat(chunks) });
      res.writeHead(200).end('thanks');
    });
  });
  await new Promise<void>((r) => listener.listen(0, '127.0.0.1', () => r()));
  const address = listener.address();
  listenerUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/as2-mdn`;

  server = await startBuiltServer({ UPLOAD_DIR: uploads.dir, AS2_ID: ourAs2Id, AS2_MAX_MB: '1' });
  db = openServerDb(server);
  ctx = { db, clock: systemClock, policy: defaultPolicy };
  await ensureAs2Identity(ctx, system, { as2Id: ourAs2Id });
  const identity = await getAs2Identity(ctx, system, { as2Id: ourAs2Id });
  ssl.write('lotbridge.pem', identity.certificatePem!);
  await addPartner(ctx, system, {
    name: 'Acme Medical Components',
    kind: 'supplier',
    as2Id: partnerAs2Id,
    certificates: [{ fileName: 'partner.pem', data: ssl.read('partner.pem') }],
    // The async MDN listener is on loopback: the profile must say so (issue 10).
    options: { requireSigned: true, requireEncrypted: true, asyncMdnHosts: new URL(listenerUrl).host, asyncMdnPrivate: true },
  });
}, 180_000);

afterAll(async () => {
  db?.close();
  await server?.stop();
  await new Promise((r) => listener?.close(r));
  ssl?.remove();
  uploads?.remove();
});

describe('POST /as2: signed + encrypted from OpenSSL, sync signed MDN', () => {
  const id = messageId();
  let sent: Sent;
  let body: Buffer;

  beforeAll(async () => {
    body = signedAndEncrypted('sync');
    sent = await post(body, as2Headers(id, envelopedType));
  });

  it('answers 200 with a multipart/signed MDN that `openssl cms -verify` accepts with our certificate', () => {
    expect(sent.status).toBe(200);
    expect(sent.contentType).toMatch(/^multipart\/signed/);
    expect(sent.headers.get('as2-from')).toBe(ourAs2Id);
    expect(sent.headers.get('as2-to')).toBe(quotedPartner);
    const report = opensslVerifiedMdn('sync', sent.contentType, sent.body);
    expect(parseMimeEntity(report).headers.get('content-type')).toMatch(/^multipart\/report; report-type=disposition-notification/);
  });

  it('says processed, names the original Message-ID, and returns the MIC of the signed entity (equal to openssl dgst -sha256)', () => {
    const mdn = mdnFields(sent.contentType, sent.body);
    expect(mdn.positive).toBe(true);
    expect(mdn.disposition).toBe('automatic-action/MDN-sent-automatically; processed');
    expect(mdn.originalMessageId).toBe(id);
    expect(mdn.receivedContentMic).toBe(opensslMic('entity.eml'));
    expect(mdn.micAlgorithmName).toBe('sha-256');
  });

  it('the message, its raw body and its payload are in the database and on disk when the MDN arrives', async () => {
    const row = await onlyRow(id);
    expect(row.as2_from).toBe(partnerAs2Id);
    expect(row.state).toBe('processed');
    expect(JSON.parse(row.layers)).toEqual(['encrypted:aes-256-cbc', 'signed:sha256']);
    expect(row.mic).toBe(opensslMic('entity.eml'));
    expect(row.mdn_mode).toBe('sync');
    expect(row.mdn_signed).toBe(1);
    expect(Buffer.from(row.mdn_body!).equals(sent.body)).toBe(true);
    expect(row.raw_sha256).toBe(createHash('sha256').update(body).digest('hex'));
    expect(row.raw_size_bytes).toBe(body.length);
    expect(readFileSync(join(uploads.dir, row.raw_storage_key!)).equals(body)).toBe(true);
    expect(readFileSync(join(uploads.dir, row.payload_storage_key!)).equals(payload)).toBe(true);
    expect(row.payload_sha256).toBe(createHash('sha256').update(payload).digest('hex'));
    expect(row.payload_filename).toBe('desadv-587441.edi');
    expect(row.payload_content_type).toBe('application/edifact');
    // The EDIFACT payload goes to the engine after the MDN: waiting, or already taken up.
    expect(['waiting', 'processed']).toContain(row.edifact_state);
  });

  it('is audited: received (by the partner) and answered', async () => {
    const row = await onlyRow(id);
    const audit = await db.all<{ action: string; actor_type: string; actor_name: string }>("SELECT action, actor_type, actor_name FROM audit_log WHERE entity_id = ? AND action LIKE 'as2.message_%' ORDER BY seq", [row.id]);
    expect(audit).toEqual([
      { action: 'as2.message_received', actor_type: 'partner', actor_name: partnerAs2Id },
      { action: 'as2.message_answered', actor_type: 'system', actor_name: 'AS2 gateway' },
    ]);
  });

  it('the same new message sent twice at once: one is stored, both get the same MDN', async () => {
    const twinId = messageId();
    const twinBody = signedAndEncrypted('twin');
    const [a, b] = await Promise.all([post(twinBody, as2Headers(twinId, envelopedType)), post(twinBody, as2Headers(twinId, envelopedType))]);
    expect(a.status).toBe(200);
    expect(b.body.equals(a.body)).toBe(true);
    expect((await onlyRow(twinId)).repeats).toBe(1);
  });

  it('a repeated Message-ID gets the original MDN byte for byte; one message stored, nothing processed twice', async () => {
    const filesBefore = as2Files().length;
    const again = await post(body, as2Headers(id, envelopedType));
    expect(again.status).toBe(200);
    expect(again.contentType).toBe(sent.contentType);
    expect(again.body.equals(sent.body)).toBe(true);
    const row = await onlyRow(id);
    expect(row.repeats).toBe(1);
    expect(as2Files().length).toBe(filesBefore);
    const repeated = await db.get<{ reason: string }>("SELECT reason FROM audit_log WHERE entity_id = ? AND action = 'as2.message_repeated'", [row.id]);
    expect(repeated?.reason).toContain('received before');
  });
});

describe('POST /as2: other layers and MDN modes', () => {
  it('encrypted(signed(compressed)) with 3DES and RSA-OAEP and a sha1 receipt: processed, MIC over the signed (compressed) entity', async () => {
    ssl.write('compressed.eml', Buffer.concat([Buffer.from('Content-Type: application/pkcs7-mime; smime-type=compressed-data; name=smime.p7z\r\nContent-Transfer-Encoding: binary\r\n\r\n', 'latin1'), compressData(entity)]));
    ssl.ok(['cms', '-sign', '-in', 'compressed.eml', '-binary', '-signer', 'partner.pem', '-inkey', 'partner.key', '-md', 'sha1', '-out', 'csc.signed.eml']);
    ssl.ok(['cms', '-encrypt', '-binary', '-in', 'csc.signed.eml', '-des3', '-recip', 'lotbridge.pem', '-keyopt', 'rsa_padding_mode:oaep', '-outform', 'DER', '-out', 'csc.der']);
    const id = messageId();
    const sent = await post(ssl.read('csc.der'), as2Headers(id, envelopedType, { 'Disposition-Notification-Options': 'signed-receipt-protocol=required, pkcs7-signature; signed-receipt-micalg=required, sha1' }));
    expect(sent.status).toBe(200);
    opensslVerifiedMdn('csc', sent.contentType, sent.body);
    const mdn = mdnFields(sent.contentType, sent.body);
    expect(mdn.positive).toBe(true);
    expect(mdn.receivedContentMic).toBe(opensslMic('compressed.eml', 'sha1'));
    const row = await onlyRow(id);
    expect(JSON.parse(row.layers)).toEqual(['encrypted:des-ede3-cbc', 'signed:sha1', 'compressed']);
    expect(readFileSync(join(uploads.dir, row.payload_storage_key!)).equals(payload)).toBe(true);
  });

  it('async MDN (Receipt-Delivery-Option): HTTP 200 at once, then the signed MDN is POSTed to the listener and verified by OpenSSL', async () => {
    const id = messageId();
    const sent = await post(signedAndEncrypted('async'), as2Headers(id, envelopedType, { 'Receipt-Delivery-Option': listenerUrl }));
    expect(sent.status).toBe(200);
    expect(sent.body.toString()).toContain(listenerUrl);
    expect((await onlyRow(id)).state).toBe('processed');
    let delivered: (typeof asyncMdns)[number] | undefined;
    while (!(delivered = asyncMdns.find((m) => m.body.includes(Buffer.from(id))))) await new Promise((r) => setTimeout(r, 100));
    expect(delivered.headers['as2-to']).toBe(quotedPartner);
    opensslVerifiedMdn('async', delivered.headers['content-type']!, delivered.body);
    const mdn = mdnFields(delivered.headers['content-type']!, delivered.body);
    expect(mdn.originalMessageId).toBe(id);
    expect(mdn.receivedContentMic).toBe(opensslMic('entity.eml'));
    let row = await onlyRow(id);
    while (row.mdn_delivery_state !== 'delivered') {
      await new Promise((r) => setTimeout(r, 100));
      row = await onlyRow(id);
    }
    expect(row.mdn_delivery_attempts).toBe(1);
    expect(Buffer.from(row.mdn_body!).equals(delivered.body)).toBe(true);
  });

  it('an async MDN whose URL answers 503 stays pending with the error and a retry 30 s later', async () => {
    const id = messageId();
    const downUrl = listenerUrl.replace('/as2-mdn', '/down');
    expect((await post(signedAndEncrypted('down'), as2Headers(id, envelopedType, { 'Receipt-Delivery-Option': downUrl }))).status).toBe(200);
    let row = await db.get<{ mdn_delivery_state: string; mdn_delivery_attempts: number; mdn_last_error: string | null; mdn_next_attempt_at: string; received_at: string }>(
      'SELECT mdn_delivery_state, mdn_delivery_attempts, mdn_last_error, mdn_next_attempt_at, received_at FROM as2_messages WHERE message_id = ?',
      [id.slice(1, -1)],
    );
    while (row!.mdn_delivery_attempts === 0) {
      await new Promise((r) => setTimeout(r, 100));
      row = await db.get('SELECT mdn_delivery_state, mdn_delivery_attempts, mdn_last_error, mdn_next_attempt_at, received_at FROM as2_messages WHERE message_id = ?', [id.slice(1, -1)]);
    }
    expect(row!.mdn_delivery_state).toBe('pending');
    expect(row!.mdn_last_error).toBe(`HTTP 503 Service Unavailable from ${downUrl}`);
    expect(Date.parse(row!.mdn_next_attempt_at) - Date.parse(row!.received_at)).toBeGreaterThanOrEqual(30_000);
  });

  it('without Disposition-Notification-To no MDN is built: HTTP 200 and the message is stored', async () => {
    const id = messageId();
    const headers = as2Headers(id, envelopedType);
    delete (headers as Record<string, string | undefined>)['Disposition-Notification-To'];
    const sent = await post(signedAndEncrypted('nomdn'), headers);
    expect(sent.status).toBe(200);
    const row = await onlyRow(id);
    expect(row).toMatchObject({ state: 'processed', mdn_mode: 'none', mdn_body: null });
  });
});

describe('POST /as2: refusals answer with the right disposition and are recorded (bodies of unauthenticated senders are not kept)', () => {
  async function negative(name: string, body: Buffer, contentType = envelopedType) {
    const id = messageId();
    const sent = await post(body, as2Headers(id, contentType));
    expect(sent.status).toBe(200);
    opensslVerifiedMdn(name, sent.contentType, sent.body);
    const mdn = mdnFields(sent.contentType, sent.body);
    expect(mdn.positive).toBe(false);
    expect(mdn.receivedContentMic).toBeUndefined();
    const row = await onlyRow(id);
    expect(row.state).toBe('failed');
    expect(row.payload_storage_key).toBeNull();
    // The sender did not authenticate: its body is not kept, the row records its SHA-256 and size (issue 10).
    expect(row.raw_storage_key).toBeNull();
    expect(row.raw_sha256).toBe(createHash('sha256').update(body).digest('hex'));
    expect(as2Files().filter((f) => f.includes(row.id))).toEqual([]);
    return { mdn, row };
  }

  it('encrypted but unsigned while the profile requires a signature → authentication-failed, naming the missing signature', async () => {
    ssl.ok(['cms', '-encrypt', '-binary', '-in', 'entity.eml', '-aes128', '-recip', 'lotbridge.pem', '-outform', 'DER', '-out', 'unsigned.der']);
    const { mdn, row } = await negative('unsigned', ssl.read('unsigned.der'));
    expect(mdn.disposition).toBe('automatic-action/MDN-sent-automatically; processed/error: authentication-failed');
    expect(mdn.humanText).toContain('must sign its messages');
    expect(row.failure_reason).toContain('this one is not signed (layers: encrypted:aes-128-cbc)');
    // Logged with the reason, never with the payload.
    expect(server.output()).toMatch(/as2 message refused.*must sign its messages/);
    expect(server.output()).not.toContain('DES587441');
  });

  it('signed but not encrypted while the profile requires encryption → decryption-failed, naming the missing encryption', async () => {
    ssl.ok(['cms', '-sign', '-in', 'entity.eml', '-binary', '-signer', 'partner.pem', '-inkey', 'partner.key', '-out', 'plain.signed.eml']);
    const signed = parseMimeEntity(ssl.read('plain.signed.eml'));
    const { mdn, row } = await negative('unencrypted', Buffer.from(signed.rawBody), signed.headers.get('content-type')!);
    expect(mdn.modifiers.error).toBe('decryption-failed');
    expect(row.failure_reason).toContain('must send encrypted messages');
  });

  it('encrypted to a certificate that is not ours → decryption-failed', async () => {
    const { mdn, row } = await negative('wrongkey', signedAndEncrypted('wrongkey', 'entity.eml', 'us.pem'));
    expect(mdn.modifiers.error).toBe('decryption-failed');
    expect(row.failure_disposition).toBe('decryption-failed');
    expect(row.failure_reason).toContain('which is none of our decryption certificates');
  });

  it('content altered after signing → integrity-check-failed', async () => {
    ssl.ok(['cms', '-sign', '-in', 'entity.eml', '-binary', '-signer', 'partner.pem', '-inkey', 'partner.key', '-out', 'tamper.signed.eml']);
    ssl.write('tampered.eml', Buffer.from(ssl.read('tamper.signed.eml').toString('latin1').replace('DES587441', 'DES587442'), 'latin1'));
    ssl.ok(['cms', '-encrypt', '-binary', '-in', 'tampered.eml', '-aes256', '-recip', 'lotbridge.pem', '-outform', 'DER', '-out', 'tampered.der']);
    const { mdn, row } = await negative('tampered', ssl.read('tampered.der'));
    expect(mdn.modifiers.error).toBe('integrity-check-failed');
    expect(row.failure_reason).toMatch(/digest/);
  });

  it('an unknown AS2-From is refused with 403 and no MDN; nothing is kept but the audit entry', async () => {
    const id = messageId();
    const filesBefore = as2Files().length;
    const sent = await post(signedAndEncrypted('stranger'), { ...as2Headers(id, envelopedType), 'AS2-From': 'STRANGER' });
    expect(sent.status).toBe(403);
    const problem = JSON.parse(sent.body.toString()) as { detail: string };
    expect(problem.detail).toContain('AS2-From "STRANGER" is not a partner');
    expect(await rowsFor(id)).toHaveLength(0);
    expect(as2Files().length).toBe(filesBefore);
    const audit = await db.get<{ reason: string }>("SELECT reason FROM audit_log WHERE action = 'as2.message_refused' AND new_values LIKE ?", [`%${id.slice(1, -1)}%`]);
    expect(audit?.reason).toContain('unknown AS2-From "STRANGER"');
  });

  it('headers that are not AS2 are refused with 400 naming the header', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ 'AS2-Version': '2.0' }, 'AS2-Version "2.0" is not supported'],
      [{ 'AS2-To': 'SOMEONE-ELSE' }, 'AS2-To "SOMEONE-ELSE" is not this gateway'],
      [{ 'Message-ID': '<>' }, 'Message-ID "<>" is empty'],
      [{ 'Receipt-Delivery-Option': 'mailto:edi@acme.example' }, 'Receipt-Delivery-Option "mailto:edi@acme.example" uses mailto:'],
    ];
    const filesBefore = as2Files().length;
    for (const [change, detail] of cases) {
      const sent = await post(Buffer.from('x'), { ...as2Headers(messageId(), envelopedType), ...change });
      expect(sent.status).toBe(400);
      expect((JSON.parse(sent.body.toString()) as { detail: string }).detail).toContain(detail);
    }
    expect(as2Files().length).toBe(filesBefore);
  });

  it('a body over AS2_MAX_MB is refused with 413: by its Content-Length, or while streaming (chunked), its partial file removed', async () => {
    const filesBefore = as2Files().length;
    const sent = await post(randomBytes(1024 * 1024 + 1), as2Headers(messageId(), envelopedType));
    expect(sent.status).toBe(413);
    const chunk = randomBytes(256 * 1024);
    let n = 0;
    const chunked = new ReadableStream<Uint8Array>({ pull: (c) => (n++ < 5 ? c.enqueue(new Uint8Array(chunk)) : c.close()) });
    const response = await fetch(`${server.url}/as2`, { method: 'POST', headers: as2Headers(messageId(), envelopedType), body: chunked, duplex: 'half' } as RequestInit);
    expect(response.status).toBe(413);
    expect(((await response.json()) as { detail: string }).detail).toContain('at most 1 MiB (AS2_MAX_MB)');
    expect(as2Files().length).toBe(filesBefore);
  });

  it('stored messages are never deleted', async () => {
    await expect(db.run("DELETE FROM as2_messages WHERE direction = 'in'")).rejects.toThrow(/received AS2 messages are kept/);
  });
});

/**
 * A real request captured from OpenAS2 (tests/fixtures/as2/phase2server_issue12-1.txt, from
 * phase2, BSD-2; see its MANIFEST line): multipart/signed sha1, X12 payload, EDIINT-Features,
 * `Message-Id` spelt that way. Replayed over HTTP to a server whose AS2 id is the request's
 * AS2-To; the partner's certificate is the one OpenSSL extracts from the request's signature.
 */
describe('POST /as2: a real OpenAS2 request (phase2 issue 12)', () => {
  const fixture = readFileSync(join(import.meta.dirname, '../fixtures/as2/phase2server_issue12-1.txt'));
  const entity = parseMimeEntity(fixture.subarray(fixture.indexOf('\n') + 1));
  const fixtureHeaders = Object.fromEntries(entity.headers.list.filter(([n]) => n.toLowerCase() !== 'content-length'));
  const fixtureBody = Buffer.from(entity.rawBody);
  let openas2: RunningServer;
  let openas2Db: Db;
  let partnerId: string;

  beforeAll(async () => {
    openas2 = await startBuiltServer({ UPLOAD_DIR: join(uploads.dir, 'openas2'), AS2_ID: 'OpenAS2A' });
    openas2Db = openServerDb(openas2);
    const openas2Ctx = { db: openas2Db, clock: systemClock, policy: defaultPolicy };
    await ensureAs2Identity(openas2Ctx, system, { as2Id: 'OpenAS2A' });
    const added = await addPartner(openas2Ctx, system, { name: 'OpenAS2 B', kind: 'distributor', as2Id: 'OpenAS2B', options: { requireEncrypted: false } });
    partnerId = added.partner.id;
    // (OpenSSL's S/MIME reader refuses this request's signature part, so the DER is cut out and OpenSSL lists its certificates.)
    ssl.write('issue12.p7s', splitMultipartSigned({ headers: entity.headers, rawBody: entity.rawBody }).signatureDer);
    ssl.ok(['pkcs7', '-inform', 'DER', '-in', 'issue12.p7s', '-print_certs', '-out', 'openas2b.pem']);
  }, 180_000);

  afterAll(async () => {
    openas2Db?.close();
    await openas2?.stop();
  });

  async function replay(messageIdHeader: string): Promise<Sent> {
    const response = await fetch(`${openas2.url}/as2`, { method: 'POST', headers: { ...fixtureHeaders, 'Message-Id': messageIdHeader }, body: new Uint8Array(fixtureBody) });
    return { status: response.status, contentType: response.headers.get('content-type') ?? '', headers: response.headers, body: Buffer.from(await response.arrayBuffer()) };
  }

  it('before its certificate is registered: authentication-failed naming the signer; registered later, a repeat still gets that first MDN; a new Message-ID is processed', async () => {
    const originalId = fixtureHeaders['Message-Id']!;
    const refused = await replay(originalId);
    expect(refused.status).toBe(200);
    const refusedMdn = mdnFields(refused.contentType, refused.body);
    expect(refusedMdn.modifiers.error).toBe('authentication-failed');
    expect(refusedMdn.humanText).toContain('CN=OpenAS2B');

    await addPartnerCertificate({ db: openas2Db, clock: systemClock, policy: defaultPolicy }, system, { partnerId, certificate: { fileName: 'openas2b.pem', data: ssl.read('openas2b.pem') } });
    const repeat = await replay(originalId);
    expect(repeat.body.equals(refused.body)).toBe(true);

    const fresh = await replay('<issue12-replayed@lotbridge.test>');
    expect(fresh.status).toBe(200);
    // Signed with sha1, as its signed-receipt-micalg asks; OpenSSL verifies it with our certificate.
    expect(fresh.contentType).toContain('micalg=sha1');
    ssl.write('openas2a.pem', (await getAs2Identity({ db: openas2Db, clock: systemClock, policy: defaultPolicy }, system, { as2Id: 'OpenAS2A' })).certificatePem!);
    ssl.write('issue12.mdn.eml', Buffer.concat([Buffer.from(`MIME-Version: 1.0\r\nContent-Type: ${fresh.contentType}\r\n\r\n`, 'latin1'), fresh.body]));
    expect(ssl.run(['cms', '-verify', '-in', 'issue12.mdn.eml', '-CAfile', 'openas2a.pem', '-out', 'issue12.report']).status).toBe(0);
    const mdn = mdnFields(fresh.contentType, fresh.body);
    expect(mdn.positive).toBe(true);
    expect(mdn.micAlgorithmName).toBe('sha1');
    const row = await openas2Db.get<{ state: string; payload_storage_key: string; payload_filename: string; payload_content_type: string; edifact_state: string | null }>(
      "SELECT state, payload_storage_key, payload_filename, payload_content_type, edifact_state FROM as2_messages WHERE message_id = 'issue12-replayed@lotbridge.test'",
    );
    expect(row).toMatchObject({ state: 'processed', payload_filename: 'test_data_2.edi', payload_content_type: 'application/edi-x12', edifact_state: null });
    const payloadText = readFileSync(join(uploads.dir, 'openas2', row!.payload_storage_key)).toString('latin1');
    expect(payloadText.startsWith('ISA*00*')).toBe(true);
    expect(payloadText).toContain('ST*850*000040001');
    expect(payloadText.trimEnd().endsWith('IEA*1*000000001')).toBe(true);
  });
});

/**
 * A large AS2 message (64 MiB, signed and encrypted by OpenSSL, indefinite-length BER as
 * `openssl cms -stream` writes it) through the real server: unwrapped as it streams from the
 * upload folder (shared/as2/unwrap-stream.ts), the payload stored as it appears (the server's
 * peak memory grows by less than the message), and the signed MDN's MIC equal to `openssl dgst`
 * of the signed entity. Refusals and repeats of large messages leave no payload behind.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMdn, parseMimeEntity } from '../../shared/as2/index.ts';
import { defaultPolicy } from '../../shared/auth/policy.ts';
import { systemClock } from '../../shared/clock.ts';
import type { Db } from '../../shared/db/index.ts';
import { addPartner } from '../../shared/edi/partners/add-partner.ts';
import { ensureAs2Identity } from '../../shared/edi/identity/ensure-as2-identity.ts';
import { getAs2Identity } from '../../shared/edi/identity/get-as2-identity.ts';
import { makeTestPki, OpensslDir } from '../support/openssl.ts';
import { openServerDb, startBuiltServer } from '../support/portal.ts';
import { tempDir, type RunningServer } from '../support/server.ts';

const ourAs2Id = 'LOTBRIDGE';
const partnerAs2Id = 'BIGFILES';
const system = { type: 'system' as const, name: 'as2-large test' };
const MiB = 1024 * 1024;

let server: RunningServer;
let db: Db;
let ssl: OpensslDir;
let uploads: { dir: string; remove(): void };
let payload: Buffer;

interface Sent {
  status: number;
  contentType: string;
  body: Buffer;
}

/** POSTs a file as the body, streamed from disk as a partner's AS2 software sends it. */
async function post(file: string, messageId: string): Promise<Sent> {
  const response = await fetch(`${server.url}/as2`, {
    method: 'POST',
    headers: {
      'AS2-Version': '1.2',
      'AS2-From': partnerAs2Id,
      'AS2-To': ourAs2Id,
      'Message-ID': messageId,
      'Content-Type': 'application/pkcs7-mime; smime-type=enveloped-data; name=smime.p7m',
      'Content-Length': String(statSync(file).size),
      'Disposition-Notification-To': 'edi@bigfiles.example',
      'Disposition-Notification-Options': 'signed-receipt-protocol=optional, pkcs7-signature; signed-receipt-micalg=optional, sha-256',
    },
    body: Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array>,
    duplex: 'half',
  } as RequestInit);
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', body: Buffer.from(await response.arrayBuffer()) };
}

function mdnOf(sent: Sent) {
  return parseMdn([['Content-Type', sent.contentType]], sent.body, { trustedCertificates: [], now: new Date() });
}

/** The server process's peak resident memory (VmHWM), in bytes. */
function peakRss(): number {
  return Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${server.process.pid}/status`, 'utf8'))![1]) * 1024;
}

function as2Files(): string[] {
  const root = join(uploads.dir, 'as2');
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => statSync(join(root, f)).isFile());
}

beforeAll(async () => {
  ssl = new OpensslDir('lotbridge-as2-large-');
  makeTestPki(ssl);
  uploads = tempDir('lotbridge-as2-large-uploads-');
  server = await startBuiltServer({ UPLOAD_DIR: uploads.dir, AS2_ID: ourAs2Id, AS2_MAX_MB: '100' });
  db = openServerDb(server);
  const ctx = { db, clock: systemClock, policy: defaultPolicy };
  await ensureAs2Identity(ctx, system, { as2Id: ourAs2Id });
  ssl.write('lotbridge.pem', (await getAs2Identity(ctx, system, { as2Id: ourAs2Id })).certificatePem!);
  await addPartner(ctx, system, {
    name: 'Big Files GmbH',
    kind: 'supplier',
    as2Id: partnerAs2Id,
    certificates: [{ fileName: 'partner.pem', data: ssl.read('partner.pem') }],
    options: { requireSigned: true, requireEncrypted: true },
  });
  // 64 MiB of binary (a scanned archive, say): signed with sha256, then encrypted with AES-256 as a stream.
  payload = randomBytes(64 * MiB);
  writeFileSync(ssl.path('entity.eml'), Buffer.concat([Buffer.from('Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\nContent-Disposition: attachment; filename="archive-2026.bin"\r\n\r\n'), payload]));
  ssl.ok(['cms', '-sign', '-binary', '-in', 'entity.eml', '-signer', 'partner.pem', '-inkey', 'partner.key', '-md', 'sha256', '-out', 'entity.signed']);
  ssl.ok(['cms', '-encrypt', '-binary', '-stream', '-in', 'entity.signed', '-aes256', '-recip', 'lotbridge.pem', '-outform', 'DER', '-out', 'large.der']);
  // The same in definite-length DER, as OpenSSL writes it without -stream: the encrypted content ends the file.
  ssl.ok(['cms', '-encrypt', '-binary', '-in', 'entity.signed', '-aes256', '-recip', 'lotbridge.pem', '-outform', 'DER', '-out', 'definite.der']);
}, 300_000);

afterAll(async () => {
  db?.close();
  await server?.stop();
  ssl?.remove();
  uploads?.remove();
});

describe('POST /as2: a 64 MiB signed and encrypted message', () => {
  const id = `<${randomBytes(8).toString('hex')}@bigfiles.example>`;
  let sent: Sent;

  let peakBefore: number;
  let peakAfter: number;

  beforeAll(async () => {
    peakBefore = peakRss();
    sent = await post(ssl.path('large.der'), id);
    peakAfter = peakRss();
  }, 300_000);

  it('is never held whole: the server\'s peak RSS grows by less than the message\'s size', () => {
    expect(sent.status).toBe(200);
    expect(peakAfter - peakBefore).toBeLessThan(statSync(ssl.path('large.der')).size);
  });

  it('gets a positive signed MDN that OpenSSL verifies, its MIC equal to openssl dgst -sha256 of the signed entity [REQ-AS2-01]', () => {
    expect(sent.status).toBe(200);
    ssl.write('large.mdn', Buffer.concat([Buffer.from(`MIME-Version: 1.0\r\nContent-Type: ${sent.contentType}\r\n\r\n`), sent.body]));
    const verified = ssl.run(['cms', '-verify', '-in', 'large.mdn', '-CAfile', 'lotbridge.pem', '-out', 'large.report']);
    expect(verified.stderr).toContain('Verification successful');
    expect(parseMimeEntity(ssl.read('large.report')).headers.get('content-type')).toMatch(/^multipart\/report/);
    const mdn = mdnOf(sent);
    expect(mdn.disposition).toBe('automatic-action/MDN-sent-automatically; processed');
    expect(mdn.originalMessageId).toBe(id);
    expect(mdn.receivedContentMic).toBe(ssl.ok(['dgst', '-sha256', '-binary', 'entity.eml']).toString('base64'));
  });

  it('is stored when the MDN arrives: the row, the raw body and the payload byte for byte', async () => {
    const row = (await db.get<{ layers: string; raw_storage_key: string; raw_sha256: string; payload_storage_key: string; payload_sha256: string; payload_size_bytes: number; payload_filename: string; payload_content_type: string; edifact_state: string | null }>(
      'SELECT layers, raw_storage_key, raw_sha256, payload_storage_key, payload_sha256, payload_size_bytes, payload_filename, payload_content_type, edifact_state FROM as2_messages WHERE message_id = ?',
      [id.slice(1, -1)],
    ))!;
    expect(JSON.parse(row.layers)).toEqual(['encrypted:aes-256-cbc', 'signed:sha256']);
    const sha = createHash('sha256').update(payload).digest('hex');
    expect(row).toMatchObject({ payload_sha256: sha, payload_size_bytes: payload.length, payload_filename: 'archive-2026.bin', payload_content_type: 'application/octet-stream', edifact_state: null });
    expect(createHash('sha256').update(readFileSync(join(uploads.dir, row.payload_storage_key))).digest('hex')).toBe(sha);
    expect(createHash('sha256').update(readFileSync(join(uploads.dir, row.raw_storage_key))).digest('hex')).toBe(row.raw_sha256);
    expect(row.raw_sha256).toBe(createHash('sha256').update(readFileSync(ssl.path('large.der'))).digest('hex'));
  });

  it('a repeat gets the original MDN and leaves no file behind [REQ-AS2-01]', async () => {
    const files = as2Files().length;
    const again = await post(ssl.path('large.der'), id);
    expect(again.status).toBe(200);
    expect(again.body.equals(sent.body)).toBe(true);
    expect(as2Files().length).toBe(files);
  }, 300_000);

  it('the same content in definite-length DER (a new Message-ID): processed, the same MIC', async () => {
    const other = await post(ssl.path('definite.der'), `<${randomBytes(8).toString('hex')}@bigfiles.example>`);
    expect(mdnOf(other)).toMatchObject({ disposition: 'automatic-action/MDN-sent-automatically; processed', receivedContentMic: mdnOf(sent).receivedContentMic });
  }, 300_000);

  it('altered on the way: a negative MDN (decryption-failed), and neither its body nor a payload is kept [REQ-AS2-02]', async () => {
    const files = as2Files().length;
    const bytes = readFileSync(ssl.path('definite.der'));
    // The last byte of the next-to-last cipher block: the padding length of the last plaintext block becomes impossible.
    bytes[bytes.length - 17]! ^= 0x80;
    writeFileSync(ssl.path('altered.der'), bytes);
    const refused = await post(ssl.path('altered.der'), `<${randomBytes(8).toString('hex')}@bigfiles.example>`);
    expect(refused.status).toBe(200);
    expect(mdnOf(refused).disposition).toBe('automatic-action/MDN-sent-automatically; processed/error: decryption-failed');
    expect(as2Files().length).toBe(files);
  }, 300_000);
});

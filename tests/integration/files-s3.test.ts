/**
 * FILE_STORAGE=s3 on the real built server, against a real S3 endpoint on loopback (s3rver):
 * a certificate PDF uploaded through the portal and downloaded back; an AS2 message (OpenSSL
 * signs and encrypts it as the partner's software would) received with its body and payload in
 * the bucket and answered with a signed MDN that `openssl cms -verify` accepts; the EDIFACT
 * worker reading the payload from the bucket; the message log handing out the bucket's bytes;
 * the body of a sender that did not authenticate not kept. Nothing is written to UPLOAD_DIR.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultPolicy } from '../../shared/auth/policy.ts';
import { systemClock } from '../../shared/clock.ts';
import type { FilesContext } from '../../shared/context.ts';
import type { Db } from '../../shared/db/index.ts';
import { addPartner } from '../../shared/edi/partners/add-partner.ts';
import { ensureAs2Identity } from '../../shared/edi/identity/ensure-as2-identity.ts';
import { getAs2Identity } from '../../shared/edi/identity/get-as2-identity.ts';
import { processAs2Payload } from '../../shared/edi/inbound/process-as2-payload.ts';
import { S3FileStorage } from '../../shared/files/s3-file-storage.ts';
import { makeTestPki, OpensslDir } from '../support/openssl.ts';
import { openServerDb, signedInClients, startBuiltServer, type BrowserClient } from '../support/portal.ts';
import { demo } from '../support/demo.ts';
import { as2MessageHeaders } from '../support/as2-request.ts';
import { startS3, type TestBucket } from '../support/s3.ts';
import { tempDir, type RunningServer } from '../support/server.ts';
import { pdfBytes, postMultipart } from '../support/uploads.ts';

const ourAs2Id = 'LOTBRIDGE';
const partnerAs2Id = 'S3-ACME';
const system = { type: 'system' as const, name: 'files-s3 test' };
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

const payload = Buffer.from("UNA:+.? 'UNB+UNOC:3+4012345000009:14+LOTBRIDGE:ZZZ+261125:2318+S3REF1'UNH+1+DESADV:D:96A:UN:EAN005'BGM+351+DES587442+9'UNT+3+1'UNZ+1+S3REF1'", 'latin1');
const entity = Buffer.concat([
  Buffer.from('Content-Type: application/edifact\r\nContent-Transfer-Encoding: binary\r\nContent-Disposition: attachment; filename="desadv-587442.edi"\r\n\r\n', 'latin1'),
  payload,
]);

let bucket: TestBucket;
let uploads: { dir: string; remove(): void };
let server: RunningServer;
let db: Db;
let ssl: OpensslDir;
let as: Record<'supplier' | 'admin', BrowserClient>;

async function postAs2(body: Uint8Array, messageId: string, contentType: string) {
  const res = await fetch(`${server.url}/as2`, {
    method: 'POST',
    headers: as2MessageHeaders(partnerAs2Id, ourAs2Id, messageId, contentType),
    body: new Uint8Array(body),
  });
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: Buffer.from(await res.arrayBuffer()) };
}

const localFiles = () => readdirSync(uploads.dir, { recursive: true }).map(String);

beforeAll(async () => {
  bucket = await startS3();
  uploads = tempDir('lotbridge-files-s3-uploads-');
  server = await startBuiltServer({ UPLOAD_DIR: uploads.dir, AS2_ID: ourAs2Id, ...bucket.env });
  db = openServerDb(server);
  const ctx: FilesContext = { db, clock: systemClock, policy: defaultPolicy, files: new S3FileStorage(bucket.settings) };
  ssl = new OpensslDir('files-s3-');
  makeTestPki(ssl);
  ssl.write('entity.eml', entity);
  await ensureAs2Identity(ctx, system, { as2Id: ourAs2Id });
  ssl.write('lotbridge.pem', (await getAs2Identity(ctx, system, { as2Id: ourAs2Id })).certificatePem!);
  await addPartner(ctx, system, {
    name: 'Acme Bucket Components',
    kind: 'supplier',
    as2Id: partnerAs2Id,
    certificates: [{ fileName: 'partner.pem', data: ssl.read('partner.pem') }],
    options: { requireSigned: true, requireEncrypted: true },
  });
  as = await signedInClients(server, db, { supplier: demo('supplier_user').email, admin: demo('manufacturer_admin').email });
}, 180_000);

afterAll(async () => {
  db?.close();
  await server?.stop();
  await bucket?.stop();
  uploads?.remove();
  ssl?.remove();
});

describe('FILE_STORAGE=s3', () => {
  it('keeps a certificate PDF uploaded through the portal in the bucket and hands the same bytes back', async () => {
    const bytes = await pdfBytes('ISO 13485 certificate in the bucket');
    const res = await postMultipart(
      as.supplier,
      '/certificates?/submit',
      { type: 'iso13485', number: 'SX 60999999 0001', issuer: 'TÜV SÜD Product Service GmbH (0123)', scope: 'Design and manufacture of precision-moulded components', gtins: '', lots: '', validFrom: '2026-03-01', validTo: '2029-02-28' },
      { name: 'certificate.pdf', bytes },
    );
    expect(res.status, (await res.text()).slice(0, 500)).toBe(303);
    const id = /^\/certificates\/(cer_[a-z2-7]+)\?submitted=1$/.exec(res.headers.get('location') ?? '')![1]!;
    const key = (await db.get<{ storage_key: string }>('SELECT f.storage_key FROM certificates c JOIN stored_files f ON f.id = c.file_id WHERE c.id = ?', [id]))!.storage_key;
    expect(bucket.keys()).toContain(key);
    expect(sha256(await new S3FileStorage(bucket.settings).get(key))).toBe(sha256(bytes));

    const file = await as.supplier.get(`/certificates/${id}/file`);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('application/pdf');
    expect(sha256(new Uint8Array(await file.arrayBuffer()))).toBe(sha256(bytes));
    expect(localFiles()).toEqual([]);
  });

  it('receives an AS2 message into the bucket, answers with a signed MDN, processes its EDIFACT from there and hands its bytes out in the message log', async () => {
    ssl.ok(['cms', '-sign', '-in', 'entity.eml', '-binary', '-signer', 'partner.pem', '-inkey', 'partner.key', '-md', 'sha256', '-out', 'good.signed.eml']);
    ssl.ok(['cms', '-encrypt', '-binary', '-in', 'good.signed.eml', '-aes256', '-recip', 'lotbridge.pem', '-outform', 'DER', '-out', 'good.der']);
    const body = ssl.read('good.der');
    const messageId = `${randomBytes(6).toString('hex')}@acme.example`;
    const sent = await postAs2(body, messageId, 'application/pkcs7-mime; smime-type=enveloped-data; name=smime.p7m');
    expect(sent.status).toBe(200);
    expect(sent.contentType).toMatch(/^multipart\/signed/);
    ssl.write('good.mdn.eml', Buffer.concat([Buffer.from(`MIME-Version: 1.0\r\nContent-Type: ${sent.contentType}\r\n\r\n`, 'latin1'), sent.body]));
    const verified = ssl.run(['cms', '-verify', '-in', 'good.mdn.eml', '-CAfile', 'lotbridge.pem', '-out', 'good.report.eml']);
    expect(verified.status, verified.stderr).toBe(0);
    expect(ssl.read('good.report.eml').toString('latin1')).toMatch(/Disposition: automatic-action\/MDN-sent-automatically; processed\r?\n/);

    const row = (await db.get<{ id: string; raw_storage_key: string; payload_storage_key: string; raw_sha256: string; payload_sha256: string }>(
      'SELECT id, raw_storage_key, payload_storage_key, raw_sha256, payload_sha256 FROM as2_messages WHERE message_id = ?',
      [messageId],
    ))!;
    expect(bucket.keys()).toEqual(expect.arrayContaining([row.raw_storage_key, row.payload_storage_key]));
    expect(row.raw_sha256).toBe(sha256(body));
    expect(row.payload_sha256).toBe(sha256(payload));

    // The server's EDIFACT worker reads the payload from the bucket; this waits for it (a processed message answers with its result).
    await processAs2Payload({ db, clock: systemClock, policy: defaultPolicy, files: new S3FileStorage(bucket.settings) }, { as2MessageId: row.id });
    expect((await db.get<{ edifact_state: string }>('SELECT edifact_state FROM as2_messages WHERE id = ?', [row.id]))!.edifact_state).toBe('processed');

    const raw = await as.admin.get(`/admin/edi/${row.id}/raw`);
    expect(raw.status).toBe(200);
    expect(sha256(new Uint8Array(await raw.arrayBuffer()))).toBe(sha256(body));
    const got = await as.admin.get(`/admin/edi/${row.id}/payload`);
    expect(got.status).toBe(200);
    expect(got.headers.get('content-disposition')).toContain('filename="desadv-587442.edi"');
    expect(sha256(new Uint8Array(await got.arrayBuffer()))).toBe(sha256(payload));
    expect(localFiles()).toEqual([]);
  });

  it('does not keep the body of a sender that did not authenticate, in the bucket either', async () => {
    ssl.ok(['cms', '-encrypt', '-binary', '-in', 'entity.eml', '-aes128', '-recip', 'lotbridge.pem', '-outform', 'DER', '-out', 'unsigned.der']);
    const messageId = `${randomBytes(6).toString('hex')}@acme.example`;
    const before = bucket.keys();
    const sent = await postAs2(ssl.read('unsigned.der'), messageId, 'application/pkcs7-mime; smime-type=enveloped-data; name=smime.p7m');
    expect(sent.status).toBe(200);
    const row = (await db.get<{ id: string; raw_storage_key: string | null; state: string }>('SELECT id, raw_storage_key, state FROM as2_messages WHERE message_id = ?', [messageId]))!;
    expect(row.raw_storage_key).toBeNull();
    expect(bucket.keys()).toEqual(before);
    expect((await as.admin.get(`/admin/edi/${row.id}/raw`)).status).toBe(404);
  });
});

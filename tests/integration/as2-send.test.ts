/**
 * AS2 send against two real peers.
 *
 * (a) OpenSSL as the partner's AS2 software: a test HTTP server takes our POST, has
 *     `openssl cms -decrypt` and `openssl cms -verify` read it (our outbound message is readable
 *     by an independent implementation), computes the MIC with `openssl dgst`, and answers with
 *     an MDN built by our library and signed with the partner's test key, or an unsigned, a
 *     negative, a tampered one, a wrong MIC, HTTP 503, or nothing (async). Our side runs in this
 *     process on its own SQLite file, with a clock the tests move to drive retries.
 * (b) A second Lotbridge server as the partner: two real servers, each with the other's
 *     certificate and AS2 id, sync MDN through `lotbridge as2 send --wait`, async MDN (matched by
 *     Original-Message-ID) through the running servers' senders.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMdn, loadCertificates, loadKeyPair, parseHeaderText, parseMimeEntity, unwrapAs2, type DigestName, type HeaderList } from '../../shared/as2/index.ts';
import { defaultPolicy } from '../../shared/auth/policy.ts';
import { fixedClock } from '../../shared/clock.ts';
import type { UseCaseContext } from '../../shared/context.ts';
import { LocalFileStorage } from '../../shared/files/local-file-storage.ts';
import { openDb, type Db } from '../../shared/db/index.ts';
import { migrate } from '../../shared/db/migrate.ts';
import { addPartner } from '../../shared/edi/partners/add-partner.ts';
import { ensureAs2Identity } from '../../shared/edi/identity/ensure-as2-identity.ts';
import { getAs2Identity } from '../../shared/edi/identity/get-as2-identity.ts';
import { updatePartner } from '../../shared/edi/partners/update-partner.ts';
import { createLogger } from '../../shared/log.ts';
import { judgeOutboundMdn } from '../../shared/edi/messages/judge-outbound-mdn.ts';
import { as2SendMaxAttempts, sendDueAs2Messages, type As2SenderOptions } from '../../shared/edi/messages/as2-sender.ts';
import { outboundMessageStatus } from '../../shared/edi/messages/outbound-message-status.ts';
import { queueAs2Message } from '../../shared/edi/messages/queue-as2-message.ts';
import { receiveAs2Message } from '../../shared/edi/messages/receive-as2-message.ts';
import { migrationsDir } from '../../gateway/node/paths.ts';
import { makeTestPki, OpensslDir } from '../support/openssl.ts';
import { runCli, tempDir, type RunningServer } from '../support/server.ts';
import { openServerDb, startBuiltServer } from '../support/portal.ts';
import { readCapture } from '../support/as2-capture.ts';
import { localFixture, needs, sharedFixture } from '../support/fixtures.ts';

const system = { type: 'system' as const, name: 'as2-send test' };
const ourAs2Id = 'LOTBRIDGE';
const partnerAs2Id = 'ACME-AS2';
const payload = Buffer.from("UNA:+.? 'UNB+UNOC:3+LOTBRIDGE:ZZZ+4012345000009:14+261125:2318+OUT1'UNH+1+CONTRL:D:3:UN'UCI+AS2R1+4012345000009:14+LOTBRIDGE:ZZZ+7'UNT+3+1'UNZ+1+OUT1'", 'latin1');

type Reply = 'signed' | 'unsigned' | 'negative' | 'tampered' | 'wrong-mic' | 'stranger' | '503' | 'accept';

interface Received {
  headers: Record<string, string>;
  body: Buffer;
  /** The payload entity as `openssl cms -verify` wrote it, and the MIC `openssl dgst` computed over it. */
  verifiedEntity: Buffer;
  mic: string;
}

let ssl: OpensslDir;
let partnerServer: Server;
let partnerUrl: string;
let folder: { dir: string; remove(): void };
let db: Db;
let ctx: UseCaseContext;
// A minute ahead of the wall clock: the OpenSSL certificates made at start are valid from now.
const clock = fixedClock(new Date(Date.now() + 60_000));
let sender: As2SenderOptions;
let partnerId: string;
let replies: Reply[] = [];
const received: Received[] = [];
let requestNo = 0;
/** When set, the partner holds its next answer until this settles (an attempt that outlives its lease). */
let holdNextAnswer: Promise<void> | null = null;
let answersHeld = 0;

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** The partner: OpenSSL decrypts and verifies, our library builds the MDN it answers with. */
function partnerAnswer(headers: Record<string, string>, body: Buffer, reply: Reply): { status: number; headers: HeaderList; body: Uint8Array } {
  if (reply === '503') return { status: 503, headers: [['Content-Type', 'text/plain']], body: Buffer.from('down for maintenance') };
  const n = ++requestNo;
  ssl.write(`req${n}.der`, body);
  ssl.ok(['cms', '-decrypt', '-inform', 'DER', '-in', `req${n}.der`, '-recip', 'partner.pem', '-inkey', 'partner.key', '-out', `req${n}.signed.eml`]);
  const signedEntity = ssl.read(`req${n}.signed.eml`);
  // The decrypted entity is multipart/signed; OpenSSL wants it as a MIME message with its headers.
  // At the test clock's time: our certificate was made by that clock.
  const attime = String(Math.floor(clock.now().getTime() / 1000));
  const verify = ssl.run(['cms', '-verify', '-in', `req${n}.signed.eml`, '-CAfile', 'lotbridge.pem', '-attime', attime, '-out', `req${n}.entity.eml`]);
  if (verify.status !== 0) throw new Error(`openssl cms -verify refused our message: ${verify.stderr}`);
  const verifiedEntity = ssl.read(`req${n}.entity.eml`);
  const mic = ssl.ok(['dgst', '-sha256', '-binary', `req${n}.entity.eml`]).toString('base64');
  received.push({ headers, body, verifiedEntity, mic });
  expect(parseMimeEntity(signedEntity).headers.get('content-type')).toMatch(/^multipart\/signed/);
  if (reply === 'accept') return { status: 200, headers: [['Content-Type', 'text/plain']], body: Buffer.from('received, MDN follows') };
  const partnerKey = loadKeyPair(ssl.read('partner.key'), ssl.read('partner.pem'));
  const strangerKey = loadKeyPair(ssl.read('us.key'), ssl.read('us.pem'));
  const mdn = buildMdn({
    as2From: partnerAs2Id,
    as2To: ourAs2Id,
    messageId: `mdn-${n}@acme.example`,
    originalMessageId: headers['message-id']!,
    finalRecipient: partnerAs2Id,
    reportingUa: 'OpenSSL test partner',
    outcome: reply === 'negative' ? { status: 'error', error: 'decryption-failed' } : { status: 'processed' },
    mic: { value: reply === 'wrong-mic' ? createHash('sha256').update('other content').digest('base64') : mic, algorithm: 'sha256' },
    sign: reply === 'unsigned' ? undefined : { keyPair: reply === 'stranger' ? strangerKey : partnerKey },
  });
  let mdnBody = Buffer.from(mdn.body);
  if (reply === 'tampered') mdnBody = Buffer.from(mdnBody.toString('latin1').replace('was received and processed', 'was received and PROCESSED'), 'latin1');
  return { status: 200, headers: mdn.headers, body: mdnBody };
}

async function queue(subject = 'CONTRL OUT1', relatesTo?: { type: string; id: string }): Promise<{ id: string; messageId: string }> {
  return db.transaction((tx) => queueAs2Message(tx, clock, { partnerId, payload, filename: 'contrl-out1.edi', contentType: 'application/edifact', subject, purpose: 'contrl', relatesTo }));
}

async function row(id: string): Promise<Record<string, unknown>> {
  return (await db.get<Record<string, unknown>>('SELECT * FROM as2_outbound_messages WHERE id = ?', [id]))!;
}

async function auditActions(id: string): Promise<string[]> {
  return (await db.all<{ action: string }>("SELECT action FROM audit_log WHERE entity_type = 'as2_outbound_message' AND entity_id = ? ORDER BY seq", [id])).map((r) => r.action);
}

beforeAll(async () => {
  ssl = new OpensslDir('as2-send-');
  makeTestPki(ssl);
  partnerServer = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      try {
        const answer = partnerAnswer(req.headers as Record<string, string>, body, replies.shift() ?? 'signed');
        const hold = holdNextAnswer;
        holdNextAnswer = null;
        if (hold) {
          answersHeld++;
          await hold;
        }
        res.writeHead(answer.status, Object.fromEntries(answer.headers)).end(Buffer.from(answer.body));
      } catch (e) {
        res.writeHead(500, { 'Content-Type': 'text/plain' }).end(`partner failed: ${(e as Error).message}`);
      }
    })();
  });
  await new Promise<void>((r) => partnerServer.listen(0, '127.0.0.1', () => r()));
  const address = partnerServer.address();
  partnerUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/as2`;

  folder = tempDir('lotbridge-as2-send-');
  db = openDb(`file:${join(folder.dir, 'lotbridge.db')}`);
  await migrate(db, migrationsDir);
  ctx = { db, clock, policy: defaultPolicy };
  await ensureAs2Identity(ctx, system, { as2Id: ourAs2Id });
  ssl.write('lotbridge.pem', (await getAs2Identity(ctx, system, { as2Id: ourAs2Id })).certificatePem!);
  const added = await addPartner(ctx, system, {
    name: 'Acme Medical Components',
    kind: 'supplier',
    as2Id: partnerAs2Id,
    as2Url: partnerUrl,
    as2UrlInternal: true,
    certificates: [{ fileName: 'partner.pem', data: ssl.read('partner.pem') }],
    options: { mdn: 'sync', mdnSigned: true, signingAlgorithm: 'sha-256', encryptionAlgorithm: 'aes-256-cbc' },
  });
  partnerId = added.partner.id;
  sender = { db, clock, log: createLogger('error'), timeoutMs: 10_000, ourAs2Id, receiptUrl: 'http://lotbridge.test/as2' };
}, 120_000);

afterAll(async () => {
  db?.close();
  await new Promise((r) => partnerServer?.close(r));
  ssl?.remove();
  folder?.remove();
});

describe('queueAs2Message', () => {
  it('writes one queued row inside the caller\'s transaction; a rolled-back transaction leaves nothing', async () => {
    const before = (await db.get<{ n: number }>('SELECT count(*) AS n FROM as2_outbound_messages'))!.n;
    await expect(
      db.transaction(async (tx) => {
        await queueAs2Message(tx, clock, { partnerId, payload, filename: 'x.edi', contentType: 'application/edifact', subject: 'x', purpose: 'contrl' });
        throw new Error('caller fails after queueing');
      }),
    ).rejects.toThrow('caller fails after queueing');
    expect((await db.get<{ n: number }>('SELECT count(*) AS n FROM as2_outbound_messages'))!.n).toBe(before);
  });

  it('refuses an unknown partner, a header-breaking subject and a non-media-type, naming what is wrong', async () => {
    const base = { partnerId, payload, filename: 'x.edi', contentType: 'application/edifact', subject: 'x', purpose: 'contrl' };
    await expect(db.transaction((tx) => queueAs2Message(tx, clock, { ...base, partnerId: 'edip_nope' }))).rejects.toThrow(/No EDI partner edip_nope/);
    await expect(db.transaction((tx) => queueAs2Message(tx, clock, { ...base, subject: 'a\r\nBcc: x' }))).rejects.toThrow(/subject holds a line break/);
    await expect(db.transaction((tx) => queueAs2Message(tx, clock, { ...base, contentType: 'edifact' }))).rejects.toThrow(/"edifact" is not a media type/);
  });
});

describe('send to OpenSSL as the partner, sync signed MDN', () => {
  let queued: { id: string; messageId: string };
  let got: Received;

  beforeAll(async () => {
    replies = ['signed'];
    received.length = 0;
    queued = await queue('CONTRL OUT1', { type: 'edi_interchange', id: 'ediint_1' });
    expect(await sendDueAs2Messages(sender, queued.id)).toBe(1);
    got = received[0]!;
  });

  it('POSTs with the AS2 headers: version 1.2, our AS2-From, the partner\'s AS2-To, our Message-ID, a signed sync MDN request', () => {
    expect(got.headers['as2-version']).toBe('1.2');
    expect(got.headers['as2-from']).toBe(ourAs2Id);
    expect(got.headers['as2-to']).toBe(partnerAs2Id);
    expect(got.headers['message-id']).toBe(`<${queued.messageId}>`);
    expect(got.headers['subject']).toBe('CONTRL OUT1');
    expect(got.headers['content-type']).toMatch(/^application\/pkcs7-mime; smime-type=enveloped-data/);
    expect(got.headers['disposition-notification-to']).toBe(ourAs2Id);
    expect(got.headers['disposition-notification-options']).toContain('signed-receipt-micalg=optional, sha-256');
    expect(got.headers['receipt-delivery-option']).toBeUndefined();
  });

  it('OpenSSL decrypts and verifies it with our certificate; the verified entity carries our payload and file name [REQ-AS2-03]', () => {
    const entity = parseMimeEntity(got.verifiedEntity);
    expect(entity.headers.get('content-type')).toBe('application/edifact');
    expect(entity.headers.get('content-disposition')).toContain('contrl-out1.edi');
    expect(Buffer.from(entity.rawBody).equals(payload)).toBe(true);
  });

  it('is delivered: the MDN is positive, signed by the partner\'s certificate, and its MIC equals ours and `openssl dgst` [REQ-AS2-03]', async () => {
    const r = await row(queued.id);
    expect([r.state, r.last_error]).toEqual(['delivered', null]);
    expect(r.attempts).toBe(1);
    expect(r.expected_mic).toBe(got.mic);
    expect(r.mdn_signature).toBe('valid');
    expect(r.mdn_signer).toContain('partner');
    expect(r.mdn_positive).toBe(1);
    expect(r.mdn_mic_matched).toBe(1);
    expect(r.mdn_disposition).toBe('automatic-action/MDN-sent-automatically; processed');
    expect(r.delivered_at).toBe(clock.now().toISOString());
    expect(JSON.parse(r.layers as string)).toEqual(['signed:sha256', 'encrypted:aes-256-cbc']);
    expect(r.relates_to_type).toBe('edi_interchange');
    expect(Buffer.from(r.request_body as ArrayBuffer).equals(got.body)).toBe(true);
    expect(await auditActions(queued.id)).toEqual(['as2.outbound_delivered']);
  });

  it('is not sent again: nothing is due', async () => {
    expect(await sendDueAs2Messages(sender)).toBe(0);
  });
});

describe('MDN verdicts that fail the message, each with its reason', () => {
  const cases: [Reply, RegExp, Record<string, unknown>][] = [
    ['negative', /partner reported "automatic-action\/MDN-sent-automatically; processed\/error: decryption-failed"/, { mdn_positive: 0, mdn_signature: 'valid' }],
    ['unsigned', /MDN is not signed, though we asked for a signed receipt/, { mdn_signature: 'unsigned' }],
    ['tampered', /MDN's signature was refused \(integrity-check-failed\)/, { mdn_signature: 'invalid' }],
    ['stranger', /MDN's signature was refused/, { mdn_signature: 'invalid' }],
    ['wrong-mic', /Received-Content-MIC ".*, sha-256" does not match ours ".*, sha-256": the partner received different content/, { mdn_signature: 'valid', mdn_mic_matched: 0 }],
  ];
  for (const [reply, reason, fields] of cases) {
    it(`${reply} MDN → failed`, async () => {
      replies = [reply];
      const queued = await queue(`verdict ${reply}`);
      await sendDueAs2Messages(sender, queued.id);
      const r = await row(queued.id);
      expect(r.state).toBe('failed');
      expect(r.failure_reason).toMatch(reason);
      expect(r).toMatchObject(fields);
      expect(r.mdn_body).not.toBeNull();
      expect(await auditActions(queued.id)).toEqual(['as2.outbound_failed']);
    });
  }
});

describe('retries', () => {
  it('503, then 200: delivered at the second attempt, which resends the same bytes with the same Message-ID and MIC', async () => {
    replies = ['503', 'signed'];
    received.length = 0;
    const queued = await queue('retry once');
    await sendDueAs2Messages(sender, queued.id);
    let r = await row(queued.id);
    expect(r.state).toBe('queued');
    expect(r.attempts).toBe(1);
    expect(r.last_error).toMatch(/^HTTP 503 Service Unavailable from http:\/\/127\.0\.0\.1:\d+\/as2: down for maintenance$/);
    expect(r.next_attempt_at).toBe(new Date(clock.now().getTime() + 60_000).toISOString());
    const firstBody = Buffer.from(r.request_body as ArrayBuffer);
    const firstMic = r.expected_mic;

    expect(await sendDueAs2Messages(sender, queued.id)).toBe(0); // not due yet
    clock.advance(60_000);
    expect(await sendDueAs2Messages(sender, queued.id)).toBe(1);
    r = await row(queued.id);
    expect(r.state).toBe('delivered');
    expect(r.attempts).toBe(2);
    expect(r.last_error).toBeNull();
    expect(received).toHaveLength(1);
    expect(received[0]!.body.equals(firstBody)).toBe(true);
    expect(received[0]!.headers['message-id']).toBe(`<${queued.messageId}>`);
    expect(r.expected_mic).toBe(firstMic);
    expect(received[0]!.mic).toBe(firstMic);
  });

  it(`an unreachable partner: backoff 1, 2, 4 … min, exhausted after ${as2SendMaxAttempts} attempts with the last error, audited`, async () => {
    // A port that was just free: nothing listens there.
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const port = (closed.address() as { port: number }).port;
    await new Promise((r) => closed.close(r));
    const deadUrl = `http://127.0.0.1:${port}/as2`;
    await updatePartner(ctx, system, { partnerId, as2Url: deadUrl });
    try {
      const queued = await queue('nobody home');
      const delays: number[] = [];
      for (let i = 0; i < as2SendMaxAttempts; i++) {
        expect(await sendDueAs2Messages(sender, queued.id)).toBe(1);
        const r = await row(queued.id);
        if (r.next_attempt_at) {
          delays.push(Date.parse(r.next_attempt_at as string) - clock.now().getTime());
          clock.set(r.next_attempt_at as string);
        }
      }
      expect(delays.slice(0, 4)).toEqual([60_000, 120_000, 240_000, 480_000]);
      expect(Math.max(...delays)).toBe(2 * 3_600_000);
      const r = await row(queued.id);
      expect(r.state).toBe('exhausted');
      expect(r.attempts).toBe(as2SendMaxAttempts);
      expect(r.last_error).toBe(`POST ${deadUrl} failed: ECONNREFUSED`);
      expect(r.failure_reason).toMatch(/^10 attempts failed; the last: POST .* ECONNREFUSED$/);
      expect(await auditActions(queued.id)).toEqual(['as2.outbound_exhausted']);
      expect(await sendDueAs2Messages(sender, queued.id)).toBe(0);
    } finally {
      await updatePartner(ctx, system, { partnerId, as2Url: partnerUrl });
    }
  });

  it("a sender whose attempt outlived its lease does not write its failure over the instance that took the message over", async () => {
    replies = ['503', 'signed'];
    let answer!: () => void;
    holdNextAnswer = new Promise<void>((r) => (answer = r));
    answersHeld = 0;
    const queued = await queue('slow partner');
    // Instance A claims it and POSTs; the partner keeps its 503 back.
    const first = sendDueAs2Messages(sender, queued.id);
    for (let i = 0; i < 400 && answersHeld === 0; i++) await new Promise((r) => setTimeout(r, 5));
    expect(answersHeld).toBe(1);
    // A's lease runs out: instance B takes the message over and it is delivered.
    clock.advance(5 * 60_000);
    expect(await sendDueAs2Messages(sender, queued.id)).toBe(1);
    expect((await row(queued.id)).state).toBe('delivered');
    const audited = await auditActions(queued.id);
    // A's 503 comes back late: the message stays delivered, nothing queues it again.
    answer();
    await first;
    const r = await row(queued.id);
    expect(r.state).toBe('delivered');
    expect(r.next_attempt_at).toBeNull();
    expect(r.attempts).toBe(2);
    expect(await auditActions(queued.id)).toEqual(audited);
    clock.advance(60 * 60_000);
    expect(await sendDueAs2Messages(sender, queued.id)).toBe(0);
  });

  it('a message whose sender crashed mid-send (lease lapsed) is taken up again', async () => {
    replies = ['signed'];
    const queued = await queue('crashed sender');
    const lease = new Date(clock.now().getTime() + 1000).toISOString();
    await db.run("UPDATE as2_outbound_messages SET state = 'sending', lease_until = ? WHERE id = ?", [lease, queued.id]);
    expect(await sendDueAs2Messages(sender, queued.id)).toBe(0); // another process holds it
    clock.advance(1000);
    expect(await sendDueAs2Messages(sender, queued.id)).toBe(1);
    expect((await row(queued.id)).state).toBe('delivered');
  });
});

describe('async MDN, received at POST /as2 (receiveAs2Message) and matched by Original-Message-ID', () => {
  let queued: { id: string; messageId: string };
  let uploads: string;
  let n = 0;

  /** An MDN as the partner would POST it, through the receive path's async-MDN branch. */
  async function postMdn(headers: HeaderList, body: Uint8Array) {
    const key = `as2/mdn-${++n}.raw`;
    mkdirSync(join(uploads, 'as2'), { recursive: true });
    writeFileSync(join(uploads, key), body);
    const raw = { storageKey: key, sha256: createHash('sha256').update(body).digest('hex'), sizeBytes: body.byteLength };
    return receiveAs2Message({ ...ctx, files: new LocalFileStorage(uploads), log: createLogger('error') }, { ourAs2Id, maxBytes: 8 * 1024 * 1024 }, { id: `as2m_test${n}`, headers, raw, source: '127.0.0.1' });
  }

  function mdnFor(messageId: string, sign: 'partner' | 'stranger' | 'none', mic = received[0]!.mic) {
    const key = sign === 'partner' ? loadKeyPair(ssl.read('partner.key'), ssl.read('partner.pem')) : loadKeyPair(ssl.read('us.key'), ssl.read('us.pem'));
    return buildMdn({
      as2From: partnerAs2Id,
      as2To: ourAs2Id,
      messageId: `async-mdn-${n}@acme.example`,
      originalMessageId: messageId,
      finalRecipient: partnerAs2Id,
      reportingUa: 'OpenSSL test partner',
      outcome: { status: 'processed' },
      mic: { value: mic, algorithm: 'sha256' },
      sign: sign === 'none' ? undefined : { keyPair: key },
    });
  }

  beforeAll(async () => {
    uploads = join(folder.dir, 'uploads');
    await updatePartner(ctx, system, { partnerId, options: { mdn: 'async' } });
    replies = ['accept'];
    received.length = 0;
    queued = await queue('async please');
    await sendDueAs2Messages(sender, queued.id);
  });

  afterAll(async () => {
    await updatePartner(ctx, system, { partnerId, options: { mdn: 'sync' } });
  });

  it('asks for the MDN at our /as2 (Receipt-Delivery-Option) and waits in state sent', async () => {
    expect(received[0]!.headers['receipt-delivery-option']).toBe('http://lotbridge.test/as2');
    const r = await row(queued.id);
    expect(r.state).toBe('sent');
    expect(r.mdn_mode).toBe('async');
    expect(await auditActions(queued.id)).toEqual(['as2.outbound_sent']);
  });

  it('an MDN signed by someone else is refused (403) and changes nothing [REQ-AS2-03]', async () => {
    const mdn = mdnFor(queued.messageId, 'stranger');
    await expect(postMdn(mdn.headers, mdn.body)).rejects.toMatchObject({ code: 'forbidden', message: expect.stringMatching(/refused and not recorded: the MDN's signature was refused/) });
    const unsigned = mdnFor(queued.messageId, 'none');
    await expect(postMdn(unsigned.headers, unsigned.body)).rejects.toMatchObject({ code: 'forbidden', message: expect.stringMatching(/not signed, though we asked/) });
    expect((await row(queued.id)).state).toBe('sent');
    expect(await auditActions(queued.id)).toEqual(['as2.outbound_sent', 'as2.mdn_refused', 'as2.mdn_refused']);
  });

  it('an MDN for a Message-ID we never sent is refused (404)', async () => {
    const mdn = mdnFor('never-sent@lotbridge', 'partner');
    await expect(postMdn(mdn.headers, mdn.body)).rejects.toMatchObject({ code: 'not_found', message: 'Original-Message-ID <never-sent@lotbridge> is not a message we sent' });
  });

  it('the partner\'s signed MDN: recorded, delivered, answered 200; the same MDN again changes nothing', async () => {
    const mdn = mdnFor(queued.messageId, 'partner');
    const reply = await postMdn(mdn.headers, mdn.body);
    expect(reply).toEqual({ kind: 'ack', status: 200, text: `MDN for <${queued.messageId}> recorded: delivered\r\n` });
    const r = await row(queued.id);
    expect(r).toMatchObject({ state: 'delivered', mdn_signature: 'valid', mdn_mic_matched: 1, mdn_positive: 1 });
    expect(Buffer.from(r.mdn_body as ArrayBuffer).equals(Buffer.from(mdn.body))).toBe(true);
    const again = await postMdn(mdn.headers, mdn.body);
    expect(again).toMatchObject({ kind: 'ack', status: 200, text: expect.stringMatching(/recorded before; nothing changed/) });
    expect(await auditActions(queued.id)).toEqual(['as2.outbound_sent', 'as2.mdn_refused', 'as2.mdn_refused', 'as2.outbound_delivered']);
    // MDNs are not kept as inbound AS2 messages, and their raw files are removed.
    expect((await db.get<{ n: number }>('SELECT count(*) AS n FROM as2_messages'))!.n).toBe(0);
  });

  it('a signed async MDN with the wrong MIC fails the message with the reason [REQ-AS2-03]', async () => {
    replies = ['accept'];
    received.length = 0;
    const second = await queue('async wrong mic');
    await sendDueAs2Messages(sender, second.id);
    const mdn = mdnFor(second.messageId, 'partner', createHash('sha256').update('else').digest('base64'));
    const reply = await postMdn(mdn.headers, mdn.body);
    expect(reply).toMatchObject({ kind: 'ack', status: 200, text: expect.stringMatching(/recorded: failed: Received-Content-MIC/) });
    expect((await row(second.id)).state).toBe('failed');
  });

  it('a message queued with its own receipt URL (`lotbridge as2 send` with PUBLIC_URL) asks for the MDN there, whichever instance builds it', async () => {
    replies = ['accept'];
    received.length = 0;
    const queuedByCli = await db.transaction((tx) =>
      queueAs2Message(tx, clock, { partnerId, payload, filename: 'cli.edi', contentType: 'application/edifact', subject: 'from the CLI', purpose: 'manual', receiptUrl: 'https://edi.cli.example/as2' }),
    );
    // `sender` is a server whose own receipt URL is http://lotbridge.test/as2.
    await sendDueAs2Messages(sender, queuedByCli.id);
    expect(received[0]!.headers['receipt-delivery-option']).toBe('https://edi.cli.example/as2');
    expect(JSON.parse((await row(queuedByCli.id)).request_headers as string)).toContainEqual(['Receipt-Delivery-Option', 'https://edi.cli.example/as2']);
  });
});

describe('profile problems retry with a precise reason', () => {
  it('a disabled partner: the message is queued all the same (the caller\'s transaction stands), held back naming why, sent once enabled', async () => {
    await updatePartner(ctx, system, { partnerId, state: 'disabled' });
    let queued: { id: string; messageId: string };
    try {
      queued = await queue('while disabled');
      await sendDueAs2Messages(sender, queued.id);
      const r = await row(queued.id);
      expect(r.state).toBe('queued');
      expect(r.last_error).toBe(`cannot build the AS2 message: partner "${partnerAs2Id}" is disabled: nothing is sent to it until it is enabled again`);
    } finally {
      await updatePartner(ctx, system, { partnerId, state: 'active' });
    }
    replies = ['signed'];
    clock.advance(60_000);
    await sendDueAs2Messages(sender, queued.id);
    expect(await row(queued.id)).toMatchObject({ state: 'delivered', attempts: 2 });
  });

  it('a partner without an AS2 URL: the attempt fails naming the missing as2_url', async () => {
    await updatePartner(ctx, system, { partnerId, as2Url: '' });
    try {
      const queued = await queue('no url');
      await sendDueAs2Messages(sender, queued.id);
      const r = await row(queued.id);
      expect(r.state).toBe('queued');
      expect(r.last_error).toBe(`cannot build the AS2 message: partner "${partnerAs2Id}" has no AS2 URL: set where its AS2 server listens (as2_url) in its profile`);
      expect(r.request_body).toBeNull();
    } finally {
      await updatePartner(ctx, system, { partnerId, as2Url: partnerUrl });
    }
  });
});

describe('two Lotbridge servers as each other\'s partner', () => {
  const aId = 'LOTBRIDGE-A';
  const bId = 'LOTBRIDGE-B';
  let a: RunningServer;
  let b: RunningServer;
  let dbA: Db;
  let dbB: Db;
  let uploadsA: { dir: string; remove(): void };
  let uploadsB: { dir: string; remove(): void };
  let partnerBOnA: string;
  const realClock = { now: () => new Date() };
  const file = () => join(folder.dir, 'orders-4711.edi');
  const orders = Buffer.from("UNA:+.? 'UNB+UNOC:3+LOTBRIDGE-A:ZZZ+LOTBRIDGE-B:ZZZ+261125:2330+ORD4711'UNH+1+ORDERS:D:96A:UN:EAN008'BGM+220+4711+9'UNT+3+1'UNZ+1+ORD4711'", 'latin1');

  async function inboundOnB(messageId: string) {
    return dbB.get<Record<string, unknown>>('SELECT * FROM as2_messages WHERE message_id = ?', [messageId]);
  }

  /** Polls A's own database until the message settles (the servers' senders work on their own timers). */
  async function settledOnA(id: string): Promise<Record<string, unknown>> {
    for (;;) {
      const r = (await dbA.get<Record<string, unknown>>('SELECT * FROM as2_outbound_messages WHERE id = ?', [id]))!;
      if (['delivered', 'failed', 'exhausted'].includes(r.state as string)) return r;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  beforeAll(async () => {
    uploadsA = tempDir('lotbridge-as2-a-');
    uploadsB = tempDir('lotbridge-as2-b-');
    [a, b] = await Promise.all([startBuiltServer({ AS2_ID: aId, UPLOAD_DIR: uploadsA.dir }), startBuiltServer({ AS2_ID: bId, UPLOAD_DIR: uploadsB.dir })]);
    dbA = openServerDb(a);
    dbB = openServerDb(b);
    const ctxA = { db: dbA, clock: realClock, policy: defaultPolicy };
    const ctxB = { db: dbB, clock: realClock, policy: defaultPolicy };
    const certA = (await getAs2Identity(ctxA, system, { as2Id: aId })).certificatePem!;
    const certB = (await getAs2Identity(ctxB, system, { as2Id: bId })).certificatePem!;
    partnerBOnA = (
      await addPartner(ctxA, system, { name: 'Server B GmbH', kind: 'distributor', as2Id: bId, as2Url: `${b.url}/as2`, as2UrlInternal: true, certificates: [{ fileName: 'b.pem', data: Buffer.from(certB) }], options: { mdn: 'sync' } })
    ).partner.id;
    // Both servers are on loopback: B's profile of A allows async MDNs to internal addresses and its AS2 URL is marked internal, explicitly (issue 10).
    await addPartner(ctxB, system, { name: 'Server A AG', kind: 'supplier', as2Id: aId, as2Url: `${a.url}/as2`, as2UrlInternal: true, certificates: [{ fileName: 'a.pem', data: Buffer.from(certA) }], options: { asyncMdnPrivate: true } });
    writeFileSync(file(), orders);
  }, 240_000);

  afterAll(async () => {
    dbA?.close();
    dbB?.close();
    await Promise.all([a?.stop(), b?.stop()]);
    uploadsA?.remove();
    uploadsB?.remove();
  });

  it('`lotbridge as2 send --wait` on A: B receives and unwraps it, A gets B\'s signed sync MDN and prints the verdict', async () => {
    const result = await runCli(['as2', 'send', '--to', bId, '--file', file(), '--subject', 'ORDERS 4711', '--wait'], { DATABASE_URL: a.databaseUrl, AS2_ID: aId, UPLOAD_DIR: uploadsA.dir });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const messageId = /Message-ID <([^>]+)>/.exec(result.stdout)![1]!;
    expect(result.stdout).toContain(`Queued orders-4711.edi (${orders.length} bytes) for "${bId}"`);
    expect(result.stdout).toContain('State: delivered after 1 attempt(s)');
    expect(result.stdout).toContain('MDN: automatic-action/MDN-sent-automatically; processed');
    expect(result.stdout).toMatch(/MDN signature: valid \(.*LOTBRIDGE-B.*\); MIC matches/);

    const inbound = (await inboundOnB(messageId))!;
    expect(inbound).toMatchObject({ as2_from: aId, state: 'processed', mdn_mode: 'sync', mdn_signed: 1, payload_filename: 'orders-4711.edi', payload_content_type: 'application/edifact' });
    expect(JSON.parse(inbound.layers as string)).toEqual(['encrypted:aes-256-cbc', 'signed:sha256']);
    expect(inbound.payload_sha256).toBe(createHash('sha256').update(orders).digest('hex'));
    const out = (await dbA.get<Record<string, unknown>>('SELECT * FROM as2_outbound_messages WHERE message_id = ?', [messageId]))!;
    expect(out).toMatchObject({ state: 'delivered', purpose: 'manual', mdn_signature: 'valid', mdn_mic_matched: 1, expected_mic: inbound.mic });
    const audit = await dbA.all<{ action: string; actor_name: string }>("SELECT action, actor_name FROM audit_log WHERE entity_id = ? ORDER BY seq", [out.id as string]);
    expect(audit.map((e) => e.action)).toEqual(['as2.outbound_queued', 'as2.outbound_delivered']);
    expect(audit[0]!.actor_name).toMatch(/^lotbridge CLI/);
  }, 60_000);

  it('async MDN, compressed: A\'s server sends it, B answers 200 and POSTs its signed MDN to A\'s /as2, matched by Original-Message-ID', async () => {
    await updatePartner({ db: dbA, clock: realClock, policy: defaultPolicy }, system, { partnerId: partnerBOnA, options: { mdn: 'async', compress: true } });
    const queued = await dbA.transaction((tx) =>
      queueAs2Message(tx, realClock, { partnerId: partnerBOnA, payload: orders, filename: 'orders-4712.edi', contentType: 'application/edifact', subject: 'ORDERS 4712', purpose: 'orders', relatesTo: { type: 'order', id: 'ord_4712' } }),
    );
    const out = await settledOnA(queued.id);
    expect(out).toMatchObject({ state: 'delivered', mdn_mode: 'async', mdn_signature: 'valid', mdn_positive: 1, mdn_mic_matched: 1, attempts: 1 });
    expect(JSON.parse(out.request_headers as string)).toContainEqual(['Receipt-Delivery-Option', `${a.url}/as2`]);
    expect(JSON.parse(out.layers as string)).toEqual(['compressed', 'signed:sha256', 'encrypted:aes-256-cbc']);
    // B marks its MDN delivered once A's answer to it arrives, just after A recorded it.
    let inbound = (await inboundOnB(queued.messageId))!;
    while (inbound.mdn_delivery_state === 'pending') {
      await new Promise((resolve) => setTimeout(resolve, 100));
      inbound = (await inboundOnB(queued.messageId))!;
    }
    expect(inbound).toMatchObject({ state: 'processed', mdn_mode: 'async', mdn_delivery_state: 'delivered', receipt_delivery_url: `${a.url}/as2`, mic: out.expected_mic });
    expect(JSON.parse(inbound.layers as string)).toEqual(['encrypted:aes-256-cbc', 'signed:sha256', 'compressed']);
    expect(Buffer.from(inbound.mdn_body as ArrayBuffer).equals(Buffer.from(out.mdn_body as ArrayBuffer))).toBe(true);
    const status = await outboundMessageStatus(dbA, queued.id);
    expect(status).toMatchObject({ state: 'delivered', mdnMode: 'async', mdnMicMatched: true });
  }, 60_000);

  it('`lotbridge as2 send --wait` to a partner with async MDNs: refused without PUBLIC_URL, nothing queued or sent; with PUBLIC_URL the MDN is asked for and arrives at PUBLIC_URL/as2', async () => {
    await updatePartner({ db: dbA, clock: realClock, policy: defaultPolicy }, system, { partnerId: partnerBOnA, options: { mdn: 'async' } });
    // Counted by the file's name: the two servers exchange CONTRLs of their own meanwhile.
    const count = async (d: Db, sql: string) => (await d.get<{ n: number }>(sql, ['orders-4711.edi']))!.n;
    const sentByA = () => count(dbA, 'SELECT count(*) AS n FROM as2_outbound_messages WHERE filename = ?');
    const receivedByB = () => count(dbB, 'SELECT count(*) AS n FROM as2_messages WHERE payload_filename = ?');
    const [outboundBefore, inboundBefore] = [await sentByA(), await receivedByB()];
    const env = { DATABASE_URL: a.databaseUrl, AS2_ID: aId, UPLOAD_DIR: uploadsA.dir };

    const refused = await runCli(['as2', 'send', '--to', bId, '--file', file(), '--wait', '--timeout', '5'], { ...env, PUBLIC_URL: '' });
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr.trimEnd().split('\n')).toEqual([
      `lotbridge as2 send: partner "${bId}" sends its MDN asynchronously to our /as2: set PUBLIC_URL to the server's public address (e.g. https://edi.example.com) to use --wait; nothing was queued`,
    ]);
    expect(await sentByA()).toBe(outboundBefore);
    expect(await receivedByB()).toBe(inboundBefore);

    // Another spelling of A's own address than the server's "http://localhost:…", so the URL the
    // partner is given can only come from PUBLIC_URL; B's profile of A accepts MDN requests to it.
    const publicUrl = a.url.replace('//localhost:', '//127.0.0.1:');
    expect(publicUrl).not.toBe(a.url);
    const aOnB = (await dbB.get<{ id: string }>('SELECT id FROM edi_partners WHERE as2_id = ?', [aId]))!.id;
    await updatePartner({ db: dbB, clock: realClock, policy: defaultPolicy }, system, { partnerId: aOnB, options: { asyncMdnHosts: new URL(publicUrl).host } });
    const sent = await runCli(['as2', 'send', '--to', bId, '--file', file(), '--subject', 'ORDERS 4713', '--wait'], { ...env, PUBLIC_URL: publicUrl });
    expect(sent.stderr).toBe('');
    expect(sent.stdout).toContain('State: delivered after 1 attempt(s)');
    expect(sent.code).toBe(0);
    const messageId = /Message-ID <([^>]+)>/.exec(sent.stdout)![1]!;
    const out = (await dbA.get<Record<string, unknown>>('SELECT * FROM as2_outbound_messages WHERE message_id = ?', [messageId]))!;
    expect(out).toMatchObject({ state: 'delivered', mdn_mode: 'async', mdn_signature: 'valid', mdn_mic_matched: 1 });
    expect(JSON.parse(out.request_headers as string)).toContainEqual(['Receipt-Delivery-Option', `${publicUrl}/as2`]);
    expect(await inboundOnB(messageId)).toMatchObject({ mdn_mode: 'async', receipt_delivery_url: `${publicUrl}/as2` });
  }, 60_000);

  it('`lotbridge as2 send` refuses an unknown AS2 id and a missing file, naming them', async () => {
    const env = { DATABASE_URL: a.databaseUrl, AS2_ID: aId };
    const unknown = await runCli(['as2', 'send', '--to', 'NOBODY', '--file', file()], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No EDI partner has the AS2 id "NOBODY"');
    const missing = await runCli(['as2', 'send', '--to', bId, '--file', join(folder.dir, 'nope.edi')], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`--file ${join(folder.dir, 'nope.edi')}: no such file`);
  }, 60_000);
});

// MDNs captured from other implementations, judged as answers to our own messages.
const permissive = (name: string): Buffer => readFileSync(localFixture('as2', name));
const copyleftDir = sharedFixture('as2', 'copyleft');
const copyleft = (name: string): Buffer => readFileSync(join(copyleftDir, name));

describe('judgeOutboundMdn on MDNs from other AS2 implementations (tests/fixtures/as2)', () => {
  const as2testing = () => loadCertificates(permissive('libas2_as2testing.cer'));
  const libas2Sent = '51dac186-d7d2-8440-392e-d9153a830125@DESKTOP-BTP8V2E';
  // The MIC of libas2_content.signed.txt as our unwrap computes it: what we would expect had we sent it.
  const sentMic = () => {
    const sent = readCapture(permissive('libas2_content.signed.txt'));
    const result = unwrapAs2(sent.headers, sent.body, { decryptionKeys: [], trustedCertificates: loadCertificates(permissive('libas2_libas2community.cer')), now: new Date() });
    if (!result.ok) throw new Error(result.reason);
    return result.mic;
  };
  const expectedFor = (messageId: string, mic: { value: string; algorithm: DigestName }, signedRequested = true) => ({ messageId, expectedMic: mic.value, micAlgorithm: mic.algorithm, signedRequested });

  it('libas2_mdn.signed.txt (as2testing) answering libas2_content.signed.txt: delivered, signature valid, MIC equal to the one we compute for that message', () => {
    const { headers, body } = readCapture(permissive('libas2_mdn.signed.txt'));
    const verdict = judgeOutboundMdn(headers, body, expectedFor(libas2Sent, sentMic()), as2testing(), new Date());
    expect(verdict).toMatchObject({ delivered: true, failure: null, signature: 'valid', positive: true, micMatched: true, originalMessageId: libas2Sent });
  });

  it('the same MDN for another message, with another MIC, or with a certificate the partner does not sign with: failed, each naming why', () => {
    const { headers, body } = readCapture(permissive('libas2_mdn.signed.txt'));
    const mic = sentMic();
    expect(judgeOutboundMdn(headers, body, expectedFor('other@lotbridge', mic), as2testing(), new Date()).failure).toBe(
      `the MDN answers Original-Message-ID <${libas2Sent}>, not our <other@lotbridge>`,
    );
    expect(judgeOutboundMdn(headers, body, expectedFor(libas2Sent, { value: 'AAAA', algorithm: 'sha256' }), as2testing(), new Date()).failure).toBe(
      `Received-Content-MIC "${mic.value}, sha-256" does not match ours "AAAA, sha-256": the partner received different content`,
    );
    const wrongCert = judgeOutboundMdn(headers, body, expectedFor(libas2Sent, mic), loadCertificates(permissive('libas2_libas2community.cer')), new Date());
    expect(wrongCert).toMatchObject({ delivered: false, signature: 'invalid' });
    expect(wrongCert.failure).toMatch(/^the MDN's signature was refused \(authentication-failed\): .*as2testing/i);
  });

  it('phase2 MDNs (a partner capture, Sterling, ph-OpenAS2): refused for their signatures (expired, damaged, unknown signer), never delivered', () => {
    const phase2 = (name: string) => ({ headers: parseHeaderText(permissive(`phase2_mdn_${name}.header`).toString('latin1')), body: permissive(`phase2_mdn_${name}.payload`) });
    const david = phase2('20190925-david');
    const davidVerdict = judgeOutboundMdn(david.headers, david.body, expectedFor('54a4867b-77ff-4edd-9fdb-a1e8e5b63860@1569357558959', { value: 'rjNsE2kpJPol7lf4jVDSkxbqT40=', algorithm: 'sha1' }), loadCertificates(permissive('phase2_mdn_20190925-david.pem')), new Date());
    expect(davidVerdict).toMatchObject({ delivered: false, signature: 'invalid', positive: false, micMatched: true });
    expect(davidVerdict.failure).toContain('expired on 2021-02-11');
    const sterling = phase2('4af6f84c-d882-4466-8e0c-305a7fbe37b3');
    const sterlingVerdict = judgeOutboundMdn(sterling.headers, sterling.body, expectedFor('4af6f84c-d882-4466-8e0c-305a7fbe37b3@QVALIA-PSE000094', { value: 'BNIQV5N+hShfIa+06dXMM4fkS8A=', algorithm: 'sha1' }), loadCertificates(permissive('phase2_mdn_4af6f84c-d882-4466-8e0c-305a7fbe37b3.pem')), new Date('2019-01-01'));
    expect(sterlingVerdict).toMatchObject({ delivered: false, signature: 'invalid', positive: true, micMatched: true });
    expect(sterlingVerdict.failure).toMatch(/^the MDN's signature was refused \(unexpected-processing-error\)/);
    const issue97 = phase2('issue97');
    const issue97Verdict = judgeOutboundMdn(issue97.headers, issue97.body, expectedFor('x@y', { value: 'WX3WE/vT631XugOIxrcgSd1YPVo=', algorithm: 'sha1' }), [], new Date());
    expect(issue97Verdict.delivered).toBe(false);
  });
});

describe(`judgeOutboundMdn on copyleft MDNs (${copyleftDir})`, needs(copyleftDir), () => {
  const sb2bi = () => [...loadCertificates(copyleft('pyas2lib_cert_sb2bi_public.pem')), ...loadCertificates(copyleft('pyas2lib_cert_sb2bi_public.ca'))];

  it('Sterling B2Bi signed MDN, in its certificate\'s validity window: delivered (sha1 MIC matched)', () => {
    const { headers, body } = readCapture(copyleft('pyas2lib_sb2bi_signed.mdn'));
    const expected = { messageId: '151694007918.24690.7052273208458909245@ip-172-31-14-209.ec2.internal', expectedMic: 'wNh76aEicfBurg/et2wio4zk/2I=', micAlgorithm: 'sha1' as const, signedRequested: true };
    expect(judgeOutboundMdn(headers, body, expected, sb2bi(), new Date('2018-01-26T13:48:25Z'))).toMatchObject({ delivered: true, signature: 'valid', micMatched: true });
    // Today its certificate has expired: the same MDN proves nothing any more.
    expect(judgeOutboundMdn(headers, body, expected, sb2bi(), new Date()).failure).toContain('expired on 2020-06-23');
  });

  it('mendelson unsigned negative MDN: failed as unsigned when we asked for a signed receipt, else for its disposition', () => {
    const { headers, body } = readCapture(copyleft('pyas2lib_mecas2_unsigned.mdn'));
    const original = /Original-Message-ID:\s*<([^>]+)>/i.exec(Buffer.from(body).toString('latin1'))![1]!;
    const base = { messageId: original, expectedMic: 'x', micAlgorithm: 'sha256' as const };
    expect(judgeOutboundMdn(headers, body, { ...base, signedRequested: true }, [], new Date()).failure).toMatch(/^the MDN is not signed/);
    expect(judgeOutboundMdn(headers, body, { ...base, signedRequested: false }, [], new Date()).failure).toMatch(/^the partner reported ".*processed\/error: authentication-failed"/);
  });

  it('mendelson signed MDN signed by a certificate the partner did not register: failed, naming CN=mecas2', () => {
    const { headers, body } = readCapture(copyleft('pyas2lib_mecas2_signed.mdn'));
    const original = /Original-Message-ID:\s*<([^>]+)>/i.exec(Buffer.from(body).toString('latin1'))![1]!;
    const verdict = judgeOutboundMdn(headers, body, { messageId: original, expectedMic: 'O4bvrm5t2YunRfwvZicNdEUmPaPZ9vUslX8loVLDck0=', micAlgorithm: 'sha256', signedRequested: true }, loadCertificates(copyleft('pyas2lib_cert_mecas2_public.pem')), new Date());
    expect(verdict).toMatchObject({ delivered: false, signature: 'invalid', positive: true, micMatched: true });
    expect(verdict.failure).toMatch(/^the MDN's signature was refused \(authentication-failed\): .*CN=mecas2/);
  });
});

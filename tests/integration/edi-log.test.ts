/**
 * The EDI message log (/admin/edi, /admin/edi/[id], its raw/payload/mdn downloads and the
 * reprocess action) on the real built server with its own SQLite file. OpenSSL is the partner's
 * AS2 software: it signs and encrypts EDIFACT that the test POSTs to /as2. The EDIFACT hand-off
 * (processAs2Payload) runs in the server's EDIFACT worker as soon as the MDN left. Asserted:
 * what the log and the detail show (states, MDN, layers, MIC, payload, interchanges, failures),
 * that downloads are the stored bytes exactly and are audited, that a refused run is reprocessed
 * once the partner profile is fixed (audited with its reason) and, its interchange then in the
 * register and refused, a second time through the register's explicit reprocess path (not a
 * repeat), who may do what (QA reads but neither downloads nor
 * reprocesses; supplier and distributor users get 403; anonymous visitors are sent to sign in),
 * and the pages in Chinese.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultPolicy } from '../../shared/auth/policy.ts';
import { systemClock } from '../../shared/clock.ts';
import type { FilesContext } from '../../shared/context.ts';
import { LocalFileStorage } from '../../shared/files/local-file-storage.ts';
import type { Db } from '../../shared/db/index.ts';
import { addPartner } from '../../shared/edi/partners/add-partner.ts';
import { ensureAs2Identity } from '../../shared/edi/identity/ensure-as2-identity.ts';
import { getAs2Identity } from '../../shared/edi/identity/get-as2-identity.ts';
import { updatePartner } from '../../shared/edi/partners/update-partner.ts';
import { processAs2Payload } from '../../shared/edi/inbound/process-as2-payload.ts';
import { makeTestPki, OpensslDir } from '../support/openssl.ts';
import { tempDir, type RunningServer } from '../support/server.ts';
import { BrowserClient, openServerDb, signInDirectly, startBuiltServer, markup } from '../support/portal.ts';
import { demo } from '../support/demo.ts';
import { as2MessageHeaders } from '../support/as2-request.ts';

const ourAs2Id = 'LOTBRIDGE';
const partnerAs2Id = 'EDILOG-ACME';
const system = { type: 'system' as const, name: 'edi-log test' };

const payload = Buffer.from("UNA:+.? 'UNB+UNOC:3+4012345000009:14+LOTBRIDGE:ZZZ+261125:2318+LOGREF1'UNH+1+DESADV:D:96A:UN:EAN005'BGM+351+DES587441+9'FTX+AAI+++PALLET 1?,5 M'UNT+4+1'UNZ+1+LOGREF1'", 'latin1');
const entity = Buffer.concat([
  Buffer.from('Content-Type: application/edifact\r\nContent-Transfer-Encoding: binary\r\nContent-Disposition: attachment; filename="desadv-587441.edi"\r\n\r\n', 'latin1'),
  payload,
]);
const envelopedType = 'application/pkcs7-mime; smime-type=enveloped-data; name=smime.p7m';
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

let server: RunningServer;
let db: Db;
let ctx: FilesContext;
let ssl: OpensslDir;
let uploads: { dir: string; remove(): void };
let partnerId: string;
const admin = () => clients.admin!;
const clients: Record<string, BrowserClient> = {};

/** The element with this data-testid, up to its closing tag (no nesting of the same tag inside). */
function section(html: string, testId: string): string {
  const m = new RegExp(`<(\\w+)[^>]*data-testid="${testId}"[^>]*>([\\s\\S]*?)</\\1>`).exec(html);
  if (!m) throw new Error(`no data-testid="${testId}" on the page`);
  return m[2]!;
}

/** Text without tags, spaces collapsed. */
const text = (html: string) => html.replace(/<[^>]+>/g, '').replace(/\s+/g, ' ').trim();

async function post(body: Uint8Array, id: string): Promise<{ status: number; contentType: string; body: Buffer }> {
  const res = await fetch(`${server.url}/as2`, {
    method: 'POST',
    headers: { ...as2MessageHeaders(partnerAs2Id, ourAs2Id, id, envelopedType), Subject: 'DESADV 587441', Authorization: 'Basic c2VjcmV0OnNlY3JldA==' },
    body: new Uint8Array(body),
  });
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: Buffer.from(await res.arrayBuffer()) };
}

interface Row {
  id: string;
  state: string;
  mic: string | null;
  raw_sha256: string;
  payload_sha256: string | null;
  mdn_body: ArrayBuffer | null;
  edifact_state: string | null;
}
const rowOf = async (messageId: string) => (await db.get<Row>('SELECT id, state, mic, raw_sha256, payload_sha256, mdn_body, edifact_state FROM as2_messages WHERE message_id = ?', [messageId]))!;

// The partner's messages: one signed and encrypted (accepted), one only encrypted (its profile
// requires a signature: refused with authentication-failed).
const good: { id: string; body: Buffer; mdn: Buffer; row: Row } = { id: `${randomBytes(6).toString('hex')}@acme.example`, body: Buffer.alloc(0), mdn: Buffer.alloc(0), row: {} as Row };
const unsigned = { id: `${randomBytes(6).toString('hex')}@acme.example`, row: {} as Row };

beforeAll(async () => {
  ssl = new OpensslDir('edi-log-');
  makeTestPki(ssl);
  ssl.write('entity.eml', entity);
  uploads = tempDir('lotbridge-edi-log-uploads-');
  server = await startBuiltServer({ UPLOAD_DIR: uploads.dir, AS2_ID: ourAs2Id });
  db = openServerDb(server);
  ctx = { db, clock: systemClock, policy: defaultPolicy, files: new LocalFileStorage(uploads.dir) };
  await ensureAs2Identity(ctx, system, { as2Id: ourAs2Id });
  ssl.write('lotbridge.pem', (await getAs2Identity(ctx, system, { as2Id: ourAs2Id })).certificatePem!);
  // No EDI id yet: the engine cannot check the UNB sender and refuses the interchange (fixed later).
  const added = await addPartner(ctx, system, {
    name: 'Acme Log Components',
    kind: 'supplier',
    as2Id: partnerAs2Id,
    certificates: [{ fileName: 'partner.pem', data: ssl.read('partner.pem') }],
    options: { requireSigned: true, requireEncrypted: true },
  });
  partnerId = added.partner.id;

  ssl.ok(['cms', '-sign', '-in', 'entity.eml', '-binary', '-signer', 'partner.pem', '-inkey', 'partner.key', '-md', 'sha256', '-out', 'good.signed.eml']);
  ssl.ok(['cms', '-encrypt', '-binary', '-in', 'good.signed.eml', '-aes256', '-recip', 'lotbridge.pem', '-outform', 'DER', '-out', 'good.der']);
  good.body = ssl.read('good.der');
  const sent = await post(good.body, good.id);
  expect(sent.status).toBe(200);
  good.mdn = sent.body;
  ssl.ok(['cms', '-encrypt', '-binary', '-in', 'entity.eml', '-aes128', '-recip', 'lotbridge.pem', '-outform', 'DER', '-out', 'unsigned.der']);
  expect((await post(ssl.read('unsigned.der'), unsigned.id)).status).toBe(200);

  // The server's EDIFACT worker takes the payload at once; running the hand-off here as well
  // waits for it (a message already processed is answered with its stored result).
  await processAs2Payload(ctx, { as2MessageId: (await rowOf(good.id)).id });
  good.row = await rowOf(good.id);
  unsigned.row = await rowOf(unsigned.id);

  for (const role of ['manufacturer_admin', 'manufacturer_qa', 'supplier_user', 'distributor_user'] as const) {
    clients[role] = new BrowserClient(server.url);
    await signInDirectly(clients[role], db, demo(role).email);
  }
  clients.admin = clients.manufacturer_admin!;
}, 180_000);

afterAll(async () => {
  db?.close();
  await server?.stop();
  ssl?.remove();
  uploads?.remove();
});

describe('the log', () => {
  it('is linked from the navigation for administrators and QA, not for supplier users', async () => {
    expect(await markup(await admin().get('/home'))).toContain('href="./admin/edi">EDI message log</a>');
    expect(await markup(await clients.manufacturer_qa!.get('/home'))).toContain('href="./admin/edi">EDI message log</a>');
    expect(await markup(await clients.supplier_user!.get('/home'))).not.toContain('/admin/edi');
  });

  it('lists both messages with their state and MDN, the refused one with its reason', async () => {
    const res = await admin().get('/admin/edi');
    expect(res.status).toBe(200);
    const page = await markup(res);
    expect(page).toContain('<h1>EDI message log</h1>');
    const rowHtml = (id: string) => new RegExp(`<tr data-testid="edi-message" data-id="${id}"[\\s\\S]*?</tr>`).exec(page)?.[0] ?? '';
    const goodRow = rowHtml(good.row.id);
    expect(goodRow).toContain('data-state="processed"');
    expect(goodRow).toContain(good.id);
    expect(goodRow).toContain('automatic-action/MDN-sent-automatically; processed');
    expect(goodRow).toContain('synchronous, signed');
    expect(goodRow).toContain('desadv-587441.edi');
    expect(goodRow).toContain('EDIFACT processed');
    const badRow = rowHtml(unsigned.row.id);
    expect(badRow).toContain('data-state="failed"');
    expect(badRow).toContain('authentication-failed');
    expect(badRow).toContain(`partner "${partnerAs2Id}" must sign its messages`);
  });

  it('filters by state, direction, partner, message type and date range', async () => {
    const ids = async (query: string) => [...(await markup(await admin().get(`/admin/edi?${query}`))).matchAll(/data-testid="edi-message" data-id="([^"]+)"/g)].map((m) => m[1]!);
    expect(await ids('state=failed')).toEqual([unsigned.row.id]);
    expect(await ids('state=edifact_processed')).toEqual([good.row.id]);
    expect(await ids(`partner=${partnerId}&direction=in`)).toEqual(expect.arrayContaining([good.row.id, unsigned.row.id]));
    // The refusal of the interchange was answered with a CONTRL queued back to the partner.
    const out = await ids('direction=out&type=CONTRL');
    expect(out.length).toBeGreaterThanOrEqual(1);
    expect(out.every((id) => id.startsWith('as2out_'))).toBe(true);
    expect(await ids('from=2999-01-01T00:00')).toEqual([]);
    const bad = await markup(await admin().get('/admin/edi?from=yesterday'));
    expect(bad).toContain('A date in the filter is not a date-time');
  });
});

describe('the detail of a received message', () => {
  it('shows layers, signer, MIC, MDN, payload, the headers without credentials, and why its EDIFACT was refused', async () => {
    const res = await admin().get(`/admin/edi/${good.row.id}`);
    expect(res.status).toBe(200);
    const page = await markup(res);
    expect(page).toContain('<h1>Received AS2 message</h1>');
    expect(text(section(page, 'layers'))).toBe('encrypted:aes-256-cbc → signed:sha256');
    expect(page).toContain('CN=partner');
    expect(page).toContain(`${good.row.mic}, sha256`);
    expect(page).toContain('automatic-action/MDN-sent-automatically; processed');
    expect(text(section(page, 'mdn-signed'))).toBe('yes');
    expect(text(section(page, 'disposition'))).toBe('automatic-action/MDN-sent-automatically; processed');
    expect(text(section(page, 'mic'))).toBe(`${good.row.mic}, sha256`);
    expect(page).toContain(`SHA-256 ${good.row.payload_sha256}`);
    expect(page).toContain('desadv-587441.edi');
    expect(page).toContain('as2-version');
    expect(page.toLowerCase()).not.toContain('authorization');
    expect(page).toContain('has no EDI id (UNB sender) in its profile');
    expect(page).toContain('data-testid="download-raw"');
  });

  it('shows a refused message with its disposition and reason, and no payload', async () => {
    const page = await markup(await admin().get(`/admin/edi/${unsigned.row.id}`));
    expect(text(section(page, 'failure'))).toMatch(/^authentication-failed: partner "EDILOG-ACME" must sign its messages/);
    expect(page).toContain('No payload: the message was refused before unwrapping gave one.');
    expect(page).toContain('The AS2 message itself was refused (authentication-failed)');
    // Its body was not kept (issue 10): no download link, the page says why.
    expect(page).toContain('data-testid="raw-not-kept"');
    expect(page).not.toContain('data-testid="download-raw"');
  });

  it('answers 404 for a message that does not exist', async () => {
    const res = await admin().get('/admin/edi/as2m_nosuchmessage');
    expect(res.status).toBe(404);
    await res.body?.cancel();
  });
});

describe('downloads', () => {
  it('return the stored bytes exactly (raw body, payload, MDN) and are audited', async () => {
    const before = (await db.get<{ n: number }>("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'edi.bytes_downloaded' AND entity_id = ?", [good.row.id]))!.n;
    const raw = await admin().get(`/admin/edi/${good.row.id}/raw`);
    expect(raw.status).toBe(200);
    expect(raw.headers.get('content-disposition')).toMatch(/^attachment; filename=/);
    const rawBytes = new Uint8Array(await raw.arrayBuffer());
    expect(sha256(rawBytes)).toBe(good.row.raw_sha256);
    expect(sha256(rawBytes)).toBe(sha256(good.body));

    const body = await admin().get(`/admin/edi/${good.row.id}/payload`);
    expect(body.status).toBe(200);
    expect(body.headers.get('content-disposition')).toContain('filename="desadv-587441.edi"');
    expect(sha256(new Uint8Array(await body.arrayBuffer()))).toBe(sha256(payload));

    const mdn = await admin().get(`/admin/edi/${good.row.id}/mdn`);
    expect(mdn.status).toBe(200);
    expect(mdn.headers.get('content-type')).toMatch(/^multipart\/signed/);
    const mdnBytes = new Uint8Array(await mdn.arrayBuffer());
    expect(sha256(mdnBytes)).toBe(sha256(new Uint8Array(good.row.mdn_body!)));
    expect(sha256(mdnBytes)).toBe(sha256(good.mdn));

    const audit = await db.all<{ actor_name: string; new_values: string }>(
      "SELECT actor_name, new_values FROM audit_log WHERE action = 'edi.bytes_downloaded' AND entity_id = ? ORDER BY seq",
      [good.row.id],
    );
    expect(audit.length - before).toBe(3);
    expect(audit.slice(-3).map((a) => JSON.parse(a.new_values).part)).toEqual(['raw', 'payload', 'mdn']);
    expect(audit.at(-1)!.actor_name).toBe(demo('manufacturer_admin').displayName);
  });

  it('of a refused message from a sender that did not authenticate: no raw bytes (not kept, issue 10), no payload (404: it has none)', async () => {
    const raw = await admin().get(`/admin/edi/${unsigned.row.id}/raw`);
    expect(raw.status).toBe(404);
    await raw.body?.cancel();
    const body = await admin().get(`/admin/edi/${unsigned.row.id}/payload`);
    expect(body.status).toBe(404);
    await body.body?.cancel();
  });

  it('of an outbound message: the queued payload exactly', async () => {
    const out = (await db.get<{ id: string; payload_sha256: string }>("SELECT id, payload_sha256 FROM as2_outbound_messages WHERE relates_to_id = ? AND purpose = 'contrl'", [good.row.id]))!;
    const page = await markup(await admin().get(`/admin/edi/${out.id}`));
    expect(page).toContain('<h1>Sent AS2 message</h1>');
    expect(page).toContain(`href="../../admin/edi/${good.row.id}" data-testid="answers-inbound"`);
    const res = await admin().get(`/admin/edi/${out.id}/payload`);
    expect(res.status).toBe(200);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(sha256(bytes)).toBe(out.payload_sha256);
    expect(Buffer.from(bytes).toString('latin1')).toMatch(/^UNA|^UNB/);
  });
});

describe('reprocess', () => {
  it('is refused without a reason, and for a message whose AS2 layer failed', async () => {
    const none = await admin().postForm(`/admin/edi/${good.row.id}?/reprocess`, { reason: '  ' });
    expect(none.status).toBe(400);
    await none.body?.cancel();
    const failed = await admin().postForm(`/admin/edi/${unsigned.row.id}?/reprocess`, { reason: 'try' });
    expect(failed.status).toBe(409);
    expect(await markup(failed)).toContain('the AS2 message itself was refused (authentication-failed');
    expect((await rowOf(good.id)).edifact_state).toBe('processed');
  });

  it('runs the interchange again once the partner profile is fixed, audited with the reason', async () => {
    await updatePartner(ctx, system, { partnerId, ediId: '4012345000009:14' });
    const reason = 'partner EDI id 4012345000009:14 added to the profile (ticket 812)';
    const res = await admin().postForm(`/admin/edi/${good.row.id}?/reprocess`, { reason });
    expect(res.status).toBe(200);
    expect(await markup(res)).toMatch(/data-testid="reprocessed-ok">Processed again: 1 interchange\(s\)/);

    const audit = await db.all<{ action: string; actor_name: string; reason: string | null; old_values: string | null }>(
      "SELECT action, actor_name, reason, old_values FROM audit_log WHERE entity_id = ? AND action IN ('edi.message_reprocessed', 'as2.payload_processed') ORDER BY seq",
      [good.row.id],
    );
    expect(audit.map((a) => a.action)).toEqual(['as2.payload_processed', 'edi.message_reprocessed', 'as2.payload_processed']);
    expect(audit[1]).toMatchObject({ actor_name: demo('manufacturer_admin').displayName, reason });
    // The first run's result is kept in the audit entry (the row holds the new one).
    expect(JSON.parse(audit[1]!.old_values!).edifactResult).toContain('has no EDI id');

    const register = await db.all<{ control_reference: string; status: string; as2_message_id: string }>(
      "SELECT control_reference, status, as2_message_id FROM edi_interchanges WHERE control_reference = 'LOGREF1'",
    );
    expect(register).toHaveLength(1);
    expect(register[0]!.as2_message_id).toBe(good.id);

    const page = await markup(await admin().get(`/admin/edi/${good.row.id}`));
    expect(page).toMatch(/data-testid="interchange" data-reference="LOGREF1" data-status="(accepted|rejected|partially_accepted)"/);
    expect(page).toContain('DESADV:D:96A:UN:EAN005');
    expect(page).toContain('data-testid="contrl"');
    expect(page).toContain(reason);
    // Its FTX releases a decimal comma ("?,"): read as the comma, shown as a warning, not an error (issue 11).
    expect(text(section(page, 'interchange-warning'))).toBe(
      'Warning (accepted all the same): segment 4 (FTX), element 4, component 1: the release character "?" (U+003F) precedes "," (U+002C), which is not a service character; read as "," (U+002C).',
    );
    // The log's message-type filter finds it through the register now.
    expect(await markup(await admin().get('/admin/edi?type=desadv'))).toContain(`data-id="${good.row.id}"`);
  });

  it('a second time, the interchange in the register is rerun through its explicit reprocess path, not answered as a repeat', async () => {
    // The DESADV has no lines: refused (APERAK) the first time, so it may be run again.
    expect((await db.get<{ status: string }>("SELECT status FROM edi_interchanges WHERE control_reference = 'LOGREF1'"))!.status).toBe('rejected');
    const page = await markup(await admin().get(`/admin/edi/${good.row.id}`));
    expect(page).toContain('name="reason"');
    const reason = 'second look after the partner call';
    const res = await admin().postForm(`/admin/edi/${good.row.id}?/reprocess`, { reason });
    expect(res.status).toBe(200);
    expect(await markup(res)).toMatch(/data-testid="reprocessed-ok">Processed again: 1 interchange\(s\)/);
    const register = (await db.get<{ id: string; repeats: number }>("SELECT id, repeats FROM edi_interchanges WHERE control_reference = 'LOGREF1'"))!;
    expect(register.repeats).toBe(0);
    const rerun = await db.all<{ actor_name: string; reason: string; old_values: string }>("SELECT actor_name, reason, old_values FROM audit_log WHERE action = 'edi.interchange_reprocessed' AND entity_id = ?", [register.id]);
    expect(rerun).toHaveLength(1);
    expect(rerun[0]).toMatchObject({ actor_name: demo('manufacturer_admin').displayName, reason });
    expect(JSON.parse(rerun[0]!.old_values)).toMatchObject({ status: 'rejected' });
  });
});

describe('who may do what', () => {
  it('QA reads the log and the detail, but may neither download bytes nor reprocess', async () => {
    const qa = clients.manufacturer_qa!;
    expect((await qa.get('/admin/edi')).status).toBe(200);
    const detail = await qa.get(`/admin/edi/${good.row.id}`);
    expect(detail.status).toBe(200);
    const page = await markup(detail);
    expect(page).toContain('Only a manufacturer administrator may reprocess a message.');
    expect(page).not.toContain('data-testid="download-raw"');
    for (const part of ['raw', 'payload', 'mdn']) {
      const res = await qa.get(`/admin/edi/${good.row.id}/${part}`);
      expect(res.status, part).toBe(403);
      await res.body?.cancel();
    }
    const res = await qa.postForm(`/admin/edi/${good.row.id}?/reprocess`, { reason: 'qa tries' });
    expect(res.status).toBe(403);
    await res.body?.cancel();
  });

  it('supplier and distributor users get 403 on every route', async () => {
    for (const role of ['supplier_user', 'distributor_user']) {
      const c = clients[role]!;
      for (const path of ['/admin/edi', `/admin/edi/${good.row.id}`, `/admin/edi/${good.row.id}/raw`, `/admin/edi/${good.row.id}/payload`, `/admin/edi/${good.row.id}/mdn`]) {
        const res = await c.get(path);
        expect(res.status, `${role} ${path}`).toBe(403);
        await res.body?.cancel();
      }
      const res = await c.postForm(`/admin/edi/${good.row.id}?/reprocess`, { reason: 'x' });
      expect(res.status, `${role} reprocess`).toBe(403);
      await res.body?.cancel();
    }
  });

  it('anonymous visitors are sent to sign in on every route, and nothing is reprocessed', async () => {
    const anonymous = new BrowserClient(server.url);
    for (const path of ['/admin/edi', `/admin/edi/${good.row.id}`, `/admin/edi/${good.row.id}/raw`, `/admin/edi/${good.row.id}/payload`, `/admin/edi/${good.row.id}/mdn`]) {
      const res = await anonymous.get(path);
      expect(res.status, path).toBe(303);
      expect(res.headers.get('location')).toMatch(/^\/login\?redirectTo=/);
    }
    const before = (await db.get<{ n: number }>("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'edi.message_reprocessed'"))!.n;
    const res = await anonymous.postForm(`/admin/edi/${good.row.id}?/reprocess`, { reason: 'x' });
    expect(res.status).toBe(303);
    expect((await db.get<{ n: number }>("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'edi.message_reprocessed'"))!.n).toBe(before);
  });
});

describe('in Chinese', () => {
  it('renders the log and the detail', async () => {
    const zh = new BrowserClient(server.url);
    zh.cookies.set('lang', 'zh-CN');
    await signInDirectly(zh, db, demo('manufacturer_admin').email);
    const list = await markup(await zh.get('/admin/edi'));
    expect(list).toContain('<html lang="zh-CN"');
    expect(list).toContain('<h1>EDI 报文日志</h1>');
    expect(list).toContain('已处理');
    expect(list).toContain('失败');
    const detail = await markup(await zh.get(`/admin/edi/${good.row.id}`));
    expect(detail).toContain('<h1>接收的 AS2 报文</h1>');
    expect(detail).toContain('下载原始请求');
    // Refused again, so it may be reprocessed again: the form in Chinese.
    expect(detail).toContain('重新处理该报文');
    expect(text(section(detail, 'interchange-warning'))).toContain('警告（仍已接受）：第 4 段（FTX）第 4 数据元第 1 成分');
  });
});

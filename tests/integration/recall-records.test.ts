// Recall records cannot change silently (21 CFR 11.10(c), 11.10(e), 11.70), over the real
// server and its SQLite file: the notice PDF is not served before the notices go out; a recall
// from the ERP and its shipment carry a record hash; an attacker with SQL is refused by the
// triggers on the recall, its consignees, notices, effectiveness checks and the shipments it
// was computed from; an attacker who drops the triggers first (as one holding the database file
// would, re-hashing what it changed) is caught by `lotbridge audit verify`, which names each
// altered record, and by the recall page, the distributor's reply page and the receipt PDF.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@libsql/client';
import type { Db } from '../../shared/db/index.ts';
import { systemClock } from '../../shared/clock.ts';
import { defaultPolicy } from '../../shared/auth/policy.ts';
import type { UseCaseContext } from '../../shared/context.ts';
import { receiveErpEvent } from '../../shared/erp/receive-erp-event.ts';
import { sendRecallNotices } from '../../shared/recalls/send-recall-notices.ts';
import { submitAcknowledgement } from '../../shared/recalls/submit-acknowledgement.ts';
import { closeRecall } from '../../shared/recalls/close-recall.ts';
import { addConsignee } from '../../shared/recalls/add-consignee.ts';
import { getRecallOverview } from '../../shared/recalls/get-recall-overview.ts';
import { isAppError } from '../../shared/errors.ts';
import { recallRecordHash } from '../../shared/recalls/recall-record-hash.ts';
import { verifyRecordHashes } from '../../shared/signatures/verify-record-hashes.ts';
import { demoPassword } from '../../shared/demo/seed-demo.ts';
import { runCli, type RunningServer } from '../support/server.ts';
import { actorFor } from '../support/actors.ts';
import { BrowserClient, openServerDb, rawClient, signInDirectly, startBuiltServer } from '../support/portal.ts';
import { replyForm } from '../support/reply-form.ts';
import { pdfText } from '../support/pdf-text.ts';

const infusionSet = '09506000134352';
const rp = { id: 'localhost', name: 'Lotbridge', origin: 'http://localhost:3000' };
const emails = { qa: 'qa@meridian-medical.example', distributor: 'distributor@rhein-medical.example' };
const altered = 'Record altered since signing';

describe('recall records that cannot change silently', () => {
  let server: RunningServer;
  let db: Db;
  let raw: Client;
  let ctx: UseCaseContext;
  let recallId: string;
  let shipmentId: string;
  let ackId: string;
  let rhein: string;
  const as: Record<'qa' | 'distributor', BrowserClient> = {} as never;

  beforeAll(async () => {
    server = await startBuiltServer();
    db = openServerDb(server);
    raw = rawClient(server.databaseUrl);
    ctx = { db, clock: systemClock, policy: defaultPolicy };
    rhein = (await db.get<{ id: string }>("SELECT id FROM organisations WHERE erp_id = 'C-20001'"))!.id;
    for (const who of ['qa', 'distributor'] as const) {
      as[who] = new BrowserClient(server.url);
      await signInDirectly(as[who], db, emails[who]);
    }
    const now = new Date();
    const send = async (id: string, type: string, data: unknown) =>
      (await receiveErpEvent(ctx, { webhookId: id, sentAt: Math.floor(now.getTime() / 1000), body: { type, timestamp: now.toISOString(), data } })).outcome as Record<string, string>;
    shipmentId = (
      await send('msg_rec_1', 'shipment.dispatched', {
        shipmentNumber: 'SH-REC-1',
        distributor: { erpId: 'C-20001' },
        dispatchedAt: '2026-02-10T08:00:00Z',
        lines: [
          { gtin: infusionSet, lot: 'L-R1', quantity: 50 },
          { gtin: infusionSet, lot: 'L-R2', quantity: 10, expiryDate: '2028-01-31' },
        ],
      })
    ).shipment!;
    recallId = (
      await send('msg_rec_2', 'recall.issued', {
        recallNumber: 'FSCA-REC-1',
        issuedAt: now.toISOString(),
        reason: 'Roller clamp may leak',
        hazard: 'Under-infusion',
        products: [{ gtin: infusionSet, lots: ['L-R1', 'L-R2'] }],
        responseDeadline: new Date(now.getTime() + 10 * 86_400_000).toISOString().slice(0, 10),
      })
    ).recall!;
  });

  afterAll(async () => {
    raw?.close();
    db?.close();
    await server?.stop();
  });

  it('the notice PDF is refused before the notices are sent and served after', async () => {
    const early = await as.distributor.get(`/recalls/${recallId}/notice.pdf?lang=en`);
    const earlyForQa = await as.qa.get(`/recalls/${recallId}/notice.pdf?distributor=${rhein}`);
    await Promise.all([early.arrayBuffer(), earlyForQa.arrayBuffer()]);
    // Released before the verdict, so the tests after this one start from a released recall whatever it is.
    await sendRecallNotices(ctx, await actorFor(db, emails.qa), { recallId, portalUrl: server.url });
    expect(early.status).toBe(404);
    expect(earlyForQa.status).toBe(404);

    const forDistributor = await as.distributor.get(`/recalls/${recallId}/notice.pdf?lang=en`);
    expect(forDistributor.status).toBe(200);
    expect(pdfText(new Uint8Array(await forDistributor.arrayBuffer()))).toContain('FSCA-REC-1');
    const forQa = await as.qa.get(`/recalls/${recallId}/notice.pdf?distributor=${rhein}`);
    expect(forQa.status).toBe(200);
    await forQa.arrayBuffer();
  });

  it('a recall from the ERP and the shipment it was computed from carry a record hash of what was received', async () => {
    const recall = (await db.get<{ source: 'erp' | 'portal'; payload: string; record_hash: string | null }>('SELECT source, payload, record_hash FROM recalls WHERE id = ?', [recallId]))!;
    expect(recall.source).toBe('erp');
    expect(recall.record_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(recall.record_hash).toBe(recallRecordHash('erp', JSON.parse(recall.payload) as Record<string, unknown>));
    const issued = (await db.get<{ new_values: string }>("SELECT new_values FROM audit_log WHERE action = 'recall.issued' AND entity_id = ?", [recallId]))!;
    expect(JSON.parse(issued.new_values)).toMatchObject({ recordHash: recall.record_hash });
    const shipment = (await db.get<{ record_hash: string | null }>('SELECT record_hash FROM shipments WHERE id = ?', [shipmentId]))!;
    expect(shipment.record_hash).toMatch(/^[0-9a-f]{64}$/);

    const verdict = await verifyRecordHashes(db);
    expect(verdict).toMatchObject({ ok: true, findings: 0 });
    expect(verdict.checked.recall).toBe(1);
    expect(verdict.checked.shipment).toBe(await count('shipments'));
    // Paged by id: one record per page reaches every record just the same.
    expect(await verifyRecordHashes(db, { pageSize: 1 })).toEqual(verdict);
  });

  it('the distributor signs a reply; everything is intact and the pages say nothing of alteration', async () => {
    const distributor = await actorFor(db, emails.distributor);
    const notice = (await db.get<{ id: string }>('SELECT id FROM recall_notices WHERE recall_id = ? AND distributor_organisation_id = ?', [recallId, rhein]))!;
    ackId = (
      await submitAcknowledgement(ctx, distributor, rp, {
        noticeId: notice.id,
        understood: true,
        holdsStock: true,
        lots: [
          { gtin: infusionSet, lot: 'L-R2', received: 10, onHand: 10, quarantined: 10, returned: 0, destroyed: 0, subRecipients: [] },
          { gtin: infusionSet, lot: 'L-R1', received: 50, onHand: 30, quarantined: 30, returned: 0, destroyed: 0, subRecipients: [{ name: 'Klinikum Süd', quantity: 20, notifiedOn: new Date().toISOString().slice(0, 10) }] },
        ],
        form: replyForm([], { customersInformed: 'yes' }),
        credential: { password: demoPassword },
        locale: 'en',
      })
    ).acknowledgementId;

    const cli = await runCli(['audit', 'verify'], { DATABASE_URL: server.databaseUrl });
    expect(cli.stderr).toBe('');
    expect(cli.code).toBe(0);
    expect(cli.stdout).toContain('Record hashes intact');
    expect(cli.stdout).toContain(`1 recall, 1 recall_acknowledgement, 0 recall_effectiveness_outcome, 0 recall_notice_revision, 0 recall_onward_reply, 0 scar, 0 scar_step_decision, 0 scorecard_weights, ${await count('shipments')} shipment`);

    const intact = await (await as.qa.get(`/recalls/${recallId}`)).text();
    expect(intact).not.toContain(altered);
    expect(intact).toContain('action="?/close"');
    expect((await getRecallOverview(ctx, await actorFor(db, emails.qa), recallId)).permissions).toEqual({ act: false, add: true, close: true, followUp: true });
    expect(await (await as.distributor.get(`/recalls/${recallId}/reply`)).text()).not.toContain(altered);
    const receipt = await as.distributor.get(`/recalls/${recallId}/replies/${ackId}/receipt.pdf`);
    expect(pdfText(new Uint8Array(await receipt.arrayBuffer()))).not.toContain('RECORD ALTERED');
  });

  it('an attacker with SQL is refused: signed content is never updated or deleted, state only moves forward [REQ-P11-REC-02]', async () => {
    const before = await fingerprint();
    const refused: [string, RegExp][] = [
      ["UPDATE recalls SET payload = json_set(payload, '$.reason', 'Cosmetic only') WHERE id = ?", /a recall is never edited/],
      ["UPDATE recalls SET response_deadline = '2030-01-01T00:00:00Z' WHERE id = ?", /a recall is never edited/],
      ["UPDATE recalls SET state = 'received' WHERE id = ?", /a recall only moves forward/],
      ["UPDATE recalls SET notices_sent_at = '2020-01-01T00:00:00.000Z' WHERE id = ?", /released once/],
      ['DELETE FROM recalls WHERE id = ?', /recalls are kept/],
      ['DELETE FROM recall_consignees WHERE recall_id = ?', /recall consignees are kept/],
      ['UPDATE recall_consignees SET quantity_shipped = 1 WHERE recall_id = ?', /recall consignees are never edited/],
      ["UPDATE recall_notices SET recipients = '[\"attacker@evil.example\"]' WHERE recall_id = ?", /a recall notice is never edited/],
      ['UPDATE recall_notices SET latest_version = 0 WHERE recall_id = ?', /reply progress follows its signed replies/],
      ['UPDATE recall_notices SET quarantine_confirmed_at = NULL WHERE recall_id = ?', /reply progress follows its signed replies/],
      ['UPDATE recall_notices SET open_count = open_count - 1 WHERE recall_id = ?', /openings only move forward/],
      ['DELETE FROM recall_notices WHERE recall_id = ?', /recall notices are kept/],
      ['UPDATE recall_acknowledgement_lots SET quarantined = 0 WHERE acknowledgement_id IN (SELECT id FROM recall_acknowledgements WHERE recall_id = ?)', /permanent/],
      ['UPDATE recall_acknowledgements SET holds_stock = 0 WHERE recall_id = ?', /permanent/],
    ];
    for (const [sql, message] of refused) await expect(raw.execute({ sql, args: [recallId] }), sql).rejects.toThrow(message);

    const shipmentRefusals: [string, RegExp][] = [
      ['UPDATE shipment_lines SET quantity = 5 WHERE shipment_id = ?', /shipments are never edited/],
      ['DELETE FROM shipment_lines WHERE shipment_id = ?', /shipments are kept/],
      ["UPDATE shipments SET distributor_organisation_id = 'org_other' WHERE id = ?", /shipments are never edited/],
      ['DELETE FROM shipments WHERE id = ?', /shipments are kept/],
    ];
    for (const [sql, message] of shipmentRefusals) await expect(raw.execute({ sql, args: [shipmentId] }), sql).rejects.toThrow(message);

    // An effectiveness check: drawn once; an outcome names who and when and is never taken back.
    const qa = await actorFor(db, emails.qa);
    await raw.execute({ sql: 'INSERT INTO recall_effectiveness_checks (recall_id, distributor_organisation_id, selected_at) VALUES (?, ?, ?)', args: [recallId, rhein, new Date().toISOString()] });
    await raw.execute({ sql: "UPDATE recall_effectiveness_checks SET outcome = 'effective', checked_at = ?, checked_by = ? WHERE recall_id = ?", args: [new Date().toISOString(), qa.userId, recallId] });
    await expect(raw.execute({ sql: 'UPDATE recall_effectiveness_checks SET outcome = NULL, checked_at = NULL, checked_by = NULL WHERE recall_id = ?', args: [recallId] })).rejects.toThrow(/never removed/);
    await expect(raw.execute({ sql: "UPDATE recall_effectiveness_checks SET selected_at = '2020-01-01' WHERE recall_id = ?", args: [recallId] })).rejects.toThrow(/draw is never edited/);
    await expect(raw.execute({ sql: 'DELETE FROM recall_effectiveness_checks WHERE recall_id = ?', args: [recallId] })).rejects.toThrow(/effectiveness checks are kept/);

    expect(await fingerprint()).toEqual(before);
  });

  it('a change made after dropping the triggers is named by audit verify and shown on the pages [REQ-P11-REC-01]', async () => {
    await raw.executeMultiple(`
      DROP TRIGGER recall_acknowledgement_lots_no_update;
      UPDATE recall_acknowledgement_lots SET on_hand = 0, quarantined = 0 WHERE acknowledgement_id = '${ackId}' AND lot = 'L-R1';
      DROP TRIGGER shipment_lines_no_update;
      UPDATE shipment_lines SET quantity = 5 WHERE shipment_id = '${shipmentId}' AND line_number = 1;
      DROP TRIGGER recall_consignees_no_delete;
      DELETE FROM recall_consignees WHERE recall_id = '${recallId}' AND lot = 'L-R2';
      DROP TRIGGER recalls_content_fixed;
      UPDATE recalls SET payload = json_set(payload, '$.reason', 'Cosmetic only') WHERE id = '${recallId}';
    `);
    // The recall is re-hashed too, as someone with the file and SHA-256 would: only the hash the
    // audit trail recorded when it was issued tells.
    const { payload } = (await db.get<{ payload: string }>('SELECT payload FROM recalls WHERE id = ?', [recallId]))!;
    await raw.execute({ sql: 'UPDATE recalls SET record_hash = ? WHERE id = ?', args: [recallRecordHash('erp', JSON.parse(payload) as Record<string, unknown>), recallId] });

    const cli = await runCli(['audit', 'verify'], { DATABASE_URL: server.databaseUrl });
    expect(cli.code).toBe(1);
    expect(cli.stdout).toContain('Audit trail intact');
    expect(cli.stderr).toContain(`Record ALTERED: recall ${recallId}: its record hash differs from the one the audit trail recorded when it was created`);
    expect(cli.stderr).toContain(`Record ALTERED: recall ${recallId}: its consignees differ from those the audit trail recorded`);
    expect(cli.stderr).toContain(`Record ALTERED: recall_acknowledgement ${ackId}: altered since it was recorded`);
    expect(cli.stderr).toContain(`Record ALTERED: shipment ${shipmentId}: altered since it was recorded`);
    // The outcome set directly on the drawn check above has no signed outcome behind it.
    expect(cli.stderr).toContain(`Record ALTERED: recall_effectiveness_check ${recallId}/${rhein}: its columns differ from its hashed content`);
    expect(cli.stderr).toContain('Record hashes BROKEN: 5 finding(s)');

    const page = await as.qa.get(`/recalls/${recallId}`);
    expect(page.status).toBe(200);
    const staff = await page.text();
    expect(staff).toContain(altered);
    for (const record of [`recall:${recallId}`, `recall:${recallId}:consignees`, `recall_acknowledgement:${ackId}`]) expect(staff).toContain(`data-record="${record}"`);
    // Nobody signs on an altered record: the close form is gone, and the use case refuses.
    expect(staff).not.toContain('action="?/close"');
    const overview = await getRecallOverview(ctx, await actorFor(db, emails.qa), recallId);
    expect(overview.permissions).toEqual({ act: false, add: false, close: false, followUp: true }); // chasing signs nothing: it stays open on altered records
    expect(overview.altered.map((f) => `${f.type}:${f.id}`)).toContain(`recall_acknowledgement:${ackId}`);
    const closing = await closeRecall(ctx, await actorFor(db, emails.qa), rp, { recallId, reason: 'All stock accounted for', credential: { password: demoPassword } }).catch((e: unknown) => e);
    expect(isAppError(closing) && closing.code).toBe('conflict');
    expect((await db.get<{ state: string }>('SELECT state FROM recalls WHERE id = ?', [recallId]))!.state).toBe('open');
    // Nor does a notice go out from altered records: a consignee found now is refused, nothing added.
    const consignees = await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM recall_consignees WHERE recall_id = ?', [recallId]);
    const adding = await addConsignee(ctx, await actorFor(db, emails.qa), {
      recallId,
      distributorOrganisationId: rhein,
      lines: [{ gtin: infusionSet, lot: 'L-R9', quantity: 1 }],
      reason: 'Found in the warehouse audit',
      portalUrl: server.url,
    }).catch((e: unknown) => e);
    expect(isAppError(adding) && [adding.code, adding.problems?.recall?.code]).toEqual(['conflict', 'recallChannels.recordsAltered']);
    expect(await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM recall_consignees WHERE recall_id = ?', [recallId])).toEqual(consignees);

    const reply = await (await as.distributor.get(`/recalls/${recallId}/reply`)).text();
    expect(reply).toContain(altered);
    expect(reply).toContain('data-testid="reply-altered"');
    // The distributor's own page also re-verifies the shipments to it that its notice was computed from.
    for (const record of [`recall:${recallId}`, `recall_acknowledgement:${ackId}`, `shipment:${shipmentId}`]) expect(reply).toContain(`data-record="${record}"`);

    const receipt = await as.distributor.get(`/recalls/${recallId}/replies/${ackId}/receipt.pdf`);
    expect(receipt.status).toBe(200);
    expect(pdfText(new Uint8Array(await receipt.arrayBuffer()))).toContain('RECORD ALTERED SINCE SIGNING');
  });

  async function count(table: string): Promise<number> {
    return (await db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`))!.n;
  }

  /** Every row of the recall's tables, to show that refused statements changed nothing. */
  async function fingerprint(): Promise<string> {
    const tables = ['recalls', 'recall_consignees', 'recall_notices', 'recall_acknowledgements', 'recall_acknowledgement_lots', 'shipments', 'shipment_lines'];
    const out: unknown[] = [];
    for (const table of tables) out.push((await raw.execute(`SELECT * FROM ${table} ORDER BY rowid`)).rows);
    return JSON.stringify(out);
  }
});

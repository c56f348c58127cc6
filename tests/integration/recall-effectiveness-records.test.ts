// Effectiveness checks and closed recalls cannot change silently (21 CFR 11.10(c), 11.10(e), 11.70),
// over the real server and its SQLite file, tampered with through a second, raw connection (with
// the triggers dropped where they stand in the way, as one holding the database file would):
// a signed effectiveness check outcome altered, or re-hashed, is named by `lotbridge audit verify`
// and on the recall page, and the recall cannot be closed; an outcome column changed without a
// signed outcome is found too; a recall's level B percentage and actions deadline are checked
// against its signed payload; a closed recall takes no new notices, replies, revisions, onward
// notices, onward replies or consignees (migration 0035).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@libsql/client';
import type { Db } from '../../shared/db/index.ts';
import { systemClock } from '../../shared/clock.ts';
import { defaultPolicy } from '../../shared/auth/policy.ts';
import type { UseCaseContext } from '../../shared/context.ts';
import { receiveErpEvent } from '../../shared/erp/receive-erp-event.ts';
import { sendRecallNotices } from '../../shared/recalls/send-recall-notices.ts';
import { submitAcknowledgement } from '../../shared/recalls/submit-acknowledgement.ts';
import { drawEffectivenessChecks } from '../../shared/recalls/draw-effectiveness-checks.ts';
import { effectivenessOutcomeHash, recordEffectivenessCheck } from '../../shared/recalls/record-effectiveness-check.ts';
import { closeRecall } from '../../shared/recalls/close-recall.ts';
import { isAppError } from '../../shared/errors.ts';
import { recallRecordFindings } from '../../shared/signatures/verify-record-hashes.ts';
import { demoPassword } from '../../shared/demo/seed-demo.ts';
import { runCli, type RunningServer } from '../support/server.ts';
import { actorFor } from '../support/actors.ts';
import { BrowserClient, openServerDb, rawClient, signInDirectly, startBuiltServer } from '../support/portal.ts';
import { replyForm } from '../support/reply-form.ts';

const infusionSet = '09506000134352';
const rp = { id: 'localhost', name: 'Lotbridge', origin: 'http://localhost:3000' };
const emails = { qa: 'qa@meridian-medical.example', distributor: 'distributor@rhein-medical.example' };

describe('effectiveness checks and closed recalls that cannot change silently', () => {
  let server: RunningServer;
  let db: Db;
  let raw: Client;
  let ctx: UseCaseContext;
  let rhein: string;
  let qa: BrowserClient;
  let n = 0;

  const send = async (type: string, data: unknown) => {
    const now = new Date();
    return (await receiveErpEvent(ctx, { webhookId: `msg_eff_rec_${++n}`, sentAt: Math.floor(now.getTime() / 1000), body: { type, timestamp: now.toISOString(), data } })).outcome as Record<string, string>;
  };
  /** An ERP recall of the shipped lot, released, answered by the distributor. */
  const releasedRecall = async (recallNumber: string, extra: Record<string, unknown> = {}) => {
    const id = (
      await send('recall.issued', { recallNumber, issuedAt: new Date().toISOString(), reason: 'Roller clamp may leak', hazard: 'Under-infusion', products: [{ gtin: infusionSet, lots: ['L-E1'] }], ...extra })
    ).recall!;
    await sendRecallNotices(ctx, await actorFor(db, emails.qa), { recallId: id, portalUrl: server.url });
    const notice = (await db.get<{ id: string }>('SELECT id FROM recall_notices WHERE recall_id = ?', [id]))!;
    await submitAcknowledgement(ctx, await actorFor(db, emails.distributor), rp, {
      noticeId: notice.id,
      understood: true,
      holdsStock: true,
      lots: [{ gtin: infusionSet, lot: 'L-E1', received: 12, onHand: 0, quarantined: 0, returned: 12, destroyed: 0, subRecipients: [] }],
      form: replyForm(),
      credential: { password: demoPassword },
      locale: 'en',
    });
    return id;
  };
  const close = async (recallId: string) =>
    closeRecall(ctx, await actorFor(db, emails.qa), rp, { recallId, reason: 'All stock returned', credential: { password: demoPassword } }).catch((e: unknown) => e);
  const auditVerify = () => runCli(['audit', 'verify'], { DATABASE_URL: server.databaseUrl });

  beforeAll(async () => {
    server = await startBuiltServer();
    db = openServerDb(server);
    raw = rawClient(server.databaseUrl);
    ctx = { db, clock: systemClock, policy: defaultPolicy };
    rhein = (await db.get<{ id: string }>("SELECT id FROM organisations WHERE erp_id = 'C-20001'"))!.id;
    qa = new BrowserClient(server.url);
    await signInDirectly(qa, db, emails.qa);
    await send('shipment.dispatched', { shipmentNumber: 'SH-EFF-1', distributor: { erpId: 'C-20001' }, dispatchedAt: '2026-02-10T08:00:00Z', lines: [{ gtin: infusionSet, lot: 'L-E1', quantity: 12 }] });
  });

  afterAll(async () => {
    raw?.close();
    db?.close();
    await server?.stop();
  });

  it('a signed outcome altered behind the triggers, then re-hashed, is named by audit verify and on the recall page; the recall is not closed [REQ-P11-REC-01]', async () => {
    const recallId = await releasedRecall('FSCA-EFF-1', { effectivenessLevel: 'A' });
    await drawEffectivenessChecks(ctx, await actorFor(db, emails.qa), recallId);
    const outcome = await recordEffectivenessCheck(ctx, await actorFor(db, emails.qa), rp, {
      recallId,
      distributorOrganisationId: rhein,
      outcome: 'ineffective',
      method: 'phone',
      note: 'Stock found on the open shelf',
      credential: { password: demoPassword },
    });
    const stored = (await db.get<{ record_hash: string }>('SELECT record_hash FROM recall_effectiveness_outcomes WHERE id = ?', [outcome.id]))!;
    const audited = (await db.get<{ new_values: string }>("SELECT new_values FROM audit_log WHERE action = 'recall.effectiveness_check_recorded' AND entity_id = ?", [recallId]))!;
    expect(JSON.parse(audited.new_values)).toMatchObject({ record: outcome.id, recordHash: stored.record_hash });
    expect(await recallRecordFindings(db, recallId)).toEqual([]);
    const intact = await auditVerify();
    expect(intact.stderr).toBe('');
    expect(intact.stdout).toMatch(/Record hashes intact: .*, 1 recall_effectiveness_outcome,/);

    // The outcome and the check's latest outcome both turned effective: the content no longer hashes to its record hash.
    await raw.executeMultiple(`
      DROP TRIGGER recall_effectiveness_outcomes_no_update;
      UPDATE recall_effectiveness_outcomes SET outcome = 'effective', note = NULL WHERE id = '${outcome.id}';
      UPDATE recall_effectiveness_checks SET outcome = 'effective', note = NULL WHERE recall_id = '${recallId}';
    `);
    let cli = await auditVerify();
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain(`Record ALTERED: recall_effectiveness_outcome ${outcome.id}: altered since it was recorded`);
    expect(await recallRecordFindings(db, recallId)).toEqual([{ type: 'recall_effectiveness_outcome', id: outcome.id, problem: 'altered' }]);

    // Re-hashed, as someone with the file and SHA-256 would: the signature and the audit trail still hold the hash QA signed.
    const forged = effectivenessOutcomeHash({ recallId, recallNumber: 'FSCA-EFF-1', distributorOrganisationId: rhein, outcome: 'effective', method: 'phone', note: null });
    await raw.execute({ sql: 'UPDATE recall_effectiveness_outcomes SET record_hash = ? WHERE id = ?', args: [forged, outcome.id] });
    cli = await auditVerify();
    expect(cli.code).toBe(1);
    expect(cli.stdout).toContain('Audit trail intact');
    expect(cli.stderr).toContain(`Record ALTERED: recall_effectiveness_outcome ${outcome.id}: its signature is bound to another record hash`);
    expect(cli.stderr).toContain(`Record ALTERED: recall_effectiveness_outcome ${outcome.id}: its record hash differs from the one the audit trail recorded when it was created`);

    const page = await (await qa.get(`/recalls/${recallId}`)).text();
    expect(page).toContain('Record altered since signing');
    expect(page).toContain(`data-record="recall_effectiveness_outcome:${outcome.id}"`);
    expect(page).toContain(`Signed effectiveness check outcome ${outcome.id}`);
    expect(page).not.toContain('action="?/close"');
    const closing = await close(recallId);
    expect(isAppError(closing) && closing.code).toBe('conflict');
    expect((await db.get<{ state: string }>('SELECT state FROM recalls WHERE id = ?', [recallId]))!.state).toBe('open');
  });

  it('an outcome set on a drawn check without a signed outcome is found, and the recall is not closed on it', async () => {
    const recallId = await releasedRecall('FSCA-EFF-2', { effectivenessLevel: 'A' });
    await drawEffectivenessChecks(ctx, await actorFor(db, emails.qa), recallId);
    // The triggers let an outcome be set (only never removed) while the recall is open: nothing signed stands behind it.
    const qaUser = (await actorFor(db, emails.qa)).userId;
    await raw.execute({ sql: "UPDATE recall_effectiveness_checks SET outcome = 'effective', checked_at = ?, checked_by = ? WHERE recall_id = ?", args: [new Date().toISOString(), qaUser, recallId] });

    const check = `${recallId}/${rhein}`;
    expect(await recallRecordFindings(db, recallId)).toEqual([{ type: 'recall_effectiveness_check', id: check, problem: 'inconsistent' }]);
    // The distributor's own page does not re-verify QA's checks.
    expect(await recallRecordFindings(db, recallId, rhein)).toEqual([]);
    const cli = await auditVerify();
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain(`Record ALTERED: recall_effectiveness_check ${check}: its columns differ from its hashed content`);
    const page = await (await qa.get(`/recalls/${recallId}`)).text();
    expect(page).toContain(`data-record="recall_effectiveness_check:${check}"`);
    expect(page).toContain('The outcome shown for an effectiveness check (it is not the latest outcome QA signed)');
    const closing = await close(recallId);
    expect(isAppError(closing) && closing.code).toBe('conflict');
    expect((await db.get<{ state: string }>('SELECT state FROM recalls WHERE id = ?', [recallId]))!.state).toBe('open');
  });

  it("a recall's level B percentage, actions deadline, severity, reply deadline or level changed behind the triggers no longer matches its payload", async () => {
    const actionsDue = new Date(Date.now() + 60 * 86_400_000).toISOString().slice(0, 10);
    const withPercent = await releasedRecall('FSCA-EFF-3', { effectivenessLevel: 'B', effectivenessPercent: 40, actionsDeadline: actionsDue, deadlineTimeZone: 'Europe/Berlin' });
    // From before the fields: no percentage, the default actions deadline.
    const plain = await releasedRecall('FSCA-EFF-4', { effectivenessLevel: 'B' });
    const stored = (await db.get<{ percent: number; deadline: string }>('SELECT effectiveness_percent AS percent, actions_deadline AS deadline FROM recalls WHERE id = ?', [withPercent]))!;
    expect(stored.percent).toBe(40);
    expect(stored.deadline).toMatch(new RegExp(`^${actionsDue}T2[12]:59:59\\.999Z$`)); // the end of that day in Berlin
    for (const id of [withPercent, plain]) expect(await recallRecordFindings(db, id)).toEqual([]);
    await raw.executeMultiple('DROP TRIGGER recalls_effectiveness_percent_fixed; DROP TRIGGER recalls_actions_deadline_fixed; DROP TRIGGER recalls_content_fixed;');

    const tampered: [string, string, unknown][] = [
      [withPercent, 'effectiveness_percent', 11],
      [withPercent, 'actions_deadline', '2027-06-30T21:59:59.999Z'],
      [plain, 'effectiveness_percent', 90],
      [plain, 'actions_deadline', '2030-01-01T00:00:00.000Z'],
      [plain, 'severity', 3],
      [plain, 'response_deadline', '2030-01-01T00:00:00.000Z'],
      [withPercent, 'effectiveness_level', 'E'],
    ];
    for (const [id, column, value] of tampered) {
      const before = (await raw.execute({ sql: `SELECT ${column} AS v FROM recalls WHERE id = ?`, args: [id] })).rows[0]!.v as string | number;
      await raw.execute({ sql: `UPDATE recalls SET ${column} = ? WHERE id = ?`, args: [value as string | number, id] });
      expect(await recallRecordFindings(db, id), `${column} of ${id}`).toEqual([{ type: 'recall', id, problem: 'inconsistent' }]);
      await raw.execute({ sql: `UPDATE recalls SET ${column} = ? WHERE id = ?`, args: [before, id] });
      expect(await recallRecordFindings(db, id)).toEqual([]);
    }
    await raw.execute({ sql: 'UPDATE recalls SET effectiveness_percent = 90 WHERE id = ?', args: [withPercent] });
    const cli = await auditVerify();
    expect(cli.stderr).toContain(`Record ALTERED: recall ${withPercent}: its columns differ from its hashed content`);
    expect(cli.stderr).not.toContain(`recall ${plain}:`);
  });

  it('a closed recall takes no new consignee, notice, reply, revision, onward notice or onward reply, even by a raw INSERT [REQ-P11-REC-02]', async () => {
    const recallId = await releasedRecall('FSCA-EFF-5', { effectivenessLevel: 'E' });
    const notice = (await db.get<{ id: string }>('SELECT id FROM recall_notices WHERE recall_id = ?', [recallId]))!.id;
    const other = (await db.get<{ id: string }>("SELECT id FROM organisations WHERE id <> ? ORDER BY id LIMIT 1", [rhein]))!.id;
    const qaUser = (await actorFor(db, emails.qa)).userId;
    const now = new Date().toISOString();
    // An onward notice passed on while the recall is open: its customer's reply comes too late.
    await raw.execute({
      sql: `INSERT INTO recall_onward_notices (id, recall_id, notice_id, level, passed_on_by, name, customer_type, email, language, lots, sent_at, link_expires_at)
            VALUES ('ron_eff_1', ?, ?, 2, 'Rhein Medical Distribution GmbH', 'Klinikum Süd', 'hospital', 'einkauf@klinikum-sued.example', 'de', '[]', ?, ?)`,
      args: [recallId, notice, now, now],
    });
    expect(await close(recallId)).toHaveProperty('closedAt');

    const inserts: [string, (string | number)[]][] = [
      [
        `INSERT INTO recall_consignees (recall_id, distributor_organisation_id, gtin, lot, quantity_shipped, source, added_at, added_by)
         VALUES (?, ?, '${infusionSet}', 'L-LATE', 1, 'manual', ?, ?)`,
        [recallId, rhein, now, qaUser],
      ],
      [
        `INSERT INTO recall_notices (id, recall_id, distributor_organisation_id, recipients, sent_at, link_expires_at)
         VALUES ('rno_eff_late', ?, ?, '[]', ?, ?)`,
        [recallId, other, now, now],
      ],
      [
        `INSERT INTO recall_acknowledgements (id, notice_id, recall_id, distributor_organisation_id, version, holds_stock, comment, record_hash, signature_id, submitted_by, submitted_at)
         SELECT 'ack_eff_late', notice_id, recall_id, distributor_organisation_id, version + 1, holds_stock, comment, record_hash, signature_id, submitted_by, ? FROM recall_acknowledgements WHERE recall_id = ?`,
        [now, recallId],
      ],
      [
        `INSERT INTO recall_notice_revisions (id, recall_id, revision, type, payload, record_hash, signature_id, created_by, created_at)
         SELECT 'rev_eff_late', recall_id, 2, 'update', '{}', record_hash, signature_id, ?, ? FROM recall_acknowledgements WHERE recall_id = ?`,
        [qaUser, now, recallId],
      ],
      [
        `INSERT INTO recall_onward_notices (id, recall_id, notice_id, level, passed_on_by, name, customer_type, email, language, lots, sent_at, link_expires_at)
         VALUES ('ron_eff_late', ?, ?, 2, 'Rhein Medical Distribution GmbH', 'Apotheke Nord', 'pharmacy', 'apotheke@nord.example', 'de', '[]', ?, ?)`,
        [recallId, notice, now, now],
      ],
      [
        `INSERT INTO recall_onward_replies (id, onward_notice_id, version, understood, passed_on, passed_on_count, declarant_name, declarant_function, declarant_phone, declarant_email, record_hash, submitted_at)
         VALUES ('ory_eff_late', 'ron_eff_1', 1, 1, 0, 0, 'Dr. Weber', 'Pharmacist', '+49 30 1234', 'weber@klinikum-sued.example', 'x', ?)`,
        [now],
      ],
    ];
    const counts = async () =>
      (
        await raw.execute({
          sql: `SELECT (SELECT COUNT(*) FROM recall_consignees WHERE recall_id = :id) + (SELECT COUNT(*) FROM recall_notices WHERE recall_id = :id)
                     + (SELECT COUNT(*) FROM recall_acknowledgements WHERE recall_id = :id) + (SELECT COUNT(*) FROM recall_notice_revisions WHERE recall_id = :id)
                     + (SELECT COUNT(*) FROM recall_onward_notices WHERE recall_id = :id) + (SELECT COUNT(*) FROM recall_onward_replies WHERE onward_notice_id = 'ron_eff_1') AS n`,
          args: { id: recallId },
        })
      ).rows[0]!.n;
    const before = await counts();
    for (const [sql, args] of inserts) await expect(raw.execute({ sql, args }), sql).rejects.toThrow(/the recall is closed: its records are frozen/);
    expect(await counts()).toBe(before);
    expect(await recallRecordFindings(db, recallId)).toEqual([]);
  });
});

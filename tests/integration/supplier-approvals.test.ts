// The approved supplier list on a real SQLite file with a fixed clock, through the real use cases:
// QA's signed entries; a required certificate expiring (the expiry scheduler's pass, rerun and
// overlapping) or rejected downgrades approved entries to conditional, audited, mailed in each
// recipient's language and announced to the ERP; lots flagged at submission (or refused when the
// supplier is disqualified); a purchase order to a supplier not approved for the item alerts QA
// and the ERP; a supplier sees only its own entries. Then the portal's routes over real HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../shared/auth/actor.ts';
import { seedDemo } from '../../shared/demo/seed-demo.ts';
import { demoPassword } from '../../shared/demo/seed-demo.ts';
import { createOrganisation } from '../../shared/organisations/create-organisation.ts';
import { addUser } from '../../shared/organisations/add-user.ts';
import { approveCertificate } from '../../shared/certificates/approve-certificate.ts';
import { rejectCertificate } from '../../shared/certificates/reject-certificate.ts';
import { applyItemUpserted } from '../../shared/erp/apply-item-upserted.ts';
import { applyPurchaseOrder } from '../../shared/erp/apply-purchase-order.ts';
import { submitLots } from '../../shared/lots/submit-lots.ts';
import { listLots } from '../../shared/lots/list-lots.ts';
import { getLot } from '../../shared/lots/get-lot.ts';
import { qaWorkList } from '../../shared/home/qa-work-list.ts';
import { setSupplierApproval } from '../../shared/supplier-approvals/set-supplier-approval.ts';
import { getSupplierApproval } from '../../shared/supplier-approvals/get-supplier-approval.ts';
import { listSupplierApprovals } from '../../shared/supplier-approvals/list-supplier-approvals.ts';
import { downgradeForExpiredCertificates } from '../../shared/supplier-approvals/downgrade-approvals.ts';
import { verifyAuditChain } from '../../shared/audit/verify-audit-chain.ts';
import { verifySignatures } from '../../shared/signatures/verify-signatures.ts';
import { checkSignedRecords } from '../../shared/validation/check-signed-records.ts';
import { recordFindings } from '../support/record-findings.ts';
import { testDatabase, type TestDatabase } from '../support/database.ts';
import { runCli, tempDir } from '../support/server.ts';
import { actorFor } from '../support/actors.ts';
import { refusal } from '../support/refusal.ts';
import { demo } from '../support/demo.ts';
import { submitTestCertificate } from '../support/records.ts';
import { eventsOf } from '../support/outbox-events.ts';
import { withMailText } from '../support/mail.ts';
import { markup, openServerDb, signedInClients, startBuiltServer, type BrowserClient } from '../support/portal.ts';
import type { RunningServer } from '../support/server.ts';
import type { Db } from '../../shared/db/index.ts';
import { systemClock } from '../../shared/clock.ts';
import { defaultPolicy } from '../../shared/auth/policy.ts';

const rp = { id: 'localhost', name: 'Lotbridge', origin: 'http://localhost:3000' };
const password = { password: demoPassword };
const gtin = '09506000134383';
const otherGtin = '09506000134376';
const other = { email: 'quality@ningbo-moulding.example', displayName: '陈刚 (Chen Gang)', password: 'ningbo-supplier-pass' };

describe('approved supplier list (real SQLite, fixed clock)', () => {
  let t: TestDatabase;
  let uploads: { dir: string; remove(): void };
  let as: Record<'supplier' | 'other' | 'qa' | 'admin', Actor>;
  let iso: { id: string; seriesId: string };
  let approvalId: string;

  const entry = (id: string) => t.db.get<{ status: string; decided_by: string | null; signature_id: string | null }>('SELECT status, decided_by, signature_id FROM supplier_approvals WHERE id = ?', [id]);
  const lot = (lotNo: string, extra: Record<string, string> = {}) => submitLots(t.ctx, as.supplier, { source: 'form', lots: [{ gtin, lot: lotNo, quantity: 10, ...extra }] });

  beforeAll(async () => {
    t = await testDatabase();
    uploads = tempDir('lotbridge-asl-uploads-');
    await seedDemo(t.ctx);
    const by = { type: 'system' as const, name: 'approved supplier list test' };
    const otherOrg = (await createOrganisation(t.ctx, by, { name: 'Ningbo Moulding Ltd.', kind: 'supplier', erpId: 'V-10077' })).id;
    await addUser(t.ctx, by, { ...other, role: 'supplier_user', organisationId: otherOrg });
    as = {
      supplier: await actorFor(t.db, demo('supplier_user').email),
      other: await actorFor(t.db, other.email),
      qa: await actorFor(t.db, demo('manufacturer_qa').email),
      admin: await actorFor(t.db, demo('manufacturer_admin').email),
    };
    // The supplier's user reads Chinese: the downgrade mail reaches it in Chinese, QA in English.
    await t.db.run("UPDATE users SET locale = 'zh-CN' WHERE id = ?", [as.supplier.userId]);
    await t.db.transaction(async (tx) => {
      await applyItemUpserted(tx, t.clock, { gtin, description: 'Three-way stopcock', unitOfMeasure: 'EA', deviceClass: 'IIa' });
      await applyItemUpserted(tx, t.clock, { gtin: otherGtin, description: 'Needle-free connector', unitOfMeasure: 'EA', deviceClass: 'IIa' });
    });
    const submitted = await submitTestCertificate(t.ctx, as.supplier, uploads.dir, { number: 'ISO-ASL-1', validTo: '2026-03-31' });
    await approveCertificate(t.ctx, as.qa, rp, { certificateId: submitted.id, recordHash: submitted.recordHash, credential: password });
    iso = submitted;
  });

  afterAll(() => {
    t?.close();
    uploads?.remove();
  });

  it('QA creates an entry with a signature and a reason: signature, audit and event together [REQ-ASL-01]', async () => {
    const a = await setSupplierApproval(t.ctx, as.qa, rp, { supplierId: as.supplier.organisationId, itemGtin: gtin, status: 'approved', requiredCertificates: ['iso13485'], reason: 'Audit 2026-02 passed', credential: password });
    approvalId = a.id;
    expect(a).toMatchObject({ status: 'approved', itemGtin: gtin, requiredCertificates: ['iso13485'], decidedBy: demo('manufacturer_qa').displayName });
    const detail = await getSupplierApproval(t.ctx, as.qa, a.id);
    expect(detail.signatures).toEqual([expect.objectContaining({ signerName: demo('manufacturer_qa').displayName, meaning: 'approval', method: 'password', reason: 'Audit 2026-02 passed' })]);
    expect(detail.history.map((h) => h.action)).toContain('supplier_approval.created');
    expect((await eventsOf(t.db, 'supplier_approval.changed')).at(-1)).toMatchObject({ approvalId: a.id, status: 'approved', previousStatus: null, scope: { gtin }, signature: { meaning: 'approval' } });
  });

  it('refuses an entry without a reason, with a wrong password, from a supplier, and a second entry for the same scope [REQ-ASL-01]', async () => {
    const base = { supplierId: as.supplier.organisationId, itemGtin: otherGtin, status: 'approved', requiredCertificates: [], credential: password };
    expect((await refusal(setSupplierApproval(t.ctx, as.qa, rp, { ...base, reason: ' ' }))).problems?.reason?.code).toBe('asl.reasonRequired');
    expect((await refusal(setSupplierApproval(t.ctx, as.qa, rp, { ...base, reason: 'x', credential: { password: 'wrong' } }))).code).toBe('invalid_credentials');
    expect((await refusal(setSupplierApproval(t.ctx, as.qa, rp, { ...base, reason: 'x', credential: { password: '' } }))).problems?.password?.code).toBe('signatures.passwordRequired');
    expect((await refusal(setSupplierApproval(t.ctx, as.supplier, rp, { ...base, reason: 'x' }))).code).toBe('forbidden');
    expect((await refusal(setSupplierApproval(t.ctx, as.qa, rp, { ...base, itemGtin: gtin, reason: 'x' }))).problems?.itemGtin?.code).toBe('asl.exists');
    expect((await refusal(setSupplierApproval(t.ctx, as.qa, rp, { ...base, itemGtin: '', reason: 'x' }))).problems?.itemGtin?.code).toBe('asl.scopeRequired');
    expect((await t.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM supplier_approvals'))!.n).toBe(1);
  });

  it('a lot of an approved supplier holding a valid required certificate is not flagged; without any entry neither', async () => {
    const { stored } = await lot('ASL-OK-1');
    expect((await getLot(t.ctx, as.qa, stored[0]!.id)).approvalFlag).toBeNull();
    const { stored: noEntry } = await submitLots(t.ctx, as.supplier, { source: 'form', lots: [{ gtin: otherGtin, lot: 'ASL-NONE-1', quantity: 5 }] });
    expect((await getLot(t.ctx, as.qa, noEntry[0]!.id)).approvalFlag).toBeNull();
  });

  it('the required certificate expiring downgrades the entry once: audited as the system, mailed per language, an event; reruns change nothing [REQ-ASL-02]', async () => {
    t.clock.set('2026-03-31T20:00:00.000Z');
    expect(await downgradeForExpiredCertificates(t.ctx)).toEqual([]); // still valid through its last day
    t.clock.set('2026-04-01T09:00:00.000Z');
    const mailsBefore = (await t.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM mail_messages'))!.n;
    // Two passes at once (two instances) and a third later: one downgrade.
    const [a, b] = await Promise.all([downgradeForExpiredCertificates(t.ctx), downgradeForExpiredCertificates(t.ctx)]);
    expect([...a, ...b]).toEqual([approvalId]);
    expect(await downgradeForExpiredCertificates(t.ctx)).toEqual([]);

    expect(await entry(approvalId)).toMatchObject({ status: 'conditional', decided_by: null, signature_id: null });
    const detail = await getSupplierApproval(t.ctx, as.qa, approvalId);
    expect(detail.approval.reasonProblem).toMatchObject({ code: 'asl.downgradeExpired', params: { number: 'ISO-ASL-1', date: '2026-03-31' } });
    const downgrade = detail.history.filter((h) => h.action === 'supplier_approval.downgraded');
    expect(downgrade).toHaveLength(1);
    expect(downgrade[0]).toMatchObject({ actorType: 'system', oldValues: { status: 'approved' }, newValues: { status: 'conditional', cause: 'certificate_expired', certificate: iso.id } });

    const events = (await eventsOf(t.db, 'supplier_approval.changed')).filter((e) => e.approvalId === approvalId && e.status === 'conditional');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ previousStatus: 'approved', cause: { kind: 'certificate_expired', certificateId: iso.id, type: 'iso13485', validTo: '2026-03-31' } });
    expect(events[0]!.signature).toBeUndefined();

    const mails = withMailText(
      t.db,
      await t.db.all<{ id: string; to_address: string; subject: string; text_body: string; locale: string }>(
        "SELECT id, to_address, subject, text_body, locale FROM mail_messages WHERE purpose = 'supplier_approval.downgraded' ORDER BY to_address",
      ),
    );
    expect((await t.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM mail_messages'))!.n - mailsBefore).toBe(mails.length);
    const byAddress = Object.fromEntries(mails.map((m) => [m.to_address, m]));
    expect(Object.keys(byAddress).sort()).toEqual([demo('manufacturer_qa').email, demo('supplier_user').email].sort());
    expect(byAddress[demo('supplier_user').email]).toMatchObject({ locale: 'zh-CN' });
    expect(byAddress[demo('supplier_user').email]!.subject).toContain('有条件批准');
    expect(byAddress[demo('supplier_user').email]!.text_body).toContain('ISO-ASL-1');
    expect(byAddress[demo('manufacturer_qa').email]).toMatchObject({ locale: 'en' });
    expect(byAddress[demo('manufacturer_qa').email]!.subject).toContain('is now conditional');
  });

  it('a lot of a conditional supplier is stored and flagged: the reason as data, on the lot page and in the "flagged" list filter [REQ-ASL-03]', async () => {
    const { stored } = await lot('ASL-COND-1');
    const detail = await getLot(t.ctx, as.supplier, stored[0]!.id);
    expect(detail.approvalFlag).toEqual({ code: 'asl.notApproved', params: { status: { term: 'asl.status.conditional' } } });
    const flagged = await listLots(t.ctx, as.qa, { flagged: true });
    expect(flagged.items.map((l) => l.lot)).toContain('ASL-COND-1');
    expect(flagged.items.map((l) => l.lot)).not.toContain('ASL-OK-1');
  });

  it('a lot flagged for its expired required certificate once QA approves the supplier again [REQ-ASL-03]', async () => {
    await setSupplierApproval(t.ctx, as.qa, rp, { approvalId, status: 'approved', requiredCertificates: ['iso13485', 'coc'], reason: 'Renewal audit booked', credential: password });
    const { stored } = await lot('ASL-EXP-1');
    expect((await getLot(t.ctx, as.qa, stored[0]!.id)).approvalFlag).toEqual({ code: 'asl.certificateExpired', params: { type: { term: 'certificates.type.iso13485' }, date: '2026-03-31' } });
  });

  it('a lot without the CoC the entry requires per lot is flagged as absent, one naming an unapproved CoC as unapproved [REQ-ASL-03]', async () => {
    const renewed = await submitTestCertificate(t.ctx, as.supplier, uploads.dir, { number: 'ISO-ASL-2', validTo: '2029-03-31', replacesSeriesId: iso.seriesId });
    await approveCertificate(t.ctx, as.qa, rp, { certificateId: renewed.id, recordHash: renewed.recordHash, credential: password });
    const absent = (await lot('ASL-COC-0')).stored[0]!;
    expect((await getLot(t.ctx, as.qa, absent.id)).approvalFlag).toEqual({ code: 'asl.certificateMissing', params: { type: { term: 'certificates.type.coc' } } });
    const coc = await submitTestCertificate(t.ctx, as.supplier, uploads.dir, { number: 'COC-ASL-1', validTo: '2027-01-31', type: 'coc' });
    const unapproved = (await lot('ASL-COC-1', { certificate: 'COC-ASL-1' })).stored[0]!;
    expect((await getLot(t.ctx, as.qa, unapproved.id)).approvalFlag).toEqual({ code: 'asl.certificateUnapproved', params: { type: { term: 'certificates.type.coc' } } });
    await approveCertificate(t.ctx, as.qa, rp, { certificateId: coc.id, recordHash: coc.recordHash, credential: password });
    const fine = (await lot('ASL-COC-2', { certificate: 'COC-ASL-1' })).stored[0]!;
    expect((await getLot(t.ctx, as.qa, fine.id)).approvalFlag).toBeNull();
  });

  it('a rejected required certificate downgrades the approved entry at once, in the rejection\'s transaction [REQ-ASL-02]', async () => {
    const next = await submitTestCertificate(t.ctx, as.supplier, uploads.dir, { number: 'COC-ASL-2', validTo: '2027-06-30', type: 'coc' });
    const events = (await eventsOf(t.db, 'supplier_approval.changed')).length;
    await rejectCertificate(t.ctx, as.qa, rp, { certificateId: next.id, recordHash: next.recordHash, reason: 'Pressure test report missing', credential: password });
    expect(await entry(approvalId)).toMatchObject({ status: 'conditional' });
    const last = (await eventsOf(t.db, 'supplier_approval.changed')).slice(events);
    expect(last).toEqual([expect.objectContaining({ approvalId, status: 'conditional', previousStatus: 'approved', cause: expect.objectContaining({ kind: 'certificate_rejected', certificateId: next.id, number: 'COC-ASL-2' }) })]);
    expect((await getSupplierApproval(t.ctx, as.supplier, approvalId)).approval.reasonProblem?.code).toBe('asl.downgradeRejected');
  });

  it('a disqualified supplier\'s lot is refused with a clear problem; nothing is stored [REQ-ASL-03]', async () => {
    await setSupplierApproval(t.ctx, as.qa, rp, { approvalId, status: 'disqualified', requiredCertificates: ['iso13485'], reason: 'Repeated field failures', credential: password });
    const e = await refusal(lot('ASL-DQ-1'));
    expect(e.problems?.['rows/1/gtin']).toEqual({ code: 'asl.disqualified', params: { gtin } });
    expect(await t.db.get("SELECT id FROM lots WHERE lot = 'ASL-DQ-1'")).toBeUndefined();
  });

  it('a purchase order to a supplier not approved for an item alerts QA and the ERP once; items without an entry raise nothing [REQ-ASL-04]', async () => {
    const order = (version: number) => ({
      poNumber: 'PO-ASL-1',
      supplier: { erpId: 'V-10001' },
      status: 'open',
      currency: 'EUR',
      orderDate: '2026-04-01',
      version,
      lines: [
        { lineNumber: 1, gtin, quantity: 100, unitPrice: '2.00' },
        { lineNumber: 2, gtin: otherGtin, quantity: 50, unitPrice: '1.00' },
      ],
    });
    const result = await t.db.transaction((tx) => applyPurchaseOrder(tx, t.clock, order(1)));
    expect(result).toMatchObject({ supplierNotApproved: [gtin] });
    await t.db.transaction((tx) => applyPurchaseOrder(tx, t.clock, order(2)));
    const events = await eventsOf(t.db, 'purchase_order.supplier_not_approved');
    expect(events).toEqual([expect.objectContaining({ poNumber: 'PO-ASL-1', gtin, status: 'disqualified', approvalId, supplier: expect.objectContaining({ organisationId: as.supplier.organisationId }) })]);
    const work = await qaWorkList(t.ctx, as.qa, { graceDays: 30 });
    const alert = work.entries.find((e) => e.kind === 'purchaseOrdersNotApproved')!;
    expect(alert.count).toBe(1);
    expect(alert.items[0]!.label).toContain('PO-ASL-1');
    // Approved again: the alert clears.
    await setSupplierApproval(t.ctx, as.qa, rp, { approvalId, status: 'approved', requiredCertificates: ['iso13485'], reason: 'CAPA closed', credential: password });
    expect((await qaWorkList(t.ctx, as.qa, { graceDays: 30 })).entries.find((e) => e.kind === 'purchaseOrdersNotApproved')!.count).toBe(0);
  });

  it('isolation: a supplier lists only its own entries and gets not_found for another\'s; distributors are refused [REQ-P11-ACCESS-01]', async () => {
    const theirs = await setSupplierApproval(t.ctx, as.qa, rp, { supplierId: as.other.organisationId, itemCategory: 'IIa', status: 'pending', requiredCertificates: ['iso13485'], reason: 'Qualification running', credential: password });
    expect((await listSupplierApprovals(t.ctx, as.supplier)).items.map((a) => a.id)).toEqual([approvalId]);
    expect((await listSupplierApprovals(t.ctx, as.other)).items.map((a) => a.id)).toEqual([theirs.id]);
    expect((await listSupplierApprovals(t.ctx, as.supplier, { supplierId: as.other.organisationId })).items.map((a) => a.id)).toEqual([approvalId]);
    expect((await refusal(getSupplierApproval(t.ctx, as.supplier, theirs.id))).code).toBe('not_found');
    expect((await refusal(getSupplierApproval(t.ctx, as.other, approvalId))).code).toBe('not_found');
    expect((await listSupplierApprovals(t.ctx, as.qa, { status: 'pending' })).items.map((a) => a.id)).toEqual([theirs.id]);
    expect((await listSupplierApprovals(t.ctx, as.admin)).permissions.decide).toBe(false);
    const distributor = await actorFor(t.db, demo('distributor_user').email);
    expect((await refusal(listSupplierApprovals(t.ctx, distributor))).code).toBe('forbidden');
    // The category entry governs the other supplier's items of that class.
    expect((await getSupplierApproval(t.ctx, as.other, theirs.id)).approval.itemCategory).toBe('IIa');
  });

  it('the audit chain and every signature verify', async () => {
    expect((await verifyAuditChain(t.db)).ok).toBe(true);
    expect((await verifySignatures(t.db)).problems).toEqual([]);
  });

  it('signed entries are in the record hash re-verification (lotbridge audit verify, validate PQ): intact ones pass, a status or required certificates changed through the database file is found [REQ-P11-REC-01]', async () => {
    const findings = () => recordFindings(t.db, 'supplier_approval');
    const intact = await findings();
    expect(intact.checked).toBeGreaterThan(0);
    expect(intact.found).toEqual([]);

    const signed = (await t.db.get<{ id: string; status: string; required_certificates: string }>(
      'SELECT id, status, required_certificates FROM supplier_approvals WHERE signature_id IS NOT NULL ORDER BY id LIMIT 1',
    ))!;
    // Someone holding the database file lifts a disqualification or drops a required certificate.
    await t.db.run("UPDATE supplier_approvals SET status = ? WHERE id = ?", [signed.status === 'approved' ? 'conditional' : 'approved', signed.id]);
    expect((await findings()).found).toEqual([{ type: 'supplier_approval', id: signed.id, problem: 'altered' }]);
    await t.db.run('UPDATE supplier_approvals SET status = ? WHERE id = ?', [signed.status, signed.id]);
    await t.db.run("UPDATE supplier_approvals SET required_certificates = '[]' WHERE id = ?", [signed.id]);
    const dropped = (await findings()).found;
    await t.db.run('UPDATE supplier_approvals SET required_certificates = ? WHERE id = ?', [signed.required_certificates, signed.id]);
    expect((await findings()).found).toEqual([]);
    if (signed.required_certificates !== '[]') expect(dropped).toEqual([{ type: 'supplier_approval', id: signed.id, problem: 'altered' }]);
  });

  it('an entry whose signature was removed through the database file is found by audit verify and the PQ check; a real automatic downgrade is not [REQ-P11-REC-01]', async () => {
    const findings = () => recordFindings(t.db, 'supplier_approval');
    // A real automatic downgrade: QA approves the entry again, requiring CoCs; a CoC is rejected.
    await setSupplierApproval(t.ctx, as.qa, rp, { approvalId, status: 'approved', requiredCertificates: ['iso13485', 'coc'], reason: 'Field failures closed', credential: password });
    const coc = await submitTestCertificate(t.ctx, as.supplier, uploads.dir, { number: 'COC-ASL-3', validTo: '2027-09-30', type: 'coc' });
    await rejectCertificate(t.ctx, as.qa, rp, { certificateId: coc.id, recordHash: coc.recordHash, reason: 'Wrong lot on the certificate', credential: password });
    expect(await entry(approvalId)).toMatchObject({ status: 'conditional', signature_id: null });
    const downgraded = { id: approvalId, status: 'conditional' };
    expect((await findings()).found).toEqual([]);
    const intact = await runCli(['audit', 'verify'], { DATABASE_URL: t.url });
    expect(intact.code, intact.stderr).toBe(0);
    expect((await checkSignedRecords(t.db)).findings).toEqual([]);

    // Someone holding the database file removes QA's signature from an entry: it now looks like a downgrade.
    const signed = (await t.db.get<{ id: string; signature_id: string; decided_by: string }>(
      'SELECT id, signature_id, decided_by FROM supplier_approvals WHERE signature_id IS NOT NULL ORDER BY id LIMIT 1',
    ))!;
    await t.db.run('UPDATE supplier_approvals SET signature_id = NULL, decided_by = NULL WHERE id = ?', [signed.id]);
    // And lifts the downgraded entry back to approved, unsigned.
    await t.db.run("UPDATE supplier_approvals SET status = 'approved' WHERE id = ?", [downgraded.id]);
    expect((await findings()).found).toEqual(
      expect.arrayContaining([
        { type: 'supplier_approval', id: signed.id, problem: 'signature_removed' },
        { type: 'supplier_approval', id: downgraded.id, problem: 'inconsistent' },
      ]),
    );
    expect((await findings()).found).toHaveLength(2);
    const cli = await runCli(['audit', 'verify'], { DATABASE_URL: t.url });
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain(`Record ALTERED: supplier_approval ${signed.id}: it carries no signature, yet the audit trail shows a signed decision, not an automatic downgrade`);
    expect(cli.stderr).toContain(`Record ALTERED: supplier_approval ${downgraded.id}: its columns differ from its hashed content`);
    const pq = await checkSignedRecords(t.db);
    expect(pq.status).toBe('fail');
    expect(pq.findings).toContainEqual({ code: 'validation.record_altered', params: { type: 'supplier_approval', id: signed.id, problem: 'signature_removed' } });

    await t.db.run('UPDATE supplier_approvals SET signature_id = ?, decided_by = ? WHERE id = ?', [signed.signature_id, signed.decided_by, signed.id]);
    await t.db.run('UPDATE supplier_approvals SET status = ? WHERE id = ?', [downgraded.status, downgraded.id]);
    expect((await findings()).found).toEqual([]);
  });

  it('an automatically downgraded entry is recomputed with the status and reason QA last signed: its supplier, scope or required certificates changed through the database file is found [REQ-P11-REC-01]', async () => {
    const findings = () => recordFindings(t.db, 'supplier_approval');
    // The entry the test before downgraded (a CoC rejected): unsigned, conditional, as the system left it.
    const before = (await t.db.get<{ supplier_id: string; item_gtin: string | null; item_category: string | null; required_certificates: string; status: string; signature_id: string | null }>(
      'SELECT supplier_id, item_gtin, item_category, required_certificates, status, signature_id FROM supplier_approvals WHERE id = ?',
      [approvalId],
    ))!;
    expect(before).toMatchObject({ status: 'conditional', signature_id: null, item_gtin: gtin });
    expect((await findings()).found).toEqual([]);
    const altered = [{ type: 'supplier_approval', id: approvalId, problem: 'altered' }];

    // Someone holding the database file drops the CoC the downgrade was for from what the entry requires ...
    await t.db.run("UPDATE supplier_approvals SET required_certificates = '[\"iso13485\"]' WHERE id = ?", [approvalId]);
    expect((await findings()).found).toEqual(altered);
    await t.db.run('UPDATE supplier_approvals SET required_certificates = ? WHERE id = ?', [before.required_certificates, approvalId]);
    // ... moves the entry to another supplier ...
    await t.db.run('UPDATE supplier_approvals SET supplier_id = ? WHERE id = ?', [as.other.organisationId, approvalId]);
    expect((await findings()).found).toEqual(altered);
    await t.db.run('UPDATE supplier_approvals SET supplier_id = ? WHERE id = ?', [before.supplier_id, approvalId]);
    // ... or widens it from one item to a whole category.
    await t.db.run("UPDATE supplier_approvals SET item_gtin = NULL, item_category = 'IIb' WHERE id = ?", [approvalId]);
    expect((await findings()).found).toEqual(altered);
    await t.db.run('UPDATE supplier_approvals SET item_gtin = ?, item_category = ? WHERE id = ?', [before.item_gtin, before.item_category, approvalId]);
    expect((await findings()).found).toEqual([]);
    const cli = await runCli(['audit', 'verify'], { DATABASE_URL: t.url });
    expect(cli.code, cli.stderr).toBe(0);
  });
});

describe('approved supplier list pages (built portal, real HTTP)', () => {
  let server: RunningServer;
  let db: Db;
  let clients: Record<'qa' | 'supplier' | 'other' | 'distributor', BrowserClient>;
  let ours: string;
  let theirs: string;

  beforeAll(async () => {
    server = await startBuiltServer();
    db = openServerDb(server);
    const ctx = { db, clock: systemClock, policy: defaultPolicy };
    const by = { type: 'system' as const, name: 'approved supplier list test' };
    const otherOrg = (await createOrganisation(ctx, by, { name: 'Ningbo Moulding Ltd.', kind: 'supplier', erpId: 'V-10077' })).id;
    await addUser(ctx, by, { ...other, role: 'supplier_user', organisationId: otherOrg });
    const qa = await actorFor(db, demo('manufacturer_qa').email);
    const supplierOrg = (await actorFor(db, demo('supplier_user').email)).organisationId;
    ours = (await setSupplierApproval(ctx, qa, rp, { supplierId: supplierOrg, itemGtin: gtin, status: 'conditional', requiredCertificates: ['iso13485', 'coc'], reason: 'Open audit finding', credential: password })).id;
    theirs = (await setSupplierApproval(ctx, qa, rp, { supplierId: otherOrg, itemCategory: 'IIa', status: 'pending', requiredCertificates: [], reason: 'Qualification running', credential: password })).id;
    clients = await signedInClients(server, db, { qa: demo('manufacturer_qa').email, supplier: demo('supplier_user').email, other: other.email, distributor: demo('distributor_user').email });
  });

  afterAll(async () => {
    db?.close();
    await server?.stop();
  });

  it('QA lists every entry and opens each; a supplier lists and opens only its own (404 for another\'s); a distributor is refused [REQ-P11-ACCESS-01]', async () => {
    const list = await markup(await clients.qa.get('/approved-suppliers'));
    expect(list).toContain(`/approved-suppliers/${ours}`);
    expect(list).toContain(`/approved-suppliers/${theirs}`);
    expect(list).toContain('data-testid="asl-create"');
    expect((await clients.qa.get(`/approved-suppliers/${theirs}`)).status).toBe(200);

    const own = await markup(await clients.supplier.get('/approved-suppliers'));
    expect(own).toContain(`/approved-suppliers/${ours}`);
    expect(own).not.toContain(theirs);
    expect(own).not.toContain('data-testid="asl-create"');
    const page = await markup(await clients.supplier.get(`/approved-suppliers/${ours}`));
    expect(page).toContain('Certificate of conformance with every lot');
    expect(page).not.toContain('data-testid="asl-change"');
    const foreign = await clients.supplier.get(`/approved-suppliers/${theirs}`);
    expect(foreign.status).toBe(404);
    await foreign.body?.cancel();
    const back = await clients.other.get(`/approved-suppliers/${ours}`);
    expect(back.status).toBe(404);
    await back.body?.cancel();
    const refused = await clients.distributor.get('/approved-suppliers');
    expect(refused.status).toBe(403);
    await refused.body?.cancel();
  });

  it('the lot page shows the flag worded in the reader\'s language, and the "flagged" filter lists the lot [REQ-ASL-03]', async () => {
    const ctx = { db, clock: systemClock, policy: defaultPolicy };
    await db.transaction((tx) => applyItemUpserted(tx, systemClock, { gtin, description: 'Three-way stopcock', unitOfMeasure: 'EA', deviceClass: 'IIa' }));
    const { stored } = await submitLots(ctx, await actorFor(db, demo('supplier_user').email), { source: 'form', lots: [{ gtin, lot: 'ASL-PAGE-1', quantity: 3 }] });
    const page = await markup(await clients.supplier.get(`/lots/${stored[0]!.id}`));
    expect(page).toContain('data-testid="lot-approval-flag"');
    expect(page).toContain('On the approved supplier list the supplier’s status for this item is “Conditional”.');
    clients.qa.cookies.set('lang', 'zh-CN');
    const zh = await markup(await clients.qa.get(`/lots/${stored[0]!.id}`));
    clients.qa.cookies.delete('lang');
    expect(zh).toContain('在合格供应商名录中，该供应商对此产品的状态为“有条件批准”。');
    expect(await markup(await clients.qa.get('/lots?flagged=1'))).toContain('ASL-PAGE-1');
  });

  it('the signed change form: a supplier is refused, a wrong password signs nothing, QA with its password changes the entry [REQ-ASL-01]', async () => {
    const form = { status: 'approved', requiredCertificates: 'iso13485', reason: 'Finding closed', password: 'wrong' };
    const bySupplier = await clients.supplier.postForm(`/approved-suppliers/${ours}?/change`, { ...form, password: demoPassword });
    expect(bySupplier.status).toBe(403);
    await bySupplier.body?.cancel();
    const wrong = await clients.qa.postForm(`/approved-suppliers/${ours}?/change`, form);
    expect(await markup(wrong)).toContain('The password is wrong');
    expect((await db.get<{ status: string }>('SELECT status FROM supplier_approvals WHERE id = ?', [ours]))!.status).toBe('conditional');
    const done = await clients.qa.postForm(`/approved-suppliers/${ours}?/change`, { ...form, password: demoPassword });
    expect(await markup(done)).toContain('data-testid="asl-saved"');
    expect((await db.get<{ status: string }>('SELECT status FROM supplier_approvals WHERE id = ?', [ours]))!.status).toBe('approved');
    const created = await clients.qa.postForm('/approved-suppliers?/create', { supplierId: (await actorFor(db, demo('supplier_user').email)).organisationId, itemGtin: otherGtin, status: 'pending', reason: 'New source', password: demoPassword });
    expect(created.status).toBe(303);
    expect(created.headers.get('location')).toMatch(/^\/approved-suppliers\/asl_/);
    await created.body?.cancel();
  });
});

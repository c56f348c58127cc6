// Validation reports in the portal and the nightly self-check (issue 19) against a real SQLite
// file seeded with the demo: QA uploads a package (report.json, report.pdf, report.sha256) and
// approves it signed with meaning approval (a failed report only with its deviation stated);
// malformed JSON and a PDF that is not its checksum are refused with field problems, nothing
// stored; only the manufacturer's QA uploads, suppliers and distributors do not see the page.
// The self-check runs once across two instances; a dropped trigger fails it and raises the alert
// on the administrator's and QA's home, which a later passing run clears. Then the same over HTTP.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../shared/auth/actor.ts';
import { demoPassword, seedDemo } from '../../shared/demo/seed-demo.ts';
import { createOrganisation } from '../../shared/organisations/create-organisation.ts';
import { addUser } from '../../shared/organisations/add-user.ts';
import { approveValidationReport, validationReportHash, type ValidationApprovalInput } from '../../shared/validation/approve-validation-report.ts';
import { listValidationReports } from '../../shared/validation/list-validation-reports.ts';
import { readValidationFile } from '../../shared/validation/read-validation-file.ts';
import { createSelfCheckScheduler, runSelfCheck, type SelfCheck } from '../../shared/validation/self-check.ts';
import { dataChecks, nightlyChecks } from '../../shared/validation/self-checks.ts';
import { installKeys } from '../../shared/keys/install-keys.ts';
import { readMigrationSources } from '../../shared/validation/read-installation.ts';
import { wordFinding } from '../../shared/validation/word-validation.ts';
import { translate } from '../../shared/i18n/index.ts';
import { adminWorkList } from '../../shared/home/admin-work-list.ts';
import { qaWorkList } from '../../shared/home/qa-work-list.ts';
import { verifyAuditChain } from '../../shared/audit/verify-audit-chain.ts';
import { recordFindings } from '../support/record-findings.ts';
import { verifySignatures } from '../../shared/signatures/verify-signatures.ts';
import { openDb, type Db } from '../../shared/db/index.ts';
import { createLogger } from '../../shared/log.ts';
import { systemClock } from '../../shared/clock.ts';
import { defaultPolicy } from '../../shared/auth/policy.ts';
import { migrationsDir, testDatabase, type TestDatabase } from '../support/database.ts';
import { actorFor } from '../support/actors.ts';
import { demo } from '../support/demo.ts';
import { refusal } from '../support/refusal.ts';
import { validationPackage, validationReport, type ValidationPackage } from '../support/validation-report.ts';
import { postMultipart } from '../support/uploads.ts';
import { BrowserClient, markup, openServerDb, signedInClients, startBuiltServer } from '../support/portal.ts';
import type { RunningServer } from '../support/server.ts';

const rp = { id: 'portal.lotbridge.test', name: 'Lotbridge', origin: 'https://portal.lotbridge.test' };
const limits = { maxBytes: 5 * 1024 * 1024 };
const by = { type: 'system' as const, name: 'validation portal test' };
const otherQa = { email: 'qa@other-maker.example', displayName: 'Ines Vogt', password: 'other-maker-qa-pass' };
const log = createLogger('error');

let t: TestDatabase;
const as = {} as Record<'qa' | 'admin' | 'supplier' | 'distributor' | 'otherQa', Actor>;
let day = 0;
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** A package of a report generated on its own day (the same report.json is approved once). */
const freshPackage = (failed = false) => validationPackage(validationReport({ failed, generatedAt: `2026-02-${String(++day).padStart(2, '0')}T22:15:00.000Z` }));

const approve = (pkg: Partial<ValidationPackage>, input: Partial<Omit<ValidationApprovalInput, 'json' | 'pdf' | 'checksums'>> & { password?: string } = {}, actor: Actor = as.qa) =>
  approveValidationReport(t.ctx, actor, rp, limits, {
    json: pkg.json ?? null,
    pdf: pkg.pdf ?? null,
    checksums: pkg.checksums ?? null,
    deviation: input.deviation,
    credential: { password: input.password ?? demoPassword },
  });

const count = async (table: string) => (await t.db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`))!.n;

beforeAll(async () => {
  t = await testDatabase();
  await seedDemo(t.ctx);
  // Keys installed, as `lotbridge migrate` leaves a production database (the IQ checks ask for them).
  await installKeys(t.ctx);
  const other = (await createOrganisation(t.ctx, by, { name: 'Other Maker GmbH', kind: 'manufacturer' })).id;
  await addUser(t.ctx, by, { ...otherQa, role: 'manufacturer_qa', organisationId: other });
  as.qa = await actorFor(t.db, demo('manufacturer_qa').email);
  as.admin = await actorFor(t.db, demo('manufacturer_admin').email);
  as.supplier = await actorFor(t.db, demo('supplier_user').email);
  as.distributor = await actorFor(t.db, demo('distributor_user').email);
  as.otherQa = await actorFor(t.db, otherQa.email);
});
afterAll(() => t?.close());

describe('approveValidationReport', () => {
  it('keeps a passed report: both files with their SHA-256, signed with meaning approval, audited, listed with its summary [REQ-VAL-02]', async () => {
    const pkg = await freshPackage();
    const { report, signature } = await approve(pkg);
    expect(signature).toMatchObject({ entityType: 'validation_report', entityId: report.id, meaning: 'approval', method: 'password', signerName: demo('manufacturer_qa').displayName, reason: null });
    expect(report).toMatchObject({
      passed: true,
      commit: '85a0a17c0ffee85a0a17c0ffee85a0a17c0ffee0',
      generatedAt: pkg.json && JSON.parse(new TextDecoder().decode(pkg.json.bytes)).generatedAt,
      deviation: null,
      summary: { checks: { total: 3, failed: 0 }, failedChecks: [], requirements: { total: 3, passed: 2, failed: 0, notRun: 1 }, clauses: { total: 3, passed: 2, failed: 0, gaps: 1 } },
      signature: { id: signature.id, meaning: 'approval' },
    });
    // The signature binds to both files' SHA-256 and the verdict.
    expect(report.files.json.sha256).toBe(sha(pkg.json.bytes));
    expect(report.files.pdf.sha256).toBe(sha(pkg.pdf.bytes));
    expect(signature.recordHash).toBe(
      validationReportHash({ organisationId: as.qa.organisationId, jsonSha256: sha(pkg.json.bytes), pdfSha256: sha(pkg.pdf.bytes), passed: true, commit: report.commit, generatedAt: report.generatedAt, deviation: null }),
    );
    expect(report.recordHash).toBe(signature.recordHash);
    // Both files are kept byte for byte and handed out to the manufacturer's staff.
    expect(Buffer.from((await readValidationFile(t.ctx, as.admin, report.id, 'json')).bytes)).toEqual(Buffer.from(pkg.json.bytes));
    const pdf = await readValidationFile(t.ctx, as.qa, report.id, 'pdf');
    expect(pdf.contentType).toBe('application/pdf');
    expect(Buffer.from(pdf.bytes)).toEqual(Buffer.from(pkg.pdf.bytes));
    // Audited: the files stored, the signature applied and the approval; the chain and the signatures verify.
    const actions = (await t.db.all<{ action: string }>('SELECT action FROM audit_log WHERE entity_id IN (?, ?, ?) ORDER BY seq', [report.id, ...(await t.db.all<{ id: string }>('SELECT json_file_id AS id FROM validation_reports WHERE id = ? UNION ALL SELECT pdf_file_id FROM validation_reports WHERE id = ?', [report.id, report.id])).map((r) => r.id)])).map((r) => r.action);
    expect(actions).toEqual(['file.stored', 'file.stored', 'signature.applied', 'validation_report.approved']);
    const audited = await t.db.get<{ new_values: string; actor_id: string }>("SELECT new_values, actor_id FROM audit_log WHERE action = 'validation_report.approved' AND entity_id = ?", [report.id]);
    expect(JSON.parse(audited!.new_values)).toMatchObject({ passed: true, meaning: 'approval', signature: signature.id, recordHash: signature.recordHash });
    expect(audited!.actor_id).toBe(as.qa.userId);
    expect((await verifyAuditChain(t.db)).ok).toBe(true);
    expect((await verifySignatures(t.db)).problems).toEqual([]);
    // Listed for QA and the administrator, offered the upload form to QA only.
    const forQa = await listValidationReports(t.ctx, as.qa);
    expect(forQa.reports.map((r) => r.id)).toContain(report.id);
    expect(forQa.permissions.approve).toBe(true);
    expect((await listValidationReports(t.ctx, as.admin)).permissions.approve).toBe(false);
    // A report is never edited nor deleted.
    await expect(t.db.run("UPDATE validation_reports SET deviation = 'x' WHERE id = ?", [report.id])).rejects.toThrow(/never edited/);
    await expect(t.db.run('DELETE FROM validation_reports WHERE id = ?', [report.id])).rejects.toThrow(/kept/);
  });

  it('approved reports are in the record hash re-verification (lotbridge audit verify, validate PQ): an intact one passes; its verdict changed through the database file is found [REQ-P11-REC-01]', async () => {
    const { report } = await approve(await freshPackage());
    const findings = () => recordFindings(t.db, 'validation_report');
    const intact = await findings();
    expect(intact.checked).toBeGreaterThan(0);
    expect(intact.found).toEqual([]);

    // Someone holding the database file records a stated deviation on the passed report (and puts the trigger back).
    const bypass = async (deviation: string | null) => {
      await t.db.run('DROP TRIGGER validation_reports_no_update');
      await t.db.run('UPDATE validation_reports SET deviation = ? WHERE id = ?', [deviation, report.id]);
      await t.db.run("CREATE TRIGGER validation_reports_no_update BEFORE UPDATE ON validation_reports BEGIN SELECT RAISE(ABORT, 'a validation report is never edited'); END");
    };
    await bypass('Accepted: one check skipped');
    expect((await findings()).found).toEqual([{ type: 'validation_report', id: report.id, problem: 'altered' }]);
    await bypass(null);
    expect((await findings()).found).toEqual([]);
  });

  it('refuses malformed report.json with a field problem saying where, nothing stored [REQ-VAL-02]', async () => {
    const before = await count('stored_files');
    const notJson = await validationPackage({ jsonText: '{"format": "lotbridge-validation/1", ' });
    expect((await refusal(approve(notJson))).problems).toEqual({ json: { code: 'validationPortal.jsonUnreadable' } });
    const otherFormat = await validationPackage({ ...validationReport(), format: 'something-else/2' } as never);
    expect((await refusal(approve(otherFormat))).problems).toEqual({ json: { code: 'validationPortal.jsonMalformed', params: { at: '/format', expected: 'lotbridge-validation/1' } } });
    const badCheck = validationReport();
    (badCheck.checks[1] as { status: string }).status = 'ok';
    expect((await refusal(approve(await validationPackage(badCheck)))).problems).toEqual({
      json: { code: 'validationPortal.jsonMalformed', params: { at: '/checks/1/status', expected: 'pass, fail or skipped' } },
    });
    // A report that claims to pass with a failed check is not what lotbridge validate writes.
    const claims = { ...validationReport({ failed: true }), passed: true };
    expect((await refusal(approve(await validationPackage(claims)))).problems?.json).toMatchObject({ code: 'validationPortal.jsonMalformed', params: { at: '/passed' } });
    // Missing files, each named.
    expect((await refusal(approve({}))).problems).toMatchObject({
      json: { code: 'validationPortal.jsonMissing' },
      pdf: { code: 'validationPortal.pdfMissing' },
      checksums: { code: 'validationPortal.checksumsMissing' },
    });
    expect(await count('stored_files')).toBe(before);
  });

  it('refuses a PDF (or JSON) whose SHA-256 is not its checksum, and a PDF that is no PDF, nothing stored [REQ-VAL-02]', async () => {
    const before = await count('stored_files');
    const pkg = await freshPackage();
    const other = await validationPackage(validationReport(), 'Another run');
    const mismatch = await refusal(approve({ ...pkg, pdf: other.pdf }));
    expect(mismatch.code).toBe('invalid_input');
    expect(mismatch.problems).toEqual({ pdf: { code: 'validationPortal.checksumMismatch', params: expect.objectContaining({ name: 'report.pdf' }) } });
    const edited = new Uint8Array([...pkg.json.bytes.slice(0, -1), 0x20, 0x7d]);
    expect((await refusal(approve({ ...pkg, json: { name: 'report.json', bytes: edited } }))).problems).toMatchObject({ json: { code: 'validationPortal.checksumMismatch' } });
    const noSums = { name: 'report.sha256', bytes: new TextEncoder().encode('nothing here\n') };
    expect((await refusal(approve({ ...pkg, checksums: noSums }))).problems).toEqual({ checksums: { code: 'validationPortal.checksumsUnreadable' } });
    // A "PDF" that is not one, with its right checksum: refused as any uploaded PDF would be.
    const text = new TextEncoder().encode('not a pdf');
    const sums = new TextEncoder().encode(`${sha(text)}  report.pdf\n${new TextDecoder().decode(pkg.checksums.bytes).split('\n')[0]}\n`);
    expect((await refusal(approve({ json: pkg.json, pdf: { name: 'report.pdf', bytes: text }, checksums: { name: 'report.sha256', bytes: sums } }))).problems).toEqual({
      pdf: { code: 'files.notPdf' },
    });
    expect(await count('stored_files')).toBe(before);
  });

  it('approves a failed report only with the deviation stated, signed with it as its reason [REQ-VAL-02]', async () => {
    const pkg = await freshPackage(true);
    const without = await refusal(approve(pkg));
    expect(without.problems).toEqual({ deviation: { code: 'validationPortal.deviationRequired', params: { failed: 2 } } });
    expect((await refusal(approve(pkg, { deviation: '   ' }))).problems).toMatchObject({ deviation: { code: 'validationPortal.deviationRequired' } });
    const deviation = 'signatures_no_update restored by the DBA on 2026-03-02 (CR-118); test re-run passed';
    const { report, signature } = await approve(pkg, { deviation });
    expect(report).toMatchObject({ passed: false, deviation, summary: { checks: { failed: 1 }, failedChecks: ['iq.triggers'], requirements: { failed: 1 }, clauses: { failed: 1, gaps: 1 } } });
    expect(signature).toMatchObject({ meaning: 'approval', reason: deviation });
    const audited = await t.db.get<{ reason: string }>("SELECT reason FROM audit_log WHERE action = 'validation_report.approved' AND entity_id = ?", [report.id]);
    expect(audited!.reason).toBe(deviation);
    // The database holds the rule too: a failed report without a deviation cannot be written.
    await expect(
      t.db.run(
        `INSERT INTO validation_reports (id, organisation_id, json_file_id, pdf_file_id, passed, generated_at, summary, record_hash, signature_id, approved_by, approved_at)
         SELECT 'vrp_raw', organisation_id, json_file_id, pdf_file_id, 0, generated_at, summary, record_hash, signature_id, approved_by, approved_at FROM validation_reports WHERE id = ?`,
        [report.id],
      ),
    ).rejects.toThrow(/CHECK/);
  });

  it('refuses a wrong password (nothing stored) and the same report.json a second time [REQ-VAL-02]', async () => {
    const before = await count('stored_files');
    const pkg = await freshPackage();
    expect((await refusal(approve(pkg, { password: 'not-the-password' }))).code).toBe('invalid_credentials');
    expect((await refusal(approve(pkg, { password: '' }))).problems).toEqual({ password: { code: 'signatures.passwordRequired' } });
    expect(await count('stored_files')).toBe(before);
    await approve(pkg);
    const again = await refusal(approve({ ...pkg }));
    expect(again.code).toBe('conflict');
    expect(again.problems?.json).toMatchObject({ code: 'validationPortal.alreadyApproved' });
  });

  it('is QA’s of the manufacturer only: the administrator is refused (403), suppliers and distributors do not find it (404), another manufacturer sees none [REQ-VAL-02]', async () => {
    const pkg = await freshPackage();
    expect((await refusal(approve(pkg, {}, as.admin))).code).toBe('forbidden');
    expect((await refusal(approve(pkg, {}, as.supplier))).code).toBe('forbidden');
    expect((await refusal(listValidationReports(t.ctx, as.supplier))).code).toBe('not_found');
    expect((await refusal(listValidationReports(t.ctx, as.distributor))).code).toBe('not_found');
    const ours = (await listValidationReports(t.ctx, as.qa)).reports[0]!;
    expect((await refusal(readValidationFile(t.ctx, as.supplier, ours.id, 'pdf'))).code).toBe('not_found');
    expect((await refusal(readValidationFile(t.ctx, as.otherQa, ours.id, 'pdf'))).code).toBe('not_found');
    expect((await refusal(readValidationFile(t.ctx, as.qa, ours.id, 'exe'))).code).toBe('not_found');
    expect((await listValidationReports(t.ctx, as.otherQa)).reports).toEqual([]);
    // The other manufacturer's QA approves the same package for itself: its own record.
    const theirs = await approveValidationReport(t.ctx, as.otherQa, rp, limits, { ...pkg, credential: { password: otherQa.password } });
    expect((await listValidationReports(t.ctx, as.otherQa)).reports.map((r) => r.id)).toEqual([theirs.report.id]);
    expect((await listValidationReports(t.ctx, as.qa)).reports.map((r) => r.id)).not.toContain(theirs.report.id);
  });
});

describe('the nightly self-check', () => {
  const { files, sha256Sums } = readMigrationSources(migrationsDir);
  const checks = async () => nightlyChecks({ migrations: files, sha256Sums }, { policy: defaultPolicy, publicUrl: undefined, trustProxy: false });
  // The IQ clock check reads ours against the database's: the runs of every check are on the real clock.
  const live = () => ({ ...t.ctx, clock: systemClock });
  const drift = async (list: Promise<{ entries: { kind: string; count: number; items: unknown[] }[] }>) => (await list).entries.find((e) => e.kind === 'validationDrift')!;

  it('runs once across two instances on one database, then not again before the next night [REQ-VAL-03]', async () => {
    const other = openDb(t.url);
    try {
      const list = [dataChecks];
      const first = createSelfCheckScheduler({ ctx: t.ctx, log, checks: list });
      const second = createSelfCheckScheduler({ ctx: { ...t.ctx, db: other }, log, checks: list });
      const before = await count('validation_self_checks');
      const outcomes = await Promise.all([first.runOnce(), second.runOnce()]);
      const ran = outcomes.filter((o) => o.ran && o.result.ran);
      expect(ran).toHaveLength(1);
      expect(ran[0]).toEqual({ ran: true, result: { ran: true, passed: true, failed: [] } });
      expect(await count('validation_self_checks')).toBe(before + 1);
      // Later the same night, on either instance: done already.
      t.clock.advance(3_600_000);
      expect(await second.runOnce()).toEqual({ ran: true, result: { ran: false, reason: 'not due' } });
      expect(await count('validation_self_checks')).toBe(before + 1);
      // After 02:00 UTC the next night it is due again, and runs once.
      t.clock.advance(24 * 3_600_000);
      const next = await Promise.all([second.runOnce(), first.runOnce()]);
      expect(next.filter((o) => o.ran && o.result.ran)).toHaveLength(1);
      expect(await count('validation_self_checks')).toBe(before + 2);
    } finally {
      other.close();
    }
  });

  it('a dropped trigger fails the check and raises the alert on the administrator’s and QA’s home, worded; a later run that passes clears it [REQ-VAL-03]', async () => {
    const list = await checks();
    const sql = (await t.db.get<{ sql: string }>("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'signatures_no_delete'"))!.sql;
    await t.db.run('DROP TRIGGER signatures_no_delete');
    const run = await runSelfCheck(live(), list);
    expect(run.passed).toBe(false);
    expect(run.checks.filter((c) => c.status === 'fail').map((c) => c.id)).toEqual(['iq.triggers']);
    expect(run.checks.find((c) => c.id === 'iq.triggers')).toMatchObject({ status: 'fail', findings: [{ code: 'validation.trigger_missing', params: { trigger: 'signatures_no_delete' } }] });
    for (const home of [adminWorkList(t.ctx, as.admin), qaWorkList(t.ctx, as.qa, { graceDays: 14 })]) {
      const entry = await drift(home);
      expect(entry).toMatchObject({ count: 1, href: '/validation#self-check', items: [{ id: 'iq.triggers', when: 'failed', overdue: false, finding: { code: 'validation.trigger_missing' } }] });
    }
    const item = (await drift(adminWorkList(t.ctx, as.admin))).items[0] as { finding: { code: string; params: Record<string, string> } };
    // Worded from validate19's catalogue (validation.problem.trigger_missing), in each language.
    expect(wordFinding('en', item.finding)).toBe(translate('en', 'validation.problem.trigger_missing', { trigger: 'signatures_no_delete' }));
    expect(wordFinding('en', item.finding)).toContain('signatures_no_delete');
    expect(wordFinding('zh-CN', item.finding)).toBe(translate('zh-CN', 'validation.problem.trigger_missing', { trigger: 'signatures_no_delete' }));
    expect(wordFinding('zh-CN', item.finding)).not.toBe(wordFinding('en', item.finding));

    // Restored; the next run passes and the alert is gone.
    await t.db.run(sql);
    expect((await runSelfCheck(live(), list)).passed).toBe(true);
    expect(await drift(adminWorkList(t.ctx, as.admin))).toMatchObject({ count: 0, items: [] });
    expect(await drift(qaWorkList(t.ctx, as.qa, { graceDays: 14 }))).toMatchObject({ count: 0, items: [] });
  });

  it('a check that throws is a failed check with its message, and the others still run [REQ-VAL-03]', async () => {
    const crashing: SelfCheck = { id: 'iq.clock', part: 'IQ', run: async () => { throw new Error('no time source'); } };
    const run = await runSelfCheck(live(), [crashing, ...(await checks())]);
    expect(run.passed).toBe(false);
    expect(run.checks.map((c) => [c.id, c.status])).toEqual([
      ['iq.clock', 'fail'],
      ['iq.migrations', 'pass'],
      ['iq.triggers', 'pass'],
      ['iq.security', 'pass'],
      ['iq.keys', 'pass'],
      ['iq.clock', 'pass'],
      ['pq.audit_chain', 'pass'],
      ['pq.signed_records', 'pass'],
    ]);
    expect(run.checks[0]!.findings).toEqual([{ code: 'validationPortal.finding.checkFailed', params: { check: 'iq.clock', message: 'no time source' } }]);
    // Cleared again for the tests after this one.
    expect((await runSelfCheck(live(), await checks())).passed).toBe(true);
  });
});

describe('the validation page over HTTP (the built portal on loopback)', () => {
  let server: RunningServer;
  let db: Db;
  const clients = {} as Record<'qa' | 'admin' | 'supplier' | 'distributor', BrowserClient>;
  const stored = async () => (await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM stored_files'))!.n;
  const files = (pkg: ValidationPackage) => [
    { field: 'json', ...pkg.json, type: 'application/json' },
    { field: 'pdf', ...pkg.pdf },
    { field: 'checksums', ...pkg.checksums, type: 'text/plain' },
  ];

  beforeAll(async () => {
    server = await startBuiltServer();
    db = openServerDb(server);
    Object.assign(
      clients,
      await signedInClients(server, db, {
        qa: demo('manufacturer_qa').email,
        admin: demo('manufacturer_admin').email,
        supplier: demo('supplier_user').email,
        distributor: demo('distributor_user').email,
      }),
    );
  });
  afterAll(async () => {
    db?.close();
    await server?.stop();
  });

  it('suppliers and distributors get 404, the administrator the page without the upload, QA the upload form [REQ-VAL-02]', async () => {
    expect((await clients.supplier.get('/validation')).status).toBe(404);
    expect((await clients.distributor.get('/validation')).status).toBe(404);
    const admin = await clients.admin.get('/validation');
    expect(admin.status).toBe(200);
    expect(await markup(admin)).not.toContain('data-testid="approve-form"');
    expect(await markup(await clients.qa.get('/validation'))).toContain('data-testid="approve-form"');
  });

  it('refuses an upload from a supplier (404) and the administrator (403), nothing stored [REQ-VAL-02]', async () => {
    const pkg = await freshPackage();
    const before = await stored();
    expect((await postMultipart(clients.supplier, '/validation?/approve', { password: demoPassword }, files(pkg))).status).toBe(404);
    expect((await postMultipart(clients.admin, '/validation?/approve', { password: demoPassword }, files(pkg))).status).toBe(403);
    expect(await stored()).toBe(before);
  });

  it('QA’s malformed upload is refused with the problem worded at its field; a good one is approved, listed and downloadable by staff only [REQ-VAL-02]', async () => {
    const bad = await validationPackage({ ...validationReport(), format: 'something-else/2' } as never);
    const refused = await postMultipart(clients.qa, '/validation?/approve', { password: demoPassword }, files(bad));
    expect(refused.status).toBe(400);
    const page = await markup(refused);
    expect(page).toContain('id="json-problem"');
    expect(page).toContain('This is not a Lotbridge validation report: at /format it should have lotbridge-validation/1.');

    const pkg = await freshPackage(true);
    const deviation = 'Known failure CR-120, accepted';
    const ok = await postMultipart(clients.qa, '/validation?/approve', { password: demoPassword, deviation }, files(pkg));
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/validation?approved=1#reports');
    const row = await db.get<{ id: string; passed: number; deviation: string; meaning: string }>(
      'SELECT r.id, r.passed, r.deviation, s.meaning FROM validation_reports r JOIN signatures s ON s.id = r.signature_id ORDER BY r.approved_at DESC LIMIT 1',
    );
    expect(row).toMatchObject({ passed: 0, deviation, meaning: 'approval' });
    const listed = await markup(await clients.admin.get('/validation'));
    expect(listed).toContain(`data-id="${row!.id}"`);
    expect(listed).toContain('Checks failed: 1 of 3');
    expect(listed).toContain('Requirements: 1 passed, 1 failed, 1 not run');
    expect(listed).toContain('Clauses: 1 covered, 1 failed, 1 gaps');
    expect(listed).toContain(`Deviation accepted: ${deviation}`);

    const pdf = await clients.admin.get(`/validation/${row!.id}/pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(Buffer.from(await pdf.arrayBuffer())).toEqual(Buffer.from(pkg.pdf.bytes));
    const json = await clients.qa.get(`/validation/${row!.id}/json`);
    expect(json.headers.get('content-type')).toBe('application/json');
    expect(Buffer.from(await json.arrayBuffer())).toEqual(Buffer.from(pkg.json.bytes));
    expect((await clients.supplier.get(`/validation/${row!.id}/pdf`)).status).toBe(404);
    expect((await clients.distributor.get(`/validation/${row!.id}/json`)).status).toBe(404);
  });

  it('the drift alert on the administrator’s and QA’s home, in their language, gone after a passing run [REQ-VAL-03]', async () => {
    const ctx = { db, clock: systemClock, policy: defaultPolicy };
    const failing: SelfCheck = {
      id: 'iq.triggers',
      part: 'IQ',
      run: async () => ({ id: 'iq.triggers', part: 'IQ', status: 'fail', facts: {}, findings: [{ code: 'validation.trigger_missing', params: { trigger: 'audit_log_no_update' } }] }),
    };
    await runSelfCheck(ctx, [failing]);
    const admin = await markup(await clients.admin.get('/home'));
    expect(admin).toContain('data-kind="validationDrift"');
    expect(admin).toContain('The protective trigger audit_log_no_update is missing from the database.');
    clients.qa.cookies.set('lang', 'zh-CN');
    const qa = await markup(await clients.qa.get('/home'));
    expect(qa).toContain('验证自检：发现偏离');
    expect(qa).toContain('数据库中缺少保护性触发器 audit_log_no_update。');
    clients.qa.cookies.delete('lang');
    // The validation page lists the run's failing check.
    expect(await markup(await clients.admin.get('/validation'))).toContain('data-check="iq.triggers" data-status="fail"');

    await runSelfCheck(ctx, [{ ...failing, run: async () => ({ id: 'iq.triggers', part: 'IQ', status: 'pass', facts: {}, findings: [] }) }]);
    expect(await markup(await clients.admin.get('/home'))).not.toContain('data-kind="validationDrift"');
  });
});

// Supplier certificates against the real server and its real SQLite file: every validation
// rule of the upload, the lifecycle submitted → approved / rejected → superseded with QA's
// electronic signature (password re-authentication; the passkey ceremony is the browser
// tier's), the audit trail and outbox events of each step, and the refusal of everyone who
// is not the owning supplier or the manufacturer's staff on every route.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../shared/db/index.ts';
import type { UseCaseContext } from '../../shared/context.ts';
import { systemClock } from '../../shared/clock.ts';
import { defaultPolicy } from '../../shared/auth/policy.ts';
import type { Actor } from '../../shared/auth/actor.ts';
import { demoPassword } from '../../shared/demo/seed-demo.ts';
import { createOrganisation } from '../../shared/organisations/create-organisation.ts';
import { addUser } from '../../shared/organisations/add-user.ts';
import { verifyAuditChain } from '../../shared/audit/verify-audit-chain.ts';
import { verifyRecordHashes } from '../../shared/signatures/verify-record-hashes.ts';
import { webhookBody } from '../../shared/webhooks/webhook-dispatcher.ts';
import { validateEvent } from '../../shared/events/validate-event.ts';
import { certificateRecordHash, certificateSelect, toCertificate, type CertificateRow } from '../../shared/certificates/certificate.ts';
import { listCertificates } from '../../shared/certificates/list-certificates.ts';
import { storeUpload } from '../../shared/files/store-upload.ts';
import { LocalFileStorage } from '../../shared/files/local-file-storage.ts';
import { testDatabase } from '../support/database.ts';
import { tempDir, type RunningServer } from '../support/server.ts';
import { BrowserClient, demoIds, insertPasskey, openServerDb, rawClient, startBuiltServer, signedInClients } from '../support/portal.ts';
import { demo } from '../support/demo.ts';
import { pdfBytes, postMultipart } from '../support/uploads.ts';

const supplier = demo('supplier_user');
const qa = demo('manufacturer_qa');
const admin = demo('manufacturer_admin');
const distributor = demo('distributor_user');
const other = { email: 'quality@ningbo-moulding.example', displayName: '陈刚 (Chen Gang)', password: 'ningbo-supplier-pass' };
const qa2 = { email: 'qa2@meridian-medical.example', displayName: 'Sam Ortiz', password: 'second-qa-password' };
const lockoutThreshold = 3;
const validGtin = '09506000134352';
const badGtin = '09506000134353';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

type Fields = Record<string, string>;

function certificateFields(overrides: Fields = {}): Fields {
  return {
    type: 'iso13485',
    number: `SX ${Math.floor(Math.random() * 1e8)}`,
    issuer: 'TÜV SÜD Product Service GmbH (0123)',
    scope: 'Design and manufacture of precision-moulded components',
    gtins: validGtin,
    lots: 'L2403A\nL2403B',
    validFrom: '2026-03-01',
    validTo: '2029-02-28',
    ...overrides,
  };
}

/** The id from the redirect to the new version's page. */
async function submittedId(res: Response): Promise<string> {
  const body = await res.text();
  expect(res.status, body.slice(0, 2000)).toBe(303);
  const m = /^\/certificates\/(cer_[a-z2-7]+)\?submitted=1$/.exec(res.headers.get('location') ?? '');
  expect(m, res.headers.get('location') ?? '').not.toBeNull();
  return m![1]!;
}

describe('certificates', () => {
  let server: RunningServer;
  let uploads: { dir: string; remove(): void };
  let db: Db;
  let ctx: UseCaseContext;
  let ids: Awaited<ReturnType<typeof demoIds>>;
  let otherOrgId: string;
  const as: Record<'supplier' | 'other' | 'qa' | 'qa2' | 'admin' | 'distributor', BrowserClient> = {} as never;

  const certificateRow = async (id: string) => (await db.get<CertificateRow>(`${certificateSelect} WHERE c.id = ?`, [id]))!;
  const counts = async () => ({
    certificates: (await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM certificates'))!.n,
    files: (await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM stored_files'))!.n,
    onDisk: readdirSync(uploads.dir, { recursive: true }).filter((f) => String(f).endsWith('.pdf')).length,
  });

  async function submit(client: BrowserClient, overrides: Fields = {}, title = 'ISO 13485 certificate'): Promise<string> {
    return submittedId(await postMultipart(client, '/certificates?/submit', certificateFields(overrides), { name: `${title}.pdf`, bytes: await pdfBytes(title) }));
  }

  function decide(client: BrowserClient, id: string, action: 'approve' | 'reject', fields: Fields): Promise<Response> {
    return client.postForm(`/certificates/${id}?/${action}`, fields);
  }

  async function recordHashOf(id: string): Promise<string> {
    return (await certificateRow(id)).record_hash;
  }

  /** The outbox events of one certificate series, as the dispatcher would post them, validated against the catalogue. */
  async function seriesEvents(seriesId: string) {
    const rows = await db.all<{ event_type: string; occurred_at: string; payload: string; aggregate_type: string; aggregate_id: string; aggregate_seq: number }>(
      "SELECT event_type, occurred_at, payload, aggregate_type, aggregate_id, aggregate_seq FROM outbox WHERE aggregate_type = 'certificate' AND aggregate_id = ? ORDER BY position",
      [seriesId],
    );
    return rows.map((r) => validateEvent(JSON.parse(webhookBody(r)), 'outbound'));
  }

  async function failedAttempts(email: string): Promise<number> {
    return (await db.get<{ failed_attempts: number }>('SELECT failed_attempts FROM users WHERE email = ?', [email]))!.failed_attempts;
  }

  beforeAll(async () => {
    uploads = tempDir('lotbridge-uploads-');
    server = await startBuiltServer({
      UPLOAD_DIR: uploads.dir,
      UPLOAD_MAX_MB: '1',
      LOCKOUT_THRESHOLD: String(lockoutThreshold),
    });
    db = openServerDb(server);
    ctx = { db, clock: systemClock, policy: defaultPolicy };
    ids = await demoIds(db);
    const by = { type: 'system' as const, name: 'certificates test' };
    otherOrgId = (await createOrganisation(ctx, by, { name: 'Ningbo Moulding Ltd.', kind: 'supplier', erpId: 'V-10077' })).id;
    await addUser(ctx, by, { ...other, role: 'supplier_user', organisationId: otherOrgId });
    await addUser(ctx, by, { ...qa2, role: 'manufacturer_qa', organisationId: ids.org.manufacturer.id });
    const emails = { supplier: supplier.email, other: other.email, qa: qa.email, qa2: qa2.email, admin: admin.email, distributor: distributor.email };
    Object.assign(as, await signedInClients(server, db, emails));
  });

  afterAll(async () => {
    db?.close();
    await server?.stop();
    uploads?.remove();
  });

  describe('upload validation (nothing is stored when anything is wrong)', () => {
    async function refused(fields: Fields, file: { name: string; bytes: Uint8Array } | undefined, expected: string[]): Promise<string> {
      const before = await counts();
      const res = await postMultipart(as.supplier, '/certificates?/submit', fields, file);
      const html = await res.text();
      expect(res.status, html.slice(0, 500)).toBe(400);
      for (const text of expected) expect(html).toContain(text);
      expect(await counts()).toEqual(before);
      return html;
    }

    it('refuses a text file renamed to .pdf, judged by its content', async () => {
      const html = await refused(certificateFields(), { name: 'certificate.pdf', bytes: new TextEncoder().encode('Certificate no. 123, trust me.\n') }, [
        'This file is not a PDF (judged by its content, not its name).',
      ]);
      expect(html).toContain('id="upload-file-problem" data-problem="files.notPdf"');
      expect(html).toMatch(/id="upload-file"[^>]*aria-invalid="true"/);
    });

    it('refuses a PDF cut off before its end, and one that is only a header and a trailer', async () => {
      const bytes = await pdfBytes('cut');
      await refused(certificateFields(), { name: 'cut.pdf', bytes: bytes.subarray(0, bytes.length - 40) }, ['This PDF is incomplete']);
      await refused(certificateFields(), { name: 'fake.pdf', bytes: new TextEncoder().encode('%PDF-1.7\nnot really\n%%EOF\n') }, [
        'This PDF is damaged or has no pages and cannot be read.',
      ]);
    });

    it('refuses a file over UPLOAD_MAX_MB', async () => {
      const big = new Uint8Array(1024 * 1024 + 10);
      big.set(await pdfBytes('big'));
      await refused(certificateFields(), { name: 'big.pdf', bytes: big }, ['The file is larger than 1 MB.']);
    });

    it('refuses an empty file and a form without a file', async () => {
      await refused(certificateFields(), { name: 'empty.pdf', bytes: new Uint8Array() }, ['The file is empty.']);
      await refused(certificateFields(), undefined, ['Choose the PDF file of the certificate.']);
    });

    it('refuses a GTIN with a wrong check digit, naming it', async () => {
      const html = await refused(certificateFields({ gtins: `${validGtin}, ${badGtin}, 12345` }), { name: 'c.pdf', bytes: await pdfBytes('gtin') }, [
        'The certificate was not submitted. Please correct the fields marked below.',
        `Not a valid GTIN (length or check digit): ${badGtin}, 12345`,
      ]);
      expect(html).toMatch(/id="upload-gtins"[^>]*aria-invalid="true"/);
    });

    it('refuses a lot longer than 20 characters', async () => {
      await refused(certificateFields({ lots: 'L1\nLOT-NUMBER-FAR-TOO-LONG-1' }), { name: 'c.pdf', bytes: await pdfBytes('lot') }, [
        'Not a valid lot (1 to 20 characters): LOT-NUMBER-FAR-TOO-LONG-1',
      ]);
    });

    it('refuses a validity that ends before it starts, and dates that are not dates', async () => {
      await refused(certificateFields({ validFrom: '2026-03-01', validTo: '2026-02-28' }), { name: 'c.pdf', bytes: await pdfBytes('dates') }, [
        'The end of validity is before its start.',
      ]);
      const html = await refused(certificateFields({ validFrom: '2026-02-30', validTo: '01.03.2029' }), { name: 'c.pdf', bytes: await pdfBytes('dates') }, [
        'Enter a date (YYYY-MM-DD).',
      ]);
      expect(html).toMatch(/id="upload-validFrom-problem"[^>]*>Enter a date \(YYYY-MM-DD\)\.</);
      expect(html).toMatch(/id="upload-validTo-problem"[^>]*>Enter a date \(YYYY-MM-DD\)\.</);
    });

    it('refuses missing fields all at once, with the typed values kept', async () => {
      const html = await refused({ type: '', number: '  ', issuer: '', scope: '', gtins: '', lots: 'KEEP-ME-1', validFrom: '', validTo: '' }, undefined, [
        'Choose the PDF file of the certificate.',
        'KEEP-ME-1',
      ]);
      for (const name of ['type', 'number', 'issuer', 'scope', 'validFrom', 'validTo']) {
        expect(html, name).toMatch(new RegExp(`id="upload-${name}-problem"[^>]*>Required\\.<`));
      }
    });

    it('refuses an unknown type', async () => {
      await refused(certificateFields({ type: 'iso9001' }), { name: 'c.pdf', bytes: await pdfBytes('type') }, ['Choose one of the certificate types.']);
    });

    it("refuses a new version of another organisation's certificate as if it did not exist", async () => {
      const theirs = await submit(as.other, {}, 'Ningbo ISO');
      const series = (await certificateRow(theirs)).series_id;
      await refused(certificateFields({ replacesSeriesId: series }), { name: 'c.pdf', bytes: await pdfBytes('hijack') }, ['This is not one of your certificates.']);
      await refused(certificateFields({ replacesSeriesId: 'cers_doesnotexist' }), { name: 'c.pdf', bytes: await pdfBytes('hijack') }, [
        'This is not one of your certificates.',
      ]);
    });

    it('explains refusals in Chinese to a Chinese user', async () => {
      const zh = new BrowserClient(server.url);
      zh.cookies.set('lang', 'zh-CN');
      zh.cookies.set('lotbridge_session', as.supplier.cookies.get('lotbridge_session')!);
      const res = await postMultipart(zh, '/certificates?/submit', certificateFields({ validTo: '2020-01-01' }), {
        name: 'c.pdf',
        bytes: new TextEncoder().encode('plain text'),
      });
      const html = await res.text();
      expect(res.status).toBe(400);
      expect(html).toContain('此文件不是 PDF（按文件内容而非文件名判断）。');
      expect(html).toContain('有效期截止日期早于起始日期。');
    });
  });

  describe('submitted → approved', () => {
    let id: string;
    let seriesId: string;
    let bytes: Uint8Array;

    it('stores the PDF outside the database under UPLOAD_DIR/<organisation>/, with its SHA-256, and the version as submitted', async () => {
      bytes = await pdfBytes('Approval candidate');
      id = await submittedId(
        await postMultipart(as.supplier, '/certificates?/submit', certificateFields({ number: 'SX 60123456 0001', gtins: `${validGtin}\n9506000134352` }), {
          name: 'C:\\fakepath\\ISO 13485 证书.pdf',
          bytes,
        }),
      );
      const row = await certificateRow(id);
      seriesId = row.series_id;
      expect(row).toMatchObject({ state: 'submitted', version: 1, organisation_id: ids.org.supplier.id, type: 'iso13485', number: 'SX 60123456 0001', decided_at: null });
      // The same GTIN given as GTIN-13 and GTIN-14 is one product, stored as GTIN-14.
      expect(JSON.parse(row.covers)).toEqual({ gtins: [validGtin], lots: ['L2403A', 'L2403B'] });
      expect(row.file_sha256).toBe(sha256(bytes));
      expect(row.file_name).toBe('ISO 13485 证书.pdf');
      expect(row.file_storage_key).toBe(`${ids.org.supplier.id}/${row.file_id}.pdf`);
      const onDisk = readFileSync(join(uploads.dir, row.file_storage_key));
      expect(sha256(onDisk)).toBe(sha256(bytes));
      // Written to a temporary name and renamed: nothing half-written is left beside it.
      expect(readdirSync(join(uploads.dir, ids.org.supplier.id)).filter((f) => !f.endsWith('.pdf'))).toEqual([]);
      // The record hash covers the content and the file's SHA-256, recomputable from what is stored.
      expect(row.record_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(certificateRecordHash(toCertificate(row))).toBe(row.record_hash);
    });

    it('shows it to the supplier in the list and on its page, and hands out the PDF', async () => {
      const list = await (await as.supplier.get('/certificates')).text();
      expect(list).toContain('SX 60123456 0001');
      expect(list).toContain('submitted: awaiting review');
      const page = await as.supplier.get(`/certificates/${id}?submitted=1`);
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain('Submitted for review.');
      expect(html).toContain(await recordHashOf(id));
      expect(html).not.toContain('Review and sign');
      const file = await as.supplier.get(`/certificates/${id}/file`);
      expect(file.status).toBe(200);
      expect(file.headers.get('content-type')).toBe('application/pdf');
      expect(file.headers.get('content-disposition')).toBe(`attachment; filename="ISO 13485 __.pdf"; filename*=UTF-8''${encodeURIComponent('ISO 13485 证书.pdf')}`);
      expect(file.headers.get('x-content-type-options')).toBe('nosniff');
      expect(sha256(new Uint8Array(await file.arrayBuffer()))).toBe(sha256(bytes));
    });

    it("puts it in QA's review queue with the signing forms and what signing means", async () => {
      const queue = await (await as.qa.get('/certificates?state=submitted&sort=submitted&order=asc')).text();
      expect(queue).toContain('SX 60123456 0001');
      expect(queue).toContain('Suzhou Precision Components Co., Ltd.');
      const html = await (await as.qa.get(`/certificates/${id}`)).text();
      expect(html).toContain(`By signing you approve this certificate version ${(await recordHashOf(id)).slice(0, 12)}… (meaning: approval).`);
      expect(html).toContain('Sign with password and approve');
      expect(html).toContain('Reason for the rejection');
      const file = await as.qa.get(`/certificates/${id}/file`);
      expect(file.status).toBe(200);
      await file.body?.cancel();
    });

    it('refuses a signature over a record hash that is not the stored one, without counting the password [REQ-P11-ESIG-02]', async () => {
      const res = await decide(as.qa, id, 'approve', { recordHash: 'f'.repeat(64), password: demoPassword });
      expect(res.status).toBe(409);
      expect(await res.text()).toContain('This record was changed or decided meanwhile.');
      expect(await db.get('SELECT id FROM signatures WHERE entity_id = ?', [id])).toBeUndefined();
      expect((await certificateRow(id)).state).toBe('submitted');
    });

    it('approves with a password signature bound to the record hash, audited and announced in one go', async () => {
      const hash = await recordHashOf(id);
      const res = await decide(as.qa, id, 'approve', { recordHash: hash, password: demoPassword });
      const html = await res.text();
      expect(res.status, html.slice(0, 500)).toBe(200);
      expect(html).toContain('Approved and signed.');

      const row = await certificateRow(id);
      expect(row).toMatchObject({ state: 'approved', decided_by: ids.user[qa.email]!.id, state_reason: null });
      const signature = await db.get<Record<string, unknown>>('SELECT * FROM signatures WHERE entity_type = ? AND entity_id = ?', ['certificate', id]);
      expect(signature).toMatchObject({
        record_hash: hash,
        meaning: 'approval',
        signer_id: ids.user[qa.email]!.id,
        signer_name: qa.displayName,
        signer_email: qa.email,
        organisation_id: ids.org.manufacturer.id,
        method: 'password',
        credential_id: null,
        signed_at: row.decided_at,
      });
      // Signatures are permanent.
      const raw = rawClient(server.databaseUrl);
      await expect(raw.execute({ sql: "UPDATE signatures SET meaning = 'review' WHERE id = ?", args: [signature!.id as string] })).rejects.toThrow(/permanent/);
      await expect(raw.execute({ sql: "UPDATE certificates SET number = 'forged' WHERE id = ?", args: [id] })).rejects.toThrow(/never edited/);
      raw.close();

      const trail = await db.all<{ action: string; entity_type: string; actor_name: string; organisation_id: string; new_values: string }>(
        `SELECT action, entity_type, actor_name, organisation_id, new_values FROM audit_log
          WHERE (entity_type = 'certificate' AND entity_id = ?) OR (entity_type = 'stored_file' AND entity_id = ?) ORDER BY seq`,
        [id, row.file_id],
      );
      expect(trail.map((e) => [e.action, e.actor_name])).toEqual([
        ['file.stored', supplier.displayName],
        ['certificate.submitted', supplier.displayName],
        ['signature.applied', qa.displayName],
        ['certificate.approved', qa.displayName],
      ]);
      expect(JSON.parse(trail[2]!.new_values)).toMatchObject({ meaning: 'approval', recordHash: hash, method: 'password' });
      expect(JSON.parse(trail[3]!.new_values)).toMatchObject({ state: 'approved', recordHash: hash });
      expect((await verifyAuditChain(db)).ok).toBe(true);
      const records = await verifyRecordHashes(db);
      expect(records).toMatchObject({ ok: true, findings: 0 });
      expect(records.checked.certificate).toBeGreaterThan(0);

      const events = await seriesEvents(seriesId);
      expect(events.map((e) => [e.type, (e.data.aggregate as { sequence: number }).sequence])).toEqual([
        ['certificate.submitted', 1],
        ['certificate.approved', 2],
      ]);
      const approved = events[1]!.data;
      expect(approved).toMatchObject({
        certificateId: id,
        seriesId,
        version: 1,
        state: 'approved',
        supplier: { organisationId: ids.org.supplier.id, erpId: 'V-10001', name: 'Suzhou Precision Components Co., Ltd.' },
        type: 'iso13485',
        number: 'SX 60123456 0001',
        validFrom: '2026-03-01',
        validTo: '2029-02-28',
        file: { sha256: sha256(bytes), name: 'ISO 13485 证书.pdf', sizeBytes: bytes.length },
        recordHash: hash,
        signature: { signerName: qa.displayName, meaning: 'approval', signedAt: row.decided_at, method: 'password' },
      });
    });

    it('shows the supplier the approval with the signature manifestation and the history [REQ-P11-ESIG-01]', async () => {
      const html = await (await as.supplier.get(`/certificates/${id}`)).text();
      expect(html).toMatch(/data-testid="state"[^>]*>approved</);
      expect(html).toMatch(new RegExp(`data-testid="signer-name"[^>]*>${qa.displayName.replace('.', '\\.')}<`));
      expect(html).toMatch(/data-testid="meaning"[^>]*>Approval</);
      expect(html).toMatch(/data-testid="method"[^>]*>password</);
      const signedAt = (await certificateRow(id)).decided_at!.slice(0, 19).replace('T', ' ');
      expect(html).toContain(signedAt);
      for (const step of ['PDF stored', 'Submitted', 'Electronic signature applied', 'Approved']) expect(html).toContain(step);
    });

    it('refuses to decide a version twice', async () => {
      const res = await decide(as.qa, id, 'reject', { recordHash: await recordHashOf(id), reason: 'second thoughts', password: demoPassword });
      expect(res.status).toBe(409);
      expect((await db.all('SELECT id FROM signatures WHERE entity_id = ?', [id])).length).toBe(1);
      expect((await certificateRow(id)).state).toBe('approved');
    });

    it('a new version waits beside the approved one and supersedes it when approved', async () => {
      // A new version keeps the certificate's type.
      const typeChange = await postMultipart(as.supplier, `/certificates/${id}?/newVersion`, certificateFields({ type: 'coc' }), {
        name: 'v2.pdf',
        bytes: await pdfBytes('v2'),
      });
      expect(typeChange.status).toBe(400);
      expect(await typeChange.text()).toContain('A new version keeps the type of the certificate it replaces.');

      const v2 = await submittedId(
        await postMultipart(as.supplier, `/certificates/${id}?/newVersion`, certificateFields({ number: 'SX 60123456 0002', validFrom: '2027-01-01', validTo: '2030-01-01' }), {
          name: 'ISO 13485 2027.pdf',
          bytes: await pdfBytes('Version two'),
        }),
      );
      expect(await certificateRow(v2)).toMatchObject({ series_id: seriesId, version: 2, state: 'submitted' });
      expect((await certificateRow(id)).state).toBe('approved');

      const res = await decide(as.qa, v2, 'approve', { recordHash: await recordHashOf(v2), password: demoPassword });
      expect(res.status).toBe(200);
      await res.body?.cancel();
      expect((await certificateRow(v2)).state).toBe('approved');
      expect(await certificateRow(id)).toMatchObject({ state: 'superseded', state_reason: 'superseded by version 2, approved' });

      const events = await seriesEvents(seriesId);
      expect(events.map((e) => [e.type, e.data.certificateId, (e.data.aggregate as { sequence: number }).sequence])).toEqual([
        ['certificate.submitted', id, 1],
        ['certificate.approved', id, 2],
        ['certificate.submitted', v2, 3],
        ['certificate.approved', v2, 4],
        ['certificate.superseded', id, 5],
      ]);
      expect(events[4]!.data).toMatchObject({ state: 'superseded', version: 1, supersededBy: { certificateId: v2, version: 2 } });
      const superseded = await db.get<{ actor_name: string; old_values: string; new_values: string }>(
        "SELECT actor_name, old_values, new_values FROM audit_log WHERE action = 'certificate.superseded' AND entity_id = ?",
        [id],
      );
      expect(superseded).toMatchObject({ actor_name: qa.displayName });
      expect(JSON.parse(superseded!.old_values)).toEqual({ state: 'approved' });

      // The list shows current versions; superseded ones have their own filter and stay readable.
      const list = await (await as.supplier.get('/certificates')).text();
      expect(list).toContain('SX 60123456 0002');
      expect(list).not.toContain('SX 60123456 0001');
      expect(await (await as.supplier.get('/certificates?state=superseded')).text()).toContain('SX 60123456 0001');
      const v1Page = await (await as.supplier.get(`/certificates/${id}`)).text();
      expect(v1Page).toContain('superseded');
      expect(v1Page).toContain(`/certificates/${v2}`);
    });

    it('a version still waiting for QA is superseded at once by a newer submission', async () => {
      const v3 = await submittedId(
        await postMultipart(as.supplier, `/certificates/${id}?/newVersion`, certificateFields({ number: 'SX 3' }), { name: 'v3.pdf', bytes: await pdfBytes('v3') }),
      );
      const v4 = await submittedId(
        await postMultipart(as.supplier, `/certificates/${v3}?/newVersion`, certificateFields({ number: 'SX 4' }), { name: 'v4.pdf', bytes: await pdfBytes('v4') }),
      );
      expect(await certificateRow(v3)).toMatchObject({ version: 3, state: 'superseded', state_reason: 'replaced by version 4' });
      expect(await certificateRow(v4)).toMatchObject({ version: 4, state: 'submitted' });
      const events = await seriesEvents(seriesId);
      expect(events.slice(-3).map((e) => [e.type, e.data.certificateId])).toEqual([
        ['certificate.submitted', v3],
        ['certificate.submitted', v4],
        ['certificate.superseded', v3],
      ]);
      // QA cannot decide the superseded one.
      const res = await decide(as.qa, v3, 'approve', { recordHash: await recordHashOf(v3), password: demoPassword });
      expect(res.status).toBe(409);
      await res.body?.cancel();
    });
  });

  describe('rejected with a reason', () => {
    it('asks for the reason before anything else and does not count that as a failed signature', async () => {
      const id = await submit(as.supplier, { number: 'REJ-1' });
      const res = await decide(as.qa, id, 'reject', { recordHash: await recordHashOf(id), reason: '  ', password: 'not even checked' });
      expect(res.status).toBe(400);
      expect(await res.text()).toContain('Give the reason for the rejection.');
      expect(await failedAttempts(qa.email)).toBe(0);
      expect((await certificateRow(id)).state).toBe('submitted');
    });

    it('asks for a password (or a passkey) without counting a blank one', async () => {
      const id = await submit(as.supplier, { number: 'REJ-2' });
      const res = await decide(as.qa, id, 'approve', { recordHash: await recordHashOf(id), password: '' });
      expect(res.status).toBe(400);
      expect(await res.text()).toContain('Enter your password, or sign with a passkey.');
      expect(await failedAttempts(qa.email)).toBe(0);
    });

    it('rejects with a signature of its own meaning, rejection (not review), carrying the reason [REQ-P11-ESIG-01]', async () => {
      const id = await submit(as.supplier, { number: 'REJ-3', type: 'coa' });
      const hash = await recordHashOf(id);
      const reason = 'The scope does not name the moulding site in Kunshan.';
      const res = await decide(as.qa, id, 'reject', { recordHash: hash, reason, password: demoPassword });
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('Rejected and signed.');
      const row = await certificateRow(id);
      expect(row).toMatchObject({ state: 'rejected', state_reason: reason });
      expect(await db.get('SELECT meaning, reason, record_hash, signer_name FROM signatures WHERE entity_id = ?', [id])).toEqual({
        meaning: 'rejection',
        reason,
        record_hash: hash,
        signer_name: qa.displayName,
      });
      const audit = await db.get<{ reason: string; organisation_id: string }>("SELECT reason, organisation_id FROM audit_log WHERE action = 'certificate.rejected' AND entity_id = ?", [id]);
      expect(audit).toEqual({ reason, organisation_id: ids.org.supplier.id });
      const events = await seriesEvents(row.series_id);
      expect(events.map((e) => e.type)).toEqual(['certificate.submitted', 'certificate.rejected']);
      expect(events[1]!.data).toMatchObject({ state: 'rejected', reason, type: 'coa', signature: { meaning: 'rejection', signerName: qa.displayName, method: 'password' } });

      // The manifestation (21 CFR 11.50): printed name, date and time with its zone, meaning.
      const signedAt = (await db.get<{ signed_at: string }>('SELECT signed_at FROM signatures WHERE entity_id = ?', [id]))!.signed_at;
      const html = await (await as.supplier.get(`/certificates/${id}`)).text();
      expect(html).toContain(reason);
      expect(html).toMatch(new RegExp(`data-testid="signer-name"[^>]*>${qa.displayName.replace(/[.]/g, '\\.')}<`));
      expect(html).toMatch(new RegExp(`data-testid="signed-at"[^>]*>${signedAt.slice(0, 10)} ${signedAt.slice(11, 19)} UTC<`));
      expect(html).toMatch(/data-testid="meaning"[^>]*>Rejection</);
      const zh = await (await as.supplier.request(`/certificates/${id}`, { headers: { 'accept-language': 'zh-CN' } })).text();
      expect(zh).toMatch(/data-testid="meaning"[^>]*>拒绝</);
    });
  });

  describe('re-authentication', () => {
    it('refuses a wrong password, counts it towards the lockout and locks the account at the threshold [REQ-P11-ESIG-03]', async () => {
      const id = await submit(as.supplier, { number: 'LOCK-1' });
      const hash = await recordHashOf(id);
      for (let attempt = 1; attempt < lockoutThreshold; attempt++) {
        const res = await decide(as.qa2, id, 'approve', { recordHash: hash, password: 'not-my-password' });
        expect(res.status).toBe(401);
        expect(await res.text()).toContain('The password is wrong: nothing was signed.');
        expect(await failedAttempts(qa2.email)).toBe(attempt);
      }
      const qa2Id = (await db.get<{ id: string }>('SELECT id FROM users WHERE email = ?', [qa2.email]))!.id;
      const counted = await db.all<{ new_values: string }>("SELECT new_values FROM audit_log WHERE action = 'auth.sign_in_failed' AND entity_id = ? ORDER BY seq", [qa2Id]);
      expect(counted.map((c) => JSON.parse(c.new_values))).toEqual([
        { method: 'signature-password', consecutiveFailures: 1 },
        { method: 'signature-password', consecutiveFailures: 2 },
      ]);

      const locking = await decide(as.qa2, id, 'approve', { recordHash: hash, password: 'still-not-it' });
      expect(locking.status).toBe(423);
      expect(await locking.text()).toContain('this account is locked until');
      expect((await db.get<{ locked_until: string | null }>('SELECT locked_until FROM users WHERE id = ?', [qa2Id]))!.locked_until).not.toBeNull();
      expect(await db.get("SELECT action FROM audit_log WHERE action = 'auth.account_locked' AND entity_id = ?", [qa2Id])).toEqual({ action: 'auth.account_locked' });

      // Locked: even the right password signs nothing.
      const right = await decide(as.qa2, id, 'approve', { recordHash: hash, password: qa2.password });
      expect(right.status).toBe(423);
      await right.body?.cancel();
      expect(await db.get('SELECT id FROM signatures WHERE entity_id = ?', [id])).toBeUndefined();
      expect((await certificateRow(id)).state).toBe('submitted');
    });
  });

  describe('signing with a passkey (the challenge; the ceremony itself is the browser tier\'s)', () => {
    const start = (client: BrowserClient, id: string, body: Record<string, string>) =>
      client.request(`/certificates/${id}/sign`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

    it('derives the challenge from the record hash and the meaning, for the signer\'s own passkeys only [REQ-P11-ESIG-03]', async () => {
      const id = await submit(as.supplier, { number: 'PK-1' });
      const hash = await recordHashOf(id);
      const none = await start(as.qa, id, { decision: 'approved', recordHash: hash });
      expect(none.status).toBe(400);
      expect((await none.json()).message).toBe('Please correct the highlighted fields.');

      const qaId = ids.user[qa.email]!.id;
      const credential = await insertPasskey(db, qaId, 'QA key');
      const res = await start(as.qa, id, { decision: 'rejected', recordHash: hash });
      expect(res.status).toBe(200);
      const { challengeId, options } = (await res.json()) as { challengeId: string; options: { challenge: string; userVerification: string; allowCredentials: { id: string }[] } };
      expect(options.userVerification).toBe('required');
      expect(options.allowCredentials.map((c) => c.id)).toEqual([credential]);
      expect(await db.get('SELECT purpose, user_id, bound_to, challenge FROM webauthn_challenges WHERE id = ?', [challengeId])).toEqual({
        purpose: 'signature',
        user_id: qaId,
        bound_to: `${hash}:rejection`,
        challenge: options.challenge,
      });
    });

    it('refuses a challenge for a version that is not the one on record or not waiting', async () => {
      const id = await submit(as.supplier, { number: 'PK-2' });
      const stale = await start(as.qa, id, { decision: 'approved', recordHash: '0'.repeat(64) });
      expect(stale.status).toBe(409);
      await stale.body?.cancel();
      const odd = await start(as.qa, id, { decision: 'maybe', recordHash: await recordHashOf(id) });
      expect(odd.status).toBe(400);
    expect((await odd.json()).problems).toEqual({ decision: { code: 'certificates.badDecision' } });
    });
  });

  describe('who may see and decide', () => {
    let ours: string;
    let theirs: string;

    beforeAll(async () => {
      ours = await submit(as.supplier, { number: 'TEN-OURS-1' });
      theirs = await submit(as.other, { number: 'TEN-THEIRS-1' }, 'Ningbo CoC');
    });

    it("answers 404 to another supplier's user on the page, the file and every action, and lists nothing of it", async () => {
      for (const path of [`/certificates/${ours}`, `/certificates/${ours}/file`]) {
        const res = await as.other.get(path);
        expect(res.status, path).toBe(404);
        const html = await res.text();
        expect(html).not.toContain('TEN-OURS-1');
      }
      expect(await (await as.other.get('/certificates')).text()).not.toContain('TEN-OURS-1');
      const newVersion = await postMultipart(as.other, `/certificates/${ours}?/newVersion`, certificateFields(), { name: 'x.pdf', bytes: await pdfBytes('x') });
      expect(newVersion.status).toBe(404);
      await newVersion.body?.cancel();
      // Their own is theirs to see; ours is not in their list.
      expect((await as.other.get(`/certificates/${theirs}`)).status).toBe(200);
      expect(await (await as.supplier.get('/certificates')).text()).not.toContain('TEN-THEIRS-1');
      expect((await as.supplier.get(`/certificates/${theirs}/file`)).status).toBe(404);
    });

    it('refuses approval and rejection by a supplier, without counting the password', async () => {
      const hash = await recordHashOf(theirs);
      // Its own supplier is refused for its role (403); another supplier's user, to whom the
      // certificate does not exist, gets the page's 404 after the same refusal.
      for (const [who, status] of [['other', 403], ['supplier', 404]] as const) {
        const approve = await decide(as[who], theirs, 'approve', { recordHash: hash, password: who === 'other' ? other.password : demoPassword });
        expect(approve.status, who).toBe(status);
        expect(await approve.text()).not.toContain('Approved and signed.');
        const reject = await decide(as[who], theirs, 'reject', { recordHash: hash, reason: 'no', password: demoPassword });
        expect(reject.status, who).toBe(status);
        await reject.body?.cancel();
        const sign = await as[who].request(`/certificates/${theirs}/sign`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ decision: 'approved', recordHash: hash }),
        });
        expect(sign.status, who).toBe(403);
        await sign.body?.cancel();
      }
      expect(await failedAttempts(other.email)).toBe(0);
      expect(await failedAttempts(supplier.email)).toBe(0);
      expect(await db.get('SELECT id FROM signatures WHERE entity_id = ?', [theirs])).toBeUndefined();
      expect((await certificateRow(theirs)).state).toBe('submitted');
    });

    it('shows the distributor no certificates at all', async () => {
      const list = await as.distributor.get('/certificates');
      expect(list.status).toBe(403);
      await list.body?.cancel();
      for (const path of [`/certificates/${ours}`, `/certificates/${ours}/file`]) {
        const res = await as.distributor.get(path);
        expect(res.status, path).toBe(404);
        expect(await res.text()).not.toContain('TEN-OURS-1');
      }
      const approve = await decide(as.distributor, ours, 'approve', { recordHash: await recordHashOf(ours), password: demoPassword });
      expect(approve.status).toBe(404);
      await approve.body?.cancel();
      expect(await db.get('SELECT id FROM signatures WHERE entity_id = ?', [ours])).toBeUndefined();
      const home = await (await as.distributor.get('/home')).text();
      expect(home).not.toContain('>Certificates</a>');
    });

    it('lets the administrator see every supplier but not sign', async () => {
      const list = await (await as.admin.get('/certificates')).text();
      expect(list).toContain('TEN-OURS-1');
      expect(list).toContain('TEN-THEIRS-1');
      const page = await (await as.admin.get(`/certificates/${ours}`)).text();
      expect(page).not.toContain('Sign with password and approve');
      const approve = await decide(as.admin, ours, 'approve', { recordHash: await recordHashOf(ours), password: demoPassword });
      expect(approve.status).toBe(403);
      await approve.body?.cancel();
    });

    it('shows the nav link to suppliers, QA and administrators', async () => {
      for (const who of ['supplier', 'qa', 'admin'] as const) expect(await (await as[who].get('/home')).text(), who).toContain('<a href="./certificates">Certificates</a>');
    });

    it('refuses a new upload from QA (only suppliers submit)', async () => {
      const res = await postMultipart(as.qa, '/certificates?/submit', certificateFields(), { name: 'qa.pdf', bytes: await pdfBytes('qa') });
      expect(res.status).toBe(403);
      await res.body?.cancel();
    });
  });

  describe('the stored file', () => {
    it('is not handed out when it no longer matches its SHA-256', async () => {
      const id = await submit(as.supplier, { number: 'TAMPER-1' });
      const row = await certificateRow(id);
      writeFileSync(join(uploads.dir, row.file_storage_key), await pdfBytes('a forged certificate'));
      const res = await as.qa.get(`/certificates/${id}/file`);
      expect(res.status).toBe(503);
      await res.body?.cancel();
    });

    it('is removed again when the transaction that records it fails', async () => {
      const t = await testDatabase();
      const dir = tempDir('lotbridge-uploads-rollback-');
      try {
        const by = { type: 'system' as const, name: 'test' };
        const org = await createOrganisation(t.ctx, by, { name: 'Rollback Ltd.', kind: 'supplier' });
        const user = await addUser(t.ctx, by, { email: 'r@rollback.example', displayName: 'R', password: 'rollback-password', role: 'supplier_user', organisationId: org.id });
        const actor: Actor = { userId: user.id, email: user.email, displayName: 'R', organisationId: org.id, organisationName: org.name, organisationKind: 'supplier', role: 'supplier_user' };
        const limits = { maxBytes: 1024 * 1024 };
        let path = '';
        const failure = await storeUpload({ ...t.ctx, files: new LocalFileStorage(dir.dir) }, actor, limits, { name: 'r.pdf', bytes: await pdfBytes('rollback') }, async (_tx, file) => {
          path = join(dir.dir, file.storageKey);
          expect(existsSync(path)).toBe(true);
          throw new Error('the record it belongs to failed');
        }).catch((e: unknown) => e);
        expect((failure as Error).message).toBe('the record it belongs to failed');
        expect(existsSync(path)).toBe(false);
        expect(await t.db.get('SELECT id FROM stored_files')).toBeUndefined();
        expect(await t.db.get("SELECT seq FROM audit_log WHERE action = 'file.stored'")).toBeUndefined();
      } finally {
        t.close();
        dir.remove();
      }
    });
  });

  describe('listing', () => {
    it('filters by state, type and supplier, sorts by validity and pages', async () => {
      const qaActor: Actor = {
        userId: ids.user[qa.email]!.id,
        email: qa.email,
        displayName: qa.displayName,
        organisationId: ids.org.manufacturer.id,
        organisationName: ids.org.manufacturer.name,
        organisationKind: 'manufacturer',
        role: 'manufacturer_qa',
      };
      await submit(as.other, { number: 'LIST-A', type: 'fda_registration', validTo: '2031-01-01' });
      await submit(as.other, { number: 'LIST-B', type: 'fda_registration', validTo: '2027-06-30' });
      await submit(as.other, { number: 'LIST-C', type: 'fda_registration', validTo: '2029-12-31' });
      const byExpiry = await listCertificates(ctx, qaActor, { type: 'fda_registration', supplierId: otherOrgId, sort: 'valid_to', order: 'asc', pageSize: 2 });
      expect(byExpiry).toMatchObject({ total: 3, pages: 2, page: 1 });
      expect(byExpiry.items.map((i) => i.number)).toEqual(['LIST-B', 'LIST-C']);
      const second = await listCertificates(ctx, qaActor, { type: 'fda_registration', supplierId: otherOrgId, sort: 'valid_to', order: 'asc', pageSize: 2, page: 2 });
      expect(second.items.map((i) => i.number)).toEqual(['LIST-A']);
      expect(byExpiry.suppliers.map((s) => s.name)).toEqual(expect.arrayContaining(['Ningbo Moulding Ltd.', 'Suzhou Precision Components Co., Ltd.']));

      const toReview = await listCertificates(ctx, qaActor, { state: 'submitted', pageSize: 100 });
      expect(toReview.items.every((i) => i.state === 'submitted')).toBe(true);
      expect(toReview.items.map((i) => i.number)).toEqual(expect.arrayContaining(['LIST-A', 'TEN-OURS-1']));

      // The same filters through the page: the supplier's own only, whatever supplier is asked for.
      const html = await (await as.supplier.get(`/certificates?type=fda_registration&supplier=${otherOrgId}`)).text();
      expect(html).not.toContain('LIST-A');
      const qaHtml = await (await as.qa.get(`/certificates?type=fda_registration&supplier=${otherOrgId}&sort=valid_to&order=asc`)).text();
      expect(qaHtml.indexOf('LIST-B')).toBeGreaterThan(-1);
      expect(qaHtml.indexOf('LIST-B')).toBeLessThan(qaHtml.indexOf('LIST-C'));
      expect(qaHtml.indexOf('LIST-C')).toBeLessThan(qaHtml.indexOf('LIST-A'));
    });
  });
});

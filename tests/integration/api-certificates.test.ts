// /api/v1/certificates against the real server, its SQLite file and its upload folder, every
// answer checked against the served OpenAPI document: a supplier's key uploads a PDF with the
// portal form's fields (the same use case, file checks and field problems), follows QA's decision
// with its reason and the validity, lists its versions by keyset pages and fetches the PDF; another
// supplier's certificate is not found; keys without the scope are refused (403), revoked or
// expired ones not recognised (401); a retried upload with the same Idempotency-Key stores once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../shared/db/index.ts';
import type { UseCaseContext } from '../../shared/context.ts';
import { systemClock } from '../../shared/clock.ts';
import { defaultPolicy } from '../../shared/auth/policy.ts';
import { demoPassword } from '../../shared/demo/seed-demo.ts';
import { createOrganisation } from '../../shared/organisations/create-organisation.ts';
import { addUser } from '../../shared/organisations/add-user.ts';
import { tempDir, type RunningServer } from '../support/server.ts';
import { BrowserClient, openServerDb, signInDirectly, startBuiltServer } from '../support/portal.ts';
import { pdfBytes } from '../support/uploads.ts';
import { demo } from '../support/demo.ts';
import { ApiClient, createTestApiKey, type ApiAnswer } from '../support/api.ts';
import { refusedClients } from '../support/api-refused-keys.ts';

const supplier = demo('supplier_user');
const qa = demo('manufacturer_qa');
const other = { email: 'quality@ningbo-certs.example', displayName: 'Ningbo QA', password: 'ningbo-certs-supplier-pass' };

interface FieldError {
  pointer?: string;
  parameter?: string;
  code: string;
}
interface Problem {
  code: string;
  errors?: FieldError[];
}
interface ApiCertificate {
  id: string;
  seriesId: string;
  version: number;
  state: string;
  number: string;
  covers: { gtins: string[]; lots: string[] };
  file: { name: string; sizeBytes: number };
  decision: { state: string; reason: string | null; decidedAt: string | null; decidedBy: string | null } | null;
  validity: { status: string; daysLeft: number };
  submittedBy: { id: string; name: string };
}
interface Page {
  items: { id: string; number: string; state: string; type: string; validTo: string }[];
  nextCursor: string | null;
}

let server: RunningServer;
let uploads: { dir: string; remove(): void };
let db: Db;
let ctx: UseCaseContext;
const api: Record<'writer' | 'reader' | 'lotsOnly' | 'other' | 'revoked' | 'expired' | 'none', ApiClient> = {} as never;
let writerUserId: string;
let otherCertificateId: string;
let seq = 0;
const run = Date.now().toString(36).slice(-4).toUpperCase();
const nextNumber = () => `CE-${run}-${++seq}`;
const count = async (sql: string, args: string[] = []) => (await db.get<{ n: number }>(sql, args))!.n;
const errorsOf = (a: ApiAnswer) => Object.fromEntries(((a.body as Problem).errors ?? []).map((e) => [e.pointer ?? e.parameter, e.code]));

const fieldsOf = (overrides: Record<string, string> = {}) => ({
  type: 'ce_mdr',
  number: nextNumber(),
  issuer: 'TÜV SÜD Product Service GmbH',
  scope: 'Sterile single-use catheters',
  gtins: '09506000134352, 4006381333931',
  lots: 'L1\nL2',
  validFrom: '2026-01-01',
  validTo: '2030-12-31',
  ...overrides,
});

async function upload(client: ApiClient, fields: Record<string, string>, file: { name: string; bytes: Uint8Array; type?: string } | null, headers: Record<string, string> = {}) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  if (file) form.append('file', new Blob([file.bytes as Uint8Array<ArrayBuffer>], { type: file.type ?? 'application/pdf' }), file.name);
  return client.request<ApiCertificate>('post', '/certificates', { form, headers });
}

beforeAll(async () => {
  uploads = tempDir('lotbridge-api-certs-');
  server = await startBuiltServer({ UPLOAD_DIR: uploads.dir });
  db = openServerDb(server);
  ctx = { db, clock: systemClock, policy: defaultPolicy };
  const by = { type: 'system' as const, name: 'api certificates test' };
  const otherOrg = (await createOrganisation(ctx, by, { name: 'Ningbo Certs Ltd.', kind: 'supplier', erpId: 'V-17079' })).id;
  await addUser(ctx, by, { ...other, role: 'supplier_user', organisationId: otherOrg });
  const client = new ApiClient(server.url);
  const writer = await createTestApiKey(ctx, supplier.email);
  writerUserId = writer.userId;
  api.writer = client.withToken(writer.token);
  api.reader = client.withToken((await createTestApiKey(ctx, supplier.email, { scopes: ['certificates:read'] })).token);
  api.lotsOnly = client.withToken((await createTestApiKey(ctx, supplier.email, { scopes: ['lots:write'] })).token);
  api.other = client.withToken((await createTestApiKey(ctx, other.email)).token);
  Object.assign(api, await refusedClients(ctx, server.url, supplier.email));
  const res = await upload(api.other, fieldsOf(), { name: 'other.pdf', bytes: await pdfBytes('other') });
  expect(res.status, res.text).toBe(201);
  otherCertificateId = res.body.id;
});

afterAll(async () => {
  db?.close();
  await server?.stop();
  uploads?.remove();
});

describe('POST /certificates', () => {
  it('stores the PDF and the fields as the portal form does, audited under the key and announced', async () => {
    const fields = fieldsOf();
    const res = await upload(api.writer, fields, { name: '证书 MDR.pdf', bytes: await pdfBytes('mdr') });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({
      number: fields.number,
      version: 1,
      state: 'submitted',
      covers: { gtins: ['09506000134352', '04006381333931'], lots: ['L1', 'L2'] },
      file: { name: '证书 MDR.pdf' },
      decision: null,
      validity: { status: 'valid' },
      submittedBy: { id: writerUserId },
    });
    expect(res.headers.get('Location')).toBe(`/api/v1/certificates/${res.body.id}`);
    expect(await db.all("SELECT actor_id, action FROM audit_log WHERE entity_type = 'certificate' AND entity_id = ?", [res.body.id])).toEqual([{ actor_id: writerUserId, action: 'certificate.submitted' }]);
    expect(await count("SELECT COUNT(*) AS n FROM outbox WHERE event_type = 'certificate.submitted' AND aggregate_id = ?", [res.body.seriesId])).toBe(1);
  });

  it('refuses every field problem at once, a missing file and a file that is not a PDF, storing nothing', async () => {
    const before = await count('SELECT COUNT(*) AS n FROM certificates');
    const fields = await upload(api.writer, fieldsOf({ type: 'iso13485', number: '', validFrom: '2026-02-30', validTo: '2025-01-01', gtins: '123' }), { name: 'x.pdf', bytes: await pdfBytes('x') });
    expect(fields.status, fields.text).toBe(400);
    expect(errorsOf(fields)).toEqual({ '/number': 'common.required', '/validFrom': 'certificates.badDate', '/gtins': 'certificates.badGtin' });
    const unknownType = await upload(api.writer, fieldsOf({ type: 'licence' }), { name: 'x.pdf', bytes: await pdfBytes('x') });
    expect(unknownType.status).toBe(400);
    expect(Object.keys(errorsOf(unknownType))).toEqual(['/type']);
    const noFile = await upload(api.writer, fieldsOf(), null);
    expect(noFile.status).toBe(400);
    expect(Object.keys(errorsOf(noFile))).toEqual(['/file']);
    const notPdf = await upload(api.writer, fieldsOf(), { name: 'x.pdf', bytes: new TextEncoder().encode('hello, not a pdf') });
    expect(notPdf.status).toBe(400);
    expect(errorsOf(notPdf)).toEqual({ '/file': 'files.notPdf' });
    const unknownSeries = await upload(api.writer, fieldsOf({ replacesSeriesId: 'cers_nothing' }), { name: 'x.pdf', bytes: await pdfBytes('x') });
    expect(errorsOf(unknownSeries)).toEqual({ '/replacesSeriesId': 'certificates.unknownSeries' });
    expect(await count('SELECT COUNT(*) AS n FROM certificates')).toBe(before);
  });

  it('refuses a new version of another supplier’s certificate as an unknown series', async () => {
    const series = (await db.get<{ series_id: string }>('SELECT series_id FROM certificates WHERE id = ?', [otherCertificateId]))!.series_id;
    const res = await upload(api.writer, fieldsOf({ replacesSeriesId: series }), { name: 'x.pdf', bytes: await pdfBytes('x') });
    expect(errorsOf(res)).toEqual({ '/replacesSeriesId': 'certificates.unknownSeries' });
  });

  it('refuses a key without certificates:write (403) and a revoked, expired or missing key (401)', async () => {
    const before = await count('SELECT COUNT(*) AS n FROM certificates');
    const bytes = await pdfBytes('refused');
    for (const key of ['reader', 'lotsOnly'] as const) expect((await upload(api[key], fieldsOf(), { name: 'x.pdf', bytes })).status).toBe(403);
    for (const key of ['revoked', 'expired', 'none'] as const) expect((await upload(api[key], fieldsOf(), { name: 'x.pdf', bytes })).status).toBe(401);
    expect(await count('SELECT COUNT(*) AS n FROM certificates')).toBe(before);
  });

  it('answers a retry with the same Idempotency-Key with the first answer: one version, one audit entry, one event', async () => {
    const fields = fieldsOf();
    const bytes = await pdfBytes('retry');
    const key = `retry-${fields.number}`;
    const first = await upload(api.writer, fields, { name: 'retry.pdf', bytes }, { 'Idempotency-Key': key });
    expect(first.status, first.text).toBe(201);
    const retry = await upload(api.writer, fields, { name: 'retry.pdf', bytes }, { 'Idempotency-Key': key });
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect(await count('SELECT COUNT(*) AS n FROM certificates WHERE number = ?', [fields.number])).toBe(1);
    expect(await count("SELECT COUNT(*) AS n FROM audit_log WHERE entity_type = 'certificate' AND entity_id = ?", [first.body.id])).toBe(1);
    expect(await count("SELECT COUNT(*) AS n FROM outbox WHERE aggregate_id = ?", [first.body.seriesId])).toBe(1);
  });
});

describe('GET /certificates/{certificateId} and its file', () => {
  it("follows QA's decision with its reason, and hands out the PDF as uploaded", async () => {
    const bytes = await pdfBytes('decided');
    const created = await upload(api.writer, fieldsOf(), { name: 'decided.pdf', bytes });
    const id = created.body.id;
    const hash = (await db.get<{ record_hash: string }>('SELECT record_hash FROM certificates WHERE id = ?', [id]))!.record_hash;
    const qaClient = new BrowserClient(server.url);
    await signInDirectly(qaClient, db, qa.email);
    const decided = await qaClient.postForm(`/certificates/${id}?/reject`, { recordHash: hash, reason: 'The annex is missing.', password: demoPassword });
    await decided.body?.cancel();
    expect(decided.status).toBeLessThan(400);
    const res = await api.reader.get<ApiCertificate>(`/certificates/${id}`);
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ state: 'rejected', decision: { state: 'rejected', reason: 'The annex is missing.', decidedBy: qa.displayName } });
    expect(res.body.decision!.decidedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(res.body.validity.daysLeft).toBeGreaterThan(0);

    const file = await fetch(`${server.url}/api/v1/certificates/${id}/file`, { headers: { Authorization: `Bearer ${api.reader.token}` } });
    expect(file.status).toBe(200);
    expect(file.headers.get('Content-Type')).toBe('application/pdf');
    expect(file.headers.get('Content-Disposition')).toContain('decided.pdf');
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(bytes);
    // The client checks JSON answers against the document; this one is a PDF, as the document says.
    const doc = (await (await fetch(`${server.url}/api/v1/openapi.json`)).json()) as { paths: Record<string, { get: { responses: Record<string, { content?: object }> } }> };
    expect(Object.keys(doc.paths['/certificates/{certificateId}/file']!.get.responses['200']!.content!)).toEqual(['application/pdf']);
    const again = await fetch(`${server.url}/api/v1/certificates/${id}/file`, { headers: { Authorization: `Bearer ${api.reader.token}`, 'If-None-Match': file.headers.get('ETag')! } });
    expect(again.status).toBe(304);
  });

  it("is not found for another supplier's certificate or its file; refused without the scope or a valid key", async () => {
    expect((await api.writer.get<Problem>(`/certificates/${otherCertificateId}`)).status).toBe(404);
    expect((await api.writer.get<Problem>(`/certificates/${otherCertificateId}/file`)).status).toBe(404);
    expect((await api.writer.get<Problem>('/certificates/cer_nothing')).status).toBe(404);
    expect((await api.other.get(`/certificates/${otherCertificateId}`)).status).toBe(200);
    expect((await api.lotsOnly.get<Problem>(`/certificates/${otherCertificateId}`)).status).toBe(403);
    expect((await api.lotsOnly.get<Problem>(`/certificates/${otherCertificateId}/file`)).status).toBe(403);
    for (const key of ['revoked', 'expired', 'none'] as const) {
      expect((await api[key].get<Problem>(`/certificates/${otherCertificateId}`)).status).toBe(401);
      expect((await api[key].get<Problem>(`/certificates/${otherCertificateId}/file`)).status).toBe(401);
    }
  });
});

describe('GET /certificates', () => {
  it('pages to the end without repeats or gaps while versions arrive, only its own', async () => {
    const own = async () =>
      (await db.all<{ id: string }>("SELECT c.id FROM certificates c JOIN organisations o ON o.id = c.organisation_id WHERE o.erp_id = 'V-10001' AND c.state != 'superseded' ORDER BY c.submitted_at, c.id")).map((r) => r.id);
    const before = await own();
    expect(before.length).toBeGreaterThanOrEqual(3);
    const added: string[] = [];
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: ApiAnswer<Page> = await api.reader.get<Page>(`/certificates?sort=submitted&order=asc&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(res.status, res.text).toBe(200);
      seen.push(...res.body.items.map((c) => c.id));
      cursor = res.body.nextCursor;
      if (cursor) added.push((await upload(api.writer, fieldsOf(), { name: 'more.pdf', bytes: await pdfBytes('more') })).body.id);
    } while (cursor);
    expect(seen).toEqual([...before, ...added]);
    expect(seen).not.toContain(otherCertificateId);
  });

  it("filters by state and type, and sorts by the end of validity, as the portal's list", async () => {
    const rejected = await api.reader.get<Page>('/certificates?state=rejected&limit=200');
    expect(rejected.body.items.length).toBeGreaterThan(0);
    expect(rejected.body.items.every((c) => c.state === 'rejected')).toBe(true);
    const byType = await api.reader.get<Page>('/certificates?type=ce_mdr&limit=200');
    expect(byType.body.items.every((c) => c.type === 'ce_mdr')).toBe(true);
    const byExpiry = (await api.reader.get<Page>('/certificates?sort=valid_to&order=asc&limit=200')).body.items.map((c) => c.validTo);
    expect(byExpiry).toEqual([...byExpiry].sort());
    expect((await api.reader.get<Problem>('/certificates?state=lost')).status).toBe(400);
  });

  it('refuses a key without certificates:read (403) and a revoked, expired or missing key (401)', async () => {
    expect((await api.lotsOnly.get<Problem>('/certificates')).status).toBe(403);
    for (const key of ['revoked', 'expired', 'none'] as const) expect((await api[key].get<Problem>('/certificates')).status).toBe(401);
  });
});

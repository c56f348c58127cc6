// /api/v1/scars against the real server and its SQLite file, every answer checked against the
// served OpenAPI document: a supplier's key lists its own corrective action requests (paged,
// sorted, filtered by state and overdue) and reads one with its 8D steps, the answers given,
// QA's decisions and which steps it may answer now; another supplier's SCAR is not found; a
// distributor's key cannot hold the scope (403); a key without scars:read / scars:write is refused
// (403), a revoked, expired or missing one not recognised (401); a step that is not D1..D8 is
// refused naming the parameter. On SCARs QA opened (openScar), the key answers 8D steps (kept as
// rounds, audited under the key, scar.step_submitted; every problem a pointer into the body; a
// step with QA is 409 naming the step; a retry with the same Idempotency-Key stores one round)
// and uploads evidence (a PDF, checked; kept with the step).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../shared/db/index.ts';
import type { UseCaseContext } from '../../shared/context.ts';
import { systemClock } from '../../shared/clock.ts';
import { defaultPolicy } from '../../shared/auth/policy.ts';
import { createOrganisation } from '../../shared/organisations/create-organisation.ts';
import { addUser } from '../../shared/organisations/add-user.ts';
import { applyItemUpserted } from '../../shared/erp/apply-item-upserted.ts';
import { submitLots } from '../../shared/lots/submit-lots.ts';
import { gtinCheckDigit } from '../../shared/gs1/gtin.ts';
import type { RunningServer } from '../support/server.ts';
import { openServerDb, startBuiltServer } from '../support/portal.ts';
import { demo } from '../support/demo.ts';
import { actorFor } from '../support/actors.ts';
import { allItems, ApiClient, createTestApiKey } from '../support/api.ts';
import { refusedClients } from '../support/api-refused-keys.ts';
import { insertScarRows } from '../support/scar-rows.ts';
import { pdfBytes } from '../support/uploads.ts';
import { demoPassword } from '../../shared/demo/seed-demo.ts';
import { openScar } from '../../shared/scars/open-scar.ts';
import { scarSteps } from '../../shared/scars/scar.ts';
import type { Actor } from '../../shared/auth/actor.ts';

const supplier = demo('supplier_user');
const other = { email: 'quality@ningbo-scar-api.example', displayName: 'Chen Gang', password: 'ningbo-scar-api-pass' };
const gtin = (first13: string) => first13 + gtinCheckDigit(first13);
const itemGtin = gtin('0950600019001');

interface Summary {
  id: string;
  number: string;
  state: string;
  openedAt: string;
  nextDue: string | null;
  overdue: boolean;
}
interface Step {
  step: string;
  dueDate: string;
  status: string;
  overdue: boolean;
  answer: unknown;
  decision: string | null;
  decisionComment: string | null;
  evidence: unknown[];
}
interface Scar extends Summary {
  problem: string;
  links: { kind: string; refId: string; label: string }[];
  steps: Step[];
  answerSteps: string[];
}
interface Problem {
  status: number;
  errors?: { parameter?: string; pointer?: string; code: string }[];
}
interface AnswerResult {
  step: Step & { submittedAt: string };
  round: number;
}
interface Evidence {
  id: string;
  step: string;
  fileName: string;
  sha256: string;
  sizeBytes: number;
  contentType: string;
  uploadedAt: string;
}

let server: RunningServer;
let db: Db;
let ctx: UseCaseContext;
const api: Record<'reader' | 'writer' | 'lotsOnly' | 'distributor' | 'other' | 'revoked' | 'expired' | 'none', ApiClient> = {} as never;
const scars = {} as Record<'overdue' | 'current' | 'closed' | 'others' | 'opened' | 'othersOpened', string>;
let lotId: string;

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const dueDates = (first: number) => Array.from({ length: 8 }, (_, i) => day(first + 7 * i));

const pages = (client: ApiClient, path: string) => allItems<Summary>(client, path);

/** QA opens a SCAR about one lot, the steps due a week apart from next week on. */
async function open(qa: Actor, supplierId: string, lot: string): Promise<string> {
  const dueDates = Object.fromEntries(scarSteps.map((s, i) => [s, day(7 * (i + 1))]));
  const { scar } = await openScar(ctx, qa, { id: 'localhost', name: 'Lotbridge', origin: 'http://localhost' }, {
    supplierId,
    title: 'Leaking stopcocks',
    problem: 'Four of 32 stopcocks leak at 300 kPa.',
    severity: 'major',
    links: [{ kind: 'lot', refId: lot }],
    dueDates,
    verifyAfter: day(70),
    credential: { password: demoPassword },
  });
  return scar.id;
}

const rounds = async (scarId: string, step: string) => (await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM scar_step_rounds WHERE scar_id = ? AND step = ?', [scarId, step]))!.n;

beforeAll(async () => {
  server = await startBuiltServer();
  db = openServerDb(server);
  ctx = { db, clock: systemClock, policy: defaultPolicy };
  const by = { type: 'system' as const, name: 'api scars test' };
  const otherOrg = (await createOrganisation(ctx, by, { name: 'Ningbo SCAR API Ltd.', kind: 'supplier', erpId: 'V-19001' })).id;
  await addUser(ctx, by, { ...other, role: 'supplier_user', organisationId: otherOrg });
  await db.transaction((tx) => applyItemUpserted(tx, systemClock, { gtin: itemGtin, description: 'Stopcock SC-3', unitOfMeasure: 'EA' }));
  const supplierActor = await actorFor(db, supplier.email);
  lotId = (await submitLots(ctx, supplierActor, { source: 'form', lots: [{ gtin: itemGtin, lot: 'SCAR-API-1', quantity: 32 }] })).stored[0]!.id;
  const qaActor = await actorFor(db, demo('manufacturer_qa').email);
  const qa = qaActor.userId;

  const opened = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString();
  // An open SCAR whose D1 was returned and is past due; one on time; one closed; another supplier's.
  scars.overdue = await insertScarRows(db, {
    supplierId: supplierActor.organisationId,
    openedBy: qa,
    number: 'SCAR-2026-9001',
    openedAt: opened(20),
    dueDates: dueDates(-3),
    lotIds: [lotId],
    answers: { D1: { answer: { team: [{ name: 'Wang Fang', role: 'Quality manager' }] }, decision: 'returned', comment: 'Name the moulding supervisor too.' } },
  });
  scars.current = await insertScarRows(db, {
    supplierId: supplierActor.organisationId,
    openedBy: qa,
    number: 'SCAR-2026-9002',
    openedAt: opened(10),
    dueDates: dueDates(4),
    answers: { D1: { answer: { team: [{ name: 'Wang Fang', role: 'Quality manager' }] }, decision: 'accepted' }, D2: { answer: { description: 'Leaks at the luer.' } } },
  });
  scars.closed = await insertScarRows(db, { supplierId: supplierActor.organisationId, openedBy: qa, number: 'SCAR-2025-9003', state: 'closed', openedAt: opened(200), dueDates: dueDates(-190) });
  scars.others = await insertScarRows(db, { supplierId: otherOrg, openedBy: qa, number: 'SCAR-2026-9004', openedAt: opened(5), dueDates: dueDates(-1) });

  // Two SCARs QA opens through the use case: the supplier's (about its lot) and the other supplier's.
  const otherActor = await actorFor(db, other.email);
  const otherLot = (await submitLots(ctx, otherActor, { source: 'form', lots: [{ gtin: itemGtin, lot: 'SCAR-API-2', quantity: 10 }] })).stored[0]!.id;
  scars.opened = await open(qaActor, supplierActor.organisationId, lotId);
  scars.othersOpened = await open(qaActor, otherOrg, otherLot);

  const client = new ApiClient(server.url);
  api.reader = client.withToken((await createTestApiKey(ctx, supplier.email, { scopes: ['scars:read'] })).token);
  api.writer = client.withToken((await createTestApiKey(ctx, supplier.email, { scopes: ['scars:write'] })).token);
  api.lotsOnly = client.withToken((await createTestApiKey(ctx, supplier.email, { scopes: ['lots:write'] })).token);
  api.distributor = client.withToken((await createTestApiKey(ctx, demo('distributor_user').email)).token);
  api.other = client.withToken((await createTestApiKey(ctx, other.email, { scopes: ['scars:read'] })).token);
  Object.assign(api, await refusedClients(ctx, server.url, supplier.email));
});

afterAll(async () => {
  db?.close();
  await server?.stop();
});

describe('GET /scars', () => {
  it("lists the supplier's own SCARs, newest first, never another supplier's [REQ-API-SCAR-01]", async () => {
    const own = await pages(api.reader, '/scars');
    expect(own.map((s) => s.id)).toEqual([scars.opened, scars.current, scars.overdue, scars.closed]);
    expect(own[0]).toMatchObject({ state: 'open', nextDue: day(7), overdue: false });
    expect(own[1]).toMatchObject({ overdue: false, nextDue: day(11) });
    expect(own[2]).toMatchObject({ number: 'SCAR-2026-9001', state: 'open', nextDue: day(-3), overdue: true });
    expect(own[3]).toMatchObject({ state: 'closed', nextDue: null, overdue: false });
    expect((await pages(api.other, '/scars')).map((s) => s.id)).toEqual([scars.othersOpened, scars.others]);
  });

  it('pages one at a time to the same list, sorts by number, filters by state and overdue', async () => {
    const all = (await pages(api.reader, '/scars')).map((s) => s.id);
    expect((await pages(api.reader, '/scars?limit=1')).map((s) => s.id)).toEqual(all);
    const numbers = (await pages(api.writer, '/scars?sort=number&order=asc&limit=2')).map((s) => s.number);
    expect(numbers).toEqual(['SCAR-2025-9003', 'SCAR-2026-9001', 'SCAR-2026-9002', expect.stringMatching(/^SCAR-\d{4}-\d{4}$/)]);
    expect(numbers).toEqual([...numbers].sort());
    expect((await pages(api.reader, '/scars?state=closed')).map((s) => s.id)).toEqual([scars.closed]);
    expect((await pages(api.reader, '/scars?state=open&order=asc')).map((s) => s.id)).toEqual([scars.overdue, scars.current, scars.opened]);
    expect((await pages(api.reader, '/scars?overdue=true')).map((s) => s.id)).toEqual([scars.overdue]);
    expect((await api.reader.get('/scars?state=draft')).status).toBe(400);
  });

  it('refuses a distributor (it cannot hold the scope), a key without scars:read (403) and a revoked, expired or missing key (401) [REQ-API-SCAR-01]', async () => {
    expect((await api.distributor.get('/scars')).status).toBe(403);
    expect((await api.lotsOnly.get('/scars')).status).toBe(403);
    for (const key of ['revoked', 'expired', 'none'] as const) expect((await api[key].get('/scars')).status).toBe(401);
  });
});

describe('GET /scars/{scarId}', () => {
  it('answers an own SCAR with its steps, the answers and decisions, and the steps the supplier may answer now [REQ-API-SCAR-01]', async () => {
    const res = await api.reader.get<Scar>(`/scars/${scars.overdue}`);
    expect(res.status, res.text).toBe(200);
    expect(res.headers.get('ETag')).toMatch(/^"/);
    const scar = res.body;
    expect(scar).toMatchObject({ id: scars.overdue, number: 'SCAR-2026-9001', problem: 'Four of 32 stopcocks leak at 300 kPa.', links: [{ kind: 'lot', refId: lotId, label: `SCAR-API-1 (${itemGtin})` }] });
    expect(scar.steps.map((s) => s.step)).toEqual(['D1', 'D2', 'D3', 'D4', 'D5', 'D6', 'D7', 'D8']);
    expect(scar.steps[0]).toMatchObject({
      status: 'returned',
      overdue: true,
      answer: { team: [{ name: 'Wang Fang', role: 'Quality manager' }] },
      decision: 'returned',
      decisionComment: 'Name the moulding supervisor too.',
      evidence: [],
    });
    expect(scar.steps[1]).toMatchObject({ status: 'awaiting_answer', answer: null, dueDate: day(4) });
    expect(scar.answerSteps).toEqual(['D1', 'D2', 'D3', 'D4', 'D5', 'D6', 'D7', 'D8']);

    const current = (await api.writer.get<Scar>(`/scars/${scars.current}`)).body;
    expect(current.steps.slice(0, 2).map((s) => s.status)).toEqual(['accepted', 'submitted']);
    expect(current.answerSteps).toEqual(['D3', 'D4', 'D5', 'D6', 'D7', 'D8']);
    expect((await api.reader.get<Scar>(`/scars/${scars.closed}`)).body).toMatchObject({ state: 'closed', answerSteps: [] });
  });

  it("is not found for another supplier's SCAR or none; refused without the scope, to a distributor or without a valid key [REQ-API-SCAR-01]", async () => {
    expect((await api.reader.get(`/scars/${scars.others}`)).status).toBe(404);
    expect((await api.reader.get('/scars/scr_doesnotexist')).status).toBe(404);
    expect((await api.other.get(`/scars/${scars.others}`)).status).toBe(200);
    expect((await api.other.get(`/scars/${scars.overdue}`)).status).toBe(404);
    expect((await api.distributor.get(`/scars/${scars.overdue}`)).status).toBe(403);
    expect((await api.lotsOnly.get(`/scars/${scars.overdue}`)).status).toBe(403);
    for (const key of ['revoked', 'expired', 'none'] as const) expect((await api[key].get(`/scars/${scars.overdue}`)).status).toBe(401);
  });
});

describe('POST /scars/{scarId}/steps/{step}/answer and …/evidence: refusals before the use case', () => {
  const answer = { team: [{ name: 'Li Wei', role: 'Moulding supervisor' }] };

  it('refuses a key without scars:write (a reader, a distributor: 403) and a revoked, expired or missing key (401), storing nothing [REQ-API-SCAR-01]', async () => {
    const rounds = async () => (await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM scar_step_rounds'))!.n;
    const before = await rounds();
    for (const client of [api.reader, api.lotsOnly, api.distributor]) {
      expect((await client.post(`/scars/${scars.overdue}/steps/D1/answer`, answer)).status).toBe(403);
      const form = new FormData();
      form.append('file', new Blob(['%PDF-1.4\n%%EOF\n'], { type: 'application/pdf' }), 'evidence.pdf');
      expect((await client.request('post', `/scars/${scars.overdue}/steps/D1/evidence`, { form })).status).toBe(403);
    }
    for (const key of ['revoked', 'expired', 'none'] as const) expect((await api[key].post(`/scars/${scars.overdue}/steps/D1/answer`, answer)).status).toBe(401);
    expect(await rounds()).toBe(before);
  });

  it('refuses a step that is not D1..D8, naming the parameter, and evidence without a file', async () => {
    const res = await api.writer.post<Problem>(`/scars/${scars.overdue}/steps/D9/answer`, answer);
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ parameter: 'step' })]);
    const noFile = await api.writer.request<Problem>('post', `/scars/${scars.overdue}/steps/D1/evidence`, { form: new FormData() });
    expect(noFile.status).toBe(400);
  });
});

describe('POST /scars/{scarId}/steps/{step}/answer', () => {
  it('keeps the answer as a round, audited under the key, announced as scar.step_submitted; the step then waits for QA [REQ-API-SCAR-01]', async () => {
    const res = await api.writer.post<AnswerResult>(`/scars/${scars.opened}/steps/D1/answer`, {
      team: [{ name: '  Wang Fang ', role: 'Quality manager', email: 'wang.fang@suzhou-precision.example' }, { name: 'Li Wei', role: 'Moulding supervisor', note: 'dropped' }],
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.round).toBe(1);
    expect(res.body.step).toMatchObject({
      step: 'D1',
      status: 'submitted',
      answer: { team: [{ name: 'Wang Fang', role: 'Quality manager', email: 'wang.fang@suzhou-precision.example' }, { name: 'Li Wei', role: 'Moulding supervisor' }] },
      decision: null,
    });
    expect(await rounds(scars.opened, 'D1')).toBe(1);
    const audit = await db.get<{ actor_name: string }>("SELECT actor_name FROM audit_log WHERE entity_id = ? AND action = 'scar.step_submitted'", [scars.opened]);
    expect(audit?.actor_name).toMatch(/\(API key\)$/);
    expect((await db.get<{ n: number }>("SELECT COUNT(*) AS n FROM outbox WHERE event_type = 'scar.step_submitted' AND aggregate_id = ?", [scars.opened]))!.n).toBe(1);
    const scar = (await api.reader.get<Scar>(`/scars/${scars.opened}`)).body;
    expect(scar.steps[0]!.status).toBe('submitted');
    expect(scar.answerSteps).not.toContain('D1');
  });

  it('answers every problem at once, each a pointer into the body, and stores nothing [REQ-API-SCAR-01]', async () => {
    const res = await api.writer.post<Problem>(`/scars/${scars.opened}/steps/D3/answer`, {
      containment: [
        { location: 'Suzhou warehouse', quantityChecked: 500, quantitySuspect: 12, action: 'Quarantined' },
        { location: '', quantityChecked: 10, quantitySuspect: 11, action: 'Sorted' },
      ],
      effectiveFrom: '2026-02-30',
    });
    expect(res.status).toBe(400);
    expect(Object.fromEntries(res.body.errors!.map((e) => [e.pointer, e.code]))).toEqual({
      '/containment/1/location': 'scar-rules.required',
      '/containment/1/quantitySuspect': 'scar-rules.suspectOverChecked',
      '/effectiveFrom': 'scar-rules.badDate',
    });
    const empty = await api.writer.post<Problem>(`/scars/${scars.opened}/steps/D2/answer`, {});
    expect(empty.status).toBe(400);
    expect(empty.body.errors).toEqual([expect.objectContaining({ pointer: '/description', code: 'scar-rules.required' })]);
    expect(await rounds(scars.opened, 'D3')).toBe(0);
    expect(await rounds(scars.opened, 'D2')).toBe(0);
  });

  it('refuses a step that is with QA (409, naming the step), and answers a retry with the same Idempotency-Key with the first answer [REQ-API-SCAR-01]', async () => {
    const again = await api.writer.post<Problem>(`/scars/${scars.opened}/steps/D1/answer`, { team: [{ name: 'Wang Fang', role: 'Quality manager' }] });
    expect(again.status).toBe(409);
    expect(again.body.errors).toEqual([expect.objectContaining({ parameter: 'step', code: 'scar-rules.stepWithQa' })]);
    const answer = { description: 'Stopcocks of lot SCAR-API-1 leak at the luer at 300 kPa.' };
    const headers = { 'Idempotency-Key': `scar-d2-${scars.opened}` };
    const first = await api.writer.post<AnswerResult>(`/scars/${scars.opened}/steps/D2/answer`, answer, { headers });
    expect(first.status, first.text).toBe(200);
    const retry = await api.writer.post<AnswerResult>(`/scars/${scars.opened}/steps/D2/answer`, answer, { headers });
    expect(retry.status).toBe(200);
    expect(retry.headers.get('Idempotent-Replayed')).toBe('true');
    expect(retry.body).toEqual(first.body);
    expect(await rounds(scars.opened, 'D2')).toBe(1);
  });

  it("is not found for another supplier's SCAR, storing nothing [REQ-API-SCAR-01]", async () => {
    const res = await api.writer.post(`/scars/${scars.othersOpened}/steps/D1/answer`, { team: [{ name: 'Wang Fang', role: 'Quality manager' }] });
    expect(res.status).toBe(404);
    expect(await rounds(scars.othersOpened, 'D1')).toBe(0);
  });
});

describe('POST /scars/{scarId}/steps/{step}/evidence', () => {
  const upload = (client: ApiClient, scarId: string, step: string, bytes: Uint8Array, name = 'leak-test.pdf', type = 'application/pdf') => {
    const form = new FormData();
    form.append('file', new Blob([bytes as Uint8Array<ArrayBuffer>], { type }), name);
    return client.request<Evidence & Problem>('post', `/scars/${scarId}/steps/${step}/evidence`, { form });
  };

  it('keeps a PDF with the step, its SHA-256 as uploaded; the SCAR lists it under the step [REQ-API-SCAR-01]', async () => {
    const bytes = await pdfBytes('Leak test report after the fix');
    const res = await upload(api.writer, scars.opened, 'D4', bytes);
    expect(res.status, res.text).toBe(201);
    const { createHash } = await import('node:crypto');
    expect(res.body).toMatchObject({ step: 'D4', fileName: 'leak-test.pdf', sizeBytes: bytes.byteLength, sha256: createHash('sha256').update(bytes).digest('hex') });
    const scar = (await api.reader.get<Scar>(`/scars/${scars.opened}`)).body;
    expect(scar.steps.find((s) => s.step === 'D4')!.evidence).toEqual([{ id: res.body.id, fileName: 'leak-test.pdf', uploadedAt: res.body.uploadedAt }]);
  });

  it('keeps a photo and a CSV table too, judged by content; a file whose name says otherwise is refused at /file with the ending to use [REQ-API-SCAR-01]', async () => {
    const png = Uint8Array.from(Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYPj/HwAEAQH/2Q6kqQAAAABJRU5ErkJggg==', 'base64'));
    const csv = new TextEncoder().encode('sample,leak rate (ml/min)\r\n1,0.02\r\n');
    const photo = await upload(api.writer, scars.opened, 'D4', png, 'leak-path.png', 'application/octet-stream');
    expect(photo.status, photo.text).toBe(201);
    expect(photo.body).toMatchObject({ step: 'D4', fileName: 'leak-path.png', contentType: 'image/png', sizeBytes: png.byteLength });
    const table = await upload(api.writer, scars.opened, 'D4', csv, 'leak-test.csv', 'text/csv');
    expect(table.status, table.text).toBe(201);
    expect(table.body).toMatchObject({ fileName: 'leak-test.csv', contentType: 'text/csv' });
    const scar = (await api.reader.get<Scar>(`/scars/${scars.opened}`)).body;
    expect(scar.steps.find((s) => s.step === 'D4')!.evidence.map((e) => (e as { fileName: string }).fileName)).toEqual(expect.arrayContaining(['leak-path.png', 'leak-test.csv']));

    const misnamed = await upload(api.writer, scars.opened, 'D4', png, 'leak-path.pdf');
    expect(misnamed.status).toBe(400);
    expect(misnamed.body.errors).toEqual([expect.objectContaining({ pointer: '/file', code: 'files.nameMismatch', params: { ending: '.png' } })]);
  });

  it("refuses a file that is not a PDF (a pointer to the file), a step with QA (409) and another supplier's SCAR (404), keeping nothing [REQ-API-SCAR-01]", async () => {
    const count = async () => (await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM scar_evidence'))!.n;
    const before = await count();
    const notPdf = await upload(api.writer, scars.opened, 'D4', new TextEncoder().encode('just text'), 'notes.pdf');
    expect(notPdf.status).toBe(400);
    expect(notPdf.body.errors).toEqual([expect.objectContaining({ pointer: '/file' })]);
    const withQa = await upload(api.writer, scars.opened, 'D1', await pdfBytes('Team list'));
    expect(withQa.status).toBe(409);
    expect((await upload(api.writer, scars.othersOpened, 'D1', await pdfBytes('Team list'))).status).toBe(404);
    expect(await count()).toBe(before);
  });
});

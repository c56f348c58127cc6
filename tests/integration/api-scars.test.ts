// /api/v1/scars against the real server and its SQLite file, every answer checked against the
// served OpenAPI document: a supplier's key lists its own corrective action requests (paged,
// sorted, filtered by state and overdue) and reads one with its 8D steps, the answers given,
// QA's decisions and which steps it may answer now; another supplier's SCAR is not found; a
// distributor's key cannot hold the scope (403); a key without scars:read / scars:write is refused
// (403), a revoked, expired or missing one not recognised (401); a step that is not D1..D8 is
// refused naming the parameter.
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
  errors?: { parameter?: string; pointer?: string; code: string }[];
}

let server: RunningServer;
let db: Db;
let ctx: UseCaseContext;
const api: Record<'reader' | 'writer' | 'lotsOnly' | 'distributor' | 'other' | 'revoked' | 'expired' | 'none', ApiClient> = {} as never;
const scars = {} as Record<'overdue' | 'current' | 'closed' | 'others', string>;
let lotId: string;

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const dueDates = (first: number) => Array.from({ length: 8 }, (_, i) => day(first + 7 * i));

const pages = (client: ApiClient, path: string) => allItems<Summary>(client, path);

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
  const qa = (await actorFor(db, demo('manufacturer_qa').email)).userId;

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
  it("lists the supplier's own SCARs, newest first, never another supplier's", async () => {
    const own = await pages(api.reader, '/scars');
    expect(own.map((s) => s.id)).toEqual([scars.current, scars.overdue, scars.closed]);
    expect(own[1]).toMatchObject({ number: 'SCAR-2026-9001', state: 'open', nextDue: day(-3), overdue: true });
    expect(own[0]).toMatchObject({ overdue: false, nextDue: day(11) });
    expect(own[2]).toMatchObject({ state: 'closed', nextDue: null, overdue: false });
    expect((await pages(api.other, '/scars')).map((s) => s.id)).toEqual([scars.others]);
  });

  it('pages one at a time to the same list, sorts by number, filters by state and overdue', async () => {
    const all = (await pages(api.reader, '/scars')).map((s) => s.id);
    expect((await pages(api.reader, '/scars?limit=1')).map((s) => s.id)).toEqual(all);
    expect((await pages(api.writer, '/scars?sort=number&order=asc&limit=2')).map((s) => s.number)).toEqual(['SCAR-2025-9003', 'SCAR-2026-9001', 'SCAR-2026-9002']);
    expect((await pages(api.reader, '/scars?state=closed')).map((s) => s.id)).toEqual([scars.closed]);
    expect((await pages(api.reader, '/scars?state=open&order=asc')).map((s) => s.id)).toEqual([scars.overdue, scars.current]);
    expect((await pages(api.reader, '/scars?overdue=true')).map((s) => s.id)).toEqual([scars.overdue]);
    expect((await api.reader.get('/scars?state=draft')).status).toBe(400);
  });

  it('refuses a distributor (it cannot hold the scope), a key without scars:read (403) and a revoked, expired or missing key (401)', async () => {
    expect((await api.distributor.get('/scars')).status).toBe(403);
    expect((await api.lotsOnly.get('/scars')).status).toBe(403);
    for (const key of ['revoked', 'expired', 'none'] as const) expect((await api[key].get('/scars')).status).toBe(401);
  });
});

describe('GET /scars/{scarId}', () => {
  it('answers an own SCAR with its steps, the answers and decisions, and the steps the supplier may answer now', async () => {
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

  it("is not found for another supplier's SCAR or none; refused without the scope, to a distributor or without a valid key", async () => {
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

  it('refuses a key without scars:write (a reader, a distributor: 403) and a revoked, expired or missing key (401), storing nothing', async () => {
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

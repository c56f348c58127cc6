// /api/v1 for the supplier quality loop (issue 18) against the real server and its SQLite file,
// every answer checked against the served OpenAPI document: a supplier's key reads its own
// entries of the approved supplier list (paged, sorted, filtered; an automatic downgrade with its
// reason as data), never another supplier's (404); a distributor's key cannot be given the scope
// and is refused (403). Lots carry their release state in lists and answers, the list filters by
// it, and one lot answers QA's inspection results (never who signed); another supplier's
// inspected lot is not found. Every operation refuses a key without its scope (403) and a
// revoked, expired or missing key (401).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../shared/db/index.ts';
import type { FilesContext } from '../../shared/context.ts';
import { LocalFileStorage } from '../../shared/files/local-file-storage.ts';
import type { Actor } from '../../shared/auth/actor.ts';
import { systemClock } from '../../shared/clock.ts';
import { defaultPolicy } from '../../shared/auth/policy.ts';
import { demoPassword } from '../../shared/demo/seed-demo.ts';
import { createOrganisation } from '../../shared/organisations/create-organisation.ts';
import { addUser } from '../../shared/organisations/add-user.ts';
import { setSupplierApproval } from '../../shared/supplier-approvals/set-supplier-approval.ts';
import { downgradeApprovals } from '../../shared/supplier-approvals/downgrade-approvals.ts';
import { submitLots } from '../../shared/lots/submit-lots.ts';
import { inspectLot } from '../../shared/lots/inspect-lot.ts';
import { applyItemUpserted } from '../../shared/erp/apply-item-upserted.ts';
import { gtinCheckDigit } from '../../shared/gs1/gtin.ts';
import { tempDir, type RunningServer } from '../support/server.ts';
import { openServerDb, startBuiltServer } from '../support/portal.ts';
import { demo } from '../support/demo.ts';
import { actorFor } from '../support/actors.ts';
import { allItems, ApiClient, createTestApiKey } from '../support/api.ts';
import { refusedClients } from '../support/api-refused-keys.ts';

const supplier = demo('supplier_user');
const other = { email: 'quality@ningbo-quality-api.example', displayName: 'Chen Gang', password: 'ningbo-quality-api-pass' };
const rp = { id: 'localhost', name: 'Lotbridge', origin: 'http://localhost' };
const gtin = (first13: string) => first13 + gtinCheckDigit(first13);
const itemGtin = gtin('0950600018001');

interface Approval {
  id: string;
  itemGtin: string | null;
  itemCategory: string | null;
  status: string;
  requiredCertificates: string[];
  reason: string;
  automaticReason: { code: string; params: Record<string, unknown> } | null;
  decidedBy: string | null;
  decidedAt: string;
}
interface Inspection {
  outcome: string;
  sampleSize: number;
  defectsFound: number;
  measurements: { name: string; value: string; unit: string; withinSpec: boolean }[];
  deviation: string | null;
  reason: string | null;
  decidedAt: string;
}
interface LotDetail {
  id: string;
  lot: string;
  state: string;
  inspection: Inspection | null;
}
interface LotSummary {
  id: string;
  lot: string;
  state: string;
}

let server: RunningServer;
let db: Db;
let ctx: FilesContext;
let uploads: { dir: string; remove(): void };
let qa: Actor;
const api: Record<'supplier' | 'lotsOnly' | 'approvalsOnly' | 'distributor' | 'other' | 'revoked' | 'expired' | 'none', ApiClient> = {} as never;
let otherApprovalId: string;
const lots = {} as Record<'released' | 'rejected' | 'deviation' | 'submitted' | 'othersRejected', string>;

const pages = allItems;

const lotIdOf = async (lot: string) => (await db.get<{ id: string }>('SELECT id FROM lots WHERE lot = ?', [lot]))!.id;

async function newLot(actor: Actor, lot: string): Promise<string> {
  const { stored } = await submitLots(ctx, actor, { source: 'form', lots: [{ gtin: itemGtin, lot, quantity: 40, expiryDate: '2030-06-30' }] });
  return stored[0]!.id;
}

const decide = (lotId: string, input: { outcome: string; deviation?: string; reason?: string }) =>
  inspectLot(ctx, qa, rp, {
    lotId,
    sampleSize: 8,
    defectsFound: input.outcome === 'rejected' ? 3 : 0,
    measurements: [{ name: 'Tube length', value: '1502', unit: 'mm', withinSpec: input.outcome !== 'rejected' }],
    ...input,
    credential: { password: demoPassword },
  });

beforeAll(async () => {
  // The whole demo: its approved supplier list, a released and a rejected lot.
  uploads = tempDir('lotbridge-api-quality-uploads-');
  server = await startBuiltServer({ DEMO_SEED: 'true', UPLOAD_DIR: uploads.dir });
  db = openServerDb(server);
  ctx = { db, clock: systemClock, policy: defaultPolicy, files: new LocalFileStorage(uploads.dir) };
  qa = await actorFor(db, demo('manufacturer_qa').email);
  const by = { type: 'system' as const, name: 'api supplier quality test' };
  const otherOrg = (await createOrganisation(ctx, by, { name: 'Ningbo Quality API Ltd.', kind: 'supplier', erpId: 'V-18001' })).id;
  await addUser(ctx, by, { ...other, role: 'supplier_user', organisationId: otherOrg });
  await db.transaction((tx) => applyItemUpserted(tx, systemClock, { gtin: itemGtin, description: 'Extension line EL-30', unitOfMeasure: 'EA' }));
  // The other supplier: one entry, approved, then downgraded by Lotbridge when its ISO 13485 expired.
  const entry = await setSupplierApproval(ctx, qa, rp, {
    supplierId: otherOrg,
    itemGtin,
    status: 'approved',
    requiredCertificates: ['iso13485'],
    reason: 'Audit passed',
    credential: { password: demoPassword },
  });
  otherApprovalId = entry.id;
  await db.transaction((tx) =>
    downgradeApprovals(tx, systemClock, { kind: 'certificate_expired', certificateId: 'cer_test', supplierId: otherOrg, type: 'iso13485', number: 'ISO-18-1', validTo: '2026-01-31' }),
  );

  const client = new ApiClient(server.url);
  api.supplier = client.withToken((await createTestApiKey(ctx, supplier.email)).token);
  api.lotsOnly = client.withToken((await createTestApiKey(ctx, supplier.email, { scopes: ['lots:read'] })).token);
  api.approvalsOnly = client.withToken((await createTestApiKey(ctx, supplier.email, { scopes: ['approvals:read'] })).token);
  api.distributor = client.withToken((await createTestApiKey(ctx, demo('distributor_user').email)).token);
  api.other = client.withToken((await createTestApiKey(ctx, other.email)).token);
  Object.assign(api, await refusedClients(ctx, server.url, supplier.email));

  // The demo released DEMO-2601A and rejected SC-2610A; here one more is released with a deviation,
  // one waits, and the other supplier has a rejected lot.
  lots.released = await lotIdOf('DEMO-2601A');
  lots.rejected = await lotIdOf('SC-2610A');
  const supplierActor = await actorFor(db, supplier.email);
  lots.deviation = await newLot(supplierActor, 'QAPI-DEV-1');
  await decide(lots.deviation, { outcome: 'accepted_with_deviation', deviation: 'Label print slightly off-centre; accepted once.' });
  lots.submitted = await newLot(supplierActor, 'QAPI-WAIT-1');
  lots.othersRejected = await newLot(await actorFor(db, other.email), 'QAPI-OTHER-1');
  await decide(lots.othersRejected, { outcome: 'rejected', reason: 'Three of eight kinked.' });
});

afterAll(async () => {
  db?.close();
  await server?.stop();
  uploads?.remove();
});

describe('GET /supplier-approvals', () => {
  it("answers the supplier's own entries, items (by GTIN) before categories, as QA decided them [REQ-API-SQ-01]", async () => {
    const own = await db.all<{ id: string }>(
      "SELECT a.id FROM supplier_approvals a JOIN organisations o ON o.id = a.supplier_id WHERE o.erp_id = 'V-10001' ORDER BY COALESCE(a.item_gtin, a.item_category), a.id",
    );
    expect(own.length).toBe(4);
    const items = await pages<Approval>(api.approvalsOnly, '/supplier-approvals');
    expect(items.map((a) => a.id)).toEqual(own.map((r) => r.id));
    expect(items.map((a) => a.id)).not.toContain(otherApprovalId);
    expect(items.at(-1)).toMatchObject({ itemGtin: null, itemCategory: 'IIa', status: 'approved', requiredCertificates: ['iso13485'] });
    expect(items.find((a) => a.status === 'conditional')).toMatchObject({
      requiredCertificates: ['iso13485', 'coc'],
      reason: expect.stringContaining('SC-2610A'),
      automaticReason: null,
      decidedBy: demo('manufacturer_qa').displayName,
    });
  });

  it('pages one at a time to the same list, sorts by decision time both ways, filters by status and item', async () => {
    const all = (await pages<Approval>(api.supplier, '/supplier-approvals')).map((a) => a.id);
    expect((await pages<Approval>(api.supplier, '/supplier-approvals?limit=1')).map((a) => a.id)).toEqual(all);
    const byDecision = await pages<Approval>(api.supplier, '/supplier-approvals?sort=decided&limit=3');
    const times = byDecision.map((a) => a.decidedAt);
    expect(times).toEqual([...times].sort());
    expect(byDecision.map((a) => a.id).sort()).toEqual([...all].sort());
    expect((await pages<Approval>(api.supplier, '/supplier-approvals?sort=decided&order=desc&limit=2')).map((a) => a.id)).toEqual(byDecision.map((a) => a.id).reverse());
    const pending = await pages<Approval>(api.supplier, '/supplier-approvals?status=pending');
    expect(pending.map((a) => a.status)).toEqual(['pending']);
    expect(await pages<Approval>(api.supplier, '/supplier-approvals?item=IIa')).toEqual([expect.objectContaining({ itemCategory: 'IIa' })]);
    expect((await api.supplier.get('/supplier-approvals?status=revoked')).status).toBe(400);
  });

  it("gives Lotbridge's own downgrade its reason as data, and only to its supplier [REQ-API-SQ-01]", async () => {
    const [entry] = await pages<Approval>(api.other, '/supplier-approvals');
    expect(entry).toMatchObject({
      id: otherApprovalId,
      itemGtin,
      status: 'conditional',
      decidedBy: null,
      automaticReason: { code: 'asl.downgradeExpired', params: expect.objectContaining({ number: 'ISO-18-1', date: '2026-01-31' }) },
    });
    expect(entry!.reason).toContain('ISO-18-1');
  });

  it('refuses a distributor (it cannot hold the scope), a key without approvals:read (403) and a revoked, expired or missing key (401) [REQ-API-SQ-01]', async () => {
    expect((await api.distributor.get('/supplier-approvals')).status).toBe(403);
    expect((await api.lotsOnly.get('/supplier-approvals')).status).toBe(403);
    for (const key of ['revoked', 'expired', 'none'] as const) expect((await api[key].get('/supplier-approvals')).status).toBe(401);
  });
});

describe('GET /supplier-approvals/{approvalId}', () => {
  it('answers an own entry with an ETag', async () => {
    const [first] = await pages<Approval>(api.supplier, '/supplier-approvals?limit=1');
    const res = await api.approvalsOnly.get<Approval>(`/supplier-approvals/${first!.id}`);
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual(first);
    expect(res.headers.get('ETag')).toMatch(/^"/);
  });

  it("is not found for another supplier's entry or none; refused without the scope, to a distributor or without a valid key [REQ-API-SQ-01]", async () => {
    expect((await api.supplier.get(`/supplier-approvals/${otherApprovalId}`)).status).toBe(404);
    expect((await api.supplier.get('/supplier-approvals/asl_doesnotexist')).status).toBe(404);
    expect((await api.other.get(`/supplier-approvals/${otherApprovalId}`)).status).toBe(200);
    expect((await api.distributor.get(`/supplier-approvals/${otherApprovalId}`)).status).toBe(403);
    expect((await api.lotsOnly.get(`/supplier-approvals/${otherApprovalId}`)).status).toBe(403);
    for (const key of ['revoked', 'expired', 'none'] as const) expect((await api[key].get(`/supplier-approvals/${otherApprovalId}`)).status).toBe(401);
  });
});

describe('lot release state and inspection outcome', () => {
  it("answers a released lot's inspection results, without who signed [REQ-API-SQ-01]", async () => {
    const res = await api.lotsOnly.get<LotDetail>(`/lots/${lots.released}`);
    expect(res.status, res.text).toBe(200);
    expect(res.body.state).toBe('released');
    expect(res.body.inspection).toEqual({
      outcome: 'accepted',
      sampleSize: 13,
      defectsFound: 0,
      measurements: [{ name: 'Burst pressure', value: '415', unit: 'kPa', withinSpec: true }],
      deviation: null,
      reason: null,
      decidedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(res.text).not.toContain(qa.userId);
    expect(res.text).not.toContain(qa.displayName);
  });

  it('answers a rejection with its reason, a deviation with its text, and no inspection while the lot waits [REQ-API-SQ-01]', async () => {
    const rejected = await api.supplier.get<LotDetail>(`/lots/${lots.rejected}`);
    expect(rejected.body).toMatchObject({ state: 'rejected', inspection: { outcome: 'rejected', sampleSize: 32, defectsFound: 4, deviation: null, reason: expect.stringContaining('leak') } });
    const deviation = await api.supplier.get<LotDetail>(`/lots/${lots.deviation}`);
    expect(deviation.body).toMatchObject({ state: 'released_with_deviation', inspection: { outcome: 'accepted_with_deviation', deviation: 'Label print slightly off-centre; accepted once.', reason: null } });
    const waiting = await api.supplier.get<LotDetail>(`/lots/${lots.submitted}`);
    expect(waiting.body).toMatchObject({ state: 'submitted', inspection: null });
  });

  it('carries the state in the list and filters by it, only the own lots [REQ-API-SQ-01]', async () => {
    const expected: Record<string, string> = { released: lots.released, rejected: lots.rejected, released_with_deviation: lots.deviation, submitted: lots.submitted };
    const everyOwn = await pages<LotSummary>(api.supplier, '/lots?limit=200');
    for (const [state, id] of Object.entries(expected)) {
      expect(everyOwn.find((l) => l.id === id)?.state).toBe(state);
      const filtered = await pages<LotSummary>(api.supplier, `/lots?state=${state}&limit=200`);
      expect(filtered.map((l) => l.id)).toContain(id);
      expect(filtered.every((l) => l.state === state)).toBe(true);
      expect(filtered.map((l) => l.id)).not.toContain(lots.othersRejected);
    }
    // Every own lot is in exactly one state's list.
    const counts = await Promise.all(Object.keys(expected).map(async (s) => (await pages<LotSummary>(api.supplier, `/lots?state=${s}&limit=200`)).length));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(everyOwn.length);
    expect((await api.supplier.get('/lots?state=quarantined')).status).toBe(400);
  });

  it("is not found for another supplier's inspected lot [REQ-API-SQ-01]", async () => {
    expect((await api.supplier.get(`/lots/${lots.othersRejected}`)).status).toBe(404);
    const own = await api.other.get<LotDetail>(`/lots/${lots.othersRejected}`);
    expect(own.body).toMatchObject({ state: 'rejected', inspection: { reason: 'Three of eight kinked.', defectsFound: 3 } });
  });

  it('refuses the state filter and the inspection without lots:read (403) and without a valid key (401) [REQ-API-SQ-01]', async () => {
    expect((await api.approvalsOnly.get('/lots?state=rejected')).status).toBe(403);
    expect((await api.approvalsOnly.get(`/lots/${lots.rejected}`)).status).toBe(403);
    for (const key of ['revoked', 'expired', 'none'] as const) expect((await api[key].get('/lots?state=rejected')).status).toBe(401);
  });
});

// Signing the supplier quality decisions with a passkey (issue 18), as certificate approval does:
// the lot inspection and the approved supplier list entry. The whole ceremony runs through the
// real use cases with a software authenticator: the challenge is derived from the hash of exactly
// the decision entered (a new list entry's id minted with it), is used once, and a decision
// changed after it was started is refused with nothing recorded. Over HTTP the first halves
// (/lots/<id>/sign, /approved-suppliers/sign) refuse suppliers and a QA user without a passkey.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../shared/auth/actor.ts';
import type { Db } from '../../shared/db/index.ts';
import { demoPassword, seedDemo } from '../../shared/demo/seed-demo.ts';
import { submitLots } from '../../shared/lots/submit-lots.ts';
import { inspectLot, type InspectionInput } from '../../shared/lots/inspect-lot.ts';
import { startInspectionSignature } from '../../shared/lots/start-inspection-signature.ts';
import { setSupplierApproval } from '../../shared/supplier-approvals/set-supplier-approval.ts';
import { startApprovalSignature } from '../../shared/supplier-approvals/start-approval-signature.ts';
import { applyItemUpserted } from '../../shared/erp/apply-item-upserted.ts';
import { verifyAuditChain } from '../../shared/audit/verify-audit-chain.ts';
import { testDatabase, type TestDatabase } from '../support/database.ts';
import { actorFor } from '../support/actors.ts';
import { demo } from '../support/demo.ts';
import { refusal } from '../support/refusal.ts';
import { enrolPasskey, passkeyAssertion } from '../support/passkeys.ts';
import type { SoftwareAuthenticator } from '../support/software-authenticator.ts';
import { BrowserClient, openServerDb, signedInClients, startBuiltServer } from '../support/portal.ts';
import { systemClock } from '../../shared/clock.ts';
import type { RunningServer } from '../support/server.ts';

const rp = { id: 'portal.lotbridge.test', name: 'Lotbridge', origin: 'https://portal.lotbridge.test' };
const gtin = '09506000134352';
const uploads = { maxBytes: 64 * 1024 };
const png = Uint8Array.from(Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYPj/HwAEAQH/2Q6kqQAAAABJRU5ErkJggg==', 'base64'));

let t: TestDatabase;
const as = {} as Record<'supplier' | 'qa', Actor>;
let key: SoftwareAuthenticator;
let seq = 0;

async function newLot(): Promise<string> {
  const { stored } = await submitLots(t.ctx, as.supplier, { source: 'form', lots: [{ gtin, lot: `L-PK-${++seq}`, quantity: 50, expiryDate: '2030-01-31' }] });
  return stored[0]!.id;
}
const signatureOf = (entityType: string, entityId: string) =>
  t.db.all<{ method: string; meaning: string; credential_id: string | null; record_hash: string }>('SELECT method, meaning, credential_id, record_hash FROM signatures WHERE entity_type = ? AND entity_id = ?', [entityType, entityId]);

beforeAll(async () => {
  t = await testDatabase();
  await seedDemo(t.ctx);
  await t.db.transaction((tx) => applyItemUpserted(tx, t.clock, { gtin, description: 'Roller clamp housing', unitOfMeasure: 'EA' }));
  as.supplier = await actorFor(t.db, demo('supplier_user').email);
  as.qa = await actorFor(t.db, demo('manufacturer_qa').email);
  key = await enrolPasskey(t.ctx, as.qa, rp, demoPassword);
});
afterAll(() => t?.close());

describe('the lot inspection signed with a passkey', () => {
  const decision = (lotId: string, extra: Partial<InspectionInput> = {}): InspectionInput => ({
    lotId,
    outcome: 'accepted_with_deviation',
    sampleSize: 13,
    defectsFound: 1,
    measurements: [{ name: 'Outer diameter', value: '4.03', unit: 'mm', withinSpec: false }],
    deviation: 'Diameter 0.01 mm over; fit verified (DEV-9)',
    attachments: { uploads, files: [{ name: 'fit.png', bytes: png }] },
    ...extra,
  });

  it('records the decision with a passkey signature over the hash of exactly that decision, its files included [REQ-SQ-PASSKEY-01]', async () => {
    const id = await newLot();
    const started = await startInspectionSignature(t.ctx, as.qa, rp, decision(id));
    const { lot, signature } = await inspectLot(t.ctx, as.qa, rp, { ...decision(id), credential: passkeyAssertion(key, started) });
    expect(lot.state).toBe('released_with_deviation');
    expect(signature).toMatchObject({ method: 'passkey', meaning: 'approval' });
    const [row] = await signatureOf('lot', id);
    expect(row!.credential_id).toBe(key.credentials.map((c) => c.id.toString('base64url'))[0]);
    expect((await verifyAuditChain(t.db)).ok).toBe(true);
  });

  it('refuses an assertion for a decision changed after the challenge (another sample size, another file), nothing is recorded; the assertion then signs the decision it was made for, once [REQ-SQ-PASSKEY-01] [REQ-INSP-02]', async () => {
    const id = await newLot();
    const started = await startInspectionSignature(t.ctx, as.qa, rp, decision(id));
    const credential = passkeyAssertion(key, started);
    await refusal(inspectLot(t.ctx, as.qa, rp, { ...decision(id, { sampleSize: 20 }), credential }));
    const again = await startInspectionSignature(t.ctx, as.qa, rp, decision(id));
    await refusal(inspectLot(t.ctx, as.qa, rp, { ...decision(id, { attachments: { uploads, files: [{ name: 'other.png', bytes: png }] } }), credential: passkeyAssertion(key, again) }));
    expect(await signatureOf('lot', id)).toEqual([]);
    expect(await t.db.get('SELECT id FROM lot_inspections WHERE lot_id = ?', [id])).toBeUndefined();
    // The assertion signs exactly the decision it was started for, once: its challenge is then gone.
    await inspectLot(t.ctx, as.qa, rp, { ...decision(id), credential });
    expect(await t.db.get('SELECT id FROM webauthn_challenges WHERE id = ?', [started.challengeId])).toBeUndefined();
    expect((await refusal(inspectLot(t.ctx, as.qa, rp, { ...decision(await newLot()), credential }))).code).toBe('challenge_expired');
  });

  it('is for QA only: a supplier cannot start one; a refused decision gives its field problems at the start [REQ-SQ-PASSKEY-01]', async () => {
    const id = await newLot();
    expect((await refusal(startInspectionSignature(t.ctx, as.supplier, rp, decision(id)))).code).toBe('forbidden');
    const bad = await refusal(startInspectionSignature(t.ctx, as.qa, rp, decision(id, { sampleSize: 0, deviation: '' })));
    expect(bad.problems).toMatchObject({ sampleSize: { code: 'lotInspection.sampleSize' }, deviation: { code: 'lotInspection.deviationRequired' } });
  });
});

describe('the approved supplier list decision signed with a passkey', () => {
  const entry = { supplierId: '', itemCategory: 'passkey-category-1', status: 'approved', requiredCertificates: ['iso13485'], reason: 'Supplier audit passed' };

  beforeAll(() => {
    entry.supplierId = as.supplier.organisationId;
  });

  it('creates an entry under the id minted with the challenge, signed with the passkey; then changes it the same way [REQ-SQ-PASSKEY-01]', async () => {
    const started = await startApprovalSignature(t.ctx, as.qa, rp, entry);
    expect(started.newApprovalId).toMatch(/^asl_[a-z2-7]{32}$/);
    const created = await setSupplierApproval(t.ctx, as.qa, rp, { ...entry, newApprovalId: started.newApprovalId!, credential: passkeyAssertion(key, started) });
    expect(created.id).toBe(started.newApprovalId);
    expect((await signatureOf('supplier_approval', created.id)).map((s) => [s.method, s.meaning])).toEqual([['passkey', 'approval']]);

    const change = { approvalId: created.id, status: 'conditional', requiredCertificates: ['iso13485'], reason: 'Audit finding F-3 open' };
    const changeStarted = await startApprovalSignature(t.ctx, as.qa, rp, change);
    expect(changeStarted.newApprovalId).toBeNull();
    const changed = await setSupplierApproval(t.ctx, as.qa, rp, { ...change, credential: passkeyAssertion(key, changeStarted) });
    expect(changed.status).toBe('conditional');
    expect((await signatureOf('supplier_approval', created.id)).map((s) => s.method)).toEqual(['passkey', 'passkey']);
  });

  it('refuses an entry under another id than the one minted, or with another status than started; nothing is saved [REQ-SQ-PASSKEY-01]', async () => {
    const other = { ...entry, itemCategory: 'passkey-category-2' };
    const started = await startApprovalSignature(t.ctx, as.qa, rp, other);
    await refusal(setSupplierApproval(t.ctx, as.qa, rp, { ...other, credential: passkeyAssertion(key, started) }));
    const again = await startApprovalSignature(t.ctx, as.qa, rp, other);
    await refusal(setSupplierApproval(t.ctx, as.qa, rp, { ...other, status: 'conditional', newApprovalId: again.newApprovalId!, credential: passkeyAssertion(key, again) }));
    expect(await t.db.get("SELECT id FROM supplier_approvals WHERE item_category = 'passkey-category-2'")).toBeUndefined();
  });

  it('is for QA only: a supplier cannot start one [REQ-SQ-PASSKEY-01]', async () => {
    expect((await refusal(startApprovalSignature(t.ctx, as.supplier, rp, entry))).code).toBe('forbidden');
  });
});

describe('the first halves over HTTP (the built portal on loopback)', () => {
  let server: RunningServer;
  let db: Db;
  let lotId: string;
  const clients = {} as Record<'supplier' | 'qa', BrowserClient>;
  const inspection = () => {
    const form = new FormData();
    for (const [k, v] of Object.entries({ outcome: 'accepted', sampleSize: '3', defectsFound: '0' })) form.append(k, v);
    return form;
  };
  const asl = () => {
    const form = new FormData();
    for (const [k, v] of Object.entries({ supplierId: as.supplier.organisationId, itemCategory: 'http-category', status: 'approved', reason: 'Audit passed' })) form.append(k, v);
    return form;
  };

  beforeAll(async () => {
    server = await startBuiltServer();
    db = openServerDb(server);
    await db.transaction((tx) => applyItemUpserted(tx, systemClock, { gtin, description: 'Roller clamp housing', unitOfMeasure: 'EA' }));
    const supplier = await actorFor(db, demo('supplier_user').email);
    lotId = (await submitLots({ db, clock: systemClock, policy: t.ctx.policy }, supplier, { source: 'form', lots: [{ gtin, lot: 'L-PK-HTTP', quantity: 10, expiryDate: '2030-01-31' }] })).stored[0]!.id;
    Object.assign(clients, await signedInClients(server, db, { supplier: demo('supplier_user').email, qa: demo('manufacturer_qa').email }));
  });
  afterAll(async () => {
    db?.close();
    await server?.stop();
  });

  it('refuse a supplier (403) and QA without a passkey (400); nothing is decided [REQ-SQ-PASSKEY-01]', async () => {
    const post = (client: BrowserClient, path: string, body: FormData) => client.request(path, { method: 'POST', body, headers: { accept: 'application/json' } });
    for (const [path, body] of [[`/lots/${lotId}/sign`, inspection], ['/approved-suppliers/sign', asl]] as const) {
      const supplier = await post(clients.supplier, path, body());
      expect(supplier.status, path).toBe(403);
      await supplier.body?.cancel();
      const qa = await post(clients.qa, path, body());
      expect(qa.status, path).toBe(400);
      await qa.body?.cancel();
    }
    expect(await db.get('SELECT id FROM lot_inspections WHERE lot_id = ?', [lotId])).toBeUndefined();
    expect(await db.get("SELECT id FROM supplier_approvals WHERE item_category = 'http-category'")).toBeUndefined();
  });

  it('refuse QA’s incomplete inspection with its field problems under the form’s names', async () => {
    const form = inspection();
    form.set('sampleSize', '');
    form.append('m2.name', '');
    form.append('m2.value', '4.1');
    const res = await clients.qa.request(`/lots/${lotId}/sign`, { method: 'POST', body: form, headers: { accept: 'application/json' } });
    expect(res.status).toBe(400);
    expect((await res.json()).problems).toMatchObject({ sampleSize: { code: 'lotInspection.sampleSize' }, 'm2.name': { code: 'lotInspection.measurementName' } });
  });
});

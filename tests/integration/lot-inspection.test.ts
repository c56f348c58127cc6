// Incoming inspection and release (issue 18) against a real SQLite file seeded with the demo:
// each rule of inspectLot (accept, accept with deviation needs its text, reject needs a reason,
// defects at most the sample, the signature required and verified, one decision per lot), the
// lot.released / lot.rejected events with their payloads (validated against the catalogue), the
// supplier's mail on rejection in its language, the lot's state on its page and in the list, and
// isolation: a supplier cannot inspect, and another supplier's lot does not exist for it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../shared/auth/actor.ts';
import { demoPassword, seedDemo } from '../../shared/demo/seed-demo.ts';
import { createOrganisation } from '../../shared/organisations/create-organisation.ts';
import { addUser } from '../../shared/organisations/add-user.ts';
import { receiveErpEvent } from '../../shared/erp/receive-erp-event.ts';
import { submitLots } from '../../shared/lots/submit-lots.ts';
import { inspectLot, type InspectionInput } from '../../shared/lots/inspect-lot.ts';
import { getLot } from '../../shared/lots/get-lot.ts';
import { listLots } from '../../shared/lots/list-lots.ts';
import { webhookBody } from '../../shared/webhooks/webhook-dispatcher.ts';
import { validateEvent } from '../../shared/events/validate-event.ts';
import { verifyAuditChain } from '../../shared/audit/verify-audit-chain.ts';
import { testDatabase, type TestDatabase } from '../support/database.ts';
import { actorFor } from '../support/actors.ts';
import { demo } from '../support/demo.ts';
import { refusal } from '../support/refusal.ts';
import { withMailText } from '../support/mail.ts';
import type { Db } from '../../shared/db/index.ts';
import { systemClock } from '../../shared/clock.ts';
import { defaultPolicy } from '../../shared/auth/policy.ts';
import { applyItemUpserted } from '../../shared/erp/apply-item-upserted.ts';
import { BrowserClient, markup, openServerDb, signedInClients, startBuiltServer } from '../support/portal.ts';
import type { RunningServer } from '../support/server.ts';

const rp = { id: 'portal.lotbridge.test', name: 'Lotbridge', origin: 'https://portal.lotbridge.test' };
const gtin = '09506000134352';
const by = { type: 'system' as const, name: 'lot inspection test' };
const ningboUser = { email: 'quality@ningbo-inspection.example', displayName: 'Chen Gang', password: 'ningbo-supplier-pass' };

let t: TestDatabase;
const as = {} as Record<'supplier' | 'ningbo' | 'qa' | 'admin', Actor>;
let seq = 0;

/** A new lot of the supplier (quantity 50), its id. */
async function newLot(actor: Actor = as.supplier): Promise<string> {
  const { stored } = await submitLots(t.ctx, actor, { source: 'form', lots: [{ gtin, lot: `L-INSP-${++seq}`, quantity: 50, expiryDate: '2030-01-31' }] });
  return stored[0]!.id;
}

const decide = (lotId: string, input: Partial<InspectionInput> & { password?: string }, actor: Actor = as.qa) =>
  inspectLot(t.ctx, actor, rp, {
    lotId,
    outcome: 'accepted',
    sampleSize: 8,
    defectsFound: 0,
    measurements: [],
    ...input,
    credential: { password: input.password ?? demoPassword },
    portalUrl: rp.origin,
  });

/** The events of one lot in the outbox as the dispatcher posts them, validated against the catalogue. */
async function lotEvents(lotId: string) {
  const rows = await t.db.all<{ event_type: string; occurred_at: string; payload: string; aggregate_type: string; aggregate_id: string; aggregate_seq: number }>(
    "SELECT event_type, occurred_at, payload, aggregate_type, aggregate_id, aggregate_seq FROM outbox WHERE aggregate_type = 'lot' AND aggregate_id = ? ORDER BY position",
    [lotId],
  );
  return rows.map((r) => validateEvent(JSON.parse(webhookBody(r)), 'outbound'));
}

const inspections = async (lotId: string) => (await t.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM lot_inspections WHERE lot_id = ?', [lotId]))!.n;

beforeAll(async () => {
  t = await testDatabase();
  await seedDemo(t.ctx);
  const ningbo = (await createOrganisation(t.ctx, by, { name: 'Ningbo Moulding Ltd.', kind: 'supplier', erpId: 'V-10077' })).id;
  await addUser(t.ctx, by, { ...ningboUser, role: 'supplier_user', organisationId: ningbo });
  await t.db.run("UPDATE users SET locale = 'zh-CN' WHERE email = ?", [ningboUser.email]);
  await receiveErpEvent(t.ctx, {
    webhookId: 'msg_inspection_item',
    sentAt: Math.floor(t.clock.now().getTime() / 1000),
    body: { type: 'item.upserted', timestamp: t.clock.now().toISOString(), data: { gtin, description: 'Roller clamp housing', unitOfMeasure: 'EA' } },
  });
  as.supplier = await actorFor(t.db, demo('supplier_user').email);
  as.ningbo = await actorFor(t.db, ningboUser.email);
  as.qa = await actorFor(t.db, demo('manufacturer_qa').email);
  as.admin = await actorFor(t.db, demo('manufacturer_admin').email);
});
afterAll(() => t?.close());

describe('inspectLot', () => {
  it('accepts a lot: released, signed with meaning approval, lot.released without deviation [REQ-P11-ESIG-01] [REQ-INSP-01]', async () => {
    const id = await newLot();
    const measurements = [{ name: 'Outer diameter', value: '4.02', unit: 'mm', withinSpec: true }];
    const { lot, signature } = await decide(id, { outcome: 'accepted', sampleSize: 8, defectsFound: 0, measurements, deviation: 'ignored on a plain accept' });
    expect(lot.state).toBe('released');
    expect(signature).toMatchObject({ meaning: 'approval', method: 'password', signerName: demo('manufacturer_qa').displayName });

    const detail = await getLot(t.ctx, as.supplier, id);
    expect(detail.lot.state).toBe('released');
    expect(detail.inspection).toMatchObject({ outcome: 'accepted', sampleSize: 8, defectsFound: 0, measurements, deviation: null, reason: null, signature: { meaning: 'approval' } });
    expect(detail.permissions.inspect).toBe(false);

    const events = await lotEvents(id);
    expect(events.map((e) => e.type)).toEqual(['lot.submitted', 'lot.released']);
    expect(events[1]!.data).toMatchObject({
      lotId: id,
      state: 'released',
      deviation: false,
      inspection: { outcome: 'accepted', sampleSize: 8, defectsFound: 0, measurements, deviation: null, reason: null, decidedAt: signature.signedAt },
      signature: { meaning: 'approval', signerName: signature.signerName, method: 'password' },
      aggregate: { type: 'lot', id, sequence: 2 },
    });
    // The signature is bound to the decision's record hash, and the audit chain holds.
    const row = await t.db.get<{ record_hash: string; sig_hash: string }>(
      'SELECT li.record_hash, s.record_hash AS sig_hash FROM lot_inspections li JOIN signatures s ON s.id = li.signature_id WHERE li.lot_id = ?',
      [id],
    );
    expect(row!.sig_hash).toBe(row!.record_hash);
    expect((await verifyAuditChain(t.db)).ok).toBe(true);
  });

  it('accepts with a deviation only with its text: released with deviation, lot.released with deviation true [REQ-INSP-01]', async () => {
    const id = await newLot();
    const missing = await refusal(decide(id, { outcome: 'accepted_with_deviation', deviation: '  ' }));
    expect(missing.problems).toMatchObject({ deviation: { code: 'lotInspection.deviationRequired' } });
    expect(await inspections(id)).toBe(0);

    const { lot } = await decide(id, { outcome: 'accepted_with_deviation', sampleSize: 5, defectsFound: 1, deviation: 'Diameter 0.01 mm over; fit verified (DEV-7)' });
    expect(lot.state).toBe('released_with_deviation');
    const released = (await lotEvents(id)).at(-1)!;
    expect(released).toMatchObject({ type: 'lot.released', data: { state: 'released_with_deviation', deviation: true, inspection: { outcome: 'accepted_with_deviation', deviation: 'Diameter 0.01 mm over; fit verified (DEV-7)' } } });
  });

  it('rejects only with a reason: rejected, lot.rejected with meaning rejection, the supplier mailed in its language [REQ-INSP-01]', async () => {
    const id = await newLot(as.ningbo);
    const missing = await refusal(decide(id, { outcome: 'rejected', reason: '' }));
    expect(missing.problems).toMatchObject({ reason: { code: 'lotInspection.reasonRequired' } });

    const reason = 'Two of eight housings cracked at the snap fit.';
    const { lot } = await decide(id, { outcome: 'rejected', sampleSize: 8, defectsFound: 2, reason, measurements: [{ name: 'Snap fit', value: '2 cracked', unit: '', withinSpec: false }] });
    expect(lot.state).toBe('rejected');
    const rejected = (await lotEvents(id)).at(-1)!;
    expect(rejected).toMatchObject({ type: 'lot.rejected', data: { state: 'rejected', inspection: { outcome: 'rejected', reason, defectsFound: 2 }, signature: { meaning: 'rejection' } } });
    expect(rejected.data).not.toHaveProperty('deviation');

    const mails = withMailText(
      t.db,
      await t.db.all<{ id: string; to_address: string; subject: string; text_body: string; locale: string }>(
        "SELECT id, to_address, subject, text_body, locale FROM mail_messages WHERE purpose = 'lot.rejected' AND entity_id = ?",
        [id],
      ),
    );
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ to_address: ningboUser.email, locale: 'zh-CN', subject: `批次 ${lot.lot} 来料检验被拒收` });
    expect(mails[0]!.text_body).toContain(reason);
    expect(mails[0]!.text_body).toContain(`${rp.origin}/lots/${id}`);
    expect(mails[0]!.text_body).toContain('抽样：检验 8 件，发现缺陷 2 个。');
    // Only the rejected lot's supplier is mailed; the releases before mailed nobody.
    expect((await t.db.get<{ n: number }>("SELECT COUNT(*) AS n FROM mail_messages WHERE purpose = 'lot.rejected'"))!.n).toBe(1);
  });

  it('refuses more defects than the sample, a sample larger than the lot, and a measurement without name or value [REQ-INSP-01]', async () => {
    const id = await newLot();
    const e = await refusal(decide(id, { sampleSize: 51, defectsFound: 0 }));
    expect(e.problems).toMatchObject({ sampleSize: { code: 'lotInspection.sampleSize', params: { max: 50 } } });
    const over = await refusal(decide(id, { sampleSize: 5, defectsFound: 6 }));
    expect(over.problems).toMatchObject({ defectsFound: { code: 'lotInspection.defectsOverSample', params: { sample: 5 } } });
    const fields = await refusal(decide(id, { measurements: [{ name: '', value: '3', unit: 'mm', withinSpec: true }, { name: 'Length', value: '', unit: 'mm', withinSpec: true }] }));
    expect(fields.problems).toMatchObject({ 'measurements/0/name': { code: 'lotInspection.measurementName' }, 'measurements/1/value': { code: 'lotInspection.measurementValue' } });
    const outcome = await refusal(decide(id, { outcome: 'maybe' }));
    expect(outcome.problems).toMatchObject({ outcome: { code: 'lotInspection.outcomeRequired' } });
    expect(await inspections(id)).toBe(0);
  });

  it('needs the signer’s password: empty or wrong, nothing is recorded [REQ-P11-ESIG-03] [REQ-INSP-01]', async () => {
    const id = await newLot();
    expect((await refusal(decide(id, { password: '' }))).problems).toMatchObject({ password: { code: 'signatures.passwordRequired' } });
    const wrong = await refusal(decide(id, { password: 'not-the-password' }));
    expect(wrong.code).toBe('invalid_credentials');
    expect(await inspections(id)).toBe(0);
    expect((await lotEvents(id)).map((e) => e.type)).toEqual(['lot.submitted']);
    await t.db.run('UPDATE users SET failed_attempts = 0 WHERE id = ?', [as.qa.userId]);
  });

  it('decides a lot once: a second decision is refused naming who decided and when [REQ-INSP-01]', async () => {
    const id = await newLot();
    const first = await decide(id, { outcome: 'accepted' });
    const again = await refusal(decide(id, { outcome: 'rejected', reason: 'changed my mind' }));
    expect(again.code).toBe('conflict');
    expect(again.problems).toMatchObject({
      outcome: { code: 'lotInspection.alreadyDecided', params: { name: demo('manufacturer_qa').displayName, at: `${first.signature.signedAt.slice(0, 16).replace('T', ' ')} UTC` } },
    });
    expect(await inspections(id)).toBe(1);
    expect((await lotEvents(id)).map((e) => e.type)).toEqual(['lot.submitted', 'lot.released']);
    // The table refuses an edit too.
    await expect(t.db.run("UPDATE lot_inspections SET outcome = 'rejected' WHERE lot_id = ?", [id])).rejects.toThrow(/never edited/);
  });

  it('is for manufacturer QA only: a supplier (even on its own lot) and an administrator are refused [REQ-INSP-01] [REQ-P11-ACCESS-02]', async () => {
    const id = await newLot();
    expect((await refusal(decide(id, {}, as.supplier))).code).toBe('forbidden');
    expect((await refusal(decide(id, {}, as.admin))).code).toBe('forbidden');
    expect(await inspections(id)).toBe(0);
  });
});

describe('a lot’s outcome as people see it', () => {
  it('the supplier sees its own lot’s outcome; another supplier’s lot does not exist for it [REQ-INSP-01] [REQ-P11-ACCESS-01]', async () => {
    const id = await newLot(as.ningbo);
    await decide(id, { outcome: 'rejected', reason: 'Cracked housings', sampleSize: 3, defectsFound: 3 });
    const own = await getLot(t.ctx, as.ningbo, id);
    expect(own.lot.state).toBe('rejected');
    expect(own.inspection).toMatchObject({ reason: 'Cracked housings', signature: { meaning: 'rejection', signerName: demo('manufacturer_qa').displayName } });
    expect(own.permissions.inspect).toBe(false);
    expect((await refusal(getLot(t.ctx, as.supplier, id))).code).toBe('not_found');
    // Nor is it in the other supplier's list, whatever the filter.
    const listed = await listLots(t.ctx, as.supplier, { state: 'rejected', pageSize: 100 });
    expect(listed.items.map((l) => l.id)).not.toContain(id);
    expect(listed.items.every((l) => l.supplier.organisationId === as.supplier.organisationId)).toBe(true);
  });

  it('the lot list shows each lot’s state and filters by it; “submitted” is the lots awaiting inspection', async () => {
    const waiting = await newLot();
    const released = await newLot();
    await decide(released, { outcome: 'accepted' });
    const all = await listLots(t.ctx, as.qa, { pageSize: 100 });
    const stateOf = (id: string) => all.items.find((l) => l.id === id)?.state;
    expect([stateOf(waiting), stateOf(released)]).toEqual(['submitted', 'released']);

    const awaiting = await listLots(t.ctx, as.qa, { state: 'submitted', pageSize: 100 });
    expect(awaiting.items.map((l) => l.id)).toContain(waiting);
    expect(awaiting.items.every((l) => l.state === 'submitted')).toBe(true);
    const rel = await listLots(t.ctx, as.qa, { state: 'released', pageSize: 100 });
    expect(rel.items.map((l) => l.id)).toContain(released);
    expect(rel.items.every((l) => l.state === 'released')).toBe(true);
    // QA is offered the inspection on a waiting lot only.
    expect((await getLot(t.ctx, as.qa, waiting)).permissions.inspect).toBe(true);
    expect((await getLot(t.ctx, as.qa, released)).permissions.inspect).toBe(false);
    expect((await getLot(t.ctx, as.supplier, waiting)).permissions.inspect).toBe(false);
  });
});

describe('the lot page’s inspection over HTTP (the built portal on loopback)', () => {
  let server: RunningServer;
  let db: Db;
  let lotId: string;
  let ningboLotId: string;
  const clients = {} as Record<'supplier' | 'ningbo' | 'qa', BrowserClient>;
  const inspectForm = { outcome: 'rejected', sampleSize: '4', defectsFound: '1', 'm0.name': 'Snap fit', 'm0.value': '1 cracked', 'm0.unit': '', 'm0.withinSpec': 'no', reason: 'Cracked', password: demoPassword };
  const decided = async (id: string) => (await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM lot_inspections WHERE lot_id = ?', [id]))!.n;

  beforeAll(async () => {
    server = await startBuiltServer();
    db = openServerDb(server);
    await db.transaction((tx) => applyItemUpserted(tx, systemClock, { gtin, description: 'Roller clamp housing', unitOfMeasure: 'EA' }));
    const ctx = { db, clock: systemClock, policy: defaultPolicy };
    const ningbo = (await createOrganisation(ctx, by, { name: 'Ningbo Moulding Ltd.', kind: 'supplier', erpId: 'V-10077' })).id;
    await addUser(ctx, by, { ...ningboUser, role: 'supplier_user', organisationId: ningbo });
    const lotOf = async (email: string, lot: string) =>
      (await submitLots(ctx, await actorFor(db, email), { source: 'form', lots: [{ gtin, lot, quantity: 10, expiryDate: '2030-01-31' }] })).stored[0]!.id;
    lotId = await lotOf(demo('supplier_user').email, 'L-HTTP-1');
    ningboLotId = await lotOf(ningboUser.email, 'L-HTTP-NB');
    Object.assign(clients, await signedInClients(server, db, { supplier: demo('supplier_user').email, ningbo: ningboUser.email, qa: demo('manufacturer_qa').email }));
  });
  afterAll(async () => {
    db?.close();
    await server?.stop();
  });

  it('a supplier cannot inspect, not even its own lot; another supplier’s lot is 404 to see and to inspect [REQ-P11-ACCESS-01]', async () => {
    const own = await clients.supplier.postForm(`/lots/${lotId}?/inspect`, inspectForm);
    expect(own.status).toBe(403);
    expect((await clients.ningbo.get(`/lots/${lotId}`)).status).toBe(404);
    const other = await clients.supplier.postForm(`/lots/${ningboLotId}?/inspect`, inspectForm);
    expect(other.status).toBe(404);
    expect(await decided(lotId)).toBe(0);
    expect(await decided(ningboLotId)).toBe(0);
    // The supplier's page offers no Inspect form.
    expect(await markup(await clients.supplier.get(`/lots/${lotId}`))).not.toContain('data-testid="inspect-form"');
  });

  it('QA inspects through the form (a measurement row, the reason); the supplier’s page then shows the result [REQ-INSP-01]', async () => {
    expect(await markup(await clients.qa.get(`/lots/${lotId}`))).toContain('data-testid="inspect-form"');
    const res = await clients.qa.postForm(`/lots/${lotId}?/inspect`, inspectForm);
    expect(res.status).toBe(200);
    expect(await decided(lotId)).toBe(1);
    const row = await db.get<{ outcome: string; measurements: string; reason: string }>('SELECT outcome, measurements, reason FROM lot_inspections WHERE lot_id = ?', [lotId]);
    expect(row).toEqual({ outcome: 'rejected', measurements: JSON.stringify([{ name: 'Snap fit', value: '1 cracked', unit: '', withinSpec: false }]), reason: 'Cracked' });
    const page = await markup(await clients.supplier.get(`/lots/${lotId}`));
    expect(page).toContain('data-testid="inspection-result"');
    expect(page).toContain('Cracked');
    // A second post is refused, naming the first decision.
    const again = await clients.qa.postForm(`/lots/${lotId}?/inspect`, { ...inspectForm, outcome: 'accepted' });
    expect(again.status).toBe(409);
    expect(await markup(again)).toContain(`The lot was already decided by ${demo('manufacturer_qa').displayName}`);
  });
});

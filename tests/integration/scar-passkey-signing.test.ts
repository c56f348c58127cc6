// Signing the remaining supplier quality decisions with a passkey, as the inspection and the
// approved supplier list already are: a SCAR step accepted or returned, the effectiveness
// verification, closing and cancelling a SCAR, the scorecard weights and a validation report's
// approval. The ceremony runs through the real use cases with a software authenticator: the
// challenge is derived from the hash of exactly the decision entered, so an assertion made for
// one decision is refused for another (changed content, another step, another SCAR), as is an
// assertion of another user's passkey; password signing stays. Over HTTP the first halves
// (/scars/<id>/sign?action=…, /scorecards/sign, /validation/sign) refuse suppliers and QA
// without a passkey, and /scars/<id>/sign gives QA's field problems.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../shared/auth/actor.ts';
import type { Db } from '../../shared/db/index.ts';
import { demoPassword, seedDemo } from '../../shared/demo/seed-demo.ts';
import { addUser } from '../../shared/organisations/add-user.ts';
import { applyItemUpserted } from '../../shared/erp/apply-item-upserted.ts';
import { submitLots } from '../../shared/lots/submit-lots.ts';
import { scarSteps, type ScarAnswers, type ScarStep } from '../../shared/scars/scar.ts';
import { openScar } from '../../shared/scars/open-scar.ts';
import { submitScarAnswer } from '../../shared/scars/submit-scar-answer.ts';
import { decideScarStep } from '../../shared/scars/decide-scar-step.ts';
import { verifyScar } from '../../shared/scars/verify-scar.ts';
import { closeScar } from '../../shared/scars/close-scar.ts';
import { cancelScar } from '../../shared/scars/cancel-scar.ts';
import { startScarSignature, type ScarSignatureInput } from '../../shared/scars/start-scar-signature.ts';
import { setWeights } from '../../shared/scorecards/set-weights.ts';
import { startWeightsSignature } from '../../shared/scorecards/start-weights-signature.ts';
import { approveValidationReport } from '../../shared/validation/approve-validation-report.ts';
import { startValidationSignature } from '../../shared/validation/start-validation-signature.ts';
import { verifyAuditChain } from '../../shared/audit/verify-audit-chain.ts';
import { systemClock } from '../../shared/clock.ts';
import { testDatabase, type TestDatabase } from '../support/database.ts';
import { actorFor } from '../support/actors.ts';
import { demo } from '../support/demo.ts';
import { refusal } from '../support/refusal.ts';
import { recordFindings } from '../support/record-findings.ts';
import { enrolPasskey, passkeyAssertion } from '../support/passkeys.ts';
import type { SoftwareAuthenticator } from '../support/software-authenticator.ts';
import { validationPackage, validationReport } from '../support/validation-report.ts';
import { BrowserClient, markup, openServerDb, signedInClients, startBuiltServer } from '../support/portal.ts';
import type { RunningServer } from '../support/server.ts';

const rp = { id: 'portal.lotbridge.test', name: 'Lotbridge', origin: 'https://portal.lotbridge.test' };
const gtin = '09506000134352';
const limits = { maxBytes: 5 * 1024 * 1024 };
const secondQa = { email: 'qa2@meridian.example', displayName: 'Jonas Keller', password: 'second-qa-password' };

let t: TestDatabase;
const as = {} as Record<'supplier' | 'qa' | 'qa2', Actor>;
const keys = {} as Record<'qa' | 'qa2', SoftwareAuthenticator>;
let seq = 0;

const answers: ScarAnswers = {
  D1: { team: [{ name: 'Wang Fang', role: 'Quality manager' }] },
  D2: { description: 'Roller clamp housings leak below 300 kPa burst pressure.' },
  D3: { containment: [{ location: 'Supplier warehouse', quantityChecked: 1200, quantitySuspect: 40, action: 'Quarantined' }], effectiveFrom: '2026-03-03' },
  D4: { method: 'five_whys', occurrenceCause: 'Worn mould cavity 3', escapeCause: 'Leak test sampled 1 in 500', analysis: 'leak → thin wall → worn cavity' },
  D5: { actions: [{ action: 'Replace cavity 3 insert', owner: 'Li Wei', dueDate: '2026-03-20' }] },
  D6: { actions: [{ action: 'Replace cavity 3 insert', owner: 'Li Wei', dueDate: '2026-03-20', doneDate: '2026-03-18' }], validation: '3 lots burst tested' },
  D7: { actions: [{ action: 'PM interval 50k → 30k shots', owner: 'Li Wei', dueDate: '2026-04-01' }], documentsUpdated: 'PM-007 rev C' },
  D8: { summary: 'Root cause removed and prevented.' },
};
const dueDates = Object.fromEntries(scarSteps.map((s, i) => [s, `2026-03-${String(4 + i).padStart(2, '0')}`])) as Record<ScarStep, string>;

/** A SCAR against a new lot of the demo supplier, opened by QA with its password. */
async function newScar() {
  const { stored } = await submitLots(t.ctx, as.supplier, { source: 'form', lots: [{ gtin, lot: `L-SCARPK-${++seq}`, quantity: 50, expiryDate: '2030-01-31' }] });
  const { scar } = await openScar(t.ctx, as.qa, rp, {
    supplierId: as.supplier.organisationId,
    title: 'Burst pressure below specification',
    problem: 'Both samples leak below 300 kPa.',
    severity: 'major',
    links: [{ kind: 'lot', refId: stored[0]!.id }],
    dueDates,
    verifyAfter: '2026-04-01',
    credential: { password: demoPassword },
  });
  return scar;
}
const answer = (scarId: string, step: ScarStep) => submitScarAnswer(t.ctx, as.supplier, { scarId, step, answer: answers[step] });
const submittedAt = async (scarId: string, step: ScarStep) =>
  (await t.db.get<{ submitted_at: string }>('SELECT submitted_at FROM scar_steps WHERE scar_id = ? AND step = ?', [scarId, step]))!.submitted_at;
const signaturesOf = (scarId: string) =>
  t.db.all<{ method: string; meaning: string; credential_id: string | null; reason: string | null }>(
    "SELECT method, meaning, credential_id, reason FROM signatures WHERE entity_type = 'scar' AND entity_id = ? ORDER BY signed_at, rowid",
    [scarId],
  );

/** A SCAR with every step answered and accepted (by password), in verification. */
async function scarInVerification() {
  const scar = await newScar();
  for (const step of scarSteps) {
    await answer(scar.id, step);
    await decideScarStep(t.ctx, as.qa, rp, { scarId: scar.id, step, decision: 'accepted', credential: { password: demoPassword } });
  }
  return scar;
}

beforeAll(async () => {
  t = await testDatabase();
  await seedDemo(t.ctx);
  await t.db.transaction((tx) => applyItemUpserted(tx, t.clock, { gtin, description: 'Roller clamp housing', unitOfMeasure: 'EA' }));
  as.supplier = await actorFor(t.db, demo('supplier_user').email);
  as.qa = await actorFor(t.db, demo('manufacturer_qa').email);
  await addUser(t.ctx, { type: 'system', name: 'passkey signing test' }, { ...secondQa, role: 'manufacturer_qa', organisationId: as.qa.organisationId });
  as.qa2 = await actorFor(t.db, secondQa.email);
  keys.qa = await enrolPasskey(t.ctx, as.qa, rp, demoPassword);
  keys.qa2 = await enrolPasskey(t.ctx, as.qa2, rp, secondQa.password);
  t.clock.set('2026-03-02T09:00:00.000Z');
});
afterAll(() => t?.close());

describe('a SCAR step accepted or returned with a passkey', () => {
  it('records the decision signed with the passkey and its meaning: approval to accept, rejection to return (with its new due date) [REQ-SQ-PASSKEY-01] [REQ-P11-ESIG-01] [REQ-P11-ESIG-03]', async () => {
    const scar = await newScar();
    await answer(scar.id, 'D1');
    await answer(scar.id, 'D2');
    const accept = { scarId: scar.id, step: 'D1', decision: 'accepted', submittedAt: await submittedAt(scar.id, 'D1') };
    const accepted = await decideScarStep(t.ctx, as.qa, rp, { ...accept, credential: passkeyAssertion(keys.qa, await startScarSignature(t.ctx, as.qa, rp, { action: 'decide', ...accept })) });
    expect(accepted.signature).toMatchObject({ method: 'passkey', meaning: 'approval', signerName: as.qa.displayName });

    const ret = { scarId: scar.id, step: 'D2', decision: 'returned', comment: 'Say which lots.', dueDate: '2026-03-20', submittedAt: await submittedAt(scar.id, 'D2') };
    const returned = await decideScarStep(t.ctx, as.qa, rp, { ...ret, credential: passkeyAssertion(keys.qa, await startScarSignature(t.ctx, as.qa, rp, { action: 'decide', ...ret })) });
    expect(returned.signature).toMatchObject({ method: 'passkey', meaning: 'rejection' });
    expect(returned.scar.steps.find((s) => s.step === 'D2')).toMatchObject({ status: 'returned', dueDate: '2026-03-20' });

    const credentialId = keys.qa.credentials[0]!.id.toString('base64url');
    expect((await signaturesOf(scar.id)).slice(1)).toEqual([
      { method: 'passkey', meaning: 'approval', credential_id: credentialId, reason: null },
      { method: 'passkey', meaning: 'rejection', credential_id: credentialId, reason: 'Say which lots.' },
    ]);
    expect((await recordFindings(t.db, 'scar_step_decision')).found).toEqual([]);
    expect((await verifyAuditChain(t.db)).ok).toBe(true);
  });

  it('refuses an assertion made for another decision: another comment, another new due date, another step, another SCAR; nothing is recorded [REQ-SQ-PASSKEY-01] [REQ-P11-ESIG-03]', async () => {
    const scar = await newScar();
    const other = await newScar();
    for (const s of [scar, other]) {
      await answer(s.id, 'D1');
      await answer(s.id, 'D2');
    }
    const ret = { scarId: scar.id, step: 'D1', decision: 'returned', comment: 'Name the process engineer.', dueDate: '2026-03-20', submittedAt: await submittedAt(scar.id, 'D1') };
    const tries: Omit<ScarSignatureInput & { action: 'decide' }, 'action'>[] = [
      { ...ret, comment: 'Fine after all.' },
      { ...ret, dueDate: '2026-04-30' },
      { ...ret, dueDate: undefined },
      { ...ret, decision: 'accepted', comment: undefined, dueDate: undefined },
      { ...ret, step: 'D2', submittedAt: await submittedAt(scar.id, 'D2') },
      { ...ret, scarId: other.id, submittedAt: await submittedAt(other.id, 'D1') },
    ];
    for (const changed of tries) {
      const started = await startScarSignature(t.ctx, as.qa, rp, { action: 'decide', ...ret });
      const refused = await refusal(decideScarStep(t.ctx, as.qa, rp, { ...changed, credential: passkeyAssertion(keys.qa, started) }));
      expect(refused.code, JSON.stringify(changed)).toBe('challenge_expired');
    }
    expect(await signaturesOf(scar.id)).toHaveLength(1); // the opening
    expect(await signaturesOf(other.id)).toHaveLength(1);
    expect(await t.db.all("SELECT step FROM scar_steps WHERE scar_id IN (?, ?) AND decision IS NOT NULL", [scar.id, other.id])).toEqual([]);
  });

  it("refuses another user's passkey: QA's assertion presented by a second QA, and the second QA signing with the first's passkey [REQ-P11-ESIG-04] [REQ-SQ-PASSKEY-01]", async () => {
    const scar = await newScar();
    await answer(scar.id, 'D1');
    const accept = { scarId: scar.id, step: 'D1', decision: 'accepted', submittedAt: await submittedAt(scar.id, 'D1') };
    // The first QA's challenge and assertion, sent in by the second QA.
    const mine = await startScarSignature(t.ctx, as.qa, rp, { action: 'decide', ...accept });
    expect((await refusal(decideScarStep(t.ctx, as.qa2, rp, { ...accept, credential: passkeyAssertion(keys.qa, mine) }))).code).toBe('challenge_expired');
    // The second QA's own challenge, answered with the first QA's passkey.
    const theirs = await startScarSignature(t.ctx, as.qa2, rp, { action: 'decide', ...accept });
    const borrowed = { passkey: { challengeId: theirs.challengeId, response: keys.qa.authenticate(theirs.options, keys.qa.credentials[0]) } };
    expect((await refusal(decideScarStep(t.ctx, as.qa2, rp, { ...accept, credential: borrowed }))).code).toBe('passkey_rejected');
    expect(await signaturesOf(scar.id)).toHaveLength(1);
  });

  it('is for QA only: a supplier cannot start one; a refused decision gives its field problems at the start [REQ-SQ-PASSKEY-01] [REQ-SCAR-04]', async () => {
    const scar = await newScar();
    await answer(scar.id, 'D1');
    const ret = { action: 'decide' as const, scarId: scar.id, step: 'D1', decision: 'returned', submittedAt: await submittedAt(scar.id, 'D1') };
    expect((await refusal(startScarSignature(t.ctx, as.supplier, rp, { ...ret, comment: 'x' }))).code).toBe('forbidden');
    const bad = await refusal(startScarSignature(t.ctx, as.qa, rp, { ...ret, dueDate: '2026-03-01' }));
    expect(bad.problems).toEqual({ comment: { code: 'scar-rules.commentRequired' }, dueDate: { code: 'scar-rules.dueInPast', params: { today: '2026-03-02' } } });
  });

  it('still signs with the password [REQ-P11-ESIG-03]', async () => {
    const scar = await newScar();
    await answer(scar.id, 'D1');
    const accepted = await decideScarStep(t.ctx, as.qa, rp, { scarId: scar.id, step: 'D1', decision: 'accepted', credential: { password: demoPassword } });
    expect(accepted.signature).toMatchObject({ method: 'password', meaning: 'approval' });
  });
});

describe('verifying, closing and cancelling a SCAR with a passkey', () => {
  it('verifies effective (approval) and closes (approval) with the passkey; an assertion for another note or another SCAR is refused [REQ-SQ-PASSKEY-01] [REQ-P11-ESIG-03]', async () => {
    const scar = await scarInVerification();
    const other = await scarInVerification();
    t.clock.set('2026-04-02T09:00:00.000Z');
    try {
      const verify = { scarId: scar.id, result: 'effective', note: 'Three lots passed burst testing' };
      const started = await startScarSignature(t.ctx, as.qa, rp, { action: 'verify', ...verify });
      expect((await refusal(verifyScar(t.ctx, as.qa, rp, { ...verify, note: 'Looked fine', credential: passkeyAssertion(keys.qa, started) }))).code).toBe('challenge_expired');
      const again = await startScarSignature(t.ctx, as.qa, rp, { action: 'verify', ...verify });
      expect((await refusal(verifyScar(t.ctx, as.qa, rp, { ...verify, scarId: other.id, credential: passkeyAssertion(keys.qa, again) }))).code).toBe('challenge_expired');
      const verified = await verifyScar(t.ctx, as.qa, rp, { ...verify, credential: passkeyAssertion(keys.qa, await startScarSignature(t.ctx, as.qa, rp, { action: 'verify', ...verify })) });
      expect(verified.signature).toMatchObject({ method: 'passkey', meaning: 'approval' });

      const close = { scarId: scar.id, comment: 'Closed after review' };
      const closeStarted = await startScarSignature(t.ctx, as.qa, rp, { action: 'close', ...close });
      expect((await refusal(closeScar(t.ctx, as.qa, rp, { scarId: scar.id, comment: 'Closed', credential: passkeyAssertion(keys.qa, closeStarted) }))).code).toBe('challenge_expired');
      const closed = await closeScar(t.ctx, as.qa, rp, { ...close, credential: passkeyAssertion(keys.qa, await startScarSignature(t.ctx, as.qa, rp, { action: 'close', ...close })) });
      expect(closed.scar.state).toBe('closed');
      expect(closed.signature).toMatchObject({ method: 'passkey', meaning: 'approval' });
      expect((await signaturesOf(other.id)).every((s) => s.method === 'password')).toBe(true);
      expect((await recordFindings(t.db, 'scar')).found).toEqual([]);
    } finally {
      t.clock.set('2026-03-02T09:00:00.000Z');
    }
  });

  it('verifies not effective (rejection) with the passkey over the new due date: another due date is refused [REQ-SQ-PASSKEY-01] [REQ-P11-ESIG-03]', async () => {
    const scar = await scarInVerification();
    t.clock.set('2026-04-02T09:00:00.000Z');
    try {
      const verify = { scarId: scar.id, result: 'not_effective', note: 'Two more leaks', dueDate: '2026-04-30' };
      const started = await startScarSignature(t.ctx, as.qa, rp, { action: 'verify', ...verify });
      expect((await refusal(verifyScar(t.ctx, as.qa, rp, { ...verify, dueDate: '2026-05-30', credential: passkeyAssertion(keys.qa, started) }))).code).toBe('challenge_expired');
      const verified = await verifyScar(t.ctx, as.qa, rp, { ...verify, credential: passkeyAssertion(keys.qa, await startScarSignature(t.ctx, as.qa, rp, { action: 'verify', ...verify })) });
      expect(verified.signature).toMatchObject({ method: 'passkey', meaning: 'rejection' });
      expect(verified.scar.steps.find((s) => s.step === 'D4')!.dueDate).toBe('2026-04-30');
    } finally {
      t.clock.set('2026-03-02T09:00:00.000Z');
    }
  });

  it('cancels (responsibility) with the passkey; an assertion for another reason is refused; a supplier cannot start one [REQ-SQ-PASSKEY-01] [REQ-P11-ESIG-03]', async () => {
    const scar = await newScar();
    const cancel = { scarId: scar.id, reason: 'Opened against the wrong supplier' };
    expect((await refusal(startScarSignature(t.ctx, as.supplier, rp, { action: 'cancel', ...cancel }))).code).toBe('forbidden');
    const started = await startScarSignature(t.ctx, as.qa, rp, { action: 'cancel', ...cancel });
    expect((await refusal(cancelScar(t.ctx, as.qa, rp, { scarId: scar.id, reason: 'No longer needed', credential: passkeyAssertion(keys.qa, started) }))).code).toBe('challenge_expired');
    const cancelled = await cancelScar(t.ctx, as.qa, rp, { ...cancel, credential: passkeyAssertion(keys.qa, await startScarSignature(t.ctx, as.qa, rp, { action: 'cancel', ...cancel })) });
    expect(cancelled.signature).toMatchObject({ method: 'passkey', meaning: 'responsibility' });
    expect((await signaturesOf(scar.id)).at(-1)).toMatchObject({ method: 'passkey', meaning: 'responsibility', reason: cancel.reason });
    expect((await recordFindings(t.db, 'scar')).found).toEqual([]);
  });
});

describe('the scorecard weights signed with a passkey', () => {
  const change = { weights: { onTime: 30, acceptance: 30, certificates: 10, invoices: 10, scar: 20 }, reason: 'Delivery matters most this year' };

  it('sets the weights under the id minted with the challenge, signed (approval); other weights or another id are refused [REQ-SQ-PASSKEY-01] [REQ-SCORE-03] [REQ-P11-ESIG-03]', async () => {
    const started = await startWeightsSignature(t.ctx, as.qa, rp, change);
    expect(started.newWeightsId).toMatch(/^scw_[a-z2-7]{32}$/);
    const before = (await t.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM scorecard_weights'))!.n;
    const credential = passkeyAssertion(keys.qa, started);
    await refusal(setWeights(t.ctx, as.qa, rp, { ...change, weights: { ...change.weights, scar: 40 }, newWeightsId: started.newWeightsId, credential }));
    const again = await startWeightsSignature(t.ctx, as.qa, rp, change);
    await refusal(setWeights(t.ctx, as.qa, rp, { ...change, credential: passkeyAssertion(keys.qa, again) })); // no minted id: a fresh one is not the signed one
    expect((await t.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM scorecard_weights'))!.n).toBe(before);

    const third = await startWeightsSignature(t.ctx, as.qa, rp, change);
    const set = await setWeights(t.ctx, as.qa, rp, { ...change, newWeightsId: third.newWeightsId, credential: passkeyAssertion(keys.qa, third) });
    expect(set.weights).toEqual(change.weights);
    expect(await t.db.get('SELECT method, meaning FROM signatures WHERE entity_type = ? AND entity_id = ?', ['scorecard_weights', third.newWeightsId])).toEqual({ method: 'passkey', meaning: 'approval' });
    expect((await recordFindings(t.db, 'scorecard_weights')).found).toEqual([]);
  });

  it("refuses a supplier at the start and another user's assertion [REQ-SQ-PASSKEY-01] [REQ-SCORE-03] [REQ-P11-ESIG-04]", async () => {
    expect((await refusal(startWeightsSignature(t.ctx, as.supplier, rp, change))).code).toBe('forbidden');
    const started = await startWeightsSignature(t.ctx, as.qa, rp, change);
    const refused = await refusal(setWeights(t.ctx, as.qa2, rp, { ...change, newWeightsId: started.newWeightsId, credential: passkeyAssertion(keys.qa, started) }));
    expect(refused.code).toBe('challenge_expired');
    expect(await t.db.get('SELECT id FROM scorecard_weights WHERE id = ?', [started.newWeightsId])).toBeUndefined();
  });
});

describe('a validation report approved with a passkey', () => {
  it('approves the package signed with the passkey (approval); an assertion for another package or deviation is refused; a supplier cannot start one [REQ-SQ-PASSKEY-01] [REQ-VAL-03] [REQ-P11-ESIG-03]', async () => {
    const pkg = await validationPackage(validationReport({ failed: true, generatedAt: '2026-02-01T22:15:00.000Z' }));
    const otherPkg = await validationPackage(validationReport({ failed: true, generatedAt: '2026-02-02T22:15:00.000Z' }));
    const input = { ...pkg, deviation: 'Known flaky drill on this machine; accepted under DEV-12' };
    expect((await refusal(startValidationSignature(t.ctx, as.supplier, rp, limits, input))).code).toBe('forbidden');
    const started = await startValidationSignature(t.ctx, as.qa, rp, limits, input);
    expect((await refusal(approveValidationReport(t.ctx, as.qa, rp, limits, { ...input, deviation: 'Accepted', credential: passkeyAssertion(keys.qa, started) }))).code).toBe('challenge_expired');
    const again = await startValidationSignature(t.ctx, as.qa, rp, limits, input);
    expect((await refusal(approveValidationReport(t.ctx, as.qa, rp, limits, { ...otherPkg, deviation: input.deviation, credential: passkeyAssertion(keys.qa, again) }))).code).toBe('challenge_expired');
    const third = await startValidationSignature(t.ctx, as.qa, rp, limits, input);
    expect((await refusal(approveValidationReport(t.ctx, as.qa2, rp, limits, { ...input, credential: passkeyAssertion(keys.qa, third) }))).code).toBe('challenge_expired');
    expect((await t.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM validation_reports'))!.n).toBe(0);

    const { report, signature } = await approveValidationReport(t.ctx, as.qa, rp, limits, { ...input, credential: passkeyAssertion(keys.qa, await startValidationSignature(t.ctx, as.qa, rp, limits, input)) });
    expect(signature).toMatchObject({ method: 'passkey', meaning: 'approval', reason: input.deviation });
    expect(report.signature).toMatchObject({ method: 'passkey' });
    expect((await recordFindings(t.db, 'validation_report')).found).toEqual([]);
  });
});

describe('the first halves over HTTP (the built portal on loopback)', () => {
  let server: RunningServer;
  let db: Db;
  let scarId: string;
  let d1SubmittedAt: string;
  const clients = {} as Record<'supplier' | 'qa', BrowserClient>;
  const form = (fields: Record<string, string>) => {
    const f = new FormData();
    for (const [k, v] of Object.entries(fields)) f.append(k, v);
    return f;
  };
  const post = (client: BrowserClient, path: string, body: FormData) => client.request(path, { method: 'POST', body, headers: { accept: 'application/json' } });

  beforeAll(async () => {
    server = await startBuiltServer();
    db = openServerDb(server);
    await db.transaction((tx) => applyItemUpserted(tx, systemClock, { gtin, description: 'Roller clamp housing', unitOfMeasure: 'EA' }));
    const ctx = { ...t.ctx, db, clock: systemClock };
    const supplier = await actorFor(db, demo('supplier_user').email);
    const qa = await actorFor(db, demo('manufacturer_qa').email);
    const lotId = (await submitLots(ctx, supplier, { source: 'form', lots: [{ gtin, lot: 'L-SCARPK-HTTP', quantity: 10, expiryDate: '2030-01-31' }] })).stored[0]!.id;
    const today = systemClock.now().toISOString().slice(0, 10);
    const later = (days: number) => new Date(Date.parse(`${today}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
    const due = Object.fromEntries(scarSteps.map((s, i) => [s, later(10 + i)])) as Record<ScarStep, string>;
    const { scar } = await openScar(ctx, qa, rp, {
      supplierId: supplier.organisationId,
      title: 'Burst pressure',
      problem: 'Leaks.',
      severity: 'minor',
      links: [{ kind: 'lot', refId: lotId }],
      dueDates: due,
      verifyAfter: later(30),
      credential: { password: demoPassword },
    });
    scarId = scar.id;
    await submitScarAnswer(ctx, supplier, { scarId, step: 'D1', answer: answers.D1 });
    d1SubmittedAt = (await db.get<{ submitted_at: string }>("SELECT submitted_at FROM scar_steps WHERE scar_id = ? AND step = 'D1'", [scarId]))!.submitted_at;
    Object.assign(clients, await signedInClients(server, db, { supplier: demo('supplier_user').email, qa: demo('manufacturer_qa').email }));
  });
  afterAll(async () => {
    db?.close();
    await server?.stop();
  });

  it('refuse a supplier (403) and QA without a passkey (400); nothing is decided [REQ-SQ-PASSKEY-01] [REQ-SCAR-04]', async () => {
    const weights = () => form({ 'weights.onTime': '20', 'weights.acceptance': '20', 'weights.certificates': '20', 'weights.invoices': '20', 'weights.scar': '20', reason: 'Even' });
    const decide = () => form({ step: 'D1', decision: 'accepted', submittedAt: d1SubmittedAt });
    for (const [path, body, supplierStatus] of [
      [`/scars/${scarId}/sign?action=decide`, decide, 403],
      [`/scars/${scarId}/sign?action=cancel`, () => form({ reason: 'Wrong supplier' }), 403],
      ['/scorecards/sign', weights, 403],
      ['/validation/sign', () => form({}), 403],
    ] as const) {
      const supplier = await post(clients.supplier, path, body());
      expect(supplier.status, path).toBe(supplierStatus);
      await supplier.body?.cancel();
      // QA: refused before a challenge (no passkey; for /validation/sign no package).
      const qa = await post(clients.qa, path, body());
      expect(qa.status, path).toBe(400);
      expect((await qa.json()).message, path).toBeTruthy();
    }
    expect(await db.get("SELECT decision FROM scar_steps WHERE scar_id = ? AND step = 'D1'", [scarId])).toEqual({ decision: null });
    expect(await db.get("SELECT state FROM scars WHERE id = ?", [scarId])).toEqual({ state: 'open' });
  });

  it('the return form with a new due date before QA’s today is refused beside the field; nothing is decided [REQ-SCAR-02]', async () => {
    const res = await clients.qa.postForm(`/scars/${scarId}?/decide`, {
      step: 'D1',
      decision: 'returned',
      comment: 'Name the engineer.',
      dueDate: '2001-01-01',
      submittedAt: d1SubmittedAt,
      password: demoPassword,
    });
    expect(res.status).toBe(400);
    const page = await markup(res);
    expect(page).toMatch(/id="D1-dueDate"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="D1-dueDate"/);
    expect(page).toMatch(/id="D1-dueDate-problem"[^>]*>[^<]*Not before today/);
    expect(await db.get("SELECT decision, due_date FROM scar_steps WHERE scar_id = ? AND step = 'D1'", [scarId])).toMatchObject({ decision: null });
  });

  it("give QA's refused return with its field problems, and refuse an unknown action", async () => {
    const res = await post(clients.qa, `/scars/${scarId}/sign?action=decide`, form({ step: 'D1', decision: 'returned', dueDate: '2001-01-01', submittedAt: d1SubmittedAt }));
    expect(res.status).toBe(400);
    expect((await res.json()).problems).toMatchObject({ comment: { code: 'scar-rules.commentRequired' }, dueDate: { code: 'scar-rules.dueInPast' } });
    const unknown = await post(clients.qa, `/scars/${scarId}/sign?action=reopen`, form({}));
    expect(unknown.status).toBe(400);
    await unknown.body?.cancel();
  });
});

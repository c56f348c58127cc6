// SCARs (supplier corrective action requests, issue 18) against a real SQLite file seeded with
// the demo, one rule per test: a SCAR from a rejected lot through all eight 8D steps, each QA
// decision signed, verified on/after verify_after and closed; a returned step answered again
// with both rounds kept; answers checked with problems under answer.<path>; reminders before and
// escalation after due dates sent once across two instances; links only to the SCAR supplier's
// own lots, certificates and recalls; isolation (another supplier's SCAR is not_found); evidence
// kept through FileStorage; not effective sends D4..D8 back; cancelling stops the reminders.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../shared/auth/actor.ts';
import { demoPassword, seedDemo } from '../../shared/demo/seed-demo.ts';
import { createOrganisation } from '../../shared/organisations/create-organisation.ts';
import { addUser } from '../../shared/organisations/add-user.ts';
import { receiveErpEvent } from '../../shared/erp/receive-erp-event.ts';
import { submitLots } from '../../shared/lots/submit-lots.ts';
import { inspectLot } from '../../shared/lots/inspect-lot.ts';
import { verifyAuditChain } from '../../shared/audit/verify-audit-chain.ts';
import { recordFindings } from '../support/record-findings.ts';
import { openDb, type Db } from '../../shared/db/index.ts';
import { scarSteps, type ScarAnswers, type ScarStep } from '../../shared/scars/scar.ts';
import { openScar, type OpenScarInput } from '../../shared/scars/open-scar.ts';
import { draftScar } from '../../shared/scars/draft-scar.ts';
import { submitScarAnswer } from '../../shared/scars/submit-scar-answer.ts';
import { decideScarStep } from '../../shared/scars/decide-scar-step.ts';
import { verifyScar } from '../../shared/scars/verify-scar.ts';
import { closeScar } from '../../shared/scars/close-scar.ts';
import { cancelScar } from '../../shared/scars/cancel-scar.ts';
import { getScar } from '../../shared/scars/get-scar.ts';
import { listScars } from '../../shared/scars/list-scars.ts';
import { maxEvidence, uploadScarEvidence } from '../../shared/scars/upload-scar-evidence.ts';
import { readScarEvidence } from '../../shared/scars/read-scar-evidence.ts';
import { sendScarReminders } from '../../shared/scars/send-scar-reminders.ts';
import { testDatabase, type TestDatabase } from '../support/database.ts';
import { actorFor } from '../support/actors.ts';
import { demo } from '../support/demo.ts';
import { refusal } from '../support/refusal.ts';
import { eventsOf } from '../support/outbox-events.ts';
import { withMailText } from '../support/mail.ts';
import { submitTestCertificate } from '../support/records.ts';
import { pdfBytes } from '../support/uploads.ts';

const rp = { id: 'portal.lotbridge.test', name: 'Lotbridge', origin: 'https://portal.lotbridge.test' };
const gtin = '09506000134352';
const by = { type: 'system' as const, name: 'SCAR test' };
const ningboUser = { email: 'quality@ningbo-scar.example', displayName: 'Chen Gang', password: 'ningbo-supplier-pass' };
const credential = { password: demoPassword };
const limits = { maxBytes: 1024 * 1024 };

let t: TestDatabase;
const as = {} as Record<'supplier' | 'ningbo' | 'qa' | 'admin', Actor>;
let seq = 0;

/** Every step's answer, complete. */
const answers: ScarAnswers = {
  D1: { team: [{ name: 'Wang Fang', role: 'Quality manager', email: 'supplier@suzhou-precision.example' }, { name: 'Li Wei', role: 'Process engineer' }] },
  D2: { description: 'Roller clamp housings of lot L2403A leak below 300 kPa burst pressure.' },
  D3: { containment: [{ location: 'Supplier warehouse', quantityChecked: 1200, quantitySuspect: 40, action: 'Quarantined, 100 % leak tested' }], effectiveFrom: '2026-03-03' },
  D4: { method: 'five_whys', occurrenceCause: 'Worn mould cavity 3', escapeCause: 'Leak test sampled 1 in 500', analysis: '5 whys: leak → thin wall → worn cavity → PM interval too long' },
  D5: { actions: [{ action: 'Replace cavity 3 insert', owner: 'Li Wei', dueDate: '2026-03-20' }] },
  D6: { actions: [{ action: 'Replace cavity 3 insert', owner: 'Li Wei', dueDate: '2026-03-20', doneDate: '2026-03-18' }], validation: '3 lots burst tested, all above 420 kPa' },
  D7: { actions: [{ action: 'PM interval 50k → 30k shots', owner: 'Li Wei', dueDate: '2026-04-01' }], documentsUpdated: 'PM-007 rev C' },
  D8: { summary: 'Root cause removed and prevented; team thanked.' },
};

async function newLot(actor: Actor = as.supplier): Promise<string> {
  const { stored } = await submitLots(t.ctx, actor, { source: 'form', lots: [{ gtin, lot: `L-SCAR-${++seq}`, quantity: 50, expiryDate: '2030-01-31' }] });
  return stored[0]!.id;
}

/** The due dates from 2026-03-04 (D1) a day apart to 2026-03-11 (D8). */
const dueDates = Object.fromEntries(scarSteps.map((s, i) => [s, `2026-03-${String(4 + i).padStart(2, '0')}`])) as Record<ScarStep, string>;

async function open(input: Partial<OpenScarInput> = {}, actor: Actor = as.qa) {
  const lotId = input.links ? undefined : await newLot();
  return openScar(t.ctx, actor, rp, {
    supplierId: as.supplier.organisationId,
    title: 'Burst pressure below specification',
    problem: 'Both samples leak below 300 kPa.',
    severity: 'major',
    links: lotId ? [{ kind: 'lot', refId: lotId }] : [],
    dueDates,
    verifyAfter: '2026-04-01',
    credential,
    portalUrl: rp.origin,
    ...input,
  });
}

const answer = (scarId: string, step: ScarStep, actor: Actor = as.supplier) => submitScarAnswer(t.ctx, actor, { scarId, step, answer: answers[step], portalUrl: rp.origin });
const decide = (scarId: string, step: ScarStep, decision: 'accepted' | 'returned', comment?: string) =>
  decideScarStep(t.ctx, as.qa, rp, { scarId, step, decision, comment, credential, portalUrl: rp.origin });

async function acceptAll(scarId: string, steps: readonly ScarStep[] = scarSteps) {
  for (const step of steps) {
    await answer(scarId, step);
    await decide(scarId, step, 'accepted');
  }
}

const mailsOf = async (scarId: string, purpose: string) =>
  withMailText(t.db, await t.db.all<{ id: string; to_addr: string; subject: string; text_body: string; locale: string }>(
    "SELECT id, to_address AS to_addr, subject, text_body, locale FROM mail_messages WHERE entity_type = 'scar' AND entity_id = ? AND purpose = ? ORDER BY to_addr",
    [scarId, purpose],
  ));

beforeAll(async () => {
  t = await testDatabase();
  await seedDemo(t.ctx);
  const ningbo = (await createOrganisation(t.ctx, by, { name: 'Ningbo Moulding Ltd.', kind: 'supplier', erpId: 'V-10078' })).id;
  await addUser(t.ctx, by, { ...ningboUser, role: 'supplier_user', organisationId: ningbo });
  await receiveErpEvent(t.ctx, {
    webhookId: 'msg_scar_item',
    sentAt: Math.floor(t.clock.now().getTime() / 1000),
    body: { type: 'item.upserted', timestamp: t.clock.now().toISOString(), data: { gtin, description: 'Roller clamp housing', unitOfMeasure: 'EA' } },
  });
  as.supplier = await actorFor(t.db, demo('supplier_user').email);
  as.ningbo = await actorFor(t.db, ningboUser.email);
  as.qa = await actorFor(t.db, demo('manufacturer_qa').email);
  as.admin = await actorFor(t.db, demo('manufacturer_admin').email);
});
afterAll(() => t?.close());
// Each test starts on 2026-03-02 (09:00 UTC), whatever the one before did with the clock.
afterEach(() => t.clock.set('2026-03-02T09:00:00.000Z'));

describe('a SCAR through all its steps', () => {
  it('is opened from a rejected lot, answered D1..D8, each step accepted with a signature, verified on/after verify_after and closed [REQ-SCAR-01]', async () => {
    const lotId = await newLot();
    await inspectLot(t.ctx, as.qa, rp, { lotId, outcome: 'rejected', sampleSize: 5, defectsFound: 2, measurements: [], reason: 'Leaks below 300 kPa', credential });
    const draft = await draftScar(t.ctx, as.qa, { lotId });
    expect(draft).toMatchObject({ supplierId: as.supplier.organisationId, problem: 'Leaks below 300 kPa', links: [{ kind: 'lot', refId: lotId }], inspection: { outcome: 'rejected', defectsFound: 2 } });

    const { scar, signature } = await open({ title: draft.title, problem: draft.problem, links: draft.links });
    expect(scar).toMatchObject({ state: 'open', number: 'SCAR-2026-0001', supplierId: as.supplier.organisationId, nextDue: dueDates.D1, overdue: false });
    expect(scar.steps.map((s) => [s.step, s.dueDate, s.status])).toEqual(scarSteps.map((s) => [s, dueDates[s], 'awaiting_answer']));
    expect(signature).toMatchObject({ meaning: 'authorship', method: 'password' });
    expect((await mailsOf(scar.id, 'scar.opened')).map((m) => m.to_addr)).toEqual([demo('supplier_user').email]);

    for (const step of scarSteps) {
      const submitted = await answer(scar.id, step);
      expect(submitted).toMatchObject({ round: 1, step: { step, status: 'submitted', answer: answers[step] } });
      const decided = await decide(scar.id, step, 'accepted');
      expect(decided.signature.meaning).toBe('approval');
      expect(decided.scar.state).toBe(step === 'D8' ? 'verification' : 'open');
    }
    // Verification waits for verify_after (2026-04-01 in QA's zone).
    const early = await refusal(verifyScar(t.ctx, as.qa, rp, { scarId: scar.id, result: 'effective', note: 'too early', credential }));
    expect(early.problems).toEqual({ result: { code: 'scar-rules.verifyTooEarly', params: { date: '2026-04-01' } } });
    expect((await getScar(t.ctx, as.qa, scar.id)).permissions).toMatchObject({ verify: false, close: false, cancel: true });
    // 02:00 UTC on 2026-04-01 is still 31 March in New York: judged by QA's own calendar.
    t.clock.set('2026-04-01T02:00:00.000Z');
    const newYork = { ...as.qa, organisationTimeZone: 'America/New_York' };
    expect((await refusal(verifyScar(t.ctx, newYork, rp, { scarId: scar.id, result: 'effective', note: 'early', credential }))).problems?.result?.code).toBe('scar-rules.verifyTooEarly');
    expect((await getScar(t.ctx, newYork, scar.id)).permissions.verify).toBe(false);
    t.clock.set('2026-04-01T12:00:00.000Z');
    expect((await getScar(t.ctx, as.qa, scar.id)).permissions.verify).toBe(true);
    const closeFirst = await refusal(closeScar(t.ctx, as.qa, rp, { scarId: scar.id, credential }));
    expect(closeFirst.problems?.comment?.code).toBe('scar-rules.notVerified');
    const verified = await verifyScar(t.ctx, as.qa, rp, { scarId: scar.id, result: 'effective', note: 'Three lots passed burst testing', credential });
    expect(verified.scar.verification).toMatchObject({ result: 'effective', note: 'Three lots passed burst testing' });
    const closed = await closeScar(t.ctx, as.qa, rp, { scarId: scar.id, credential, portalUrl: rp.origin });
    expect(closed.scar).toMatchObject({ state: 'closed', closedAt: closed.signature.signedAt });

    const view = await getScar(t.ctx, as.supplier, scar.id);
    expect(view.signatures.map((s) => s.meaning)).toEqual(['authorship', ...scarSteps.map(() => 'approval'), 'approval', 'approval']);
    expect(view.rounds).toHaveLength(8);
    expect(view.rounds.every((r) => r.decision === 'accepted' && r.signatureId)).toBe(true);
    expect(view.permissions).toMatchObject({ answer: false, answerSteps: [] });
    // Each decision's signature is the one on its round and step.
    const steps = await t.db.all<{ signature_id: string; round_sig: string }>(
      'SELECT st.signature_id, r.signature_id AS round_sig FROM scar_steps st JOIN scar_step_rounds r ON r.scar_id = st.scar_id AND r.step = st.step WHERE st.scar_id = ?',
      [scar.id],
    );
    expect(steps.every((s) => s.signature_id === s.round_sig)).toBe(true);

    const ofScar = async (type: string) => (await eventsOf(t.db, type)).filter((e) => e.scarId === scar.id);
    expect(await ofScar('scar.opened')).toEqual([expect.objectContaining({ number: scar.number, links: [expect.objectContaining({ kind: 'lot', refId: lotId })], signature: expect.objectContaining({ meaning: 'authorship' }) })]);
    expect(await ofScar('scar.step_submitted')).toHaveLength(8);
    expect((await ofScar('scar.step_accepted')).map((e) => e.step)).toEqual([...scarSteps]);
    expect(await ofScar('scar.verified')).toEqual([expect.objectContaining({ result: 'effective', state: 'verification' })]);
    expect(await ofScar('scar.closed')).toEqual([expect.objectContaining({ state: 'closed', signature: expect.objectContaining({ meaning: 'approval' }) })]);
    expect((await mailsOf(scar.id, 'scar.closed')).length).toBe(1);
    expect((await verifyAuditChain(t.db)).ok).toBe(true);
  });

  it('keeps both rounds of a returned step: the returned answer and its decision, then the new answer [REQ-SCAR-02]', async () => {
    const { scar } = await open();
    await answer(scar.id, 'D4');
    const returned = await decide(scar.id, 'D4', 'returned', 'The escape cause is missing.');
    expect(returned.signature.meaning).toBe('rejection');
    expect(returned.scar.steps.find((s) => s.step === 'D4')).toMatchObject({ status: 'returned', decisionComment: 'The escape cause is missing.' });
    const [mail] = await mailsOf(scar.id, 'scar.step_returned');
    expect(mail!.text_body).toContain('The escape cause is missing.');

    const second = await submitScarAnswer(t.ctx, as.supplier, { scarId: scar.id, step: 'D4', answer: { ...answers.D4, escapeCause: 'Leak test sampled 1 in 500; now 1 in 50' } });
    expect(second).toMatchObject({ round: 2, step: { status: 'submitted', decision: null } });
    await decide(scar.id, 'D4', 'accepted');
    const rounds = (await getScar(t.ctx, as.qa, scar.id)).rounds.filter((r) => r.step === 'D4');
    expect(rounds.map((r) => [r.round, r.decision, r.decisionComment, (r.answer as ScarAnswers['D4']).escapeCause])).toEqual([
      [1, 'returned', 'The escape cause is missing.', answers.D4.escapeCause],
      [2, 'accepted', null, 'Leak test sampled 1 in 500; now 1 in 50'],
    ]);
    // A kept answer is never edited.
    await expect(t.db.run("UPDATE scar_step_rounds SET answer = '{}' WHERE scar_id = ?", [scar.id])).rejects.toThrow(/never edited/);
    expect((await eventsOf(t.db, 'scar.step_submitted')).filter((e) => e.scarId === scar.id).map((e) => e.round)).toEqual([1, 2]);
  });

  it('signs only the answer QA read: a decision naming an earlier answer of the step is refused, the newer one stays with QA [REQ-SCAR-01]', async () => {
    const { scar } = await open();
    await answer(scar.id, 'D2');
    // QA A opens the page and reads round 1; QA B returns it meanwhile and the supplier answers again.
    const read = (await getScar(t.ctx, as.qa, scar.id)).scar.steps.find((s) => s.step === 'D2')!.submittedAt!;
    await decide(scar.id, 'D2', 'returned', 'Say which lots.');
    t.clock.set('2026-03-02T10:00:00.000Z');
    await submitScarAnswer(t.ctx, as.supplier, { scarId: scar.id, step: 'D2', answer: { description: 'Something else entirely.' } });
    // QA A accepts what it read: refused as data, nothing signed.
    const stale = await refusal(decideScarStep(t.ctx, as.qa, rp, { scarId: scar.id, step: 'D2', decision: 'accepted', submittedAt: read, credential }));
    expect(stale.code).toBe('conflict');
    expect(stale.problems?.decision?.code).toBe('scar-rules.answerChanged');
    expect((await getScar(t.ctx, as.qa, scar.id)).scar.steps.find((s) => s.step === 'D2')).toMatchObject({ status: 'submitted', decision: null });
    // Naming the answer on the page now, the decision is recorded.
    const current = (await getScar(t.ctx, as.qa, scar.id)).scar.steps.find((s) => s.step === 'D2')!.submittedAt!;
    const accepted = await decideScarStep(t.ctx, as.qa, rp, { scarId: scar.id, step: 'D2', decision: 'accepted', submittedAt: current, credential });
    expect(accepted.scar.steps.find((s) => s.step === 'D2')!.status).toBe('accepted');
  });

  it('checks each answer against its step: problems as data under answer.<path>; a step with QA or accepted is not answered again [REQ-SCAR-02]', async () => {
    const { scar } = await open();
    const d3 = await refusal(
      submitScarAnswer(t.ctx, as.supplier, {
        scarId: scar.id,
        step: 'D3',
        answer: { containment: [{ location: ' ', quantityChecked: 10, quantitySuspect: 11, action: 'sorted' }], effectiveFrom: '2026-02-30' },
      }),
    );
    expect(d3.code).toBe('invalid_input');
    expect(d3.problems).toEqual({
      'answer.containment.0.location': { code: 'scar-rules.required' },
      'answer.containment.0.quantitySuspect': { code: 'scar-rules.suspectOverChecked', params: { max: 10 } },
      'answer.effectiveFrom': { code: 'scar-rules.badDate' },
    });
    const d1 = await refusal(submitScarAnswer(t.ctx, as.supplier, { scarId: scar.id, step: 'D1', answer: { team: [] } }));
    expect(d1.problems).toEqual({ 'answer.team': { code: 'scar-rules.listRequired' } });
    const d4 = await refusal(submitScarAnswer(t.ctx, as.supplier, { scarId: scar.id, step: 'D4', answer: { ...answers.D4, method: 'guessing' } }));
    expect(d4.problems).toEqual({ 'answer.method': { code: 'scar-rules.badMethod' } });
    const d6 = await refusal(submitScarAnswer(t.ctx, as.supplier, { scarId: scar.id, step: 'D6', answer: { actions: [{ action: 'x', owner: 'y', dueDate: '2026-03-20' }], validation: 'ok' } }));
    expect(d6.problems).toEqual({ 'answer.actions.0.doneDate': { code: 'scar-rules.required' } });
    const step = await refusal(submitScarAnswer(t.ctx, as.supplier, { scarId: scar.id, step: 'D9', answer: {} }));
    expect(step.problems).toEqual({ step: { code: 'scar-rules.badStep' } });

    await answer(scar.id, 'D1');
    expect((await refusal(answer(scar.id, 'D1'))).problems).toEqual({ step: { code: 'scar-rules.stepWithQa' } });
    await decide(scar.id, 'D1', 'accepted');
    expect((await refusal(answer(scar.id, 'D1'))).problems).toEqual({ step: { code: 'scar-rules.stepAccepted' } });
    expect((await refusal(decide(scar.id, 'D1', 'accepted'))).problems).toEqual({ decision: { code: 'scar-rules.nothingToDecide' } });
    // Returning needs a comment; nothing is recorded without one.
    await answer(scar.id, 'D2');
    expect((await refusal(decide(scar.id, 'D2', 'returned'))).problems).toEqual({ comment: { code: 'scar-rules.commentRequired' } });
    expect((await getScar(t.ctx, as.qa, scar.id)).scar.steps.find((s) => s.step === 'D2')!.status).toBe('submitted');
  });

  it('sends D4..D8 back when QA finds the actions not effective, with a new due date [REQ-SCAR-02]', async () => {
    const { scar } = await open();
    await acceptAll(scar.id);
    t.clock.set('2026-04-02T12:00:00.000Z');
    const notEffective = await verifyScar(t.ctx, as.qa, rp, { scarId: scar.id, result: 'not_effective', note: 'Two more leaks in March', dueDate: '2026-04-30', credential, portalUrl: rp.origin });
    expect(notEffective.signature.meaning).toBe('rejection');
    expect(notEffective.scar.state).toBe('open');
    expect(notEffective.scar.steps.map((s) => [s.step, s.status])).toEqual(scarSteps.map((s) => [s, ['D1', 'D2', 'D3'].includes(s) ? 'accepted' : 'returned']));
    expect(notEffective.scar.steps.find((s) => s.step === 'D5')).toMatchObject({ dueDate: '2026-04-30', decisionComment: 'Two more leaks in March' });
    expect((await mailsOf(scar.id, 'scar.not_effective')).length).toBe(1);
    await acceptAll(scar.id, ['D4', 'D5', 'D6', 'D7', 'D8']);
    const again = await verifyScar(t.ctx, as.qa, rp, { scarId: scar.id, result: 'effective', note: 'No leaks since', credential });
    expect(again.scar.verification?.result).toBe('effective');
    expect((await getScar(t.ctx, as.qa, scar.id)).rounds.filter((r) => r.step === 'D5').map((r) => r.decision)).toEqual(['accepted', 'accepted']);
  });
});

describe("a returned step's new due date", () => {
  const ret = (scarId: string, step: ScarStep, dueDate?: string) =>
    decideScarStep(t.ctx, as.qa, rp, { scarId, step, decision: 'returned', comment: 'Say which lots.', dueDate, credential, portalUrl: rp.origin });

  it('replaces the step’s due date when QA gives one: signed with the decision, audited, in scar.step_returned and the supplier’s mail [REQ-SCAR-02] [REQ-P11-ESIG-02]', async () => {
    const { scar } = await open();
    await answer(scar.id, 'D2');
    const returned = await ret(scar.id, 'D2', '2026-03-20');
    expect(returned.scar.steps.find((s) => s.step === 'D2')).toMatchObject({ status: 'returned', dueDate: '2026-03-20', overdue: false });
    const audit = await t.db.get<{ old_values: string; new_values: string }>("SELECT old_values, new_values FROM audit_log WHERE entity_id = ? AND action = 'scar.step_returned'", [scar.id]);
    expect(JSON.parse(audit!.old_values)).toMatchObject({ step: 'D2', dueDate: dueDates.D2 });
    expect(JSON.parse(audit!.new_values)).toMatchObject({ step: 'D2', dueDate: '2026-03-20' });
    const [event] = (await eventsOf(t.db, 'scar.step_returned')).filter((e) => e.scarId === scar.id);
    expect(event).toMatchObject({ step: 'D2', dueDate: '2026-03-20', previousDueDate: dueDates.D2 });
    const [mail] = await mailsOf(scar.id, 'scar.step_returned');
    expect(mail!.text_body).toContain('2026-03-20');
    expect(mail!.text_body).not.toContain(dueDates.D2);
    // The round keeps it, and the signature binds it: the re-verification passes, and finds it changed.
    const round = (await t.db.get<{ id: string; new_due_date: string }>("SELECT id, new_due_date FROM scar_step_rounds WHERE scar_id = ? AND step = 'D2'", [scar.id]))!;
    expect(round.new_due_date).toBe('2026-03-20');
    expect((await recordFindings(t.db, 'scar_step_decision')).found).toEqual([]);
    expect((await recordFindings(t.db, 'scar')).found).toEqual([]);
    await t.db.run("UPDATE scar_step_rounds SET new_due_date = '2026-06-30' WHERE id = ?", [round.id]);
    expect((await recordFindings(t.db, 'scar_step_decision')).found).toEqual([{ type: 'scar_step_decision', id: round.id, problem: 'altered' }]);
    await t.db.run("UPDATE scar_step_rounds SET new_due_date = '2026-03-20' WHERE id = ?", [round.id]);
  });

  it('without one, the step keeps its due date (and accepting ignores one) [REQ-SCAR-02]', async () => {
    const { scar } = await open();
    await answer(scar.id, 'D2');
    await answer(scar.id, 'D3');
    const returned = await ret(scar.id, 'D2');
    expect(returned.scar.steps.find((s) => s.step === 'D2')!.dueDate).toBe(dueDates.D2);
    const [event] = (await eventsOf(t.db, 'scar.step_returned')).filter((e) => e.scarId === scar.id);
    expect(event).toMatchObject({ dueDate: dueDates.D2 });
    expect(event).not.toHaveProperty('previousDueDate');
    const accepted = await decideScarStep(t.ctx, as.qa, rp, { scarId: scar.id, step: 'D3', decision: 'accepted', dueDate: '2026-04-30', credential });
    expect(accepted.scar.steps.find((s) => s.step === 'D3')!.dueDate).toBe(dueDates.D3);
    expect((await recordFindings(t.db, 'scar_step_decision')).found).toEqual([]);
  });

  it('refuses a new due date before QA’s today or not a date, as data beside the field; nothing is recorded [REQ-SCAR-02]', async () => {
    const { scar } = await open();
    await answer(scar.id, 'D2');
    // 2026-03-02 09:00 UTC is 04:00 on 2026-03-02 in QA's New York: the day before is past.
    expect((await refusal(ret(scar.id, 'D2', '2026-03-01'))).problems).toEqual({ dueDate: { code: 'scar-rules.dueInPast', params: { today: '2026-03-02' } } });
    expect((await refusal(ret(scar.id, 'D2', '2026-02-30'))).problems).toEqual({ dueDate: { code: 'scar-rules.badDate' } });
    expect((await getScar(t.ctx, as.qa, scar.id)).scar.steps.find((s) => s.step === 'D2')).toMatchObject({ status: 'submitted', dueDate: dueDates.D2 });
    // QA's today itself is allowed.
    expect((await ret(scar.id, 'D2', '2026-03-02')).scar.steps.find((s) => s.step === 'D2')!.dueDate).toBe('2026-03-02');
  });

  it('is what the reminder and the escalation then follow: a step returned after its due date is not overdue, reminded and escalated again for the new date [REQ-SCAR-03]', async () => {
    const { scar } = await open({ dueDates: { ...dueDates, D1: '2026-03-05', D2: '2026-03-30', D3: '2026-03-30', D4: '2026-03-30', D5: '2026-03-30', D6: '2026-03-30', D7: '2026-03-30', D8: '2026-03-30' } });
    const mine = (sent: Awaited<ReturnType<typeof sendScarReminders>>) => sent.filter((s) => s.scarId === scar.id).map((s) => [s.kind, s.step]);
    expect(mine(await sendScarReminders(t.ctx))).toEqual([['reminder', 'D1']]);
    await answer(scar.id, 'D1');
    // Returned the day after its due date, with a new one: not overdue, no escalation.
    t.clock.set('2026-03-06T15:00:00.000Z');
    const returned = await ret(scar.id, 'D1', '2026-03-20');
    expect(returned.scar).toMatchObject({ overdue: false, nextDue: '2026-03-20' });
    expect(mine(await sendScarReminders(t.ctx))).toEqual([]);
    t.clock.set('2026-03-17T09:00:00.000Z');
    expect(mine(await sendScarReminders(t.ctx))).toEqual([['reminder', 'D1']]);
    t.clock.set('2026-03-22T09:00:00.000Z');
    expect(mine(await sendScarReminders(t.ctx))).toEqual([['escalation', 'D1']]);
    const [escalation] = await mailsOf(scar.id, 'scar.escalation');
    expect(escalation!.text_body).toContain('2026-03-20');
  });

  it('without a new date, a step returned after its due date is overdue at once, as before', async () => {
    const { scar } = await open({ dueDates: { ...dueDates, D1: '2026-03-05', D2: '2026-03-30', D3: '2026-03-30', D4: '2026-03-30', D5: '2026-03-30', D6: '2026-03-30', D7: '2026-03-30', D8: '2026-03-30' } });
    await answer(scar.id, 'D1');
    t.clock.set('2026-03-06T15:00:00.000Z');
    expect((await ret(scar.id, 'D1')).scar).toMatchObject({ overdue: true, nextDue: '2026-03-05' });
  });
});

describe('reminders and escalation', () => {
  it('reminds before and escalates after a due date, once per step, across two instances [REQ-SCAR-03]', async () => {
    const { scar } = await open({ dueDates: { ...dueDates, D1: '2026-03-05', D2: '2026-03-20', D3: '2026-03-20', D4: '2026-03-20', D5: '2026-03-20', D6: '2026-03-20', D7: '2026-03-20', D8: '2026-03-20' } });
    const other: Db = openDb(t.url);
    try {
      const instances = [t.ctx, { ...t.ctx, db: other }];
      const mine = (sent: Awaited<ReturnType<typeof sendScarReminders>>) => sent.filter((s) => s.scarId === scar.id);
      // 2026-03-02: D1 due in 3 days (in the supplier's Asia/Shanghai calendar too).
      const first = (await Promise.all(instances.map((ctx) => sendScarReminders(ctx, { portalUrl: rp.origin })))).flatMap(mine);
      expect(first.map((s) => [s.kind, s.step])).toEqual([['reminder', 'D1']]);
      expect(first[0]!.recipients).toEqual([demo('supplier_user').email]);
      expect(mine(await sendScarReminders(t.ctx))).toEqual([]);
      const [reminder] = await mailsOf(scar.id, 'scar.reminder');
      expect(reminder!.subject).toContain('2026-03-05');
      expect(reminder!.text_body).toContain(`${rp.origin}/scars/${scar.id}`);

      // Answered steps are not reminded; an overdue unanswered one is escalated to the supplier and QA.
      t.clock.set('2026-03-06T09:00:00.000Z');
      const second = (await Promise.all(instances.map((ctx) => sendScarReminders(ctx, { portalUrl: rp.origin })))).flatMap(mine);
      expect(second.map((s) => [s.kind, s.step])).toEqual([['escalation', 'D1']]);
      expect(second[0]!.recipients).toEqual(expect.arrayContaining([demo('supplier_user').email, demo('manufacturer_qa').email]));
      expect(mine(await sendScarReminders(t.ctx))).toEqual([]);
      expect(await mailsOf(scar.id, 'scar.escalation')).toHaveLength(second[0]!.recipients.length);
      expect((await getScar(t.ctx, as.supplier, scar.id)).scar).toMatchObject({ overdue: true, nextDue: '2026-03-05' });
      expect((await listScars(t.ctx, as.qa, { overdue: true })).scars.map((s) => s.id)).toContain(scar.id);

      // The other steps: reminded once when they come within 3 days; after cancelling, nothing more.
      t.clock.set('2026-03-17T09:00:00.000Z');
      expect(mine(await sendScarReminders(t.ctx)).map((s) => s.step)).toEqual(['D2', 'D3', 'D4', 'D5', 'D6', 'D7', 'D8']);
      const cancelled = await cancelScar(t.ctx, as.qa, rp, { scarId: scar.id, reason: 'Opened against the wrong supplier', credential, portalUrl: rp.origin });
      expect(cancelled.signature.meaning).toBe('responsibility');
      t.clock.set('2026-03-25T09:00:00.000Z');
      expect(mine(await sendScarReminders(t.ctx))).toEqual([]);
      expect((await refusal(answer(scar.id, 'D2'))).problems).toEqual({ step: { code: 'scar-rules.notOpen' } });
      const audit = await t.db.all<{ action: string }>("SELECT action FROM audit_log WHERE entity_type = 'scar' AND entity_id = ? AND action IN ('scar.reminded', 'scar.escalated')", [scar.id]);
      expect(audit.map((a) => a.action).sort()).toEqual(['scar.escalated', ...Array(8).fill('scar.reminded')]);
    } finally {
      other.close();
    }
  });
});

describe('links to the SCAR supplier only', () => {
  it("refuses another supplier's lot and certificate, and a recall of none of the supplier's lots; accepts its own [REQ-SCAR-01]", async () => {
    const ningboLot = await newLot(as.ningbo);
    const ningboCert = await submitTestCertificate(t.ctx, as.ningbo, t.dir, { number: 'NB-ISO-1', validTo: '2027-12-31' });
    const ownLot = await newLot();
    const ownCert = await submitTestCertificate(t.ctx, as.supplier, t.dir, { number: 'SZ-ISO-1', validTo: '2027-12-31' });
    const lotNumber = (await t.db.get<{ lot: string }>('SELECT lot FROM lots WHERE id = ?', [ownLot]))!.lot;
    const recallOf = async (number: string, lots: string[]) => {
      await receiveErpEvent(t.ctx, {
        webhookId: `msg_${number}`,
        sentAt: Math.floor(t.clock.now().getTime() / 1000),
        body: {
          type: 'recall.issued',
          timestamp: t.clock.now().toISOString(),
          data: { recallNumber: number, issuedAt: t.clock.now().toISOString(), reason: 'Leak', hazard: 'Air embolism', contact: { name: 'QA', email: 'qa@meridian.example' }, products: [{ gtin, lots }] },
        },
      });
      return (await t.db.get<{ id: string }>('SELECT id FROM recalls WHERE recall_number = ?', [number]))!.id;
    };
    const ownRecall = await recallOf('FSCA-SCAR-1', [lotNumber]);
    const otherRecall = await recallOf('FSCA-SCAR-2', ['NOT-A-LOT']);

    const refused = await refusal(
      open({
        links: [
          { kind: 'lot', refId: ningboLot },
          { kind: 'certificate', refId: ningboCert.id },
          { kind: 'recall', refId: otherRecall },
          { kind: 'lot', refId: 'lot_nonexistent' },
          { kind: 'order', refId: 'x' },
        ],
      }),
    );
    expect(refused.problems).toEqual({
      'links.0': { code: 'scar-rules.linkNotSupplier', params: { kind: { term: 'scar-rules.link.lot' } } },
      'links.1': { code: 'scar-rules.linkNotSupplier', params: { kind: { term: 'scar-rules.link.certificate' } } },
      'links.2': { code: 'scar-rules.linkNotSupplier', params: { kind: { term: 'scar-rules.link.recall' } } },
      'links.3': { code: 'scar-rules.linkUnknown', params: { kind: { term: 'scar-rules.link.lot' } } },
      'links.4': { code: 'scar-rules.badLinkKind' },
    });
    expect(await t.db.get('SELECT 1 FROM scar_links WHERE ref_id = ?', [ningboLot])).toBeUndefined();

    const { scar } = await open({
      links: [
        { kind: 'lot', refId: ownLot },
        { kind: 'certificate', refId: ownCert.id },
        { kind: 'recall', refId: ownRecall },
      ],
    });
    expect(scar.links.map((l) => [l.kind, l.label])).toEqual([
      ['certificate', 'SZ-ISO-1'],
      ['lot', `${lotNumber} (${gtin})`],
      ['recall', 'FSCA-SCAR-1'],
    ]);
  });

  it('refuses the open form as data: no links, due dates out of order or past, verify_after before D8, no password [REQ-SCAR-01]', async () => {
    const e = await refusal(
      openScar(t.ctx, as.qa, rp, {
        supplierId: as.supplier.organisationId,
        title: ' ',
        problem: 'p',
        severity: 'huge',
        links: [],
        dueDates: { ...dueDates, D1: '2026-03-01', D3: '2026-03-04', D8: '' },
        verifyAfter: '2026-03-09',
        credential: { password: '' },
      }),
    );
    expect(e.problems).toEqual({
      title: { code: 'scar-rules.required' },
      severity: { code: 'scar-rules.badSeverity' },
      links: { code: 'scar-rules.linkRequired' },
      'dueDates.D1': { code: 'scar-rules.dueInPast', params: { today: '2026-03-02' } },
      'dueDates.D3': { code: 'scar-rules.dueBeforePrevious', params: { date: '2026-03-05' } },
      'dueDates.D8': { code: 'scar-rules.required' },
      password: { code: 'signatures.passwordRequired' },
    });
    const wrongPassword = await refusal(open({ credential: { password: 'wrong' } }));
    expect(wrongPassword.code).not.toBe('invalid_input');
    expect(await t.db.get<{ n: number }>("SELECT COUNT(*) AS n FROM scars WHERE title = ' '")).toEqual({ n: 0 });
  });
});

describe('isolation and roles', () => {
  it("a supplier never sees another supplier's SCAR: not_found for get, answer, evidence; absent from its list [REQ-SCAR-04]", async () => {
    const { scar } = await open();
    const evidence = await uploadScarEvidence(t.ctx, as.supplier, limits, { scarId: scar.id, step: 'D3', file: { name: 'sort-report.pdf', bytes: await pdfBytes('Sort report') } });
    expect((await getScar(t.ctx, as.supplier, scar.id)).scar.steps.find((s) => s.step === 'D3')!.evidence).toEqual([{ id: evidence.id, fileName: 'sort-report.pdf', uploadedAt: evidence.uploadedAt }]);
    const read = await readScarEvidence(t.ctx, as.qa, { scarId: scar.id, evidenceId: evidence.id });
    expect(read).toMatchObject({ name: 'sort-report.pdf', contentType: 'application/pdf', sha256: evidence.sha256 });

    expect((await refusal(getScar(t.ctx, as.ningbo, scar.id))).code).toBe('not_found');
    expect((await refusal(answer(scar.id, 'D1', as.ningbo))).code).toBe('not_found');
    expect((await refusal(readScarEvidence(t.ctx, as.ningbo, { scarId: scar.id, evidenceId: evidence.id }))).code).toBe('not_found');
    expect((await refusal(uploadScarEvidence(t.ctx, as.ningbo, limits, { scarId: scar.id, step: 'D3', file: { name: 'x.pdf', bytes: await pdfBytes('x') } }))).code).toBe('not_found');
    const ningboList = await listScars(t.ctx, as.ningbo);
    expect(ningboList).toMatchObject({ scars: [], staff: false, suppliers: [], permissions: { open: false } });
    const supplierList = await listScars(t.ctx, as.supplier);
    expect(supplierList.scars.map((s) => s.id)).toContain(scar.id);
    expect(supplierList.scars.every((s) => s.supplierId === as.supplier.organisationId)).toBe(true);
    expect((await listScars(t.ctx, as.admin)).scars.map((s) => s.id)).toContain(scar.id);
    // Text named as a PDF is refused as data and nothing is kept.
    const notPdf = await refusal(uploadScarEvidence(t.ctx, as.supplier, limits, { scarId: scar.id, step: 'D3', file: { name: 'x.pdf', bytes: new TextEncoder().encode('hello') } }));
    expect(notPdf.problems?.file).toEqual({ code: 'files.nameMismatch', params: { ending: '.csv' } });
  });

  it('keeps a photo and a CSV table as evidence, judged by content; a file whose name says otherwise, or of another kind, is refused on the file [REQ-SCAR-02]', async () => {
    const { scar } = await open();
    const png = Uint8Array.from(Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYPj/HwAEAQH/2Q6kqQAAAABJRU5ErkJggg==', 'base64'));
    const csv = new TextEncoder().encode('sample,leak rate (ml/min)\r\n1,0.02\r\n');
    const photo = await uploadScarEvidence(t.ctx, as.supplier, limits, { scarId: scar.id, step: 'D3', file: { name: 'leak-path.png', bytes: png } });
    const table = await uploadScarEvidence(t.ctx, as.supplier, limits, { scarId: scar.id, step: 'D3', file: { name: 'leak-test.csv', bytes: csv } });
    expect([photo.contentType, table.contentType]).toEqual(['image/png', 'text/csv']);
    for (const [e, bytes] of [[photo, png], [table, csv]] as const) {
      const read = await readScarEvidence(t.ctx, as.qa, { scarId: scar.id, evidenceId: e.id });
      expect(read).toMatchObject({ name: e.fileName, contentType: e.contentType, sha256: e.sha256 });
      expect(Buffer.from(read.bytes).equals(Buffer.from(bytes))).toBe(true);
    }
    const audited = await t.db.get<{ new_values: string }>("SELECT new_values FROM audit_log WHERE entity_type = 'scar' AND entity_id = ? AND action = 'scar.evidence_added' ORDER BY seq LIMIT 1", [scar.id]);
    expect(JSON.parse(audited!.new_values)).toMatchObject({ name: 'leak-path.png', contentType: 'image/png' });

    const count = async () => (await t.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM stored_files'))!.n;
    const before = await count();
    const misnamed = await refusal(uploadScarEvidence(t.ctx, as.supplier, limits, { scarId: scar.id, step: 'D3', file: { name: 'leak-path.pdf', bytes: png } }));
    expect(misnamed.problems).toEqual({ file: { code: 'files.nameMismatch', params: { ending: '.png' } } });
    const zip = await refusal(uploadScarEvidence(t.ctx, as.supplier, limits, { scarId: scar.id, step: 'D3', file: { name: 'photos.zip', bytes: Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x80]) } }));
    expect(zip.problems).toEqual({ file: { code: 'files.notAttachment' } });
    expect(await count()).toBe(before);
  });

  it('keeps at most maxEvidence files per step: the next upload is refused as data and nothing more is stored [REQ-SCAR-02]', async () => {
    const { scar } = await open();
    const bytes = await pdfBytes('Sort report');
    for (let i = 0; i < maxEvidence; i++) await uploadScarEvidence(t.ctx, as.supplier, limits, { scarId: scar.id, step: 'D3', file: { name: `report-${i}.pdf`, bytes } });
    const files = async () => (await t.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM stored_files'))!.n;
    const before = await files();
    const more = await refusal(uploadScarEvidence(t.ctx, as.supplier, limits, { scarId: scar.id, step: 'D3', file: { name: 'one-more.pdf', bytes } }));
    expect(more.problems?.file).toEqual({ code: 'scar-rules.tooManyEvidence', params: { max: maxEvidence } });
    expect(await files()).toBe(before);
    // Another step has its own allowance.
    await uploadScarEvidence(t.ctx, as.supplier, limits, { scarId: scar.id, step: 'D4', file: { name: 'fishbone.pdf', bytes } });
  });

  it('only QA opens and decides; only the supplier answers; the administrator reads [REQ-SCAR-04]', async () => {
    expect((await refusal(open({}, as.supplier))).code).toBe('forbidden');
    expect((await refusal(open({}, as.admin))).code).toBe('forbidden');
    const { scar } = await open();
    expect((await refusal(answer(scar.id, 'D1', as.qa))).code).toBe('forbidden');
    await answer(scar.id, 'D1');
    expect((await refusal(decideScarStep(t.ctx, as.supplier, rp, { scarId: scar.id, step: 'D1', decision: 'accepted', credential }))).code).toBe('forbidden');
    expect((await refusal(cancelScar(t.ctx, as.admin, rp, { scarId: scar.id, reason: 'x', credential }))).code).toBe('forbidden');
    const adminView = await getScar(t.ctx, as.admin, scar.id);
    expect(adminView.permissions).toMatchObject({ open: false, decide: false, answer: false, cancel: false });
    const qaView = await getScar(t.ctx, as.qa, scar.id);
    expect(qaView.permissions).toMatchObject({ decide: true, decideSteps: ['D1'], answer: false, cancel: true });
    const supplierView = await getScar(t.ctx, as.supplier, scar.id);
    expect(supplierView.permissions).toMatchObject({ answer: true, decide: false, answerSteps: ['D2', 'D3', 'D4', 'D5', 'D6', 'D7', 'D8'] });
  });
});

describe('SCAR decisions in the record hash re-verification (lotbridge audit verify, validate PQ)', () => {
  it('are checked: every SCAR opened, verified, closed or cancelled so far passes; its severity or a closed verification note changed through the database file is found [REQ-P11-REC-01]', async () => {
    const { scar } = await open();
    await acceptAll(scar.id);
    t.clock.set('2026-04-01T12:00:00.000Z');
    await verifyScar(t.ctx, as.qa, rp, { scarId: scar.id, result: 'effective', note: 'Three lots passed burst testing', credential });
    await closeScar(t.ctx, as.qa, rp, { scarId: scar.id, comment: 'Closed after review', credential });
    const findings = () => recordFindings(t.db, 'scar');
    const intact = await findings();
    expect(intact.checked).toBeGreaterThan(1);
    expect(intact.found).toEqual([]);

    // Someone holding the database file downgrades the SCAR QA opened as major ...
    await t.db.run("UPDATE scars SET severity = 'minor' WHERE id = ?", [scar.id]);
    expect((await findings()).found).toEqual([{ type: 'scar', id: scar.id, problem: 'altered' }]);
    await t.db.run("UPDATE scars SET severity = ? WHERE id = ?", [scar.severity, scar.id]);
    expect((await findings()).found).toEqual([]);
    // ... or rewrites the verification note QA signed (and closed on).
    await t.db.run("UPDATE scars SET verification_note = 'Looked fine' WHERE id = ?", [scar.id]);
    expect((await findings()).found).toEqual([{ type: 'scar', id: scar.id, problem: 'altered' }]);
    await t.db.run("UPDATE scars SET verification_note = 'Three lots passed burst testing' WHERE id = ?", [scar.id]);
    expect((await findings()).found).toEqual([]);
  });

  it('are checked: an intact step decision passes; its comment or the answer it signed changed through the database file is found [REQ-P11-REC-01]', async () => {
    const { scar } = await open();
    await answer(scar.id, 'D4');
    await decide(scar.id, 'D4', 'returned', 'The escape cause is missing.');
    await answer(scar.id, 'D4'); // round 2, not decided yet: nothing signed
    const roundId = (await t.db.get<{ id: string }>("SELECT id FROM scar_step_rounds WHERE scar_id = ? AND step = 'D4' AND round = 1", [scar.id]))!.id;
    const findings = () => recordFindings(t.db, 'scar_step_decision');
    const intact = await findings();
    expect(intact.checked).toBeGreaterThan(0);
    expect(intact.found).toEqual([]);

    // Someone holding the database file softens QA's comment on the returned answer.
    await t.db.run("UPDATE scar_step_rounds SET decision_comment = 'Fine.' WHERE id = ?", [roundId]);
    expect((await findings()).found).toEqual([{ type: 'scar_step_decision', id: roundId, problem: 'altered' }]);
    await t.db.run("UPDATE scar_step_rounds SET decision_comment = 'The escape cause is missing.' WHERE id = ?", [roundId]);
    expect((await findings()).found).toEqual([]);

    // ... or rewrites the answer QA signed (dropping the trigger that keeps it, then putting it back).
    const original = (await t.db.get<{ answer: string }>('SELECT answer FROM scar_step_rounds WHERE id = ?', [roundId]))!.answer;
    const rewrite = async (value: string) => {
      await t.db.run('DROP TRIGGER scar_step_rounds_answer_fixed');
      await t.db.run('UPDATE scar_step_rounds SET answer = ? WHERE id = ?', [value, roundId]);
      await t.db.run(
        "CREATE TRIGGER scar_step_rounds_answer_fixed BEFORE UPDATE OF answer, submitted_by, submitted_at ON scar_step_rounds BEGIN SELECT RAISE(ABORT, 'a submitted SCAR answer is never edited'); END",
      );
    };
    await rewrite(JSON.stringify({ ...JSON.parse(original), escapeCause: 'Something else' }));
    expect((await findings()).found).toEqual([{ type: 'scar_step_decision', id: roundId, problem: 'altered' }]);
    await rewrite(original);
    expect((await findings()).found).toEqual([]);
  });

  it("are checked: a step's due date is the one QA last signed (opening, signed return, not-effective verification); a new due date put on an undecided round, or a due date changed, through the database file is found [REQ-P11-REC-01]", async () => {
    const { scar } = await open();
    const roundOf = async (step: ScarStep) => (await t.db.get<{ id: string }>('SELECT id FROM scar_step_rounds WHERE scar_id = ? AND step = ? ORDER BY round DESC LIMIT 1', [scar.id, step]))!.id;
    const setDue = (step: ScarStep, date: string) => t.db.run('UPDATE scar_steps SET due_date = ? WHERE scar_id = ? AND step = ?', [date, scar.id, step]);
    const scarFindings = async () => (await recordFindings(t.db, 'scar')).found;
    const stepFindings = async () => (await recordFindings(t.db, 'scar_step_decision')).found;
    // QA returns D2 with a new due date (signed); D4's answer awaits QA.
    await answer(scar.id, 'D2');
    await decideScarStep(t.ctx, as.qa, rp, { scarId: scar.id, step: 'D2', decision: 'returned', comment: 'Say which lots.', dueDate: '2026-03-20', credential });
    await answer(scar.id, 'D4');
    const undecided = await roundOf('D4');
    expect(await scarFindings()).toEqual([]);
    expect(await stepFindings()).toEqual([]);

    // Someone holding the database file puts a far due date on D4's undecided round and on the step (no reminder, no escalation) ...
    await t.db.run("UPDATE scar_step_rounds SET new_due_date = '2099-01-01' WHERE id = ?", [undecided]);
    await setDue('D4', '2099-01-01');
    expect(await stepFindings()).toEqual([{ type: 'scar_step_decision', id: undecided, problem: 'inconsistent' }]);
    expect(await scarFindings()).toEqual([{ type: 'scar', id: scar.id, problem: 'altered' }, { type: 'scar', id: scar.id, problem: 'inconsistent' }]);
    await t.db.run('UPDATE scar_step_rounds SET new_due_date = NULL WHERE id = ?', [undecided]);
    await setDue('D4', dueDates.D4);
    expect(await scarFindings()).toEqual([]);
    expect(await stepFindings()).toEqual([]);
    // ... or moves the due date QA's return gave D2.
    await setDue('D2', '2099-01-01');
    expect(await scarFindings()).toEqual([{ type: 'scar', id: scar.id, problem: 'inconsistent' }]);
    await setDue('D2', '2026-03-20');
    expect(await scarFindings()).toEqual([]);

    // Not effective: D4..D8 get the verification's due date; a later signed return gives D5 another.
    await acceptAll(scar.id, ['D1', 'D2', 'D3']);
    await decide(scar.id, 'D4', 'accepted');
    await acceptAll(scar.id, ['D5', 'D6', 'D7', 'D8']);
    t.clock.set('2026-04-02T12:00:00.000Z');
    await verifyScar(t.ctx, as.qa, rp, { scarId: scar.id, result: 'not_effective', note: 'Two more leaks in March', dueDate: '2026-04-30', credential });
    await answer(scar.id, 'D5');
    await decideScarStep(t.ctx, as.qa, rp, { scarId: scar.id, step: 'D5', decision: 'returned', comment: 'Name the insert supplier.', dueDate: '2026-05-15', credential });
    expect(await scarFindings()).toEqual([]);
    expect(await stepFindings()).toEqual([]);
    for (const [step, due] of [['D6', '2026-04-30'], ['D5', '2026-05-15'], ['D2', '2026-03-20']] as const) {
      await setDue(step, '2099-01-01');
      expect(await scarFindings(), step).toEqual([{ type: 'scar', id: scar.id, problem: 'inconsistent' }]);
      await setDue(step, due);
    }
    expect(await scarFindings()).toEqual([]);
  });
});

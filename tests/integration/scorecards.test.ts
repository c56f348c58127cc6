// Supplier scorecards (issue 18) on a real SQLite file with hand-made records whose figures are
// known: each measure's numerator and denominator per month and quarter, the overall score with
// default and QA's signed weights (history, audit, refusals), the ranking, the CSV, and isolation:
// a supplier reads its own card only; another supplier's card does not exist for it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../shared/auth/actor.ts';
import { demoPassword, seedDemo } from '../../shared/demo/seed-demo.ts';
import { createOrganisation } from '../../shared/organisations/create-organisation.ts';
import { addUser } from '../../shared/organisations/add-user.ts';
import { getScorecard } from '../../shared/scorecards/get-scorecard.ts';
import { listScorecards } from '../../shared/scorecards/list-scorecards.ts';
import { setWeights } from '../../shared/scorecards/set-weights.ts';
import { scorecardsCsv } from '../../shared/scorecards/scorecards-csv.ts';
import type { PeriodFigures } from '../../shared/scorecards/scorecard.ts';
import { verifyAuditChain } from '../../shared/audit/verify-audit-chain.ts';
import { recordFindings } from '../support/record-findings.ts';
import { testDatabase, type TestDatabase } from '../support/database.ts';
import { actorFor } from '../support/actors.ts';
import { demo } from '../support/demo.ts';
import { refusal } from '../support/refusal.ts';
import { ScorecardRecords } from '../support/scorecard-records.ts';

const rp = { id: 'portal.lotbridge.test', name: 'Lotbridge', origin: 'https://portal.lotbridge.test' };
const by = { type: 'system' as const, name: 'scorecard test' };

let t: TestDatabase;
const as = {} as Record<'alpha' | 'beta' | 'qa' | 'admin' | 'distributor', Actor>;
const ids = {} as Record<'alpha' | 'beta', { id: string; userId: string }>;

/** numerator/denominator of each measure, in the order of the card. */
const ratios = (f: PeriodFigures) => Object.fromEntries(Object.entries(f.measures).map(([m, r]) => [m, `${r.numerator}/${r.denominator}`]));

beforeAll(async () => {
  t = await testDatabase();
  await seedDemo(t.ctx);
  for (const [key, name] of [
    ['alpha', 'Alpha Moulding Ltd.'],
    ['beta', 'Beta Plastics GmbH'],
  ] as const) {
    const org = (await createOrganisation(t.ctx, by, { name, kind: 'supplier' })).id;
    const user = await addUser(t.ctx, by, { email: `quality@${key}.example`, displayName: `${name} QA`, password: `${key}-supplier-pass`, role: 'supplier_user', organisationId: org });
    ids[key] = { id: org, userId: user.id };
    as[key] = await actorFor(t.db, `quality@${key}.example`);
  }
  as.qa = await actorFor(t.db, demo('manufacturer_qa').email);
  as.admin = await actorFor(t.db, demo('manufacturer_admin').email);
  as.distributor = await actorFor(t.db, demo('distributor_user').email);
  const r = new ScorecardRecords(t.db, as.qa.userId, as.qa.organisationId);
  const { alpha, beta } = ids;

  // On-time delivery: line 1 is due 2026-02-10, line 2 has no date (not counted), a lot without
  // an order is not counted; the due day is on time until it has ended everywhere (12:00 UTC the
  // next day); April's lot is late.
  const po = await r.order(alpha.id, ['2026-02-10', null]);
  const line1 = { orderId: po, lineNumber: 1 };
  const l1 = await r.lot(alpha, '2026-02-09T23:00:00.000Z', line1);
  const l2 = await r.lot(alpha, '2026-02-10T22:59:59.000Z', line1);
  await r.lot(alpha, '2026-02-11T11:59:59.999Z', line1);
  const l3 = await r.lot(alpha, '2026-02-11T12:00:00.000Z', line1);
  const l4 = await r.lot(alpha, '2026-02-05T08:00:00.000Z', { orderId: po, lineNumber: 2 });
  await r.lot(alpha, '2026-02-06T08:00:00.000Z');
  await r.lot(alpha, '2026-04-01T08:00:00.000Z', line1);

  // Lot acceptance, in the month of the decision: February 2 of 2 (a deviation is accepted), March 0 of 1.
  await r.inspection(l1, 'accepted', '2026-02-12T10:00:00.000Z');
  await r.inspection(l2, 'accepted_with_deviation', '2026-02-20T10:00:00.000Z');
  await r.inspection(l3, 'rejected', '2026-03-01T10:00:00.000Z');
  await r.inspection(l4, 'rejected', '2026-04-02T10:00:00.000Z');

  // Certificates: the entries require ISO 13485 and CE (the CoC is per lot, not counted).
  await r.approval(alpha.id, ['iso13485', 'coc']);
  await r.approval(alpha.id, ['ce_mdr']);
  // ISO 13485: v1 until 31 January (since superseded), v2 valid from 5 February but approved on 7 February.
  await r.certificate(alpha, { type: 'iso13485', state: 'superseded', validFrom: '2025-01-01', validTo: '2026-01-31', decidedAt: '2024-12-20T09:00:00.000Z' });
  await r.certificate(alpha, { type: 'iso13485', state: 'approved', validFrom: '2026-02-05', validTo: '2027-01-01', decidedAt: '2026-02-07T15:00:00.000Z' });
  // CE until 15 March; a rejected and a submitted one covering the year count for nothing.
  await r.certificate(alpha, { type: 'ce_mdr', state: 'approved', validFrom: '2025-06-01', validTo: '2026-03-15', decidedAt: '2025-05-01T09:00:00.000Z' });
  await r.certificate(alpha, { type: 'ce_mdr', state: 'rejected', validFrom: '2026-01-01', validTo: '2026-12-31', decidedAt: '2026-01-02T09:00:00.000Z' });
  await r.certificate(alpha, { type: 'ce_mdr', state: 'submitted', validFrom: '2026-01-01', validTo: '2026-12-31', decidedAt: null });

  // Invoices submitted in February: matched then paid, and approved are first-pass; disputed then
  // matched is not; only received, or no status yet, are not counted.
  await r.invoice(alpha, po, '2026-02-03T10:00:00.000Z', ['received', 'matched', 'paid']);
  const disputed = await r.invoice(alpha, po, '2026-02-04T10:00:00.000Z', ['disputed', 'matched']);
  await r.invoice(alpha, po, '2026-02-05T10:00:00.000Z', ['received']);
  await r.invoice(alpha, po, '2026-02-06T10:00:00.000Z', ['approved']);
  await r.invoice(alpha, po, '2026-02-07T10:00:00.000Z', []);
  // Beta's invoice of the same number is disputed: that is not Alpha's.
  const poBeta = await r.order(beta.id, ['2026-02-20']);
  await r.invoice(beta, poBeta, '2026-05-03T10:00:00.000Z', ['disputed'], 'INV-ALPHA-1');
  await r.statuses(alpha.id, 'INV-ALPHA-1', ['disputed'], '2026-02-03T10:00:00.000Z');
  void disputed;

  // SCAR steps by due date: D1 answered on the due day, D2 once the due day has ended everywhere, D3 overdue unanswered
  // (counted, not on time), D4 due after today unanswered (not counted), D5 answered early.
  await r.scar(alpha.id, 'open', [
    { due: '2026-02-10', firstSubmittedAt: '2026-02-10T18:00:00.000Z' },
    { due: '2026-02-15', firstSubmittedAt: '2026-02-16T12:00:00.000Z' },
    { due: '2026-03-01', firstSubmittedAt: null },
    { due: '2026-04-20', firstSubmittedAt: null },
    { due: '2026-04-10', firstSubmittedAt: '2026-04-09T08:00:00.000Z' },
  ]);
  // A cancelled SCAR counts for nothing.
  await r.scar(alpha.id, 'cancelled', [{ due: '2026-02-01', firstSubmittedAt: null }]);

  // Beta: one lot on time in February, nothing else.
  await r.lot(beta, '2026-02-19T10:00:00.000Z', { orderId: poBeta, lineNumber: 1 });

  t.clock.set('2026-04-15T12:00:00.000Z');
});
afterAll(() => t?.close());

describe('measures, per month', () => {
  it('counts each measure of February with its numerator and denominator [REQ-SCORE-01]', async () => {
    const card = await getScorecard(t.ctx, as.qa, ids.alpha.id, { period: '2026-02' });
    expect(card.period).toEqual({ key: '2026-02', kind: 'month' });
    expect(ratios(card.current)).toEqual({ onTime: '3/4', acceptance: '2/2', certificates: '22/28', invoices: '2/3', scar: '1/2' });
    expect(card.current.measures.onTime.percent).toBe(75);
    expect(card.current.measures.certificates.percent).toBeCloseTo((100 * 22) / 28, 6);
  });

  it('January and March: certificates covered all of January, 15 days of March; March has a rejection and an overdue step [REQ-SCORE-01]', async () => {
    const card = await getScorecard(t.ctx, as.qa, ids.alpha.id, { period: '2026-03' });
    const jan = card.trend.find((p) => p.period === '2026-01')!;
    expect(ratios(jan)).toEqual({ onTime: '0/0', acceptance: '0/0', certificates: '31/31', invoices: '0/0', scar: '0/0' });
    expect(ratios(card.current)).toEqual({ onTime: '0/0', acceptance: '0/1', certificates: '15/31', invoices: '0/0', scar: '0/1' });
    expect(card.current.measures.onTime.percent).toBeNull();
  });

  it('the current month counts only the days up to today and the steps due before it [REQ-SCORE-01]', async () => {
    const card = await getScorecard(t.ctx, as.qa, ids.alpha.id, { period: '2026-04' });
    expect(ratios(card.current)).toEqual({ onTime: '0/1', acceptance: '0/1', certificates: '0/15', invoices: '0/0', scar: '1/1' });
  });

  it('a year of months ends with the asked one', async () => {
    const card = await getScorecard(t.ctx, as.qa, ids.alpha.id, { period: '2026-02' });
    expect(card.trend.map((p) => p.period)).toEqual(['2025-03', '2025-04', '2025-05', '2025-06', '2025-07', '2025-08', '2025-09', '2025-10', '2025-11', '2025-12', '2026-01', '2026-02']);
  });
});

describe('quarters and the overall score', () => {
  it('a quarter adds its months; the score is the mean of the measures with equal default weights [REQ-SCORE-01]', async () => {
    const card = await getScorecard(t.ctx, as.qa, ids.alpha.id, { period: '2026-Q1' });
    expect(ratios(card.current)).toEqual({ onTime: '3/4', acceptance: '2/3', certificates: '68/90', invoices: '2/3', scar: '1/3' });
    expect(card.current.score).toBeCloseTo((100 * (3 / 4 + 2 / 3 + 68 / 90 + 2 / 3 + 1 / 3)) / 5, 6);
    expect(card.trend.map((p) => p.period)).toEqual(['2024-Q2', '2024-Q3', '2024-Q4', '2025-Q1', '2025-Q2', '2025-Q3', '2025-Q4', '2026-Q1']);
    expect(card.weights.setBy).toBeNull();
  });

  it('without a period the card is of the current quarter', async () => {
    const card = await getScorecard(t.ctx, as.alpha, ids.alpha.id);
    expect(card.period).toEqual({ key: '2026-Q2', kind: 'quarter' });
    expect(ratios(card.current)).toEqual({ onTime: '0/1', acceptance: '0/1', certificates: '0/15', invoices: '0/0', scar: '1/1' });
  });

  it('refuses a period that is not a month or a quarter, as data', async () => {
    const e = await refusal(getScorecard(t.ctx, as.qa, ids.alpha.id, { period: '2026-13' }));
    expect(e.code).toBe('invalid_input');
    expect(e.problems?.period?.code).toBe('scorecard.badPeriod');
  });
});

describe('ranking and CSV', () => {
  it('ranks by overall score; a supplier with nothing counted is last and unranked [REQ-SCORE-01]', async () => {
    const ranking = await listScorecards(t.ctx, as.qa, { period: '2026-Q1' });
    expect(ranking.suppliers.map((s) => [s.rank, s.supplier.name])).toEqual([
      [1, 'Beta Plastics GmbH'],
      [2, 'Alpha Moulding Ltd.'],
      [null, 'Suzhou Precision Components Co., Ltd.'],
    ]);
    expect(ratios(ranking.suppliers[0]!)).toEqual({ onTime: '1/1', acceptance: '0/0', certificates: '0/0', invoices: '0/0', scar: '0/0' });
    expect(ranking.suppliers[0]!.score).toBe(100);
    // The ranking's figures are the card's.
    const card = await getScorecard(t.ctx, as.qa, ids.alpha.id, { period: '2026-Q1' });
    expect(ranking.suppliers[1]!.measures).toEqual(card.current.measures);
  });

  it('exports the ranking as CSV with every numerator, denominator and percentage [REQ-SCORE-01]', async () => {
    const csv = scorecardsCsv(await listScorecards(t.ctx, as.admin, { period: '2026-Q1' }), 'en');
    const lines = csv.replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]).toBe(
      'Period,Rank,Supplier,Overall score,' +
        'On-time delivery: counted,On-time delivery: of,On-time delivery: %,Lot acceptance: counted,Lot acceptance: of,Lot acceptance: %,' +
        'Certificate compliance: counted,Certificate compliance: of,Certificate compliance: %,Invoice first-pass accuracy: counted,Invoice first-pass accuracy: of,Invoice first-pass accuracy: %,' +
        'SCAR responsiveness: counted,SCAR responsiveness: of,SCAR responsiveness: %',
    );
    expect(lines[1]).toBe('2026-Q1,1,Beta Plastics GmbH,100.0,1,1,100.0,0,0,,0,0,,0,0,,0,0,');
    expect(lines[2]).toBe('2026-Q1,2,Alpha Moulding Ltd.,63.4,3,4,75.0,2,3,66.7,68,90,75.6,2,3,66.7,1,3,33.3');
    expect(lines[3]).toBe('2026-Q1,,"Suzhou Precision Components Co., Ltd.",,0,0,,0,0,,0,0,,0,0,,0,0,');
    expect(lines[4]).toBe('');
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(scorecardsCsv(await listScorecards(t.ctx, as.qa, { period: '2026-Q1' }), 'zh-CN').split('\r\n')[0]).toContain('期间,排名,供应商,综合得分,准时交付率：达标数');
  });
});

describe('isolation', () => {
  it('a supplier reads its own card; another supplier’s does not exist for it [REQ-SCORE-02]', async () => {
    expect((await getScorecard(t.ctx, as.alpha, ids.alpha.id, { period: '2026-02' })).permissions).toEqual({ rank: false, setWeights: false });
    expect((await refusal(getScorecard(t.ctx, as.alpha, ids.beta.id))).code).toBe('not_found');
    expect((await refusal(getScorecard(t.ctx, as.beta, ids.alpha.id))).code).toBe('not_found');
  });

  it('a supplier cannot rank; a distributor reads no card; an organisation that is no supplier has none [REQ-SCORE-02]', async () => {
    expect((await refusal(listScorecards(t.ctx, as.alpha))).code).toBe('forbidden');
    expect((await refusal(getScorecard(t.ctx, as.distributor, ids.alpha.id))).code).toBe('forbidden');
    expect((await refusal(getScorecard(t.ctx, as.qa, as.distributor.organisationId))).code).toBe('not_found');
    expect((await refusal(getScorecard(t.ctx, as.qa, 'org_nothing'))).code).toBe('not_found');
  });
});

describe('weights', () => {
  const change = (weights: Record<string, string | number>, extra: { reason?: string; password?: string } = {}, actor: Actor = as.qa) =>
    setWeights(t.ctx, actor, rp, { weights, reason: extra.reason ?? 'SCARs matter most this year', credential: { password: extra.password ?? demoPassword } });

  it('refuses out-of-range weights, all zero, no reason, as data; a supplier or the administrator may not set them [REQ-SCORE-03]', async () => {
    let e = await refusal(change({ onTime: 101, acceptance: -1, certificates: 'x', invoices: 2.5, scar: 10 }, { reason: ' ' }));
    expect(e.code).toBe('invalid_input');
    expect(Object.fromEntries(Object.entries(e.problems ?? {}).map(([k, p]) => [k, p.code]))).toEqual({
      'weights.onTime': 'scorecard.weightRange',
      'weights.acceptance': 'scorecard.weightRange',
      'weights.certificates': 'scorecard.weightRange',
      'weights.invoices': 'scorecard.weightRange',
      reason: 'scorecard.reasonRequired',
    });
    e = await refusal(change({ onTime: 0, acceptance: 0, certificates: 0, invoices: 0, scar: 0 }));
    expect(e.problems?.['weights.onTime']?.code).toBe('scorecard.weightsAllZero');
    expect((await refusal(change({ onTime: 1, acceptance: 1, certificates: 1, invoices: 1, scar: 1 }, {}, as.alpha))).code).toBe('forbidden');
    expect((await refusal(change({ onTime: 1, acceptance: 1, certificates: 1, invoices: 1, scar: 1 }, {}, as.admin))).code).toBe('forbidden');
    expect((await refusal(change({ onTime: 1, acceptance: 1, certificates: 1, invoices: 1, scar: 1 }, { password: 'wrong-password' }))).code).toBe('invalid_credentials');
    expect((await t.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM scorecard_weights'))!.n).toBe(0);
  });

  it('QA sets weights, signed: the score and the ranking follow, the history and the audit trail keep both [REQ-SCORE-03]', async () => {
    t.clock.set('2026-04-15T12:00:00.000Z');
    await change({ onTime: 10, acceptance: 30, certificates: 0, invoices: 20, scar: 40 }, { reason: 'first weights' });
    t.clock.set('2026-04-15T12:05:00.000Z');
    const inForce = await change({ onTime: '0', acceptance: '0', certificates: '0', invoices: '0', scar: '100' });
    expect(inForce).toMatchObject({ weights: { onTime: 0, acceptance: 0, certificates: 0, invoices: 0, scar: 100 }, setBy: demo('manufacturer_qa').displayName, reason: 'SCARs matter most this year' });

    const card = await getScorecard(t.ctx, as.alpha, ids.alpha.id, { period: '2026-Q1' });
    expect(card.current.score).toBeCloseTo(100 / 3, 6);
    const ranking = await listScorecards(t.ctx, as.qa, { period: '2026-Q1' });
    // Beta counted only on-time delivery, which now weighs nothing: unranked.
    expect(ranking.suppliers.map((s) => [s.rank, s.supplier.name])).toEqual([
      [1, 'Alpha Moulding Ltd.'],
      [null, 'Beta Plastics GmbH'],
      [null, 'Suzhou Precision Components Co., Ltd.'],
    ]);
    expect(ranking.history.map((h) => h.reason)).toEqual(['SCARs matter most this year', 'first weights']);

    const audit = await t.db.all<{ old_values: string; new_values: string; reason: string }>("SELECT old_values, new_values, reason FROM audit_log WHERE action = 'scorecard.weights_changed' ORDER BY seq");
    expect(audit.map((a) => JSON.parse(a.old_values).weights)).toEqual([
      { onTime: 20, acceptance: 20, certificates: 20, invoices: 20, scar: 20 },
      { onTime: 10, acceptance: 30, certificates: 0, invoices: 20, scar: 40 },
    ]);
    expect(JSON.parse(audit[1]!.new_values).weights).toEqual({ onTime: 0, acceptance: 0, certificates: 0, invoices: 0, scar: 100 });
    const signed = await t.db.get<{ meaning: string; same: number }>(
      "SELECT s.meaning, s.record_hash = w.record_hash AS same FROM scorecard_weights w JOIN signatures s ON s.id = w.signature_id ORDER BY w.set_at DESC LIMIT 1",
    );
    expect(signed).toEqual({ meaning: 'approval', same: 1 });
    await expect(t.db.run('UPDATE scorecard_weights SET scar = 1')).rejects.toThrow(/never edited/);
    expect((await verifyAuditChain(t.db)).ok).toBe(true);
  });

  it('signed weights are in the record hash re-verification (lotbridge audit verify, validate PQ): intact ones pass; a weight changed through the database file is found [REQ-P11-REC-01]', async () => {
    const findings = () => recordFindings(t.db, 'scorecard_weights');
    const intact = await findings();
    expect(intact.checked).toBe(2);
    expect(intact.found).toEqual([]);

    // Someone holding the database file moves the weight off SCARs (and puts the trigger back).
    const w = (await t.db.get<{ id: string; scar: number; on_time: number }>('SELECT id, scar, on_time FROM scorecard_weights ORDER BY set_at DESC LIMIT 1'))!;
    const bypass = async (scar: number, onTime: number) => {
      await t.db.run('DROP TRIGGER scorecard_weights_no_update');
      await t.db.run('UPDATE scorecard_weights SET scar = ?, on_time = ? WHERE id = ?', [scar, onTime, w.id]);
      await t.db.run("CREATE TRIGGER scorecard_weights_no_update BEFORE UPDATE ON scorecard_weights BEGIN SELECT RAISE(ABORT, 'scorecard weights are never edited: set new ones'); END");
    };
    await bypass(0, 100);
    expect((await findings()).found).toEqual([{ type: 'scorecard_weights', id: w.id, problem: 'altered' }]);
    await bypass(w.scar, w.on_time);
    expect((await findings()).found).toEqual([]);
  });
});

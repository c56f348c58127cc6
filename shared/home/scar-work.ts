// The SCAR entries of the home work lists: for QA the answers waiting for its decision and the
// SCARs to verify and close; for a supplier its steps to answer, returned and overdue. Each a
// count and the first few (most urgent first), scoped like every SCAR read (scarScope).
import type { UseCaseContext } from '../context.ts';
import { actorTimeZone, type Actor } from '../auth/actor.ts';
import { todayIn } from '../time-zone.ts';
import { scarScope } from '../scars/scar-record.ts';
import { firstFew, listHref, type WorkDate, type WorkEntry, type WorkKind } from './work-list.ts';

/** Steps of open SCARs matching `condition` (on `st`, the step, and `s`, the SCAR): how many, and the first few by `order`. */
async function steps(ctx: UseCaseContext, actor: Actor, kind: WorkKind, condition: string, args: string[], href: string, when: WorkDate, today: string): Promise<WorkEntry> {
  const scope = scarScope(actor);
  const where = `s.state = 'open' AND ${scope.sql} AND ${condition}`;
  const from = 'FROM scar_steps st JOIN scars s ON s.id = st.scar_id JOIN organisations o ON o.id = s.supplier_id';
  const count = await ctx.db.get<{ n: number }>(`SELECT COUNT(*) AS n ${from} WHERE ${where}`, [...scope.args, ...args]);
  const rows = await ctx.db.all<{ id: string; number: string; supplier: string; step: string; due_date: string; submitted_at: string | null }>(
    `SELECT s.id, s.number, o.name AS supplier, st.step, st.due_date, st.submitted_at ${from} WHERE ${where}
      ORDER BY ${when === 'submitted' ? 'st.submitted_at' : 'st.due_date'}, s.number, st.step LIMIT ${firstFew}`,
    [...scope.args, ...args],
  );
  const staff = actor.organisationKind === 'manufacturer';
  return {
    kind,
    count: count?.n ?? 0,
    href,
    items: rows.map((r) => ({
      id: `${r.id}/${r.step}`,
      label: `${r.number} ${r.step}${staff ? ` · ${r.supplier}` : ''}`,
      date: when === 'submitted' ? r.submitted_at : r.due_date,
      when,
      overdue: when !== 'submitted' && r.due_date < today,
      href: `/scars/${r.id}#step-${r.step}`,
    })),
  };
}

/** QA: answers submitted and not yet decided, the longest waiting first; SCARs whose effectiveness may be verified, or verified effective and not closed. */
export async function qaScarWork(ctx: UseCaseContext, actor: Actor): Promise<WorkEntry[]> {
  const today = todayIn(actorTimeZone(actor), ctx.clock.now());
  const toDecide = await steps(ctx, actor, 'scarStepsToDecide', 'st.answer IS NOT NULL AND st.decision IS NULL', [], listHref('/scars', { state: 'open' }), 'submitted', today);
  const ready = `s.state = 'verification' AND ((s.verified_at IS NULL AND s.verify_after <= ?) OR s.verification_result = 'effective')`;
  const count = await ctx.db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM scars s WHERE ${ready}`, [today]);
  const rows = await ctx.db.all<{ id: string; number: string; supplier: string; verify_after: string }>(
    `SELECT s.id, s.number, o.name AS supplier, s.verify_after FROM scars s JOIN organisations o ON o.id = s.supplier_id WHERE ${ready} ORDER BY s.verify_after, s.number LIMIT ${firstFew}`,
    [today],
  );
  const toVerify: WorkEntry = {
    kind: 'scarsToVerify',
    count: count?.n ?? 0,
    href: listHref('/scars', { state: 'verification' }),
    items: rows.map((r) => ({ id: r.id, label: `${r.number} · ${r.supplier}`, date: r.verify_after, when: 'verifyFrom', overdue: false, href: `/scars/${r.id}` })),
  };
  return [toDecide, toVerify];
}

/** A supplier: its steps never answered, returned to it, and past their due date (each step in one entry only). */
export async function supplierScarWork(ctx: UseCaseContext, actor: Actor): Promise<WorkEntry[]> {
  const today = todayIn(actorTimeZone(actor), ctx.clock.now());
  const open = listHref('/scars', { state: 'open' });
  return [
    await steps(ctx, actor, 'scarStepsOverdue', `(st.answer IS NULL OR st.decision = 'returned') AND st.due_date < ?`, [today], listHref('/scars', { overdue: '1' }), 'due', today),
    await steps(ctx, actor, 'scarStepsReturned', `st.decision = 'returned' AND st.due_date >= ?`, [today], open, 'due', today),
    await steps(ctx, actor, 'scarStepsToAnswer', 'st.answer IS NULL AND st.due_date >= ?', [today], open, 'due', today),
  ];
}

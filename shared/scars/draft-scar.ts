import type { UseCaseContext } from '../context.ts';
import { actorTimeZone, type Actor } from '../auth/actor.ts';
import { AppError } from '../errors.ts';
import { addDays } from '../certificates/expiry.ts';
import { todayIn } from '../time-zone.ts';
import { listSupplierNames } from '../organisations/list-supplier-names.ts';
import { lotSelect, toLot, type LotRow } from '../lots/lot.ts';
import { scarSteps, type ScarLinkKind, type ScarSeverity, type ScarStep } from './scar.ts';
import { decideScars } from './scar-record.ts';

/** What the new-SCAR form starts from. */
export interface ScarDraft {
  supplierId: string | null;
  supplierName: string | null;
  /** From a lot: its item, lot and GTIN (QA words the title as it likes). */
  title: string;
  /** From a rejected lot: QA's rejection reason, in QA's own words. */
  problem: string;
  severity: ScarSeverity;
  links: { kind: ScarLinkKind; refId: string; label: string }[];
  /** The rejected lot's inspection, shown beside the form. */
  inspection: { outcome: string; sampleSize: number; defectsFound: number; reason: string | null; decidedAt: string } | null;
  /** Suggested due dates from today (QA's zone). */
  dueDates: Record<ScarStep, string>;
  /** Suggested: 90 days after D8's due date. */
  verifyAfter: string;
  suppliers: { id: string; name: string }[];
}

/** Days from today each step is suggested to be due: the usual 8D rhythm (containment fast, actions later). */
export const suggestedDueDays: Record<ScarStep, number> = { D1: 2, D2: 3, D3: 5, D4: 14, D5: 21, D6: 30, D7: 45, D8: 60 };
export const suggestedVerifyDays = 90;

/**
 * QA's new-SCAR form, prefilled: from a lot (`lotId`, e.g. a rejected lot: its supplier, the
 * rejection reason as the problem, the lot linked), else empty, with suggested due dates.
 * An unknown lot is not_found.
 */
export async function draftScar(ctx: UseCaseContext, actor: Actor, input: { lotId?: string } = {}): Promise<ScarDraft> {
  decideScars.require(actor);
  const today = todayIn(actorTimeZone(actor), ctx.clock.now());
  const dueDates = Object.fromEntries(scarSteps.map((s) => [s, addDays(today, suggestedDueDays[s])])) as Record<ScarStep, string>;
  const draft: ScarDraft = {
    supplierId: null,
    supplierName: null,
    title: '',
    problem: '',
    severity: 'major',
    links: [],
    inspection: null,
    dueDates,
    verifyAfter: addDays(dueDates.D8, suggestedVerifyDays),
    suppliers: await listSupplierNames(ctx.db),
  };
  if (!input.lotId) return draft;
  const row = await ctx.db.get<LotRow>(`${lotSelect} WHERE l.id = ?`, [input.lotId]);
  if (!row) throw new AppError('not_found', 'no such lot');
  const lot = toLot(row);
  const inspection = await ctx.db.get<{ outcome: string; sample_size: number; defects_found: number; reason: string | null; decided_at: string }>(
    'SELECT outcome, sample_size, defects_found, reason, decided_at FROM lot_inspections WHERE lot_id = ?',
    [lot.id],
  );
  const label = `${lot.lot} (${lot.gtin})`;
  return {
    ...draft,
    supplierId: lot.supplier.organisationId,
    supplierName: lot.supplier.name,
    title: [lot.itemDescription, label].filter(Boolean).join(' – '),
    problem: inspection?.reason ?? '',
    links: [{ kind: 'lot', refId: lot.id, label }],
    inspection: inspection
      ? { outcome: inspection.outcome, sampleSize: inspection.sample_size, defectsFound: inspection.defects_found, reason: inspection.reason, decidedAt: inspection.decided_at }
      : null,
  };
}

import type { UseCaseContext } from '../context.ts';
import type { Actor } from '../auth/actor.ts';
import type { ScarLinkKind, ScarSeverity, ScarStep } from './scar.ts';

/** What the new-SCAR form starts from. */
export interface ScarDraft {
  supplierId: string | null;
  supplierName: string | null;
  title: string;
  problem: string;
  severity: ScarSeverity;
  links: { kind: ScarLinkKind; refId: string; label: string }[];
  /** Suggested due dates from today (QA's zone): D1 +2 days, D2 +3, D3 +5, D4 +14, D5 +21, D6 +30, D7 +45, D8 +60. */
  dueDates: Record<ScarStep, string>;
  /** Suggested: 90 days after D8's due date. */
  verifyAfter: string;
  suppliers: { id: string; name: string }[];
}

/**
 * QA's new-SCAR form, prefilled: from a lot (`lotId`, e.g. a rejected lot: its supplier, the
 * rejection reason and figures as the problem, the lot linked), else empty with suggested due
 * dates. A lot QA may not see is not_found.
 */
export async function draftScar(ctx: UseCaseContext, actor: Actor, input: { lotId?: string } = {}): Promise<ScarDraft> {
  void ctx;
  void actor;
  void input;
  throw new Error('draftScar: not yet implemented');
}

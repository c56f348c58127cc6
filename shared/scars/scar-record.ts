// What the SCAR use cases share: who may do what, the scope of a caller's reads, the rows as
// read and the views they become (scar.ts), and the record hash a signature binds to.
import type { Tx } from '../db/index.ts';
import type { Actor } from '../auth/actor.ts';
import { permission } from '../auth/permission.ts';
import { recordHash } from '../signatures/record-hash.ts';
import { scarSteps, type ScarAnswer, type ScarDetail, type ScarLink, type ScarLinkKind, type ScarSeverity, type ScarState, type ScarStep, type ScarStepDecision, type ScarStepStatus, type ScarStepView, type ScarSummary } from './scar.ts';

/** Manufacturer QA opens, decides, verifies, closes and cancels SCARs (each signed). */
export const decideScars = permission('manufacturer_qa');
/** A supplier's users answer their organisation's SCARs and upload evidence. */
export const answerScars = permission('supplier_user');
/** QA and the administrator read every SCAR; a supplier's users their organisation's own. */
export const readScars = permission('manufacturer_qa', 'manufacturer_admin', 'supplier_user');

/** What a SCAR page offers the actor (the use cases refuse with the same permissions). */
export interface ScarPermissions {
  /** Open a new SCAR (QA). */
  open: boolean;
  /** Answer steps and upload evidence (the SCAR's supplier, while open). */
  answer: boolean;
  /** Accept or return submitted steps (QA, while open). */
  decide: boolean;
  /** Verify effectiveness (QA, in verification, on/after verify_after). */
  verify: boolean;
  /** Close (QA, in verification, verified effective). */
  close: boolean;
  /** Cancel (QA, while open or in verification). */
  cancel: boolean;
}

export const severities: readonly ScarSeverity[] = ['minor', 'major', 'critical'];
export const linkKinds: readonly ScarLinkKind[] = ['lot', 'certificate', 'recall'];

export function isScarStep(s: unknown): s is ScarStep {
  return typeof s === 'string' && (scarSteps as readonly string[]).includes(s);
}

/** Reads of SCARs: manufacturer staff see all, a supplier only its own (anyone else's is not_found). */
export function scarScope(actor: Actor): { sql: string; args: string[] } {
  return actor.organisationKind === 'manufacturer' ? { sql: '1 = 1', args: [] } : { sql: 's.supplier_id = ?', args: [actor.organisationId] };
}

export interface ScarRow {
  id: string;
  number: string;
  supplier_id: string;
  supplier_name: string;
  title: string;
  problem: string;
  severity: ScarSeverity;
  state: ScarState;
  opened_by: string;
  opened_at: string;
  verify_after: string | null;
  verified_at: string | null;
  verification_result: 'effective' | 'not_effective' | null;
  verification_note: string | null;
  closed_at: string | null;
  updated_at: string;
  next_due: string | null;
}

/** The SCAR with its supplier's name and the earliest due date of a step not yet accepted. */
export const scarSelect = `SELECT s.id, s.number, s.supplier_id, o.name AS supplier_name, s.title, s.problem, s.severity, s.state, s.opened_by, s.opened_at,
  s.verify_after, s.verified_at, s.verification_result, s.verification_note, s.closed_at, s.updated_at,
  (SELECT MIN(st.due_date) FROM scar_steps st WHERE st.scar_id = s.id AND (st.decision IS NULL OR st.decision = 'returned')) AS next_due
  FROM scars s JOIN organisations o ON o.id = s.supplier_id`;

export interface StepRow {
  step: ScarStep;
  due_date: string;
  answer: string | null;
  submitted_at: string | null;
  decision: ScarStepDecision | null;
  decision_comment: string | null;
  decided_at: string | null;
}

/** Where a step stands: awaiting the supplier's answer, submitted (with QA), accepted or returned. */
export function stepStatus(r: Pick<StepRow, 'answer' | 'decision'>): ScarStepStatus {
  if (r.decision) return r.decision;
  return r.answer === null ? 'awaiting_answer' : 'submitted';
}

/** Waits for the supplier: never answered, or returned and not answered again. */
export function awaitsSupplier(r: Pick<StepRow, 'answer' | 'decision'>): boolean {
  const s = stepStatus(r);
  return s === 'awaiting_answer' || s === 'returned';
}

/** Only an open SCAR's steps run late; `today` is the viewer's (YYYY-MM-DD). */
export function toSummary(r: ScarRow, today: string): ScarSummary {
  return {
    id: r.id,
    number: r.number,
    supplierId: r.supplier_id,
    supplierName: r.supplier_name,
    title: r.title,
    severity: r.severity,
    state: r.state,
    openedAt: r.opened_at,
    closedAt: r.closed_at,
    nextDue: r.state === 'open' ? r.next_due : null,
    overdue: r.state === 'open' && r.next_due !== null && r.next_due < today,
  };
}

/** The whole SCAR: links with what a person reads, the eight steps with their answers and evidence. */
export async function loadScarDetail(db: Tx, row: ScarRow, today: string): Promise<ScarDetail> {
  const [links, steps, evidence] = await Promise.all([
    db.all<{ kind: ScarLinkKind; ref_id: string; label: string | null }>(
      `SELECT l.kind, l.ref_id,
         CASE l.kind
           WHEN 'lot' THEN (SELECT lo.lot || ' (' || lo.gtin || ')' FROM lots lo WHERE lo.id = l.ref_id)
           WHEN 'certificate' THEN (SELECT c.number FROM certificates c WHERE c.id = l.ref_id)
           WHEN 'recall' THEN (SELECT r.recall_number FROM recalls r WHERE r.id = l.ref_id)
         END AS label
       FROM scar_links l WHERE l.scar_id = ? ORDER BY l.kind, label`,
      [row.id],
    ),
    db.all<StepRow>('SELECT step, due_date, answer, submitted_at, decision, decision_comment, decided_at FROM scar_steps WHERE scar_id = ? ORDER BY step', [row.id]),
    db.all<{ id: string; step: ScarStep; file_name: string; uploaded_at: string }>(
      'SELECT e.id, e.step, f.original_name AS file_name, e.uploaded_at FROM scar_evidence e JOIN stored_files f ON f.id = e.file_id WHERE e.scar_id = ? ORDER BY e.uploaded_at, e.id',
      [row.id],
    ),
  ]);
  const summary = toSummary(row, today);
  return {
    ...summary,
    problem: row.problem,
    links: links.map((l): ScarLink => ({ kind: l.kind, refId: l.ref_id, label: l.label ?? l.ref_id })),
    steps: steps.map(
      (s): ScarStepView => ({
        step: s.step,
        dueDate: s.due_date,
        status: stepStatus(s),
        overdue: row.state === 'open' && awaitsSupplier(s) && s.due_date < today,
        answer: s.answer === null ? null : (JSON.parse(s.answer) as ScarAnswer),
        submittedAt: s.submitted_at,
        decision: s.decision,
        decisionComment: s.decision_comment,
        decidedAt: s.decided_at,
        evidence: evidence.filter((e) => e.step === s.step).map((e) => ({ id: e.id, fileName: e.file_name, uploadedAt: e.uploaded_at })),
      }),
    ),
    verifyAfter: row.verify_after,
    verification:
      row.verification_result && row.verified_at ? { result: row.verification_result, note: row.verification_note ?? '', verifiedAt: row.verified_at } : null,
  };
}

/** Reads one SCAR in the actor's scope; undefined when it does not exist for them. */
export async function findScar(db: Tx, actor: Actor, id: string): Promise<ScarRow | undefined> {
  const scope = scarScope(actor);
  return db.get<ScarRow>(`${scarSelect} WHERE s.id = ? AND ${scope.sql}`, [id, ...scope.args]);
}

/** What a QA signature on a SCAR binds to: the SCAR, the action and what is decided. */
export function scarDecisionHash(scar: Pick<ScarRow, 'id'>, action: string, decided: Record<string, unknown>): string {
  return recordHash({ kind: 'lotbridge/scar-decision/v1', scar: scar.id, action, ...decided });
}

/**
 * What QA's signature on a step decision binds to: the step, the round, the answer as submitted
 * and when, the comment and, for a return that gives one, the new due date (absent otherwise, so
 * decisions signed before it existed keep their hash). Re-verified by verify-record-hashes.ts.
 */
export function stepDecisionHash(
  scar: Pick<ScarRow, 'id'>,
  decision: string | null,
  d: { step: string; round: number; answer: unknown; submittedAt: string | null; comment: string | null; newDueDate: string | null },
): string {
  const { newDueDate, ...decided } = d;
  return scarDecisionHash(scar, `step_${decision}`, { ...decided, ...(newDueDate ? { dueDate: newDueDate } : {}) });
}

/** The signature manifestation events carry (21 CFR 11.50). */
export function manifestation(s: { signerName: string; meaning: string; signedAt: string; method: string }) {
  return { signerName: s.signerName, meaning: s.meaning, signedAt: s.signedAt, method: s.method };
}

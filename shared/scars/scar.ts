// The SCAR (supplier corrective action request) record and the supplier's 8D answers, as the
// SCAR use cases, the portal, the REST API and the scorecards share them. Tables: migration 0051.
export const scarSteps = ['D1', 'D2', 'D3', 'D4', 'D5', 'D6', 'D7', 'D8'] as const;
export type ScarStep = (typeof scarSteps)[number];
export type ScarState = 'open' | 'verification' | 'closed' | 'cancelled';
export type ScarSeverity = 'minor' | 'major' | 'critical';
export type ScarLinkKind = 'lot' | 'certificate' | 'recall';
export type ScarStepDecision = 'accepted' | 'returned';
/** Where a step stands for the people who work it. */
export type ScarStepStatus = 'awaiting_answer' | 'submitted' | 'accepted' | 'returned';

/** Root-cause methods QA accepts in D4. */
export const rootCauseMethods = ['five_whys', 'fishbone', 'fault_tree', 'is_is_not', 'other'] as const;
export type RootCauseMethod = (typeof rootCauseMethods)[number];

/** An action with an owner and a date (D3 containment, D5/D6 corrective, D7 preventive). */
export interface ScarAction {
  action: string;
  owner: string;
  dueDate: string; // YYYY-MM-DD
  doneDate?: string; // YYYY-MM-DD, when implemented
}

/** The supplier's answer to each 8D step: structured, validated by the use case, kept as JSON. */
export interface ScarAnswers {
  D1: { team: { name: string; role: string; email?: string }[] };
  D2: { description: string; isNot?: string }; // the supplier's own statement of the problem
  D3: {
    containment: { location: string; quantityChecked: number; quantitySuspect: number; action: string }[];
    effectiveFrom: string; // YYYY-MM-DD
  };
  D4: { method: RootCauseMethod; occurrenceCause: string; escapeCause: string; analysis: string };
  D5: { actions: ScarAction[] };
  D6: { actions: ScarAction[]; validation: string };
  D7: { actions: ScarAction[]; documentsUpdated?: string };
  D8: { summary: string; recognition?: string };
}
export type ScarAnswer<S extends ScarStep = ScarStep> = ScarAnswers[S];

export interface ScarLink {
  kind: ScarLinkKind;
  refId: string;
  /** What a person reads: a lot number, a certificate title, a recall number. */
  label: string;
}

export interface ScarStepView {
  step: ScarStep;
  dueDate: string;
  status: ScarStepStatus;
  overdue: boolean;
  answer: ScarAnswer | null;
  submittedAt: string | null;
  decision: ScarStepDecision | null;
  decisionComment: string | null;
  decidedAt: string | null;
  evidence: { id: string; fileName: string; uploadedAt: string }[];
}

export interface ScarSummary {
  id: string;
  number: string;
  supplierId: string;
  supplierName: string;
  title: string;
  severity: ScarSeverity;
  state: ScarState;
  openedAt: string;
  closedAt: string | null;
  /** The earliest due date of a step not yet accepted (null when all are accepted). */
  nextDue: string | null;
  overdue: boolean;
}

export interface ScarDetail extends ScarSummary {
  problem: string;
  links: ScarLink[];
  steps: ScarStepView[];
  verifyAfter: string | null;
  verification: { result: 'effective' | 'not_effective'; note: string; verifiedAt: string } | null;
}

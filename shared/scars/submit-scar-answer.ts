import type { UseCaseContext } from '../context.ts';
import type { Actor } from '../auth/actor.ts';
import type { ScarStepView } from './scar.ts';

export interface SubmitScarAnswerInput {
  scarId: string;
  step: string;
  /** The step's structured answer (ScarAnswers[step]); validated, problems under `answer.<path>`. */
  answer: unknown;
  portalUrl?: string;
}

/**
 * The SCAR's supplier answers one 8D step (first time, or again after QA returned it). Only
 * while the SCAR is open and the step is not submitted-and-undecided or accepted. Every answer
 * is kept as a round (scar_step_rounds); the step carries the latest. Audited, scar.step_submitted,
 * QA's mail. Another supplier's SCAR is not_found.
 */
export async function submitScarAnswer(ctx: UseCaseContext, actor: Actor, input: SubmitScarAnswerInput): Promise<{ step: ScarStepView; round: number }> {
  void ctx;
  void actor;
  void input;
  throw new Error('submitScarAnswer: not yet implemented');
}

import type { Problems } from '../errors.ts';
import type { ScarAnswer, ScarStep } from './scar.ts';

/**
 * The problems of a supplier's answer to one 8D step, as data under `answer.<path>` (e.g.
 * `answer.team.0.name`, `answer.containment.1.quantitySuspect`, `answer.method`); empty when
 * the answer is complete. The portal shows them next to its fields before submitting.
 */
export function scarAnswerProblems(step: ScarStep, answer: unknown): Problems {
  void step;
  void answer;
  return {};
}

/** The answer as it is kept (trimmed, unknown fields dropped); refuses with `scarAnswerProblems`. */
export function checkScarAnswer<S extends ScarStep>(step: S, answer: unknown): ScarAnswer<S> {
  void step;
  return answer as ScarAnswer<S>;
}

import { field } from '$lib/server/form-fields.ts';
import { measureIds } from '$shared/scorecards/measures.ts';
import type { WeightsChange } from '$shared/scorecards/set-weights.ts';

/** The weights form as entered: for `setWeights` and for the first half of signing it with a passkey. */
export function readWeights(form: FormData): { values: Record<string, string>; change: Omit<WeightsChange, 'credential' | 'newWeightsId'> } {
  const values: Record<string, string> = { reason: field(form, 'reason') };
  for (const m of measureIds) values[`weights.${m}`] = field(form, `weights.${m}`);
  return { values, change: { weights: Object.fromEntries(measureIds.map((m) => [m, values[`weights.${m}`]])), reason: values.reason! } };
}

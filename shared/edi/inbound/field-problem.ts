// A use case's field problem (`lots.unknownPurchaseOrder` under `lines/1/po_number`) as an
// EDIFACT problem: against the segment (and element) the field was read from, under the same
// code, worded in English for the APERAK ("lines/1/po_number: Not one of your purchase orders: …").
import type { Problem } from '../../errors.ts';
import { translateProblem } from '../../i18n/index.ts';
import type { EdifactProblem } from '../../edifact/problems.ts';

export interface ReadFrom {
  segment: number;
  tag: string;
  element?: number;
  component?: number;
}

export function fieldProblem(field: string, p: Problem, at: ReadFrom | undefined, messageReference: string): EdifactProblem {
  return {
    code: p.code,
    message: `${field}: ${translateProblem('en', p)}`,
    params: p.params ?? {},
    segment: at?.segment ?? null,
    tag: at?.tag ?? null,
    ...(at?.element ? { element: at.element, component: at.component } : {}),
    messageReference,
    field,
  };
}

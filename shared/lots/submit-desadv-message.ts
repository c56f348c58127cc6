// One DESADV message → its lines as the caller's lots through submitLots (the use case the
// form, CSV and barcode use), all or nothing: one bad line and none of the message's lots are
// stored. The one per-message path of both ways a DESADV comes in: an upload
// (submit-desadv-file.ts) and an AS2 interchange (receive-desadv.ts). A
// refusal names the segment (and element) each refused field was read from.
import type { UseCaseContext } from '../context.ts';
import type { Actor } from '../auth/actor.ts';
import { isAppError, problem, type Problems } from '../errors.ts';
import { submitLots, rowProblemsOf, type LotInput } from './submit-lots.ts';
import type { Lot, RowProblem } from './lot.ts';
import type { EdifactProblem } from '../edifact/problems.ts';
import type { EdifactMessage } from '../edifact/envelope.ts';
import { fieldProblem } from '../edi/inbound/field-problem.ts';
import { mapDesadv, type DesadvMapResult, type DespatchAdvice, type FieldSource } from './map-desadv.ts';

export interface DesadvMessageSubmission {
  status: 'accepted' | 'rejected';
  /** Null when the message could not be mapped. */
  advice: DespatchAdvice | null;
  lots: Lot[];
  warnings: RowProblem[];
  problems: EdifactProblem[];
}

/** Maps one DESADV and submits its lines as the caller's lots, all or nothing. */
export async function submitDesadvMessage(ctx: UseCaseContext, actor: Actor, m: EdifactMessage): Promise<DesadvMessageSubmission> {
  const mapped = mapDesadv(m);
  if (!mapped.ok) {
    const more = mapped.partial ? await otherLineProblems(ctx, actor, mapped.partial, m.reference) : [];
    return { status: 'rejected', advice: null, lots: [], warnings: [], problems: [...mapped.problems, ...more] };
  }
  const { advice, sources } = mapped.value;
  try {
    // The interchange register (edi_messages.records) says which EDIFACT message each lot came from.
    const result = await submitLots(ctx, actor, { source: 'edifact', lots: lotInputs(advice) });
    return { status: 'accepted', advice, lots: result.stored, warnings: result.warnings, problems: [] };
  } catch (e) {
    if (!isAppError(e) || (e.code !== 'invalid_input' && e.code !== 'conflict') || !e.problems) throw e;
    return { status: 'rejected', advice, lots: [], warnings: [], problems: rowProblems(e.problems, sources, m.reference) };
  }
}

type PartialDesadv = NonNullable<Extract<DesadvMapResult, { ok: false }>['partial']>;

/**
 * The lot use case's problems of the lines the mapping found nothing wrong with (an unknown
 * order, a lot submitted before), so one answer names every problem of the message. Nothing is
 * stored: the faulty lines go in as rows already refused, so the use case refuses the whole.
 */
async function otherLineProblems(ctx: UseCaseContext, actor: Actor, partial: PartialDesadv, messageReference: string): Promise<EdifactProblem[]> {
  const faulty = new Set(partial.faultyLines);
  const lots = lotInputs(partial.advice).filter((_, i) => !faulty.has(i));
  if (lots.length === 0) return [];
  const rejected: RowProblem[] = partial.faultyLines.map((i) => ({ row: i + 1, column: null, ...problem('lots.lineRefused') }));
  try {
    await submitLots(ctx, actor, { source: 'edifact', lots, rejected });
  } catch (e) {
    if (!isAppError(e) || (e.code !== 'invalid_input' && e.code !== 'conflict') || !e.problems) throw e;
    return rowProblems(e.problems, partial.sources, messageReference).filter((p) => !faulty.has(Number(p.field!.split('/')[1])));
  }
  throw new Error('submitLots stored lots although rows were refused');
}

function lotInputs(advice: DespatchAdvice): LotInput[] {
  return advice.lines.map((l, i) => ({
    row: i + 1,
    gtin: l.gtin,
    lot: l.lot,
    serials: l.serials,
    manufactureDate: l.productionDate ?? undefined,
    expiryDate: l.expiryDate ?? undefined,
    quantity: l.quantity,
    poNumber: l.purchaseOrder ?? undefined,
    poLine: l.poLine ?? undefined,
  }));
}

/** The lot use case's row refusals, each against the segment its field was read from. */
function rowProblems(problems: Problems, sources: Record<string, FieldSource>, messageReference: string): EdifactProblem[] {
  return rowProblemsOf(problems).map(({ row, column, ...p }) => {
    const line = row - 1;
    const at = (column && sources[`lines/${line}/${column}`]) || sources[`lines/${line}`];
    return fieldProblem(`lines/${line}${column ? `/${column}` : ''}`, p, at, messageReference);
  });
}

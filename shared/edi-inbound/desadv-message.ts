// One DESADV of an inbound interchange → lots through submitLots (the form's, CSV's and
// barcode's use case), all or nothing per message, as shared/edifact/submit-desadv-file.ts does
// for uploads; a refusal names the segment (and element) each refused field was read from.
import type { UseCaseContext } from '../context.ts';
import type { Actor } from '../auth/actor.ts';
import { isAppError } from '../errors.ts';
import { submitLots, rowProblemsOf, type LotInput } from '../lots/submit-lots.ts';
import { lotProblems } from '../lots/lot.ts';
import { fill, type EdifactProblem } from '../edifact/tokenize.ts';
import type { EdifactMessage } from '../edifact/envelope.ts';
import { mapDesadv, type FieldSource } from '../edifact/map-desadv.ts';
import { desadvFileProblemTexts } from '../edifact/submit-desadv-file.ts';
import { refusedWith, type MessageResult } from './message-result.ts';

export async function receiveDesadv(ctx: UseCaseContext, actor: Actor, m: EdifactMessage): Promise<MessageResult> {
  const mapped = mapDesadv(m);
  if (!mapped.ok) return refusedWith(mapped.problems);
  const { advice, sources } = mapped.value;
  const refers = { documentNumber: advice.number, purchaseOrder: advice.purchaseOrder ?? undefined };
  const lots: LotInput[] = advice.lines.map((l, i) => ({
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
  try {
    // lots.source knows form, csv and barcode (see README "From AS2 to records"); the register's
    // edi_messages.records says which EDIFACT message each lot came from.
    const result = await submitLots(ctx, actor, { source: 'csv', lots });
    return { status: 'accepted', records: result.stored.map((l) => ({ type: 'lot', id: l.id })), problems: [], ...refers };
  } catch (e) {
    if (!isAppError(e) || (e.code !== 'invalid_input' && e.code !== 'conflict') || !e.fields) throw e;
    return refusedWith(rowProblems(e.fields, sources, m.reference), refers);
  }
}

/** The lot use case's row refusals, each against the segment its field was read from. */
function rowProblems(fields: Record<string, string>, sources: Record<string, FieldSource>, messageReference: string): EdifactProblem[] {
  return rowProblemsOf(fields).map((p) => {
    const line = p.row - 1;
    const at = (p.column && sources[`lines/${line}/${p.column}`]) || sources[`lines/${line}`];
    const field = `lines/${line}${p.column ? `/${p.column}` : ''}`;
    const code = Object.entries(lotProblems).find(([, text]) => p.message === text || p.message.startsWith(`${text}:`))?.[0] ?? 'field';
    return {
      code,
      message: fill(desadvFileProblemTexts.field, { field, problem: p.message }),
      params: { field, problem: p.message },
      segment: at?.segment ?? null,
      tag: at?.tag ?? null,
      ...(at?.element ? { element: at.element, component: at.component } : {}),
      messageReference,
      field,
    };
  });
}

import type { Tx } from '../db/index.ts';
import type { Clock } from '../clock.ts';
import { erpActor } from './erp-actor.ts';
import { recordRecall, type RecallContent } from '../recalls/record-recall.ts';

export type RecallIssuedData = RecallContent;

/** A recall from the ERP, stored as issued with its consignees (see record-recall.ts). */
export async function applyRecallIssued(tx: Tx, clock: Clock, data: RecallIssuedData, requestId?: string): Promise<Record<string, unknown>> {
  const recorded = await recordRecall(tx, clock, { content: data, source: 'erp', actor: erpActor, organisationId: null, requestId, fieldPrefix: 'data/' });
  return { recall: recorded.id, consignees: recorded.consignees, lines: recorded.lines };
}

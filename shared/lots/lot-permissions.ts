// Who may submit lots, once for the lots page (listLots' `permissions`) and the use cases that
// refuse (submitLots, submitDesadvFile).
import type { Actor } from '../auth/actor.ts';
import { permission } from '../auth/permission.ts';

/** A supplier's users submit their organisation's lots (form, barcode, CSV, EDIFACT DESADV file). */
export const submitLotRecords = permission('supplier_user');

/** Manufacturer QA inspects submitted lots and releases or rejects them, signed (inspect-lot.ts). */
export const inspectLots = permission('manufacturer_qa');

/** What the lots page offers the actor. */
export function lotListPermissions(actor: Pick<Actor, 'role'>): { submit: boolean } {
  return { submit: submitLotRecords.allows(actor) };
}

// Who may submit invoices, once for the invoices page (listInvoices' `permissions`) and the use
// cases that refuse (submitInvoice, submitInvoicFile, listInvoiceableOrders).
import type { Actor } from '../auth/actor.ts';
import { permission } from '../auth/permission.ts';

/** A supplier's users invoice their organisation's purchase orders (form or EDIFACT INVOIC file). */
export const submitInvoices = permission('supplier_user');

/** What the invoices page offers the actor. */
export function invoiceListPermissions(actor: Pick<Actor, 'role'>): { submit: boolean } {
  return { submit: submitInvoices.allows(actor) };
}

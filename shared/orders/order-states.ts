// Where a purchase order stands for its supplier, derived (never stored): a module without
// imports, so the pages' browser code may read it.

/**
 * - toConfirm: open, and the supplier has not answered its current version (never answered, or
 *   the ERP changed the order since the last answer);
 * - rejected: the supplier rejected its current version (the buyer's move);
 * - toInvoice: answered, and a line has more delivered (lots) than invoiced;
 * - confirmed: answered, nothing delivered left to invoice;
 * - closed: the ERP closed or cancelled it.
 */
/** A supplier's answer to an order, and to each of its lines. */
export const responseStatuses = ['accepted', 'changed', 'rejected'] as const;
export type ResponseStatus = (typeof responseStatuses)[number];

/** Where an answer came in: the portal's order page, EDI ORDRSP or the partner REST API. */
export type ResponseSource = 'portal' | 'edifact' | 'api';

export const orderStates = ['toConfirm', 'confirmed', 'toInvoice', 'rejected', 'closed'] as const;
export type OrderState = (typeof orderStates)[number];

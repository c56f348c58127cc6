// An invoice's states as the portal's filters list them: no imports, so a page may load it in
// the browser without the server modules of invoice.ts.
export const invoiceStates = ['submitted'] as const;
export type InvoiceState = (typeof invoiceStates)[number];
export const isInvoiceState = (v: unknown): v is InvoiceState => invoiceStates.includes(v as InvoiceState);

/** What the ERP's accounts payable reports (invoice.status_changed). */
export const erpInvoiceStatuses = ['received', 'matched', 'approved', 'disputed', 'paid'] as const;
export type ErpInvoiceStatus = (typeof erpInvoiceStatuses)[number];

import { closedPurchaseOrderStates } from '../invoices/invoice.ts';

/** The latest answer to the order's current version (a condition on `purchase_orders po`). */
const answer = `(SELECT d.status FROM edi_documents d
   WHERE d.kind = 'purchase_order_response' AND d.refers_to_type = 'purchase_order' AND d.refers_to_id = po.id AND d.refers_to_version = po.version
   ORDER BY d.received_at DESC, d.rowid DESC LIMIT 1)`;

/** A line of the order with more delivered (lots) than invoiced. */
const deliveredNotInvoiced = `EXISTS (SELECT 1 FROM purchase_order_lines pl WHERE pl.purchase_order_id = po.id
   AND (SELECT COALESCE(SUM(l.quantity), 0) FROM lots l WHERE l.purchase_order_id = po.id AND l.po_line_number = pl.line_number)
     > (SELECT COALESCE(SUM(CAST(il.quantity AS REAL)), 0) FROM invoice_lines il JOIN invoices i ON i.id = il.invoice_id
         WHERE i.purchase_order_id = po.id AND il.po_line_number = pl.line_number))`;

/** The order's state (see order-states.ts) as an SQL expression over `purchase_orders po`. */
export const orderStateSql = `CASE
  WHEN po.status IN (${closedPurchaseOrderStates.map((s) => `'${s}'`).join(', ')}) THEN 'closed'
  WHEN ${answer} IS NULL THEN 'toConfirm'
  WHEN ${answer} = 'rejected' THEN 'rejected'
  WHEN ${deliveredNotInvoiced} THEN 'toInvoice'
  ELSE 'confirmed' END`;

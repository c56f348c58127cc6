import type { UseCaseContext } from '../context.ts';
import type { WorkEntry } from '../home/work-list.ts';

/**
 * QA's home work list entry: purchase orders from the ERP that name an item their supplier is
 * not approved for, while that is still so (an entry approved since clears the alert).
 */
export async function unapprovedOrders(ctx: UseCaseContext, limit: number): Promise<WorkEntry> {
  const open = `FROM purchase_order_approval_alerts al JOIN supplier_approvals a ON a.id = al.approval_id JOIN purchase_orders po ON po.id = al.purchase_order_id
    JOIN organisations o ON o.id = al.supplier_id WHERE a.status != 'approved'`;
  const count = await ctx.db.get<{ n: number }>(`SELECT COUNT(*) AS n ${open}`);
  const rows = await ctx.db.all<{ id: string; po_id: string; po_number: string; gtin: string; name: string; raised_at: string }>(
    `SELECT al.id, po.id AS po_id, po.po_number, al.gtin, o.name, al.raised_at ${open} ORDER BY al.raised_at DESC LIMIT ?`,
    [limit],
  );
  return {
    kind: 'purchaseOrdersNotApproved',
    count: count?.n ?? 0,
    href: '/approved-suppliers#orders',
    items: rows.map((r) => ({ id: r.id, label: `${r.po_number} · ${r.gtin} · ${r.name}`, date: r.raised_at, when: 'ordered', overdue: false, href: `/orders/${r.po_id}` })),
  };
}

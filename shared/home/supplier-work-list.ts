import type { UseCaseContext } from '../context.ts';
import { requireRole, type Actor } from '../auth/actor.ts';
import { listInvoiceableOrders } from '../invoices/list-invoiceable-orders.ts';
import { listInvoices } from '../invoices/list-invoices.ts';
import { listCertificateExpiry } from '../certificates/list-certificate-expiry.ts';
import { listCertificates } from '../certificates/list-certificates.ts';
import { listLots } from '../lots/list-lots.ts';
import { listPurchaseOrders } from '../orders/list-purchase-orders.ts';
import { supplierScarWork } from './scar-work.ts';
import { firstFew, listHref, overdueFirst, type WorkList } from './work-list.ts';

/**
 * A supplier user's work: its purchase orders to confirm (never answered, or changed by the ERP
 * since its last answer), its open purchase orders with something left to invoice, its approved
 * certificates expiring within 90 days or expired, its rejected certificates not submitted again,
 * its flagged lots (over-delivered order line, or a rejected certificate: `flaggedLot`) and its
 * invoices the ERP disputes. Each through the list use case its link opens, so the count is the
 * list's total; only the caller's organisation's records. Its corrective action requests' (SCAR)
 * steps overdue, returned and to answer come first.
 */
export async function supplierWorkList(ctx: UseCaseContext, actor: Actor, options: { graceDays: number }): Promise<WorkList> {
  requireRole(actor, 'supplier_user');
  const toConfirm = await listPurchaseOrders(ctx, actor, { state: 'toConfirm', pageSize: firstFew });
  const orders = await listInvoiceableOrders(ctx, actor);
  const expiry = await listCertificateExpiry(ctx, actor, options);
  const rejected = await listCertificates(ctx, actor, { state: 'rejected', latest: true, sort: 'submitted', order: 'desc', pageSize: firstFew });
  const lots = await listLots(ctx, actor, { flagged: true, sort: 'submitted', order: 'desc', pageSize: firstFew });
  const disputed = await listInvoices(ctx, actor, { erpStatus: 'disputed', sort: 'due_date', order: 'asc', pageSize: firstFew });
  const expiring = expiry.suppliers.flatMap((s) => s.certificates);
  const oldestOrders = [...orders].sort((a, b) => a.orderDate.localeCompare(b.orderDate) || a.poNumber.localeCompare(b.poNumber));
  return {
    entries: [
      ...(await supplierScarWork(ctx, actor)),
      {
        kind: 'ordersToConfirm',
        count: toConfirm.total,
        href: listHref('/orders', { state: 'toConfirm' }),
        items: toConfirm.items.map((o) => ({ id: o.id, label: o.poNumber, date: o.orderDate, when: 'ordered', overdue: false, href: `/orders/${o.id}` })),
      },
      {
        kind: 'ordersToInvoice',
        count: orders.length,
        href: listHref('/invoices', {}, 'submit-invoice'),
        items: oldestOrders.slice(0, firstFew).map((o) => ({
          id: o.id,
          label: o.poNumber,
          date: o.orderDate,
          when: 'ordered',
          overdue: false,
          href: listHref('/invoices', { po: o.poNumber }, 'submit-invoice'),
        })),
      },
      {
        kind: 'certificatesExpiring',
        count: expiring.length,
        href: '/certificates/expiry',
        items: overdueFirst(
          expiring.slice(0, firstFew).map((c) => ({ id: c.id, label: c.number, date: c.validTo, when: c.expired ? 'expired' : 'expires', overdue: c.expired, href: `/certificates/${c.id}` })),
        ),
      },
      {
        kind: 'certificatesRejected',
        count: rejected.total,
        href: listHref('/certificates', { state: 'rejected', latest: '1' }),
        items: rejected.items.map((c) => ({ id: c.id, label: c.number, date: c.decidedAt, when: 'rejected', overdue: false, href: `/certificates/${c.id}` })),
      },
      {
        kind: 'lotsFlagged',
        count: lots.total,
        href: listHref('/lots', { flagged: '1' }),
        items: lots.items.map((l) => ({ id: l.id, label: l.lot, date: l.submittedAt, when: 'submitted', overdue: false, href: `/lots/${l.id}` })),
      },
      {
        kind: 'invoicesDisputed',
        count: disputed.total,
        href: listHref('/invoices', { erpStatus: 'disputed' }),
        items: disputed.items.map((i) => ({ id: i.id, label: i.number, date: i.dueDate, when: 'due', overdue: false, href: `/invoices/${i.id}` })),
      },
    ],
  };
}

import type { UseCaseContext } from '../../context.ts';
import { randomBase32 } from '../../ids.ts';
import { recordAudit } from '../../audit/record-audit.ts';
import { writeOrders } from '../../erp/write-orders.ts';
import { queueAs2Message } from '../messages/queue-as2-message.ts';

export interface OurEdiId {
  id: string;
  qualifier: string;
}

interface Due {
  purchase_order_id: string;
  po_number: string;
  version: number;
  status: string;
  order_date: string;
  currency: string;
  partner_id: string;
  edi_id: string;
  edi_qualifier: string;
}

// Purchase order versions of suppliers that exchange EDI (an active partner with an AS2 URL and
// an EDI id) that have not gone out yet: the outbound message relates to "<order id>:v<version>".
const dueSql = `
SELECT po.id AS purchase_order_id, po.po_number, po.version, po.status, po.order_date, po.currency, p.id AS partner_id, p.edi_id, p.edi_qualifier
  FROM purchase_orders AS po
  JOIN edi_partners AS p ON p.organisation_id = po.supplier_organisation_id
 WHERE p.state = 'active' AND p.as2_url IS NOT NULL AND p.edi_id IS NOT NULL
   AND po.status <> 'closed'
   -- a cancellation goes out only for an order the supplier was sent
   AND (po.status <> 'cancelled' OR EXISTS (SELECT 1 FROM as2_outbound_messages AS s
         WHERE s.relates_to_type = 'purchase_order' AND s.relates_to_id LIKE po.id || ':v%'))
   AND NOT EXISTS (SELECT 1 FROM as2_outbound_messages AS m
                    WHERE m.relates_to_type = 'purchase_order' AND m.relates_to_id = po.id || ':v' || po.version)
 ORDER BY po.updated_at, po.id`;

/**
 * Sends each new purchase order version to its supplier as EANCOM ORDERS over AS2, when the
 * supplier exchanges EDI. One transaction per order: the ORDERS is queued and audited
 * together, and the check is repeated inside it, so an order version goes out once.
 */
export async function sendPurchaseOrdersToEdiPartners(ctx: UseCaseContext, input: { ours: OurEdiId }): Promise<{ poNumber: string; version: number; messageId: string }[]> {
  const sent: { poNumber: string; version: number; messageId: string }[] = [];
  for (const due of await ctx.db.all<Due>(dueSql)) {
    const queued = await ctx.db.transaction(async (tx) => {
      const still = await tx.get<Due>(`SELECT * FROM (${dueSql}) WHERE purchase_order_id = ? AND version = ? AND partner_id = ?`, [due.purchase_order_id, due.version, due.partner_id]);
      if (!still) return undefined;
      const lines = await tx.all<{ line_number: number; gtin: string; quantity: number; unit_price: string; delivery_date: string | null }>(
        'SELECT line_number, gtin, quantity, unit_price, delivery_date FROM purchase_order_lines WHERE purchase_order_id = ? ORDER BY line_number',
        [due.purchase_order_id],
      );
      const reference = randomBase32(8).toUpperCase(); // 13 characters: UNB 0020 allows 14
      const payload = writeOrders({
        poNumber: due.po_number,
        version: due.version,
        cancelled: due.status === 'cancelled',
        orderDate: due.order_date.slice(0, 10),
        currency: due.currency,
        lines: lines.map((l) => ({ lineNumber: l.line_number, gtin: l.gtin, quantity: l.quantity, unitPrice: l.unit_price, deliveryDate: l.delivery_date })),
        ours: input.ours,
        supplier: { id: due.edi_id, qualifier: due.edi_qualifier },
        reference,
        preparedAt: ctx.clock.now(),
      });
      const message = await queueAs2Message(tx, ctx.clock, {
        partnerId: due.partner_id,
        payload,
        filename: `ORDERS-${due.po_number}-v${due.version}.edi`,
        contentType: 'application/edifact',
        subject: `ORDERS ${due.po_number}`,
        purpose: 'orders',
        relatesTo: { type: 'purchase_order', id: `${due.purchase_order_id}:v${due.version}` },
      });
      await recordAudit(tx, ctx.clock, {
        actor: { type: 'system', name: 'EDI orders' },
        organisationId: null,
        action: 'purchase_order.sent_as_orders',
        entityType: 'purchase_order',
        entityId: due.purchase_order_id,
        newValues: { poNumber: due.po_number, version: due.version, interchange: reference, as2MessageId: message.messageId, lines: lines.length },
        requestId: ctx.requestId,
      });
      return { poNumber: due.po_number, version: due.version, messageId: message.messageId };
    });
    if (queued) sent.push(queued);
  }
  return sent;
}

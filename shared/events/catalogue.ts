import defs from './schemas/_defs.schema.json' with { type: 'json' };
import envelope from './schemas/envelope.schema.json' with { type: 'json' };
import itemUpserted from './schemas/item.upserted.schema.json' with { type: 'json' };
import purchaseOrder from './schemas/purchase_order.schema.json' with { type: 'json' };
import invoiceStatusChanged from './schemas/invoice.status_changed.schema.json' with { type: 'json' };
import shipmentDispatched from './schemas/shipment.dispatched.schema.json' with { type: 'json' };
import recallIssued from './schemas/recall.issued.schema.json' with { type: 'json' };
import systemPing from './schemas/system.ping.schema.json' with { type: 'json' };
import certificate from './schemas/certificate.schema.json' with { type: 'json' };
import certificateSubmitted from './schemas/certificate.submitted.schema.json' with { type: 'json' };
import certificateApproved from './schemas/certificate.approved.schema.json' with { type: 'json' };
import certificateRejected from './schemas/certificate.rejected.schema.json' with { type: 'json' };
import certificateSuperseded from './schemas/certificate.superseded.schema.json' with { type: 'json' };
import certificateExpiring from './schemas/certificate.expiring.schema.json' with { type: 'json' };
import certificateExpired from './schemas/certificate.expired.schema.json' with { type: 'json' };
import lotSubmitted from './schemas/lot.submitted.schema.json' with { type: 'json' };
import lotInspection from './schemas/lot-inspection.schema.json' with { type: 'json' };
import lotReleased from './schemas/lot.released.schema.json' with { type: 'json' };
import lotRejected from './schemas/lot.rejected.schema.json' with { type: 'json' };
import recallReminderSent from './schemas/recall.reminder_sent.schema.json' with { type: 'json' };
import recallEscalated from './schemas/recall.escalated.schema.json' with { type: 'json' };
import invoiceSubmitted from './schemas/invoice.submitted.schema.json' with { type: 'json' };
import recallCreated from './schemas/recall.created.schema.json' with { type: 'json' };
import recallNoticeSent from './schemas/recall.notice_sent.schema.json' with { type: 'json' };
import recallNoticeOpened from './schemas/recall.notice_opened.schema.json' with { type: 'json' };
import recallAcknowledged from './schemas/recall.acknowledged.schema.json' with { type: 'json' };
import recallSubrecipientReplied from './schemas/recall.subrecipient_replied.schema.json' with { type: 'json' };
import recallQuarantineConfirmed from './schemas/recall.quarantine_confirmed.schema.json' with { type: 'json' };
import recallStockReported from './schemas/recall.stock_reported.schema.json' with { type: 'json' };
import recallClosed from './schemas/recall.closed.schema.json' with { type: 'json' };
import recallNoticeRevised from './schemas/recall.notice_revised.schema.json' with { type: 'json' };
import purchaseOrderResponded from './schemas/purchase_order.responded.schema.json' with { type: 'json' };
import shipmentReceived from './schemas/shipment.received.schema.json' with { type: 'json' };
import salesOrderReceived from './schemas/sales_order.received.schema.json' with { type: 'json' };
import supplierApprovalChanged from './schemas/supplier_approval.changed.schema.json' with { type: 'json' };
import purchaseOrderSupplierNotApproved from './schemas/purchase_order.supplier_not_approved.schema.json' with { type: 'json' };
import scar from './schemas/scar.schema.json' with { type: 'json' };
import scarOpened from './schemas/scar.opened.schema.json' with { type: 'json' };
import scarStepSubmitted from './schemas/scar.step_submitted.schema.json' with { type: 'json' };
import scarStepAccepted from './schemas/scar.step_accepted.schema.json' with { type: 'json' };
import scarStepReturned from './schemas/scar.step_returned.schema.json' with { type: 'json' };
import scarVerified from './schemas/scar.verified.schema.json' with { type: 'json' };
import scarClosed from './schemas/scar.closed.schema.json' with { type: 'json' };
import scarCancelled from './schemas/scar.cancelled.schema.json' with { type: 'json' };

/**
 * Every event type that crosses the bridge, its direction, version and the JSON Schema of
 * its `data`. Each has a page in docs/events/. A breaking change gets a new type name
 * (`lot.submitted.v2`) beside the old one; additive changes keep the version.
 */
export interface EventType {
  type: string;
  direction: 'outbound' | 'inbound';
  version: number;
  summary: string;
  schema: object;
}

export const eventCatalogue: EventType[] = [
  { type: 'system.ping', direction: 'outbound', version: 1, summary: 'test event, sent on request to check an endpoint', schema: systemPing },
  { type: 'certificate.submitted', direction: 'outbound', version: 1, summary: 'a supplier submitted a certificate (or a new version of one) for review', schema: certificateSubmitted },
  { type: 'certificate.approved', direction: 'outbound', version: 1, summary: 'QA approved a certificate version with an electronic signature', schema: certificateApproved },
  { type: 'certificate.rejected', direction: 'outbound', version: 1, summary: 'QA rejected a certificate version, with a reason and an electronic signature', schema: certificateRejected },
  { type: 'certificate.superseded', direction: 'outbound', version: 1, summary: 'a certificate version was replaced by a newer one', schema: certificateSuperseded },
  { type: 'certificate.expiring', direction: 'outbound', version: 1, summary: 'an approved certificate expires in 90, 60 or 30 days; the supplier was reminded', schema: certificateExpiring },
  { type: 'certificate.expired', direction: 'outbound', version: 1, summary: 'an approved certificate is past its end of validity; the supplier was reminded', schema: certificateExpired },
  { type: 'lot.submitted', direction: 'outbound', version: 1, summary: 'a supplier submitted a lot (GTIN, lot, serials, dates, quantity) by form, CSV, GS1 barcode, EDIFACT DESADV or the REST API', schema: lotSubmitted },
  { type: 'lot.released', direction: 'outbound', version: 1, summary: 'QA released a submitted lot after incoming inspection (deviation: released with a deviation), with the results and an electronic signature', schema: lotReleased },
  { type: 'lot.rejected', direction: 'outbound', version: 1, summary: 'QA rejected a submitted lot at incoming inspection, with the results, a reason and an electronic signature', schema: lotRejected },
  { type: 'recall.reminder_sent', direction: 'outbound', version: 1, summary: 'a distributor was reminded of what is still open (reason): its reply before the deadline, or after its reply the quarantine of stock on hand or the returns, destruction or corrections', schema: recallReminderSent },
  { type: 'recall.escalated', direction: 'outbound', version: 1, summary: "something a distributor owes on a recall is overdue (reason: no reply, quarantine not confirmed, actions not completed): second notice (level 2) or final notice copied to its escalation contact and QA (level 3)", schema: recallEscalated },
  { type: 'invoice.submitted', direction: 'outbound', version: 1, summary: 'a supplier submitted an invoice against a purchase order (validated: order match, arithmetic, tax totals)', schema: invoiceSubmitted },
  { type: 'recall.created', direction: 'outbound', version: 1, summary: 'QA issued a recall in the portal with an electronic signature', schema: recallCreated },
  { type: 'recall.notice_sent', direction: 'outbound', version: 1, summary: "a distributor's recall notice went out (e-mail with a signed link and the PDF)", schema: recallNoticeSent },
  { type: 'recall.notice_opened', direction: 'outbound', version: 1, summary: 'a distributor opened its recall notice for the first time', schema: recallNoticeOpened },
  { type: 'recall.acknowledged', direction: 'outbound', version: 1, summary: "a distributor's signed reply to a recall notice (a correction is a new version)", schema: recallAcknowledged },
  { type: 'recall.subrecipient_replied', direction: 'outbound', version: 1, summary: "a consignee's customer (hospital, pharmacy …) replied to the recall notice passed on to it, by link and without an account", schema: recallSubrecipientReplied },
  { type: 'recall.quarantine_confirmed', direction: 'outbound', version: 1, summary: 'a distributor confirmed all affected stock on hand is quarantined', schema: recallQuarantineConfirmed },
  { type: 'recall.stock_reported', direction: 'outbound', version: 1, summary: "a distributor's system reported its stock of a recall's affected lots over the REST API (on hand and quarantined per lot; no signed reply)", schema: recallStockReported },
  { type: 'recall.closed', direction: 'outbound', version: 1, summary: 'QA closed a recall (termination) with an electronic signature', schema: recallClosed },
  { type: 'recall.notice_revised', direction: 'outbound', version: 1, summary: 'QA issued an update (every consignee replies again) or follow-up field safety notice, signed, to every consignee', schema: recallNoticeRevised },
  { type: 'purchase_order.responded', direction: 'outbound', version: 1, summary: "a supplier's answer to a purchase order, in the portal or over EDI (ORDRSP): accepted, changed or rejected per line", schema: purchaseOrderResponded },
  { type: 'shipment.received', direction: 'outbound', version: 1, summary: "a distributor's receiving advice for a shipment over EDI (RECADV), with its discrepancies", schema: shipmentReceived },
  { type: 'sales_order.received', direction: 'outbound', version: 1, summary: "a distributor's purchase order to the manufacturer over EDI (ORDERS)", schema: salesOrderReceived },
  { type: 'supplier_approval.changed', direction: 'outbound', version: 1, summary: 'an approved supplier list entry was created or changed by QA (signed), or downgraded to conditional when a certificate it requires expired or was rejected', schema: supplierApprovalChanged },
  { type: 'purchase_order.supplier_not_approved', direction: 'outbound', version: 1, summary: 'a purchase order from the ERP names an item its supplier is not approved for on the approved supplier list', schema: purchaseOrderSupplierNotApproved },
  { type: 'scar.opened', direction: 'outbound', version: 1, summary: 'QA opened a SCAR (supplier corrective action request) against a supplier, tied to its lots, certificates or recalls, with a due date per 8D step, signed', schema: scarOpened },
  { type: 'scar.step_submitted', direction: 'outbound', version: 1, summary: 'a supplier answered an 8D step of a SCAR (again after a return: the round counts up)', schema: scarStepSubmitted },
  { type: 'scar.step_accepted', direction: 'outbound', version: 1, summary: "QA accepted a supplier's answer to an 8D step, signed (every step accepted: the SCAR moves to verification)", schema: scarStepAccepted },
  { type: 'scar.step_returned', direction: 'outbound', version: 1, summary: "QA returned a supplier's answer to an 8D step with what must change, signed", schema: scarStepReturned },
  { type: 'scar.verified', direction: 'outbound', version: 1, summary: "QA verified the effectiveness of a SCAR's corrective actions on or after its verify-after date, signed: effective, or not effective (D4 to D8 returned)", schema: scarVerified },
  { type: 'scar.closed', direction: 'outbound', version: 1, summary: 'QA closed a SCAR verified effective, signed', schema: scarClosed },
  { type: 'scar.cancelled', direction: 'outbound', version: 1, summary: 'QA withdrew a SCAR with a reason, signed', schema: scarCancelled },
  { type: 'item.upserted', direction: 'inbound', version: 1, summary: 'GTIN master data created or changed', schema: itemUpserted },
  { type: 'purchase_order.created', direction: 'inbound', version: 1, summary: 'a purchase order to a supplier', schema: purchaseOrder },
  { type: 'purchase_order.updated', direction: 'inbound', version: 1, summary: 'a purchase order changed (whole order, higher version)', schema: purchaseOrder },
  { type: 'invoice.status_changed', direction: 'inbound', version: 1, summary: "accounts payable's progress on a supplier invoice", schema: invoiceStatusChanged },
  { type: 'shipment.dispatched', direction: 'inbound', version: 1, summary: 'devices shipped to a distributor (the trace base for recalls)', schema: shipmentDispatched },
  { type: 'recall.issued', direction: 'inbound', version: 1, summary: 'a recall or field safety corrective action to notify', schema: recallIssued },
];

/** Schemas referenced by the event schemas. */
export const sharedSchemas: object[] = [defs, envelope, certificate, lotSubmitted, lotInspection, scar];

export function findEventType(type: string, direction: EventType['direction']): EventType | undefined {
  return eventCatalogue.find((e) => e.type === type && e.direction === direction);
}

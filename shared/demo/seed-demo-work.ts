// The demo's daily work, seeded through the same use cases the ERP door and the portal use:
// the ERP's events through the apply-* use cases (validated against the event catalogue, audited
// as the ERP with request id "demo-seed"), the users' actions through theirs (audited as the
// users, signed with the demo password). Called once, right after seedDemo created the accounts.
import type { FilesContext } from '../context.ts';
import type { Actor } from '../auth/actor.ts';
import type { UploadLimits } from '../files/store-upload.ts';
import { validateEvent } from '../events/validate-event.ts';
import { applyItemUpserted } from '../erp/apply-item-upserted.ts';
import { respondToPurchaseOrder } from '../orders/respond-to-purchase-order.ts';
import { applyPurchaseOrder } from '../erp/apply-purchase-order.ts';
import { applyShipmentDispatched } from '../erp/apply-shipment-dispatched.ts';
import { applyInvoiceStatus } from '../erp/apply-invoice-status.ts';
import { createOrganisation } from '../organisations/create-organisation.ts';
import { setOrganisationTimeZone } from '../organisations/set-organisation-time-zone.ts';
import { addUser } from '../organisations/add-user.ts';
import { submitCertificate } from '../certificates/submit-certificate.ts';
import { approveCertificate } from '../certificates/approve-certificate.ts';
import { rejectCertificate } from '../certificates/reject-certificate.ts';
import { sendExpiryReminders } from '../certificates/send-expiry-reminders.ts';
import { submitLots } from '../lots/submit-lots.ts';
import { inspectLot } from '../lots/inspect-lot.ts';
import { submitInvoice } from '../invoices/submit-invoice.ts';
import { createRecall } from '../recalls/create-recall.ts';
import { sendRecallNotices } from '../recalls/send-recall-notices.ts';
import { submitAcknowledgement } from '../recalls/submit-acknowledgement.ts';
import { certificatePdf } from './certificate-pdf.ts';
import { seedDemoApprovals } from './seed-demo-approvals.ts';
import {
  demoCertificateNumbers,
  demoDisputedInvoice,
  demoGtins,
  demoItems,
  demoLots,
  demoOrders,
  demoPurchaseOrders,
  demoRecallLots,
  demoRecallNumber,
  demoRecallFsn,
  demoRecallShipments,
  demoSecondDistributor,
  demoSeedRequestId,
} from './demo-data.ts';

export interface DemoWorkOptions {
  /** How large an upload may be (the PDFs go to ctx.files). */
  uploads: UploadLimits;
  /** The portal's address, for the links in the recall notice mails. */
  portalUrl: string;
  /** The demo password (the signatures re-authenticate with it). */
  password: string;
  /** The demo users as use cases receive them, by role. */
  actors: { supplier: Actor; qa: Actor; admin: Actor };
}

const erpHandlers = {
  'item.upserted': applyItemUpserted,
  'purchase_order.created': applyPurchaseOrder,
  'purchase_order.updated': applyPurchaseOrder,
  'shipment.dispatched': applyShipmentDispatched,
  'invoice.status_changed': applyInvoiceStatus,
} as const;

export async function seedDemoWork(ctx: FilesContext, options: DemoWorkOptions): Promise<void> {
  const now = ctx.clock.now();
  const day = (offset: number) => new Date(now.getTime() + offset * 86_400_000).toISOString().slice(0, 10);
  const rp = { id: new URL(options.portalUrl).hostname, name: 'Lotbridge', origin: options.portalUrl };
  const credential = { password: options.password };
  const { supplier, qa, admin } = options.actors;
  const seedCtx = { ...ctx, requestId: demoSeedRequestId };

  /** One event as the ERP door takes it: checked against the catalogue, applied by its use case. */
  const fromErp = async <T extends keyof typeof erpHandlers>(type: T, data: Parameters<(typeof erpHandlers)[T]>[2]) => {
    const event = validateEvent({ type, timestamp: now.toISOString(), data }, 'inbound');
    await ctx.db.transaction((tx) => (erpHandlers[type] as (t: typeof tx, c: typeof ctx.clock, d: unknown, r: string) => Promise<unknown>)(tx, ctx.clock, event.data, demoSeedRequestId));
  };

  // The ERP's master data and orders.
  for (const item of demoItems) await fromErp('item.upserted', item);
  for (const order of demoOrders(day)) {
    // A changed order arrived first as version 1; the buyer then raised each line by 50.
    if (order.version > 1) await fromErp('purchase_order.created', { ...order, version: 1, status: 'open', lines: order.lines.map((l) => ({ ...l, quantity: l.quantity - 50 })) });
    await fromErp(order.version > 1 ? 'purchase_order.updated' : 'purchase_order.created', order);
  }

  // Certificates: an ISO 13485 approved and expiring within the reminder window, a CE
  // certificate awaiting QA's review, a certificate of conformity QA rejected.
  const certificate = async (type: string, number: string, issuer: string, scope: string, validFrom: string, validTo: string, gtins: string[] = []) =>
    submitCertificate(seedCtx, supplier, options.uploads, {
      type,
      number,
      issuer,
      scope,
      gtins,
      validFrom,
      validTo,
      file: { name: `${number.replace(/[^A-Za-z0-9]+/g, '-')}.pdf`, bytes: await certificatePdf([`${number}`, issuer, scope, `${validFrom} – ${validTo}`]) },
    });
  const expiring = await certificate(
    'iso13485',
    demoCertificateNumbers.expiring,
    'TÜV SÜD Product Service GmbH (0123)',
    'Design and manufacture of precision-moulded components for infusion therapy',
    day(-3 * 365 + 25),
    day(25),
  );
  await approveCertificate(seedCtx, qa, rp, { certificateId: expiring.id, recordHash: expiring.recordHash, credential });
  // Its 30-day reminder has gone out (kept in the mail log without SMTP), as the hourly run would have sent it.
  await sendExpiryReminders(ctx, { portalUrl: options.portalUrl });
  await certificate('ce_mdr', demoCertificateNumbers.awaitingReview, 'BSI Group The Netherlands B.V. (2797)', 'EU MDR Annex IX quality management system: sterile single-use connectors', day(-10), day(5 * 365 - 10), [demoGtins.connector]);
  const coc = await certificate('coc', demoCertificateNumbers.rejected, 'Suzhou Precision Components Co., Ltd.', 'Certificate of conformity, stopcocks lot SC-2610A', day(-18), day(2 * 365), [demoGtins.stopcock]);
  await rejectCertificate(seedCtx, qa, rp, { certificateId: coc.id, recordHash: coc.recordHash, reason: 'The test report of the pressure test is missing: attach page 2 and submit a new version.', credential });

  // The supplier confirmed the orders it has since delivered (the two newest are still to confirm).
  for (const po of [demoPurchaseOrders.toInvoice, demoPurchaseOrders.disputed]) {
    const lines = demoOrders(day).find((o) => o.poNumber === po)!.lines.map((l) => ({ lineNumber: l.lineNumber }));
    await respondToPurchaseOrder(seedCtx, supplier, { purchaseOrder: po, status: 'accepted', lines }, { source: 'portal' });
  }
  // Lots the supplier delivered, and the invoice the ERP disputed.
  const { stored: lots } = await submitLots(seedCtx, supplier, { source: 'form', lots: demoLots(day) });
  // QA inspected two of them: one released, one rejected (the stopcocks whose CoC was rejected too).
  const lotId = (lot: string) => lots.find((l) => l.lot === lot)!.id;
  await inspectLot(seedCtx, qa, rp, {
    lotId: lotId('DEMO-2601A'),
    outcome: 'accepted',
    sampleSize: 13,
    defectsFound: 0,
    measurements: [{ name: 'Burst pressure', value: '415', unit: 'kPa', withinSpec: true }],
    credential,
  });
  await inspectLot(seedCtx, qa, rp, {
    lotId: lotId('SC-2610A'),
    outcome: 'rejected',
    sampleSize: 32,
    defectsFound: 4,
    measurements: [
      { name: 'Leak test at 300 kPa', value: '4 of 32 leak', unit: '', withinSpec: false },
      { name: 'Handle torque', value: '0.32', unit: 'N·m', withinSpec: true },
    ],
    reason: 'Four of 32 stopcocks leak at the pressure test (AQL 0.65 allows 0). Quarantined; return or replace the lot.',
    credential,
    portalUrl: options.portalUrl,
  });
  await submitInvoice(seedCtx, supplier, {
    number: demoDisputedInvoice,
    invoiceDate: day(-30),
    dueDate: day(30),
    currency: 'USD',
    paymentTerms: '60 days net',
    purchaseOrder: demoPurchaseOrders.disputed,
    lines: [{ poLine: 1, gtin: demoGtins.pressureLine, quantity: '160', unitPrice: '12.00', taxRate: '13', lineNet: '1920.00' }],
    netTotal: '1920.00',
    taxTotal: '249.60',
    grossTotal: '2169.60',
  });
  const status = { invoiceNumber: demoDisputedInvoice, supplier: { erpId: 'V-10001' } };
  await fromErp('invoice.status_changed', { ...status, status: 'received', occurredAt: `${day(-29)}T07:15:00Z` });
  await fromErp('invoice.status_changed', {
    ...status,
    status: 'disputed',
    reason: 'Goods receipt shows 158 units on line 1, 160 invoiced: please send a credit note for 2 units.',
    occurredAt: `${day(-27)}T10:40:00Z`,
  });

  // The README's recall walkthrough shipment is seedDemo's; these catheters are the recall in progress.
  const alpen = await createOrganisation(seedCtx, { type: 'system', name: 'Lotbridge demo seed' }, { name: demoSecondDistributor.name, kind: 'distributor', erpId: demoSecondDistributor.erpId });
  await setOrganisationTimeZone(seedCtx, admin, { organisationId: alpen.id, timeZone: 'Europe/Berlin' });
  const anna = await addUser(seedCtx, { type: 'system', name: 'Lotbridge demo seed' }, { ...demoSecondDistributor.user, password: options.password, role: 'distributor_user', organisationId: alpen.id });
  for (const shipment of demoRecallShipments(day)) await fromErp('shipment.dispatched', shipment);

  const recall = await createRecall(seedCtx, qa, rp, {
    recallNumber: demoRecallNumber,
    classifications: [
      { jurisdiction: 'US-FDA', type: 'recall', class: 'II' },
      { jurisdiction: 'EU-MDR', type: 'fsca', class: 'other' },
    ],
    reason: 'The hub of the distal lumen may crack when a syringe is connected with excessive force.',
    hazard: 'Air embolism or blood loss if the crack goes unnoticed.',
    actions: ['quarantine', 'return'],
    instructionText: 'Quarantine the affected lots, count the stock on hand and report it here; return it with the enclosed form.',
    products: [{ gtin: demoRecallLots.gtin, lots: [...demoRecallLots.lots] }],
    responseDeadline: day(7),
    effectivenessLevel: 'B',
    effectivenessPercent: 30,
    noticeLanguages: ['en', 'zh-CN'],
    ...demoRecallFsn,
    authoritiesInformedOn: day(-1),
    credential,
  });
  await sendRecallNotices(seedCtx, qa, { recallId: recall.recallId, portalUrl: options.portalUrl });

  // Alpen has answered (stock partly returned already); Rhein, the demo distributor, has not yet.
  const notice = (await ctx.db.get<{ id: string }>('SELECT id FROM recall_notices WHERE recall_id = ? AND distributor_organisation_id = ?', [recall.recallId, alpen.id]))!;
  const annaActor: Actor = {
    userId: anna.id,
    email: anna.email,
    displayName: demoSecondDistributor.user.displayName,
    organisationId: alpen.id,
    organisationName: demoSecondDistributor.name,
    organisationKind: 'distributor',
    role: 'distributor_user',
  };
  await submitAcknowledgement(seedCtx, annaActor, rp, {
    noticeId: notice.id,
    understood: true,
    holdsStock: true,
    lots: [{ gtin: demoRecallLots.gtin, lot: demoRecallLots.lots[0], received: 30, onHand: 18, quarantined: 18, returned: 12, destroyed: 0, corrected: 0, subRecipients: [] }],
    form: { actionsCompleted: false, customersInformed: 'not_applicable', contactRequested: false, signerFunction: 'Warehouse manager', signerPhone: '+49 89 5550 1234' },
    credential,
    locale: 'en',
  });

  // The approved supplier list QA keeps for the demo supplier.
  await seedDemoApprovals(seedCtx, qa, supplier, rp, options.password);
}

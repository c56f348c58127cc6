// Every background worker of Lotbridge in one place: the webhook dispatcher, the mail sender,
// the AS2 sender and async MDN sender, the EDIFACT worker, ORDERS to EDI partners, and the
// periodic passes (certificate expiry, recall follow-ups incl. open actions, SCAR reminders, audit check).
// Each claims its work with a lease in the database, so any number of instances on one
// database can run them side by side. The Node entry calls start() (timers and wake-ups); the
// Workers entry calls runOnce() from a Cron Trigger or an alarm (no timers there).
import type { AppContext } from '../context.ts';
import { createAuditCheckScheduler } from '../audit/audit-check-scheduler.ts';
import { createExpiryScheduler } from '../certificates/expiry-scheduler.ts';
import { createEdifactWorker } from '../edi/inbound/edifact-worker.ts';
import { createAs2Sender } from '../edi/messages/as2-sender.ts';
import { createAsyncMdnSender } from '../edi/messages/async-mdn-sender.ts';
import { sendPurchaseOrdersToEdiPartners } from '../edi/outbound/send-purchase-orders.ts';
import { createMailSender } from '../mail/mail-sender.ts';
import { createMailTransport, type MailTransport } from '../mail/mail-transport.ts';
import { createRecallFollowUpScheduler } from '../recalls/follow-up-scheduler.ts';
import { createScarScheduler } from '../scars/scar-scheduler.ts';
import { renderRecallAttachment } from '../recalls/render-recall-attachment.ts';
import type { Poster } from '../webhooks/http-post.ts';
import { createWebhookDispatcher } from '../webhooks/webhook-dispatcher.ts';
import { createPeriodicTask } from './periodic-task.ts';

export interface BackgroundDeps {
  /** The portal's public address: links in mails, and where partners send async MDNs (`/as2`). */
  portalUrl: string;
  /** Webhook POST; the runtime's own (#runtime/http-post) unless given. */
  webhookPost?: Poster;
  /** Mail transport; the configured one (MAIL_TRANSPORT) unless given; null keeps mail for administrators. */
  mailTransport?: MailTransport | null;
}

/** What one pass of every worker did, by worker. A periodic pass another instance holds says so. */
export type BackgroundPass = Record<string, unknown>;

export interface BackgroundWork {
  /** Node only: every worker on its timer and wake-ups, until stop(). */
  start(): void;
  /** Stops the timers and waits for the work in progress. */
  stop(): Promise<void>;
  /** One pass of every worker, awaited, one after another; a worker that fails does not stop the others. */
  runOnce(): Promise<BackgroundPass>;
}

export function createBackgroundWork(app: AppContext, deps: BackgroundDeps): BackgroundWork {
  const { config, log, db, clock } = app;
  // Delivers the outbox to the ERP: woken when an event is committed, else every 500 ms.
  const webhooks = createWebhookDispatcher({ db, clock, log, timeoutMs: config.erp.deliveryTimeoutMs, post: deps.webhookPost });
  const mail = createMailSender({
    db,
    clock,
    log,
    transport: deps.mailTransport !== undefined ? deps.mailTransport : createMailTransport(config.mail),
    from: config.mail.from,
    renderAttachment: (a) => renderRecallAttachment(db, a),
  });
  // Certificate expiry reminders: at start, then every hour.
  const certificateExpiry = createExpiryScheduler({ ctx: app, log, portalUrl: config.publicUrl?.origin });
  // Recall follow-ups (reminders, second and final notices, open actions): at start, then every 15 minutes.
  const recallFollowUps = createRecallFollowUpScheduler({ ctx: app, log, portalUrl: deps.portalUrl });
  const auditCheck = createAuditCheckScheduler({ ctx: app, log });
  // SCAR step reminders before and escalation after due dates: at start, then every hour.
  const scarReminders = createScarScheduler({ ctx: app, log, portalUrl: deps.portalUrl });
  // New purchase order versions to suppliers that exchange EDI, as ORDERS over AS2: every 30 s.
  const ordersToEdiPartners = createPeriodicTask({
    name: 'ORDERS to EDI partners',
    log,
    intervalMs: 30_000,
    lease: { db, clock, name: 'orders-to-edi-partners' },
    task: async () => {
      const sent = await sendPurchaseOrdersToEdiPartners(app, { ours: config.edi });
      if (sent.length) log.info('purchase orders sent as ORDERS', { orders: sent.length });
      return sent.length;
    },
  });
  // Async AS2 MDNs (Receipt-Delivery-Option), with retries: every 2 seconds.
  const asyncMdns = createAsyncMdnSender({ db, clock, log, timeoutMs: config.erp.deliveryTimeoutMs });
  // EDIFACT payloads received over AS2 → records, CONTRL/APERAK queued back: woken after each MDN, else every 30 s.
  const edifact = createEdifactWorker({ ctx: app, log });
  // Outbound AS2 messages, woken when one is queued; async MDNs come back to our own /as2.
  const as2 = createAs2Sender({ db, clock, log, timeoutMs: config.erp.deliveryTimeoutMs, ourAs2Id: config.as2.id, receiptUrl: `${deps.portalUrl}/as2` });

  // In this order in a pass: what produces work (EDIFACT in, ORDERS out, the periodic passes
  // that queue mail and events) before what sends it.
  const workers = { edifact, ordersToEdiPartners, certificateExpiry, recallFollowUps, scarReminders, auditCheck, as2, asyncMdns, webhooks, mail };

  return {
    start() {
      for (const w of Object.values(workers)) w.start();
    },
    async stop() {
      await Promise.all(Object.values(workers).map((w) => w.stop()));
    },
    async runOnce() {
      const pass: BackgroundPass = {};
      for (const [name, w] of Object.entries(workers)) {
        try {
          pass[name] = await w.runOnce();
        } catch (e) {
          log.error(`background pass of ${name} failed`, { err: e });
          pass[name] = { failed: (e as Error).message };
        }
      }
      return pass;
    },
  };
}

import type { MessageKey } from './en.ts';
import { recallDashboardDe } from './recall-dashboard.de.ts';
import { recallNmpaDe } from './recall-nmpa.de.ts';
import { recallFollowUpDe } from './recall-follow-up.de.ts';
import { recallChannelsDe } from './recall-channels.de.ts';
import { recallFsnDe } from './recall-fsn.de.ts';
import { recallPagesDe } from './recall-pages.de.ts';
import { recallNoticesDe } from './recall-notices.de.ts';
import { recallNoticeContentDe } from './recall-notice-content.de.ts';
import { recallReplyDe } from './recall-reply.de.ts';
import { recallReplyFormDe } from './recall-reply-form.de.ts';
import { recallStockDe } from './recall-stock.de.ts';
import { recallOnwardDe } from './recall-onward.de.ts';
import { recallOnwardLimitsDe } from './recall-onward-limits.de.ts';
import { signaturesDe } from './signatures.de.ts';
import { organisationsDe } from './organisations.de.ts';
import { ediPartnersDe } from './edi-partners.de.ts';
import { ediLogDe } from './edi-log.de.ts';
import { auditDe } from './audit.de.ts';
import { credentialsDe } from './credentials.de.ts';
import { commonDe } from './common.de.ts';
import { usersDe } from './users.de.ts';
import { apiKeysDe } from './api-keys.de.ts';
import { trustHttpDe } from './trust-http.de.ts';
import { layoutDe } from './layout.de.ts';
import { authDe } from './auth.de.ts';
import { homeDe } from './home.de.ts';
import { searchDe } from './search.de.ts';
import { supplierMailDe } from './supplier-mail.de.ts';
import { webhooksDe } from './webhooks.de.ts';
import { as2De } from './as2.de.ts';
import { apiDe } from './api.de.ts';
import { mailLogDe } from './mail-log.de.ts';
import { lotsDe } from './lots.de.ts';
import { lotInspectionDe } from './lot-inspection.de.ts';
import { validationPortalDe } from './validation-portal.de.ts';
import { validationDe } from './validation.de.ts';
import { certificatesDe } from './certificates.de.ts';
import { invoicesDe } from './invoices.de.ts';
import { ordersDe } from './orders.de.ts';
import { timeZonesDe } from './time-zones.de.ts';
import { recallDueDe } from './recall-due.de.ts';
import { recallClosingDe } from './recall-closing.de.ts';
import { partnerWebhooksDe } from './partner-webhooks.de.ts';
import { apiOrdersDe } from './api-orders.de.ts';
import { aslDe } from './asl.de.ts';
import { scorecardDe } from './scorecard.de.ts';
import { scarDe } from './scar.de.ts';
import { scarRulesDe } from './scar-rules.de.ts';
import { navQualityDe } from './nav-quality.de.ts';
import { qualityReleaseDe } from './quality-release.de.ts';
import { scarSignDe } from './scar-sign.de.ts';
import { qualityPolishDe } from './quality-polish.de.ts';

/**
 * Deutsch (formal „Sie“): every key, like the other catalogues. Terms: lot = Charge,
 * distributor = Händler, recall = Rückruf, consignee = Empfänger, reply = Rückmeldung,
 * deadline = Frist, field safety notice = Sicherheitsanweisung im Feld.
 */
export const de: Record<MessageKey, string> = {
  ...recallDashboardDe,
  ...recallNmpaDe,
  ...recallFollowUpDe,
  ...recallChannelsDe,
  ...recallFsnDe,
  ...recallPagesDe,
  ...recallNoticesDe,
  ...recallNoticeContentDe,
  ...recallReplyDe,
  ...recallReplyFormDe,
  ...recallStockDe,
  ...recallOnwardDe,
  ...recallOnwardLimitsDe,
  ...signaturesDe,
  ...organisationsDe,
  ...ediPartnersDe,
  ...ediLogDe,
  ...auditDe,
  ...credentialsDe,
  ...commonDe,
  ...usersDe,
  ...apiKeysDe,
  ...trustHttpDe,
  ...layoutDe,
  ...authDe,
  ...homeDe,
  ...searchDe,
  ...supplierMailDe,
  ...webhooksDe,
  ...mailLogDe,
  ...as2De,
  ...apiDe,
  ...lotsDe,
  ...lotInspectionDe,
  ...validationPortalDe,
  ...validationDe,
  ...certificatesDe,
  ...invoicesDe,
  ...ordersDe,
  ...timeZonesDe,
  ...recallDueDe,
  ...recallClosingDe,
  ...partnerWebhooksDe,
  ...apiOrdersDe,
  ...aslDe,
  ...scorecardDe,
  ...scarDe,
  ...scarRulesDe,
  ...navQualityDe,
  ...qualityReleaseDe,
  ...scarSignDe,
  ...qualityPolishDe,
};

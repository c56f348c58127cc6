import { recallDashboardEn } from './recall-dashboard.en.ts';
import { recallNmpaEn } from './recall-nmpa.en.ts';
import { recallFollowUpEn } from './recall-follow-up.en.ts';
import { recallChannelsEn } from './recall-channels.en.ts';
import { recallFsnEn } from './recall-fsn.en.ts';
import { recallPagesEn } from './recall-pages.en.ts';
import { recallNoticesEn } from './recall-notices.en.ts';
import { recallNoticeContentEn } from './recall-notice-content.en.ts';
import { recallReplyEn } from './recall-reply.en.ts';
import { recallReplyFormEn } from './recall-reply-form.en.ts';
import { recallStockEn } from './recall-stock.en.ts';
import { recallOnwardEn } from './recall-onward.en.ts';
import { recallOnwardLimitsEn } from './recall-onward-limits.en.ts';
import { signaturesEn } from './signatures.en.ts';
import { organisationsEn } from './organisations.en.ts';
import { ediPartnersEn } from './edi-partners.en.ts';
import { ediLogEn } from './edi-log.en.ts';
import { auditEn } from './audit.en.ts';
import { credentialsEn } from './credentials.en.ts';
import { commonEn } from './common.en.ts';
import { usersEn } from './users.en.ts';
import { apiKeysEn } from './api-keys.en.ts';
import { trustHttpEn } from './trust-http.en.ts';
import { layoutEn } from './layout.en.ts';
import { authEn } from './auth.en.ts';
import { homeEn } from './home.en.ts';
import { searchEn } from './search.en.ts';
import { supplierMailEn } from './supplier-mail.en.ts';
import { webhooksEn } from './webhooks.en.ts';
import { as2En } from './as2.en.ts';
import { apiEn } from './api.en.ts';
import { mailLogEn } from './mail-log.en.ts';
import { lotsEn } from './lots.en.ts';
import { lotInspectionEn } from './lot-inspection.en.ts';
import { validationPortalEn } from './validation-portal.en.ts';
import { validationEn } from './validation.en.ts';
import { certificatesEn } from './certificates.en.ts';
import { invoicesEn } from './invoices.en.ts';
import { ordersEn } from './orders.en.ts';
import { timeZonesEn } from './time-zones.en.ts';
import { recallDueEn } from './recall-due.en.ts';
import { recallClosingEn } from './recall-closing.en.ts';
import { partnerWebhooksEn } from './partner-webhooks.en.ts';
import { apiOrdersEn } from './api-orders.en.ts';
import { aslEn } from './asl.en.ts';
import { scorecardEn } from './scorecard.en.ts';
import { scarEn } from './scar.en.ts';
import { scarRulesEn } from './scar-rules.en.ts';
import { navQualityEn } from './nav-quality.en.ts';
import { qualityReleaseEn } from './quality-release.en.ts';
import { scarSignEn } from './scar-sign.en.ts';
import { qualityPolishEn } from './quality-polish.en.ts';

/** English messages: the reference catalogue. Every other catalogue has exactly these keys. */
export const en = {
  ...recallDashboardEn,
  ...recallNmpaEn,
  ...recallFollowUpEn,
  ...recallChannelsEn,
  ...recallFsnEn,
  ...recallPagesEn,
  ...recallNoticesEn,
  ...recallNoticeContentEn,
  ...recallReplyEn,
  ...recallReplyFormEn,
  ...recallStockEn,
  ...recallOnwardEn,
  ...recallOnwardLimitsEn,
  ...signaturesEn,
  ...organisationsEn,
  ...ediPartnersEn,
  ...ediLogEn,
  ...auditEn,
  ...credentialsEn,
  ...commonEn,
  ...usersEn,
  ...apiKeysEn,
  ...trustHttpEn,
  ...layoutEn,
  ...authEn,
  ...homeEn,
  ...searchEn,
  ...supplierMailEn,
  ...webhooksEn,
  ...mailLogEn,
  ...as2En,
  ...apiEn,
  ...lotsEn,
  ...lotInspectionEn,
  ...validationPortalEn,
  ...validationEn,
  ...certificatesEn,
  ...invoicesEn,
  ...ordersEn,
  ...timeZonesEn,
  ...recallDueEn,
  ...recallClosingEn,
  ...partnerWebhooksEn,
  ...apiOrdersEn,
  ...aslEn,
  ...scorecardEn,
  ...scarEn,
  ...scarRulesEn,
  ...navQualityEn,
  ...qualityReleaseEn,
  ...scarSignEn,
  ...qualityPolishEn,
} as const;

export type MessageKey = keyof typeof en;

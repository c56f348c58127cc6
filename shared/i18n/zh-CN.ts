import type { MessageKey } from './en.ts';
import { recallDashboardZhCN } from './recall-dashboard.zh-CN.ts';
import { recallNmpaZhCN } from './recall-nmpa.zh-CN.ts';
import { recallFollowUpZhCN } from './recall-follow-up.zh-CN.ts';
import { recallChannelsZhCN } from './recall-channels.zh-CN.ts';
import { recallFsnZhCN } from './recall-fsn.zh-CN.ts';
import { recallPagesZhCN } from './recall-pages.zh-CN.ts';
import { recallNoticesZhCN } from './recall-notices.zh-CN.ts';
import { recallNoticeContentZhCN } from './recall-notice-content.zh-CN.ts';
import { recallReplyZhCN } from './recall-reply.zh-CN.ts';
import { recallReplyFormZhCN } from './recall-reply-form.zh-CN.ts';
import { recallStockZhCN } from './recall-stock.zh-CN.ts';
import { recallOnwardZhCN } from './recall-onward.zh-CN.ts';
import { recallOnwardLimitsZhCN } from './recall-onward-limits.zh-CN.ts';
import { signaturesZhCN } from './signatures.zh-CN.ts';
import { organisationsZhCN } from './organisations.zh-CN.ts';
import { ediPartnersZhCN } from './edi-partners.zh-CN.ts';
import { ediLogZhCN } from './edi-log.zh-CN.ts';
import { auditZhCN } from './audit.zh-CN.ts';
import { credentialsZhCN } from './credentials.zh-CN.ts';
import { commonZhCN } from './common.zh-CN.ts';
import { usersZhCN } from './users.zh-CN.ts';
import { apiKeysZhCN } from './api-keys.zh-CN.ts';
import { trustHttpZhCN } from './trust-http.zh-CN.ts';
import { layoutZhCN } from './layout.zh-CN.ts';
import { authZhCN } from './auth.zh-CN.ts';
import { homeZhCN } from './home.zh-CN.ts';
import { searchZhCN } from './search.zh-CN.ts';
import { supplierMailZhCN } from './supplier-mail.zh-CN.ts';
import { webhooksZhCN } from './webhooks.zh-CN.ts';
import { as2ZhCN } from './as2.zh-CN.ts';
import { apiZhCN } from './api.zh-CN.ts';
import { mailLogZhCN } from './mail-log.zh-CN.ts';
import { lotsZhCN } from './lots.zh-CN.ts';
import { lotInspectionZhCN } from './lot-inspection.zh-CN.ts';
import { validationPortalZhCN } from './validation-portal.zh-CN.ts';
import { validationZhCN } from './validation.zh-CN.ts';
import { certificatesZhCN } from './certificates.zh-CN.ts';
import { invoicesZhCN } from './invoices.zh-CN.ts';
import { ordersZhCN } from './orders.zh-CN.ts';
import { timeZonesZhCN } from './time-zones.zh-CN.ts';
import { recallDueZhCN } from './recall-due.zh-CN.ts';
import { recallClosingZhCN } from './recall-closing.zh-CN.ts';
import { partnerWebhooksZhCN } from './partner-webhooks.zh-CN.ts';
import { apiOrdersZhCN } from './api-orders.zh-CN.ts';
import { aslZhCN } from './asl.zh-CN.ts';
import { scorecardZhCN } from './scorecard.zh-CN.ts';
import { scarZhCN } from './scar.zh-CN.ts';
import { scarRulesZhCN } from './scar-rules.zh-CN.ts';
import { navQualityZhCN } from './nav-quality.zh-CN.ts';
import { qualityReleaseZhCN } from './quality-release.zh-CN.ts';
import { scarSignZhCN } from './scar-sign.zh-CN.ts';
import { qualityPolishZhCN } from './quality-polish.zh-CN.ts';

/** 简体中文. The type makes a missing or extra key a compile error. */
export const zhCN: Record<MessageKey, string> = {
  ...recallDashboardZhCN,
  ...recallNmpaZhCN,
  ...recallFollowUpZhCN,
  ...recallChannelsZhCN,
  ...recallFsnZhCN,
  ...recallPagesZhCN,
  ...recallNoticesZhCN,
  ...recallNoticeContentZhCN,
  ...recallReplyZhCN,
  ...recallReplyFormZhCN,
  ...recallStockZhCN,
  ...recallOnwardZhCN,
  ...recallOnwardLimitsZhCN,
  ...signaturesZhCN,
  ...organisationsZhCN,
  ...ediPartnersZhCN,
  ...ediLogZhCN,
  ...auditZhCN,
  ...credentialsZhCN,
  ...commonZhCN,
  ...usersZhCN,
  ...apiKeysZhCN,
  ...trustHttpZhCN,
  ...layoutZhCN,
  ...authZhCN,
  ...homeZhCN,
  ...searchZhCN,
  ...supplierMailZhCN,
  ...webhooksZhCN,
  ...mailLogZhCN,
  ...as2ZhCN,
  ...apiZhCN,
  ...lotsZhCN,
  ...lotInspectionZhCN,
  ...validationPortalZhCN,
  ...validationZhCN,
  ...certificatesZhCN,
  ...invoicesZhCN,
  ...ordersZhCN,
  ...timeZonesZhCN,
  ...recallDueZhCN,
  ...recallClosingZhCN,
  ...partnerWebhooksZhCN,
  ...apiOrdersZhCN,
  ...aslZhCN,
  ...scorecardZhCN,
  ...scarZhCN,
  ...scarRulesZhCN,
  ...navQualityZhCN,
  ...qualityReleaseZhCN,
  ...scarSignZhCN,
  ...qualityPolishZhCN,
};

import type { supplierMailEn } from './supplier-mail.en.ts';

/** 通知供应商用户其提交内容处理结果的邮件，以及账户页面上的相应设置（简体中文）。 */
export const supplierMailZhCN: Record<keyof typeof supplierMailEn, string> = {
  'supplierMail.certificateApproved.subject': '证书 {number} 已批准',
  'supplierMail.certificateApproved.body': '您的{type} {number}（第 {version} 版）已于 {date}（UTC）由 {manufacturer} 批准。',
  'supplierMail.certificateRejected.subject': '证书 {number} 被拒绝',
  'supplierMail.certificateRejected.body': '您的{type} {number}（第 {version} 版）已于 {date}（UTC）被 {manufacturer} 拒绝。\n\n原因：{reason}\n\n请提交更正后的版本。',
  'supplierMail.invoiceDisputed.subject': '发票 {number} 有异议',
  'supplierMail.invoiceDisputed.body': '应付账款部门于 {date}（UTC）对您的发票 {number} 提出异议。\n\n原因：{reason}',
  'supplierMail.invoicePaid.subject': '发票 {number} 已付款',
  'supplierMail.invoicePaid.body': '应付账款部门已于 {date} 支付您的发票 {number}。',
  'supplierMail.noReason': '未说明',
  'supplierMail.link': '在 Lotbridge 中打开：{url}',
  'supplierMail.setting': '您收到这些邮件，是因为您开启了此类通知。您可以在账户页面关闭：{url}',
  'supplierMail.settingNoUrl': '您收到这些邮件，是因为您开启了此类通知。您可以在 Lotbridge 的账户页面关闭。',
  'account.title': '您的账户',
  'account.signIn': '登录',
  'account.passkeys': '管理您的通行密钥',
  'account.password': '更改密码',
  'account.mail.heading': '关于您提交内容的邮件',
  'account.mail.label': '当本组织的证书被批准或拒绝、发票有异议或已付款时，发邮件通知我',
  'account.mail.hint': '发送至 {email}，使用您最近在 Lotbridge 中选择的语言（{language}）。',
  'account.mail.save': '保存',
  'account.mail.savedOn': '已保存：您将收到关于您提交内容的邮件。',
  'account.mail.savedOff': '已保存：您将不再收到关于您提交内容的邮件。',
};

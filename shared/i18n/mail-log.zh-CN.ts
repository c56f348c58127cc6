import type { mailLogEn } from './mail-log.en.ts';

/** 邮件日志的简体中文文本（并入 zh-CN.ts）。 */
export const mailLogZhCN: Record<keyof typeof mailLogEn, string> = {
  'nav.mail': '邮件日志',
  'mailLog.title': '邮件日志',
  'mailLog.intro': 'Lotbridge 排队发送的所有邮件，最新的在前。未配置 SMTP 服务器（SMTP_URL）时，邮件保存在此而不发送，您可以在此阅读本应发出的内容。',
  'mailLog.filter.state': '状态',
  'mailLog.filter.any': '所有状态',
  'mailLog.apply': '应用',
  'mailLog.state.queued': '排队中',
  'mailLog.state.sent': '已发送',
  'mailLog.state.kept': '已保存（无 SMTP 服务器）',
  'mailLog.state.failed': '发送失败',
  'mailLog.none': '没有邮件。',
  'mailLog.caption': '邮件：{total} 封',
  'mailLog.col.to': '收件人',
  'mailLog.col.subject': '主题',
  'mailLog.col.purpose': '用途',
  'mailLog.col.state': '状态',
  'mailLog.col.attempts': '尝试次数',
  'mailLog.col.created': '排队时间（UTC）',
  'mailLog.col.sent': '发送时间（UTC）',
  'mailLog.lastError': '最近错误：{error}',
  'mailLog.text': '全文',
  'mailLog.paging': '邮件日志分页',
};

import type { partnerWebhooksEn } from './partner-webhooks.en.ts';

/** 合作伙伴自有 Webhook 端点（REST API）的简体中文文本（在 zh-CN.ts 中合并）。 */
export const partnerWebhooksZhCN: Record<keyof typeof partnerWebhooksEn, string> = {
  'partnerWebhooks.problem.httpsRequired': '请输入 https:// 地址：事件只通过 TLS 发送到您的端点。',
  'partnerWebhooks.problem.notSubscribable': '贵组织不能订阅“{type}”。请从 GET /webhooks/event-types 列出的事件类型中选择。',
};

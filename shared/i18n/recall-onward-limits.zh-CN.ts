import type { recallOnwardLimitsEn } from './recall-onward-limits.en.ts';

/** 转发通知的限制（层级、每日邮件数、仅限名称）及向已转达客户发送修订通知的中文文本（在 zh-CN.ts 中合并）。 */
export const recallOnwardLimitsZhCN: Record<keyof typeof recallOnwardLimitsEn, string> = {
  'onward.problem.notAName': '只能填写名称：不得包含网址、电子邮件地址或控制字符。',
  'onward.problem.tooDeep': '通知最多转发 {max} 级：请联系生产企业通知您的客户。',
  'onward.problem.recallMailsPerDay': '本次召回今天已向客户发送 {max} 份通知：请明天再试或联系生产企业。',
  'onward.passOnDeepest': '本通知无法从此处继续转发。如果您向他人供应过受影响产品，请告知生产企业。',
  'onward.revised.body': '生产企业已修订 {by} 转发给您的召回 {recallNumber} 现场安全通知。请打开链接阅读现行通知。',
};

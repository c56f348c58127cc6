import type { apiOrdersEn } from './api-orders.en.ts';

/** 简体中文：合作伙伴 REST API 为采购订单和发票新增的文字（在 zh-CN.ts 中合并）。 */
export const apiOrdersZhCN: Record<keyof typeof apiOrdersEn, string> = {
  'orders.source.api': '通过 REST API（{number}）',
  'orders.problem.linesOnlyWithChange': '只有答复为“change”（修改）时才可列出行；“accept”（接受）和“reject”（拒绝）适用于订单的所有行。',
};

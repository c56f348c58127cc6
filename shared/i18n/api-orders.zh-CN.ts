import type { apiOrdersEn } from './api-orders.en.ts';

/** 简体中文：合作伙伴 REST API 为采购订单和发票新增的文字（在 zh-CN.ts 中合并）。 */
export const apiOrdersZhCN: Record<keyof typeof apiOrdersEn, string> = {
  'orders.source.api': '通过 REST API（{number}）',
};

import type { recallStockEn } from './recall-stock.en.ts';

/** 经销商自有系统（REST API）报告的库存，在答复页上显示（并入 zh-CN.ts）。 */
export const recallStockZhCN: Record<keyof typeof recallStockEn, string> = {
  'recallStock.reported': '贵方系统于 {reportedAt} 报告了此库存（第 {version} 次报告）：下方的“现有”和“已隔离”数量据此预填。签署前请核对每个数字。',
};

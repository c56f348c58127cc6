import type { navQualityEn } from './nav-quality.en.ts';

/** 页眉“供应商质量”分组的简体中文文本（第 18 号议题，并入 zh-CN.ts）。 */
export const navQualityZhCN: Record<keyof typeof navQualityEn, string> = {
  'navQuality.group': '供应商质量',
  'navQuality.groupSupplier': '质量',
  'navQuality.approvals': '合格供应商名录',
  'navQuality.ownApprovals': '我方合格供应商资格',
  'navQuality.scars': '供应商纠正措施（SCAR）',
  'navQuality.scorecards': '供应商绩效评分',
  'navQuality.ownScorecard': '我方绩效评分',
};

import type { scarSignEn } from './scar-sign.en.ts';

/** 退回的 SCAR 步骤新截止日期的简体中文文本（第 18 号议题后续，并入 zh-CN.ts）。 */
export const scarSignZhCN: Record<keyof typeof scarSignEn, string> = {
  'scar-sign.newDueDate': '新截止日期（可选，退回时填写）',
  'scar-sign.newDueDate.hint': '退回时：供应商须重新答复的日期。留空则该步骤沿用原截止日期（{date}）。该日期包含在您签名的内容中。',
};

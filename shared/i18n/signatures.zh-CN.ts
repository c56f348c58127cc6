import type { signaturesEn } from './signatures.en.ts';

/** 电子签名（签名被拒的原因）的简体中文文本（并入 zh-CN.ts）。 */
export const signaturesZhCN: Record<keyof typeof signaturesEn, string> = {
  'signatures.problem.passwordRequired': '请输入密码以签名。',
  'signatures.problem.wrongPassword': '密码错误。',
};

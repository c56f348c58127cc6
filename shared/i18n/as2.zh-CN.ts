import type { as2En } from './as2.en.ts';

/** AS2 拒收时报头问题的简体中文文本（并入 zh-CN.ts）。 */
export const as2ZhCN: Record<keyof typeof as2En, string> = {
  'as2.problem.missing': '缺少 {header}。',
  'as2.problem.badName': '“{value}”不是 AS2 名称（1 至 128 个可打印 US-ASCII 字符，RFC 4130 §6.2）。',
  'as2.problem.badMessageId': '“{value}”不是有效的 Message-ID（RFC 4130 §5.3.3）。',
  'as2.problem.badReceiptUrl': '“{value}”不是完整的 http:// 或 https:// 地址。',
  'as2.problem.badVersion': '“{value}”不是支持的 AS2 版本（1.0、1.1 或 1.2）。',
  'as2.problem.notThisGateway': '“{value}”不是本网关：我方的 AS2 标识为“{ours}”（精确比较，区分大小写）。',
  'as2.problem.unknownPartner': '“{value}”不是本网关任何合作方的 AS2 标识。',
  'as2.problem.receiptUrlNotAllowed': '合作方配置不允许“{value}”。',
  'as2.problem.repeatNotAuthenticated': '报文“{value}”的重复发送未通过身份验证。',
};

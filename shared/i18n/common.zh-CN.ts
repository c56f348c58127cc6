/** 简体中文: texts shared by every capability, and the ERP webhooks' problems. */
import type { commonEn } from './common.en.ts';

export const commonZhCN: Record<keyof typeof commonEn, string> = {
  'common.errorSummary.title': '有问题需要处理',
  'common.errorSummary.item': '{field}：{problem}',
  'common.problem.required': '必填。',
  'common.problem.badEmail': '请输入电子邮件地址，例如 name@example.com。',
  'common.problem.tooLong': '过长：最多 {max} 个字符。',
  'common.problem.tooShort': '过短：至少 {min} 个字符。',
  'common.problem.badGtin': '不是有效的 GTIN（长度或校验位错误）。',
  'common.problem.badDate': '请输入日期（YYYY-MM-DD）。',

  'events.problem.unknownField': '不是已知字段。',
  'events.problem.oneRequired': '请至少提供以下之一：{fields}。',
  'events.problem.oneOf': '必须是以下之一：{allowed}。',
  'events.problem.type': '类型必须为 {type}。',
  'events.problem.format': '必须是有效的 {format}。',
  'events.problem.pattern': '格式不符合要求。',
  'events.problem.tooSmall': '不得小于 {min}。',
  'events.problem.tooLarge': '不得大于 {max}。',
  'events.problem.tooFewItems': '至少需要 {min} 项。',
  'events.problem.tooManyItems': '最多 {max} 项。',
  'events.problem.invalid': '无效（{keyword}）。',
  'events.problem.unknownType': '未知的事件类型；已知类型：{known}。',

  'erp.problem.unknownErpId': '没有组织使用 ERP 编号 {erpId}；请先登记该组织。',
  'erp.problem.wrongKind': 'ERP 编号 {erpId} 属于{kind}，此处需要{expected}。',
  'erp.problem.alreadyRecorded': '已记录为 {id}。',
  'erp.problem.serialCount': '数量为 {quantity}，但提供了 {serials} 个序列号。',
  'erp.problem.lineNumbersRepeat': '每个 lineNumber 必须唯一。',
  'mail.footer': '此邮件由 Lotbridge 自动发送，请勿回复。',
};

import type { recallDueEn } from './recall-due.en.ts';

/** 简体中文 of what a recall's consignees owe after replying and when (spread into zh-CN.ts). */
export const recallDueZhCN: Record<keyof typeof recallDueEn, string> = {
  'recallDue.deadlineHint': '回复期限为 {zone} 时区该日结束时；届时须已隔离全部库存。',
  'recallDue.actionsDeadline': '退货、销毁和纠正的期限',
  'recallDue.actionsDeadlineHint': '可选：{zone} 时区该日结束时。留空则为回复期限后再加该风险等级的回复天数（5、10 或 20 天）。届时仍持有召回产品的收货方将收到跟进通知。',
  'recallDue.problem.actionsBeforeReply': '退货和销毁的期限不能早于回复期限：请选择回复期限当天或之后的日期。',
  'recallDue.kind.quarantine_reminder': '隔离提醒',
  'recallDue.kind.quarantine_final_notice': '隔离最后通知',
  'recallDue.kind.actions_reminder': '退货提醒',
  'recallDue.kind.actions_final_notice': '退货最后通知',
  'recallDue.subject.quarantine_reminder': '召回 {recallNumber}：请隔离全部库存（期限 {deadline}）',
  'recallDue.subject.quarantine_final_notice': '最后通知：召回 {recallNumber}，{distributor} 尚未隔离全部库存',
  'recallDue.subject.actions_reminder': '召回 {recallNumber}：仍有召回产品库存，退货期限 {deadline} 已过',
  'recallDue.subject.actions_final_notice': '最后通知：召回 {recallNumber}，{distributor} 仍持有召回产品',
  'recallDue.body.quarantine_reminder': '感谢您对召回 {recallNumber} 的回复。回复显示仍有未隔离的库存，而全部库存应于 {deadline} 前隔离。请立即隔离，并通过以下链接提交更正后的回复。',
  'recallDue.body.quarantine_final_notice':
    '这是召回 {recallNumber} 的最后通知：全部库存应于 {deadline} 前隔离，而您最新的回复仍显示有未隔离的库存。在隔离之前，受影响的器械仍可能被使用。请今天完成隔离并提交更正后的回复；否则制造商的质量保证部门将直接联系贵公司管理层。',
  'recallDue.body.actions_reminder': '感谢您对召回 {recallNumber} 的回复。召回产品应按通知要求于 {deadline} 前退货或销毁；您最新的回复仍显示有库存。请完成处理，并通过以下链接提交更正后的回复，注明退货和销毁的数量。',
  'recallDue.body.actions_final_notice':
    '这是召回 {recallNumber} 的最后通知：召回产品应于 {deadline} 前退货或销毁，而您最新的回复仍显示有库存。请今天完成并提交更正后的回复；否则制造商的质量保证部门将直接联系贵公司管理层。',
  'recallDue.open': '各批次尚未完成的事项（依据您 {repliedOn} 的回复）：',
  'recallDue.lot.quarantine': '- GTIN {gtin}，批号 {lot}：库存 {onHand}，已隔离 {quarantined}，未隔离 {notQuarantined}',
  'recallDue.lot.actions': '- GTIN {gtin}，批号 {lot}：仍有库存 {onHand}（其中已隔离 {quarantined}），尚未退货或销毁',
  'recallDue.noAddress.body': '{distributor} 已回复召回 {recallNumber}，但尚未完成应于 {deadline} 前完成的事项（{kind}），且无法通过电子邮件联系到该公司的任何人。请通过其他方式就以下批次与其联系。',
};

import type { recallFollowUpEn } from './recall-follow-up.en.ts';

/** 简体中文 of the recall follow-up (spread into zh-CN.ts). */
export const recallFollowUpZhCN: Record<keyof typeof recallFollowUpEn, string> = {
  'recallFollowUp.subject.reminder': '提醒：召回 {recallNumber}，请于 {deadline} 前回复',
  'recallFollowUp.subject.second_notice': '第二次通知：召回 {recallNumber}，回复期限 {deadline} 已过',
  'recallFollowUp.subject.final_notice': '最后通知：召回 {recallNumber}，仍未收到 {distributor} 的回复',
  'recallFollowUp.subject.noAddress': '召回 {recallNumber}：无法通过电子邮件联系 {distributor}（{kind}）',
  'recallFollowUp.kind.reminder': '提醒',
  'recallFollowUp.kind.second_notice': '第二次通知',
  'recallFollowUp.kind.final_notice': '最后通知',
  'recallFollowUp.greeting': '致 {distributor}：',
  'recallFollowUp.body.reminder': '我们已于 {sentOn} 向贵司发送召回 {recallNumber} 的现场安全通知，但尚未收到贵司的回复。回复期限为 {deadline}。',
  'recallFollowUp.body.second_notice':
    '我们已于 {sentOn} 向贵司发送召回 {recallNumber} 的现场安全通知。回复期限 {deadline} 已过，我们仍未收到贵司的回复。请立即回复：在收到回复之前，无法确认受影响的器械已停止使用。',
  'recallFollowUp.body.final_notice':
    '这是召回 {recallNumber} 的最后通知。我们已于 {sentOn} 向贵司发送现场安全通知，回复期限 {deadline} 已过，至今仍未收到贵司的回复。请于今日回复，否则制造商的质量保证部门将直接联系贵司管理层。',
  'recallFollowUp.notOpened': '该通知至今尚未被打开。',
  'recallFollowUp.missing':
    '尚缺：贵司对本通知的签名确认（即使贵司已不再持有相关器械也须确认），并按批号报告收货数量、现有库存、已隔离、已退回、已销毁及已转发的数量。发往贵司的受影响批次：',
  'recallFollowUp.lot': '- GTIN {gtin}，批号 {lot}：已发货 {quantity} 件',
  'recallFollowUp.noLot': '（无批号）',
  'recallFollowUp.link': '打开通知并回复：{url}',
  'recallFollowUp.linkPersonal': '此链接仅供贵司使用，请勿转发给贵司以外的人员。',
  'recallFollowUp.copied': '抄送：{addresses}',
  'recallFollowUp.noAddress.body':
    '无法通过电子邮件就召回 {recallNumber} 联系 {distributor}：该组织既没有召回联系人，也没有门户用户，因此无法向其发送此{kind}。回复期限为 {deadline}；通知已于 {sentOn} 记录。',
  'recallFollowUp.noAddress.link': '需告知对方的通知链接：{url}',
  'recallFollowUp.noAddress.action': '请通过其他方式（电话、传真、信函）联系对方，并将下方的通知链接告知对方，或为该组织登记召回联系人。发往该组织的受影响批次：',
};

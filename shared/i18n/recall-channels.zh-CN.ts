import type { recallChannelsEn } from './recall-channels.en.ts';

/** 简体中文：召回通知如何送达每个收货方（补充收货方、通知渠道、AS2）（在 zh-CN.ts 中合并）。 */
export const recallChannelsZhCN: Record<keyof typeof recallChannelsEn, string> = {
  'recallChannels.mail.lotsAdded': '更新：以下受影响批号已加入贵司本次召回的通知，请在回复中一并报告：',
  'recallChannels.mail.addedLot': '- GTIN {gtin}，批号 {lot}：{quantity} 件',
  'recallChannels.mail.noLot': '（无批号）',
  'recallChannels.channel.email': '电子邮件',
  'recallChannels.channel.as2': 'AS2 报文',
  'recallChannels.channel.portal': '门户',
  'recallChannels.sentVia': '发送渠道：{channels}',
  'recallChannels.count.as2': '经 AS2 通知',
  'recallDashboard.delivery.as2': '经 AS2（EDI）发送',
  'recallChannels.method.as2': '经 AS2（EDI）发送的现场安全通知 PDF，附在门户中回复的专属链接',
  'recallChannels.method.portal': '门户中经销商召回页面上的通知',
  'recallChannels.method.none': '尚无',
  'recallChannels.method.count': '{method}：{count} 个收货方',
  'recallChannels.added.noticeSent': '已将 {name} 添加为收货方（数量：{units}）并向其发送通知；其回复截止时间为 {deadline}。',
  'recallChannels.added.noticeUpdated': '已将批号加入 {name} 的通知（数量：{units}）；通知已重新发送，并列明新增批号。',
  'recallChannels.add.openIntro': '通知已发出：现在添加的经销商会立即收到通知，并有其自己的回复期限；已有通知的经销商会再次收到通知，其中列明新增批号。',
  'recallChannels.problem.recallClosed': '此召回已关闭，不能再添加收货方。',
  'recallChannels.problem.recordsAltered': '此召回的记录在记录后被更改：在问题解决之前不会发出任何通知。',
};

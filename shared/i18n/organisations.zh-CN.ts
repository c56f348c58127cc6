import type { organisationsEn } from './organisations.en.ts';

/** 机构页面（成员和召回联系人）的简体中文文本（并入 zh-CN.ts）。 */
export const organisationsZhCN: Record<keyof typeof organisationsEn, string> = {
  'org.members': '成员',
  'org.name': '姓名',
  'org.email': '电子邮箱',
  'org.role': '角色',
  'org.recallContacts': '召回联系人',
  'org.recallContacts.intro': '召回通知发送给召回联系人；如未设置，则发送给本机构的所有经销商用户。回复逾期时，最终通知将抄送给升级联系人。',
  'org.recallContact': '召回联系人（电子邮件）',
  'org.escalationContact': '升级联系人（电子邮件）',
  'org.recallContacts.save': '保存联系人',
  'org.recallContacts.saved': '召回联系人已保存。',
  'org.language': '语言',
  'org.language.intro': '各组织首先以此语言接收召回通知、提醒和回执（召回的其他通知语言随后附上）。',
  'org.language.save': '保存',
  'org.language.saveFor': '保存{name}的语言',
  'org.language.saved': '{name}的语言已保存。',
  'organisations.problem.badLanguage': '请选择所提供的语言之一。',
  'organisations.problem.badContactEmail': '请输入电子邮件地址，或留空。',
  'organisations.problem.nameAmbiguous': '有多个组织名为“{name}”：请使用其 ID 指定。',
};

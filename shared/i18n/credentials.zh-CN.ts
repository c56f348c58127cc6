import type { credentialsEn } from './credentials.en.ts';

/** 凭据：更改通行密钥前确认身份、相关邮件、登录限流、解锁（展开到 zh-CN.ts）。类型保证与英文目录的键完全一致。 */
export const credentialsZhCN: Record<keyof typeof credentialsEn, string> = {
  'credentialMail.method.password': '您的密码',
  'credentialMail.method.passkey': '一个已有的通行密钥',
  'credentialMail.added.subject': '您的 Lotbridge 账户已添加通行密钥',
  'credentialMail.added.body':
    '{name}，您好：\n\n通行密钥“{passkey}”已于 {time} 添加到您的 Lotbridge 账户 {email}，确认方式为{method}。该通行密钥可以登录您的账户，并以您的名义对记录进行电子签名。\n\n如果这不是您本人的操作，请立即在“通行密钥”页面删除该通行密钥、更改密码并通知您的管理员：可能有人正在使用您的账户。',
  'credentialMail.removed.subject': '您的 Lotbridge 账户已删除通行密钥',
  'credentialMail.removed.body':
    '{name}，您好：\n\n通行密钥“{passkey}”已于 {time} 从您的 Lotbridge 账户 {email} 中删除，确认方式为{method}。\n\n如果这不是您本人的操作，请更改密码并通知您的管理员：可能有人正在使用您的账户。',
  'passkeys.confirm.heading': '确认是您本人',
  'passkeys.confirm.intro': '每次添加或删除通行密钥都需要您当前的密码或您的一个通行密钥。',
  'passkeys.confirm.with': '确认方式',
  'passkeys.confirm.password': '您当前的密码',
  'passkeys.confirm.usePassword': '我的密码',
  'passkeys.confirm.usePasskey': '我的一个通行密钥',
  'passkeys.removeFailed': '通行密钥未删除：{reason}',
  'error.too_many_attempts': '来自您所在网络的登录失败次数过多。请在 UTC {time} 之后重试。',
  'unlock.heading': '已锁定的账户',
  'unlock.none': '没有被锁定的账户。',
  'unlock.lockedUntil': '{email}（{organisation}）被锁定至 UTC {time}。',
  'unlock.button': '解锁',
  'unlock.buttonLabel': '解锁 {email}',
  'unlock.done': '{email} 已解锁。',
};

import type { homeEn } from './home.en.ts';

/** 首页的简体中文文本（并入 zh-CN.ts）。 */
export const homeZhCN: Record<keyof typeof homeEn, string> = {
  'home.title': '欢迎，{name}',
  'home.signedInAs': '当前登录：{email}',
  'home.organisation': '组织',
  'home.kind': '类型',
  'home.role': '您的角色',
  'home.method': '登录方式',
  'home.method.password': '密码',
  'home.method.passkey': '通行密钥',
  'home.sessionEnds': '为保障安全，无操作 {minutes} 分钟后将自动退出登录。',
  'home.next': '您可以在这里',
  'home.alerts': '安全警报（最近 7 天）',
  'home.alerts.none': '没有账户被锁定。',
  'home.alerts.locked': '{email} 因多次登录失败于 UTC {time} 被锁定。',
  'home.tasks.supplier_user': '上传证书（ISO 13485、CE、合格证明、分析证书）|提交批次数据和电子发票|跟踪每份提交的状态',
  'home.tasks.distributor_user': '接收召回通知（现场安全通知）|确认收悉并按批次报告受影响库存|签署隔离确认书',
  'home.tasks.manufacturer_qa': '审核并批准供应商证书|发起召回并跟踪召回有效性|审查审计追踪',
  'home.tasks.manufacturer_admin': '管理组织、用户和合作伙伴|配置 ERP 和 EDI 连接|审查审计追踪',
  'home.erp': 'ERP 连接',
  'home.erp.link': '管理 ERP Webhook 端点',
  'home.erp.deliveries': '打开投递日志',
  'home.erp.summary': '端点：{endpoints}。待投递：{pending}。',
  'home.erp.exhausted': '重试用尽后已放弃的投递：{count}。',
  'home.erp.waiting': '尚未配置 ERP 端点。等待中的事件：{count}。',
};

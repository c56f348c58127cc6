import type { apiEn } from './api.en.ts';

/** 合作伙伴 REST API（/api/v1）问题的简体中文文本（并入 zh-CN.ts）。 */
export const apiZhCN: Record<keyof typeof apiEn, string> = {
  'api.problem.noScopes': '请至少选择一个权限范围。',
  'api.problem.tooManyKeys': '贵组织已有 {max} 个在用密钥。请先吊销一个不再需要的密钥。',
  'api.problem.scopeNotAllowed': '“{scope}”不是本组织可用的权限范围（可用：{allowed}）。',
  'api.problem.badExpiry': '密钥的有效期须为 1 至 {max} 天。',
  'api.problem.badCursor': '此游标不是本列表给出的：请不带游标重新开始。',
  'api.problem.badJson': '请求体不是有效的 JSON。',
  'api.problem.unknownParameter': '未知参数。',
  'api.problem.fileRequired': '请附上文件。',
  'api.problem.badIdempotencyKey': 'Idempotency-Key 须为 1 至 {max} 个可打印字符。',
  'api.problem.idempotencyKeyReused': '此 Idempotency-Key 已用于另一个请求：新请求请使用新的键。',
  'api.problem.idempotencyInProgress': '使用此 Idempotency-Key 的请求仍在处理中：请在 {seconds} 秒后重试。',
  'error.payload_too_large': '内容过大，无法发送。',
  'error.unsupported_media_type': '此处不接受这种内容类型。',
  'error.rate_limited': '请求过多。请一分钟后重试。',
};

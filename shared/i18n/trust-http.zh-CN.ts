import type { trustHttpEn } from './trust-http.en.ts';

/** 简体中文：HTTP 加固（指向内部网络的管理员输入地址、对外发送的链接）。 */
export const trustHttpZhCN: Record<keyof typeof trustHttpEn, string> = {
  'endpoints.internal.label': '内部端点：此地址位于我方自己的网络内',
  'endpoints.internal.hint':
    '回环、私有、链路本地和唯一本地地址（如 127.0.0.1、10.x.x.x、192.168.x.x、169.254.x.x、fd00::）只有勾选此项才会被接受。Lotbridge 每次投递时都会再次检查该地址。',
  'endpoints.internal.badge': '内部',
  'endpoints.internal.term': '位于我方网络内',
  'endpoints.internal.yes': '是：可以使用回环或私有地址。',
  'endpoints.internal.no': '否：回环和私有地址会被拒绝。',
  'endpoints.internal.mark': '标记为内部',
  'endpoints.internal.unmark': '标记为外部',
  'endpoints.internal.marked': '端点 {url} 已标记为内部。',
  'endpoints.internal.unmarked': '端点 {url} 已标记为外部。',
  'net.problem.internalAddress': '{host} 是私有网络内的地址（{address}）。仅当此端点确实位于我方自己的网络内时，才勾选“内部端点”。',
  'recalls.send.noPublicUrl':
    '无法生成通知链接：门户不知道自己的公开地址。请运维人员设置 PUBLIC_URL（例如 https://portal.example.com），或在设置 X-Forwarded-Host 的代理之后设置 TRUST_PROXY=true。',
};

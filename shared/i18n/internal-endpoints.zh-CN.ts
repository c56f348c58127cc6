import type { internalEndpointsEn } from './internal-endpoints.en.ts';

/** 简体中文：可能指向内部网络的管理员输入地址。 */
export const internalEndpointsZhCN: Record<keyof typeof internalEndpointsEn, string> = {
  'endpoints.internal.label': '内部端点：此地址位于我方自己的网络内',
  'endpoints.internal.hint':
    '回环、私有、链路本地和唯一本地地址（如 127.0.0.1、10.x.x.x、192.168.x.x、169.254.x.x、fd00::）只有勾选此项才会被接受。Lotbridge 每次投递时都会再次检查该地址。',
  'endpoints.internal.badge': '内部',
  'problem.internalAddress': '{host} 是私有网络内的地址（{address}）。仅当此端点确实位于我方自己的网络内时，才勾选“内部端点”。',
};

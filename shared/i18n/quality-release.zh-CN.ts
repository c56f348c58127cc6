import type { qualityReleaseEn } from './quality-release.en.ts';

/** 批次检验附件以及使用通行密钥签署供应商质量决定（合格供应商名录、批次检验）的简体中文文本（第 18 号议题，并入 zh-CN.ts）。 */
export const qualityReleaseZhCN: Record<keyof typeof qualityReleaseEn, string> = {
  'qualityRelease.attachments': '附件',
  'qualityRelease.attachments.hint': '检验的照片、测量报告及其他记录：PDF、PNG、JPEG 或 CSV 文件，最多 {count} 个，每个不超过 {max} MB。文件校验值包含在您签名的内容中。',
  'qualityRelease.attachments.caption': '随决定附上的文件',
  'qualityRelease.attachments.name': '文件',
  'qualityRelease.attachments.size': '大小',
  'qualityRelease.attachments.kb': '{kb} KB（千字节）',
  'qualityRelease.attachments.download': '下载 {name}',
  'qualityRelease.problem.tooManyFiles': '最多可附 {max} 个文件。',
  'files.problem.notAttachment': '此文件不是 PDF、PNG 或 JPEG 照片，也不是 CSV 表格（按文件内容而非文件名判断）。',
  'qualityRelease.orPasskey': '或使用通行密钥代替密码签名：',
  'qualityRelease.signWithPasskey': '使用通行密钥签名',
  'qualityRelease.passkeyFailed': '通行密钥签名未完成：{reason}',
};

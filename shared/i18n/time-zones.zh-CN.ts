import type { timeZonesEn } from './time-zones.en.ts';

/** 简体中文 of organisation time zones (spread into zh-CN.ts). */
export const timeZonesZhCN: Record<keyof typeof timeZonesEn, string> = {
  'timeZones.intro': '各组织的时区（IANA 名称，例如 Asia/Shanghai 或 Europe/Berlin）：其人员填写的日期以该时区的“今天”为准，其填写的期限在该时区当天结束，期限也按该时区向其显示。',
  'timeZones.column': '时区',
  'timeZones.saveFor': '保存 {name} 的时区',
  'timeZones.saved': '{name} 的时区已设为 {zone}。',
  'timeZones.problem.badZone': '“{zone}”不是有效的时区：请填写 IANA 名称，例如 Asia/Shanghai、Europe/Berlin 或 America/Chicago。',
};

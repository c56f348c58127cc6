import { translate, type Locale } from '../i18n/index.ts';
import { noticeChannels, type NoticeChannel } from './issue-notices.ts';

/** One method of notification the recall's notices actually used, with how many consignees it reached. */
export interface NotificationMethod {
  channel: NoticeChannel;
  consignees: number;
}

/**
 * 21 CFR 7.53(b)(1) "method of notification": the channels the notices went out on
 * (recall_notices.channels, counted on the dashboard), those used at least once, in a fixed order.
 */
export function notificationMethods(channels: Record<NoticeChannel, number>): NotificationMethod[] {
  return noticeChannels.filter((channel) => channels[channel] > 0).map((channel) => ({ channel, consignees: channels[channel] }));
}

/** The methods in words, for the status report PDF and CSV: "e-mail …: 3 consignees; AS2 …: 1 consignees". */
export function notificationMethodsText(locale: Locale, methods: NotificationMethod[]): string {
  if (methods.length === 0) return translate(locale, 'recallChannels.method.none');
  const words = { email: translate(locale, 'recallReport.method.email'), as2: translate(locale, 'recallChannels.method.as2'), portal: translate(locale, 'recallChannels.method.portal') };
  return methods.map((m) => translate(locale, 'recallChannels.method.count', { method: words[m.channel], count: m.consignees })).join('; ');
}

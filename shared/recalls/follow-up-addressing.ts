import type { Tx } from '../db/index.ts';
import type { Locale } from '../i18n/index.ts';
import { consigneeLocales } from './notice-languages.ts';
import { noticeUrl, signNoticeToken } from './notice-link.ts';

function uniqueAddresses(addresses: (string | null | undefined)[], except: (string | null)[] = []): string[] {
  const seen = new Set(except.filter((a): a is string => !!a).map((a) => a.toLowerCase()));
  const out: string[] = [];
  for (const a of addresses) {
    if (!a || seen.has(a.toLowerCase())) continue;
    seen.add(a.toLowerCase());
    out.push(a);
  }
  return out;
}

/** Whom a follow-up of a notice goes to, in which languages and zone, and its fresh notice link. */
export interface FollowUpAddressing {
  recall: { recall_number: string; notice_locales: string };
  distributor: { name: string; erp_id: string | null; escalation_contact_email: string | null; language: string; time_zone: string };
  /** false: nobody at the distributor can be mailed, the message asks the manufacturer's QA to reach it another way. */
  toDistributor: boolean;
  to: string | null;
  cc: string[];
  escalationContactCopied: boolean;
  locales: Locale[];
  /** The zone of whoever reads it (the distributor, or QA's organisation): deadlines are shown in it. */
  readerTimeZone: string;
  url: string;
}

/**
 * The addressing every follow-up of a notice shares (reply follow-ups, send-recall-follow-ups.ts;
 * open-action follow-ups, send-action-follow-ups.ts): ONE message to the consignee's recipients
 * as they are now, its people seeing whom else it reached; a final notice is copied to the
 * distributor's escalation contact and the manufacturer's QA, once each. A notice nobody at the
 * distributor can be mailed goes to QA only (not for the distributor's eyes). In the
 * distributor's language first, then the recall's notice languages (to QA: the notice languages).
 */
export async function followUpAddressing(
  tx: Tx,
  notice: { id: string; recall_id: string; distributor_organisation_id: string; recipients: string; link_expires_at: string },
  final: boolean,
  portalUrl: string,
): Promise<FollowUpAddressing> {
  const recall = (await tx.get<{ recall_number: string; notice_locales: string }>('SELECT recall_number, notice_locales FROM recalls WHERE id = ?', [notice.recall_id]))!;
  const distributor = (await tx.get<FollowUpAddressing['distributor']>('SELECT name, erp_id, escalation_contact_email, language, time_zone FROM organisations WHERE id = ?', [
    notice.distributor_organisation_id,
  ]))!;
  const qa = (
    await tx.all<{ email: string }>(
      `SELECT DISTINCT u.email FROM memberships AS m JOIN users AS u ON u.id = m.user_id JOIN organisations AS o ON o.id = m.organisation_id
        WHERE o.kind = 'manufacturer' AND m.role = 'manufacturer_qa' AND u.disabled_at IS NULL ORDER BY u.email`,
    )
  ).map((r) => r.email);
  const recipients = JSON.parse(notice.recipients) as string[];
  const toDistributor = recipients.length > 0;
  const addressees = toDistributor ? recipients : qa;
  const copied = final && toDistributor ? [distributor.escalation_contact_email, ...qa] : [];
  const to = addressees[0] ?? null;
  const cc = uniqueAddresses([...addressees.slice(1), ...copied], [to]);
  const escalation = distributor.escalation_contact_email?.toLowerCase();
  const escalationContactCopied = !!escalation && [to, ...cc].some((a) => a?.toLowerCase() === escalation);
  const locales = consigneeLocales(toDistributor ? distributor.language : null, JSON.parse(recall.notice_locales) as unknown[]);
  const manufacturerZone = (await tx.get<{ time_zone: string }>("SELECT time_zone FROM organisations WHERE kind = 'manufacturer' ORDER BY created_at, id LIMIT 1"))?.time_zone ?? 'UTC';
  const url = noticeUrl(portalUrl, await signNoticeToken(tx, notice.id, notice.link_expires_at));
  return { recall, distributor, toDistributor, to, cc, escalationContactCopied, locales, readerTimeZone: toDistributor ? distributor.time_zone : manufacturerZone, url };
}

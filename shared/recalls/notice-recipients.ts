import type { Tx } from '../db/index.ts';

/**
 * SQL for whom an organisation `o`'s recall notices go to, as a JSON array: its recall contact
 * when it has one, else its active distributor users. One rule for sending and for the review
 * that shows QA, before sending, who will be mailed.
 */
export const noticeRecipientsSql = `CASE WHEN o.recall_contact_email IS NOT NULL THEN json_array(o.recall_contact_email)
  ELSE (SELECT json_group_array(u.email) FROM memberships AS m JOIN users AS u ON u.id = m.user_id
        WHERE m.organisation_id = o.id AND m.role = 'distributor_user' AND u.disabled_at IS NULL AND u.kind = 'person') END`;

/**
 * The addresses that may make an account from a notice's link (a code is mailed there): those
 * the notice was sent to, and the organisation's recipients as they are now. So a distributor
 * reached only over AS2 (nobody to mail at the release) claims once the manufacturer's QA gives
 * it a recall contact; lower-cased, each once.
 */
export async function noticeClaimAddresses(db: Pick<Tx, 'get'>, noticeId: string): Promise<string[]> {
  const row = await db.get<{ sent: string; current: string }>(
    `SELECT n.recipients AS sent, ${noticeRecipientsSql} AS current FROM recall_notices AS n JOIN organisations AS o ON o.id = n.distributor_organisation_id WHERE n.id = ?`,
    [noticeId],
  );
  if (!row) return [];
  return [...new Set([...(JSON.parse(row.sent) as string[]), ...(JSON.parse(row.current) as string[])].map((a) => a.toLowerCase()))];
}

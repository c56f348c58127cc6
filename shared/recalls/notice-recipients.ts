/**
 * SQL for whom an organisation `o`'s recall notices go to, as a JSON array: its recall contact
 * when it has one, else its active distributor users. One rule for sending and for the review
 * that shows QA, before sending, who will be mailed.
 */
export const noticeRecipientsSql = `CASE WHEN o.recall_contact_email IS NOT NULL THEN json_array(o.recall_contact_email)
  ELSE (SELECT json_group_array(u.email) FROM memberships AS m JOIN users AS u ON u.id = m.user_id
        WHERE m.organisation_id = o.id AND m.role = 'distributor_user' AND u.disabled_at IS NULL) END`;

import type { UseCaseContext } from '../context.ts';
import type { Actor } from '../auth/actor.ts';
import { permission } from '../auth/permission.ts';

/** Who sets the manufacturer's contact for recall notices and its SRN: its administrators only. */
export const setNoticeContacts = permission('manufacturer_admin');

export interface NoticeContactSetting {
  name: string | null;
  email: string | null;
  phone: string | null;
  /** The manufacturer's Single Registration Number (EU MDR Art. 31). */
  srn: string | null;
}

/** The manufacturer's contact for recall notices and its SRN, for its administrators (the form on /admin/organisations). */
export async function getNoticeContact(ctx: UseCaseContext, actor: Actor): Promise<NoticeContactSetting & { permissions: { set: boolean } }> {
  setNoticeContacts.require(actor);
  const row = await ctx.db.get<{ notice_contact_name: string | null; notice_contact_email: string | null; notice_contact_phone: string | null; srn: string | null }>(
    'SELECT notice_contact_name, notice_contact_email, notice_contact_phone, srn FROM organisations WHERE id = ?',
    [actor.organisationId],
  );
  return { name: row?.notice_contact_name ?? null, email: row?.notice_contact_email ?? null, phone: row?.notice_contact_phone ?? null, srn: row?.srn ?? null, permissions: { set: setNoticeContacts.allows(actor) } };
}

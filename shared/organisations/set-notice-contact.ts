import type { UseCaseContext } from '../context.ts';
import { asAuditActor, type Actor } from '../auth/actor.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { AppError, problem, refusal, type Problems } from '../errors.ts';
import { checkContact, srnShape } from '../recalls/notice-content.ts';
import { setNoticeContacts, type NoticeContactSetting } from './get-notice-contact.ts';

/**
 * The manufacturer's administrator sets the contact printed on every field safety notice whose
 * recall names none (MDCG 2023-3 section 4) and the manufacturer's SRN, on
 * its own organisation. Audited with the old and new values; an e-mail, phone or SRN of the wrong
 * shape is refused with its field problem (contactName, contactEmail, contactPhone, srn); anyone else is forbidden.
 */
export async function setNoticeContact(ctx: UseCaseContext, actor: Actor, input: { name: string; email: string; phone: string; srn: string }): Promise<NoticeContactSetting> {
  setNoticeContacts.require(actor);
  const fields: Problems = {};
  const contact = checkContact(input, fields);
  const srn = input.srn.trim().toUpperCase();
  if (srn && !srnShape.test(srn)) fields.srn = problem('noticeContent.badSrn');
  if (Object.keys(fields).length) throw refusal('invalid_input', 'the notice contact is not valid', fields);
  const next: NoticeContactSetting = { name: contact.name ?? null, email: contact.email ?? null, phone: contact.phone ?? null, srn: srn || null };

  return ctx.db.transaction(async (tx) => {
    const before = await tx.get<{ notice_contact_name: string | null; notice_contact_email: string | null; notice_contact_phone: string | null; srn: string | null }>(
      "SELECT notice_contact_name, notice_contact_email, notice_contact_phone, srn FROM organisations WHERE id = ? AND kind = 'manufacturer'",
      [actor.organisationId],
    );
    if (!before) throw new AppError('not_found', 'no such manufacturer');
    await tx.run('UPDATE organisations SET notice_contact_name = ?, notice_contact_email = ?, notice_contact_phone = ?, srn = ? WHERE id = ?', [next.name, next.email, next.phone, next.srn, actor.organisationId]);
    await recordAudit(tx, ctx.clock, {
      actor: asAuditActor(actor),
      organisationId: actor.organisationId,
      action: 'organisation.notice_contact_set',
      entityType: 'organisation',
      entityId: actor.organisationId,
      oldValues: { name: before.notice_contact_name, email: before.notice_contact_email, phone: before.notice_contact_phone, srn: before.srn },
      newValues: { ...next },
      requestId: ctx.requestId,
    });
    return next;
  });
}

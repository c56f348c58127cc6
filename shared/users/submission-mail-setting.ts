import type { UseCaseContext } from '../context.ts';
import { asAuditActor, type Actor } from '../auth/actor.ts';
import { permission } from '../auth/permission.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { AppError } from '../errors.ts';
import { isLocale, type Locale } from '../i18n/index.ts';

/** Only a supplier's users get mail about their organisation's submissions, so only they have the setting. */
export const chooseSubmissionMail = permission('supplier_user');

export interface AccountSettings {
  email: string;
  /** Mail when a certificate is approved or rejected, or an invoice disputed or paid. */
  submissionMail: boolean;
  /** The language mails to this user alone are written in (the one last chosen in the portal). */
  locale: Locale;
  permissions: { setSubmissionMail: boolean };
}

/** The signed-in user's own settings. */
export async function getAccountSettings(ctx: UseCaseContext, actor: Actor): Promise<AccountSettings> {
  const row = await ctx.db.get<{ email: string; submission_mail: number; locale: string | null }>('SELECT email, submission_mail, locale FROM users WHERE id = ?', [actor.userId]);
  if (!row) throw new AppError('not_found', 'no such user');
  return {
    email: row.email,
    submissionMail: row.submission_mail === 1,
    locale: isLocale(row.locale) ? row.locale : 'en',
    permissions: { setSubmissionMail: chooseSubmissionMail.allows(actor) },
  };
}

/** A supplier's user turns the mail about the organisation's submissions on or off for themself. Audited when it changes. */
export async function setSubmissionMail(ctx: UseCaseContext, actor: Actor, input: { on: boolean }): Promise<{ changed: boolean }> {
  chooseSubmissionMail.require(actor);
  return ctx.db.transaction(async (tx) => {
    const changed = await tx.run('UPDATE users SET submission_mail = ? WHERE id = ? AND submission_mail != ?', [input.on ? 1 : 0, actor.userId, input.on ? 1 : 0]);
    if (changed.changes === 0) return { changed: false };
    await recordAudit(tx, ctx.clock, {
      actor: asAuditActor(actor),
      organisationId: actor.organisationId,
      action: 'user.submission_mail_set',
      entityType: 'user',
      entityId: actor.userId,
      oldValues: { submissionMail: !input.on },
      newValues: { submissionMail: input.on },
      requestId: ctx.requestId,
    });
    return { changed: true };
  });
}

/**
 * Remembers the language the user reads the portal in (chosen in the header, or the one the
 * sign-in page was shown in), for the mails written to that user alone. A display preference,
 * not a record: not audited.
 */
export async function rememberUserLocale(ctx: UseCaseContext, userId: string, locale: Locale): Promise<void> {
  await ctx.db.run('UPDATE users SET locale = ? WHERE id = ? AND locale IS NOT ?', [locale, userId, locale]);
}

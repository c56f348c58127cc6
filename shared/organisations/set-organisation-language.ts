import type { UseCaseContext } from '../context.ts';
import { asAuditActor, requireRole, type Actor } from '../auth/actor.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { AppError, problem, refusal } from '../errors.ts';
import { isLocale, type Locale } from '../i18n/index.ts';

/**
 * The manufacturer's administrator sets the language an organisation receives its recall
 * notices, follow-ups and receipts in first (organisations.language). Audited with the old and
 * new language; a language the portal does not speak is refused, any other caller is forbidden.
 */
export async function setOrganisationLanguage(ctx: UseCaseContext, actor: Actor, input: { organisationId: string; language: string }): Promise<{ language: Locale }> {
  requireRole(actor, 'manufacturer_admin');
  const language = input.language;
  if (!isLocale(language)) throw refusal('invalid_input', `${language} is not a portal language`, { language: problem('organisations.badLanguage') });
  return ctx.db.transaction(async (tx) => {
    const before = await tx.get<{ language: string }>('SELECT language FROM organisations WHERE id = ?', [input.organisationId]);
    if (!before) throw new AppError('not_found', 'no such organisation');
    if (before.language === language) return { language };
    await tx.run('UPDATE organisations SET language = ? WHERE id = ?', [language, input.organisationId]);
    await recordAudit(tx, ctx.clock, {
      actor: asAuditActor(actor),
      organisationId: input.organisationId,
      action: 'organisation.language_set',
      entityType: 'organisation',
      entityId: input.organisationId,
      oldValues: { language: before.language },
      newValues: { language },
      requestId: ctx.requestId,
    });
    return { language };
  });
}

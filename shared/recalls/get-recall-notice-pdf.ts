import type { UseCaseContext } from '../context.ts';
import type { Actor } from '../auth/actor.ts';
import type { Locale } from '../i18n/index.ts';
import { AppError } from '../errors.ts';
import { getNoticeData } from './get-notice-data.ts';
import { renderNoticePdf } from './render-notice-pdf.ts';

/**
 * A distributor's field safety notice as a PDF, for a signed-in user: a distributor user gets
 * its own organisation's (whatever distributor it names); manufacturer staff name the
 * distributor. Nobody else gets one, and nobody gets one before the notice was sent to that
 * distributor (at release): a recall under review has none. Every refusal but the anonymous
 * one is `not_found`, the same as for an unknown recall.
 */
export async function getRecallNoticePdf(
  ctx: UseCaseContext,
  actor: Actor | null | undefined,
  input: { recallId: string; distributorOrganisationId?: string | null; locale: Locale },
): Promise<{ pdf: Uint8Array; recallNumber: string }> {
  if (!actor) throw new AppError('unauthenticated', 'sign in first');
  const distributor =
    actor.organisationKind === 'distributor' ? actor.organisationId : actor.organisationKind === 'manufacturer' ? input.distributorOrganisationId : null;
  if (!distributor) throw new AppError('not_found', 'no such notice');
  const data = await getNoticeData(ctx.db, { recallId: input.recallId, distributorOrganisationId: distributor, onlySent: true });
  return { pdf: await renderNoticePdf(data, input.locale), recallNumber: data.recallNumber };
}

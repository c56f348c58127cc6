import type { UseCaseContext } from '../context.ts';
import type { Actor } from '../auth/actor.ts';
import { getNoticeData, type NoticeData } from './get-notice-data.ts';
import { openNoticeLink, type OpenedNotice } from './open-notice-link.ts';

export interface NoticeLinkView {
  notice: OpenedNotice;
  content: NoticeData;
  /** The viewer is signed in as a user of the notice's distributor: they can go on to reply. */
  signedInHere: boolean;
  /** The viewer is signed in, but for another organisation. */
  signedInElsewhere: boolean;
}

/**
 * The notice page behind the e-mail link, for whoever holds it (signed in or not): the link is
 * checked and the opening counted as openNoticeLink does, except when manufacturer staff open it
 * (copied on escalations: they are not the distributor opening it); with the notice's content
 * and where the viewer stands.
 */
export async function viewNoticeLink(ctx: UseCaseContext, actor: Actor | null | undefined, token: string): Promise<NoticeLinkView> {
  const notice = await openNoticeLink(ctx, token, { countOpening: actor?.organisationKind !== 'manufacturer' });
  const content = await getNoticeData(ctx.db, { recallId: notice.recallId, distributorOrganisationId: notice.distributorOrganisationId });
  return {
    notice,
    content,
    signedInHere: actor?.organisationId === notice.distributorOrganisationId && actor.role === 'distributor_user',
    signedInElsewhere: !!actor && actor.organisationId !== notice.distributorOrganisationId,
  };
}

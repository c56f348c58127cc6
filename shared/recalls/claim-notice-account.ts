import type { UseCaseContext } from '../context.ts';
import { addUser } from '../organisations/add-user.ts';
import { AppError } from '../errors.ts';
import { checkNoticeToken } from './notice-link.ts';
import { noticeForDistributor } from './notice-for-distributor.ts';

/**
 * A notice recipient without an account makes one from the notice link: the link proves the
 * mailbox, so the account is for one of the addresses the notice went to, as a distributor user
 * of the notice's organisation. Returns the new user for the transport to sign in.
 */
export async function claimNoticeAccount(
  ctx: UseCaseContext,
  input: { token: string; email: string; displayName: string; password: string },
): Promise<{ userId: string; organisationId: string; noticeId: string; recallId: string }> {
  const check = await checkNoticeToken(ctx.db, input.token, ctx.clock.now());
  if (!check.ok) throw new AppError('forbidden', 'this link cannot create an account: open the link from the e-mail again');
  const notice = await noticeForDistributor(ctx.db, null, check.noticeId);
  const row = await ctx.db.get<{ recipients: string }>('SELECT recipients FROM recall_notices WHERE id = ?', [notice.id]);
  const email = input.email.trim().toLowerCase();
  if (!(JSON.parse(row!.recipients) as string[]).includes(email)) {
    throw new AppError('invalid_input', 'the account must be for an address this notice was sent to', { email: 'is not an address this notice was sent to' });
  }
  const user = await addUser(
    ctx,
    { type: 'system', name: `notice link of recall ${notice.recallNumber}` },
    { email, displayName: input.displayName, password: input.password, organisationId: notice.distributorOrganisationId, role: 'distributor_user' },
  );
  return { userId: user.id, organisationId: notice.distributorOrganisationId, noticeId: notice.id, recallId: notice.recallId };
}

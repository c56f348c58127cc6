import type { UseCaseContext } from '../context.ts';
import type { Tx } from '../db/index.ts';
import { queueMails } from '../mail/queue-mail.ts';
import { isLocale, translate } from '../i18n/index.ts';
import { onwardTokenSigner, onwardUrl } from './onward-link.ts';
import type { NoticeRevisionContent } from './notice-revisions.ts';
import { revisionMailIntro } from './send-revised-notices.ts';

/**
 * Every customer a recall's notice was passed on to (recall_onward_notices, any level) is told of
 * a revised notice, inside the caller's transaction: a mail in its language to the address it was
 * reached at, with the revision's heading and its own onward link, whose page shows the notice as
 * it now stands (getNoticeData applies the revisions). A customer whose link has expired is left
 * out: its link would not open. The caller audits the count. Returns how many were mailed.
 */
export async function sendRevisedOnwardNotices(
  tx: Tx,
  ctx: Pick<UseCaseContext, 'clock'>,
  input: { recall: { id: string; recall_number: string }; revision: NoticeRevisionContent; issuedAt: string; previousIssuedAt: string; portalUrl: string },
): Promise<number> {
  const rows = await tx.all<{ id: string; name: string; contact_person: string | null; email: string; language: string; link_expires_at: string; passed_on_by: string; org: string }>(
    `SELECT w.id, w.name, w.contact_person, w.email, w.language, w.link_expires_at, w.passed_on_by, n.distributor_organisation_id AS org
       FROM recall_onward_notices AS w JOIN recall_notices AS n ON n.id = w.notice_id
      WHERE w.recall_id = ? AND w.link_expires_at > ?
      ORDER BY w.level, w.sent_at, w.id`,
    [input.recall.id, ctx.clock.now().toISOString()],
  );
  const sign = await onwardTokenSigner(tx);
  const { recall, revision } = input;
  await queueMails(
    tx,
    ctx.clock,
    rows.map((w) => {
      const l = isLocale(w.language) ? w.language : 'en';
      return {
        to: w.email,
        subject: translate(l, `fsnRevision.mail.subject.${revision.type}`, { revision: revision.revision, reference: revision.fsnReference }),
        text: [
          translate(l, 'onward.mail.greeting', { name: w.contact_person ?? w.name }),
          revisionMailIntro(l, revision, input.issuedAt, input.previousIssuedAt),
          translate(l, 'onward.revised.body', { recallNumber: recall.recall_number, by: w.passed_on_by }),
          translate(l, 'onward.mail.link', { url: onwardUrl(input.portalUrl, sign(w.id, w.link_expires_at)) }),
        ].join('\n\n'),
        locale: l,
        purpose: 'recall.onward_notice_revised',
        organisationId: w.org,
        entity: { type: 'recall_onward_notice', id: w.id },
      };
    }),
  );
  return rows.length;
}

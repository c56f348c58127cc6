import { redirect } from '@sveltejs/kit';
import { isAppError, problem, refusal } from '$shared/errors.ts';
import { translate } from '$shared/i18n/index.ts';
import { getDistributorRecall } from '$shared/recalls/get-distributor-recall.ts';
import { noticeInLanguage } from '$shared/recalls/get-notice-data.ts';
import { submitAcknowledgement } from '$shared/recalls/submit-acknowledgement.ts';
import { noticeReplyNeededAgain } from '$shared/recalls/notice-revisions.ts';
import { loadFailure } from '$lib/server/errors.ts';
import { problemFailure } from '$lib/server/problems.ts';
import { relyingParty } from '$lib/server/relying-party.ts';
import { requireActor } from '$lib/server/require-actor.ts';
import { formFieldOf, readReply, subRows } from './reply-form.ts';
import type { Actions, PageServerLoad } from './$types';

export const load = (async ({ locals, params, url }) => {
  const actor = requireActor(locals);
  try {
    const recall = await getDistributorRecall(locals.ctx, actor, params.id);
    const replied = Number(url.searchParams.get('replied')) || null;
    // The serials shipped on each of the notice's lines: those lines may be answered per serial.
    const serialsShipped = recall.notice.lots.map((l) => recall.content.products.find((p) => p.gtin === l.gtin)?.lots.find((x) => x.lot === l.lot)?.serials ?? []);
    return {
      ...recall,
      content: noticeInLanguage(recall.content, locals.locale),
      signer: actor.displayName,
      subRows,
      serialsShipped,
      justReplied: recall.replies.find((r) => r.version === replied) ?? null,
      replyNeededAgain: await noticeReplyNeededAgain(locals.ctx.db, recall.notice.id),
    };
  } catch (e) {
    loadFailure(e, locals);
  }
}) satisfies PageServerLoad;

export const actions = {
  default: async (event) => {
    const { request, locals, params } = event;
    const actor = requireActor(locals);
    const form = await request.formData();
    let reply: ReturnType<typeof readReply> | undefined;
    let noticeLots: { gtin: string; lot: string | null }[] = [];
    let done;
    try {
      const { notice } = await getDistributorRecall(locals.ctx, actor, params.id);
      noticeLots = notice.lots;
      reply = readReply(form, notice.lots.length);
      if (reply.holdsStock === null) throw refusal('invalid_input', 'say whether you hold affected stock', { holdsStock: problem('reply.holdsStock') });
      done = await submitAcknowledgement(locals.ctx, actor, relyingParty(event), {
        noticeId: notice.id,
        understood: reply.understood,
        holdsStock: reply.holdsStock,
        lots: reply.lots,
        comment: reply.comment,
        form: reply.form,
        credential: { password: String(form.get('password') ?? '') },
        locale: locals.locale,
        ...(form.has('answersRevision') ? { answersRevision: Number(form.get('answersRevision')) } : {}),
      });
    } catch (e) {
      const failure = problemFailure(e, locals, 'reply', reply?.values ?? {}, (path) => formFieldOf(path, reply?.rows ?? [], noticeLots));
      if (isAppError(e) && e.code === 'invalid_credentials') failure.data.message = translate(locals.locale, 'reply.wrongPassword');
      return failure;
    }
    redirect(303, `/recalls/${params.id}/reply?replied=${done.version}`);
  },
} satisfies Actions;

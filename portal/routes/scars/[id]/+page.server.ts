import { getScar } from '$shared/scars/get-scar.ts';
import { submitScarAnswer } from '$shared/scars/submit-scar-answer.ts';
import { uploadScarEvidence } from '$shared/scars/upload-scar-evidence.ts';
import { decideScarStep } from '$shared/scars/decide-scar-step.ts';
import { verifyScar } from '$shared/scars/verify-scar.ts';
import { closeScar } from '$shared/scars/close-scar.ts';
import { cancelScar } from '$shared/scars/cancel-scar.ts';
import { isScarStep } from '$shared/scars/scar-record.ts';
import { AppError } from '$shared/errors.ts';
import { loadFailure } from '$lib/server/errors.ts';
import { field } from '$lib/server/form-fields.ts';
import { relyingParty } from '$lib/server/relying-party.ts';
import { trustedPortalOrigin } from '$lib/server/portal-origin.ts';
import { requireActor } from '$lib/server/require-actor.ts';
import { scarFailure } from '../form.ts';
import { readAnswer } from '../answer-form.ts';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

export const load = (async ({ locals, params, url }) => {
  const actor = requireActor(locals);
  try {
    return {
      ...(await getScar(locals.ctx, actor, params.id)),
      opened: url.searchParams.has('opened'),
      maxMb: Math.round(locals.app.config.uploads.maxBytes / (1024 * 1024)),
    };
  } catch (e) {
    loadFailure(e, locals);
  }
}) satisfies PageServerLoad;

/** The step a step's form names ('' when it names none: the use case refuses it). */
const stepOf = (form: FormData) => {
  const s = field(form, 'step');
  return isScarStep(s) ? s : null;
};
const signed = (event: RequestEvent, form: FormData) => ({
  credential: { password: field(form, 'password') },
  portalUrl: trustedPortalOrigin(event) ?? undefined,
});

export const actions = {
  /** The supplier answers one 8D step (or answers a returned one again). */
  answer: async (event) => {
    const form = await event.request.formData();
    const step = stepOf(form);
    if (!step) return scarFailure(new AppError('invalid_input', 'no such 8D step'), event.locals, 'answer', { step: '' });
    const { answer, values, rename } = readAnswer(step, form);
    try {
      await submitScarAnswer(event.locals.ctx, requireActor(event.locals), { scarId: event.params.id, step, answer, portalUrl: trustedPortalOrigin(event) ?? undefined });
    } catch (e) {
      return scarFailure(e, event.locals, 'answer', { ...values, step }, rename);
    }
    return { action: 'answer' as const, step, done: true };
  },

  /** The supplier uploads a piece of evidence to a step. */
  evidence: async (event) => {
    const form = await event.request.formData();
    const step = field(form, 'step');
    const file = form.get('file');
    // No file chosen is an empty upload, which the use case refuses as such (`file`).
    const upload = file instanceof File ? { name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) } : { name: '', bytes: new Uint8Array() };
    try {
      await uploadScarEvidence(event.locals.ctx, requireActor(event.locals), event.locals.app.config.uploads, {
        scarId: event.params.id,
        step,
        file: upload,
      });
    } catch (e) {
      return scarFailure(e, event.locals, 'evidence', { step });
    }
    return { action: 'evidence' as const, step, done: true };
  },

  /** QA accepts or returns a submitted step, signed. */
  decide: async (event) => {
    const form = await event.request.formData();
    const values = { step: field(form, 'step'), decision: field(form, 'decision'), comment: field(form, 'comment') };
    try {
      // The answer QA read: refused when the step was answered again since the page was opened.
      const submittedAt = field(form, 'submittedAt');
      await decideScarStep(event.locals.ctx, requireActor(event.locals), relyingParty(event), { scarId: event.params.id, ...values, submittedAt, ...signed(event, form) });
    } catch (e) {
      return scarFailure(e, event.locals, 'decide', values);
    }
    return { action: 'decide' as const, step: values.step, done: true };
  },

  /** QA verifies effectiveness (on or after verify_after), signed. */
  verify: async (event) => {
    const form = await event.request.formData();
    const values = { result: field(form, 'result'), note: field(form, 'note'), dueDate: field(form, 'dueDate') };
    try {
      await verifyScar(event.locals.ctx, requireActor(event.locals), relyingParty(event), {
        scarId: event.params.id,
        result: values.result,
        note: values.note,
        dueDate: values.dueDate || undefined,
        ...signed(event, form),
      });
    } catch (e) {
      return scarFailure(e, event.locals, 'verify', values);
    }
    return { action: 'verify' as const, done: true };
  },

  close: async (event) => {
    const form = await event.request.formData();
    const values = { comment: field(form, 'comment') };
    try {
      await closeScar(event.locals.ctx, requireActor(event.locals), relyingParty(event), { scarId: event.params.id, comment: values.comment || undefined, ...signed(event, form) });
    } catch (e) {
      return scarFailure(e, event.locals, 'close', values);
    }
    return { action: 'close' as const, done: true };
  },

  cancel: async (event) => {
    const form = await event.request.formData();
    const values = { reason: field(form, 'reason') };
    try {
      await cancelScar(event.locals.ctx, requireActor(event.locals), relyingParty(event), { scarId: event.params.id, reason: values.reason, ...signed(event, form) });
    } catch (e) {
      return scarFailure(e, event.locals, 'cancel', values);
    }
    return { action: 'cancel' as const, done: true };
  },
} satisfies Actions;

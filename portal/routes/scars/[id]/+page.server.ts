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
import { readScarDecision, type ScarDecisionAction } from './decision-form.ts';
import type { ScarSignatureInput } from '$shared/scars/start-scar-signature.ts';
import type { SignerCredential } from '$shared/signatures/verify-signer.ts';
import { signerCredential } from '$lib/server/signer-credential.ts';
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
/** Records one of QA's signed decisions as entered, with its signature. */
function record(event: RequestEvent, input: ScarSignatureInput, signed: { credential: SignerCredential; portalUrl?: string }) {
  const args = [event.locals.ctx, requireActor(event.locals), relyingParty(event)] as const;
  switch (input.action) {
    case 'decide':
      return decideScarStep(...args, { ...input, ...signed });
    case 'verify':
      return verifyScar(...args, { ...input, ...signed });
    case 'close':
      return closeScar(...args, { ...input, ...signed });
    case 'cancel':
      return cancelScar(...args, { ...input, ...signed });
  }
}

/** One of QA's signed decisions, signed with the password or the passkey assertion the page's script put in the form. */
async function decideSigned(event: RequestEvent, action: ScarDecisionAction) {
  const form = await event.request.formData();
  const { input, values } = readScarDecision(action, event.params.id, form);
  try {
    await record(event, input, { credential: signerCredential(form), portalUrl: trustedPortalOrigin(event) ?? undefined });
  } catch (e) {
    return scarFailure(e, event.locals, action, values);
  }
  return action === 'decide' ? { action, step: values.step!, done: true as const } : { action, done: true as const };
}

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

  /** QA accepts or returns a submitted step (a return may give a new due date), signed. */
  decide: (event) => decideSigned(event, 'decide'),
  /** QA verifies effectiveness (on or after verify_after), signed. */
  verify: (event) => decideSigned(event, 'verify'),
  close: (event) => decideSigned(event, 'close'),
  cancel: (event) => decideSigned(event, 'cancel'),
} satisfies Actions;

import { listUsers } from '$shared/users/list-users.ts';
import { inviteUser, reinviteUser } from '$shared/users/invite-user.ts';
import { disableUser } from '$shared/users/disable-user.ts';
import { enableUser } from '$shared/users/enable-user.ts';
import { setUserAdministrator } from '$shared/users/set-user-administrator.ts';
import { loadFailure } from '$lib/server/errors.ts';
import { problemFailure } from '$lib/server/problems.ts';
import { requireActor } from '$lib/server/require-actor.ts';
import { trustedPortalOrigin } from '$lib/server/portal-origin.ts';
import { translate } from '$shared/i18n/index.ts';
import { fail } from '@sveltejs/kit';
import type { Problem } from '$shared/errors.ts';
import type { Actions, PageServerLoad } from './$types';
import { field as text } from '$lib/server/form-fields.ts';

// Authorisation is the use cases': an organisation's administrator manages its own users, a
// manufacturer_admin everyone's; anyone else gets 'forbidden' (403), another organisation's
// user is 'not_found' (404), from the load and from every action alike.

// Links in the invitation go to PUBLIC_URL, never to whatever Host the request named.
const noPublicUrl = (locals: App.Locals, action: string, values: Record<string, string>) =>
  fail(503, { action, message: translate(locals.locale, 'users.invite.noPublicUrl'), problems: {} as Record<string, Problem>, values });

export const load = (async ({ locals, url }) => {
  try {
    const organisationId = url.searchParams.get('organisation') ?? '';
    const actor = requireActor(locals);
    const admin = await listUsers(locals.ctx, actor, { organisationId: organisationId || undefined });
    return { filter: organisationId, admin, me: actor.userId, myOrganisation: actor.organisationId };
  } catch (e) {
    loadFailure(e, locals);
  }
}) satisfies PageServerLoad;

export const actions = {
  invite: async (event) => {
    const { request, locals } = event;
    const form = await request.formData();
    const values = {
      email: text(form, 'email'),
      displayName: text(form, 'displayName'),
      role: text(form, 'role'),
      organisationId: text(form, 'organisationId'),
      administers: text(form, 'administers'),
    };
    const portalUrl = trustedPortalOrigin(event);
    if (!portalUrl) return noPublicUrl(locals, 'invite', values);
    try {
      const invited = await inviteUser(locals.ctx, requireActor(locals), {
        ...values,
        administers: values.administers === 'yes',
        organisationId: values.organisationId || undefined,
        portalUrl,
        locale: locals.locale,
      });
      return { action: 'invite', done: invited.email };
    } catch (e) {
      return problemFailure(e, locals, 'invite', values);
    }
  },

  reinvite: async (event) => {
    const { request, locals } = event;
    const userId = text(await request.formData(), 'userId');
    const portalUrl = trustedPortalOrigin(event);
    if (!portalUrl) return noPublicUrl(locals, 'reinvite', { userId });
    try {
      await reinviteUser(locals.ctx, requireActor(locals), { userId, portalUrl, locale: locals.locale });
      return { action: 'reinvite', done: userId };
    } catch (e) {
      return problemFailure(e, locals, 'reinvite', { userId });
    }
  },

  disable: async ({ request, locals }) => {
    const form = await request.formData();
    const values = { userId: text(form, 'userId'), reason: text(form, 'reason') };
    try {
      await disableUser(locals.ctx, requireActor(locals), values);
      return { action: 'disable', done: values.userId };
    } catch (e) {
      return problemFailure(e, locals, 'disable', values);
    }
  },

  enable: async ({ request, locals }) => {
    const userId = text(await request.formData(), 'userId');
    try {
      await enableUser(locals.ctx, requireActor(locals), { userId });
      return { action: 'enable', done: userId };
    } catch (e) {
      return problemFailure(e, locals, 'enable', { userId });
    }
  },

  administrator: async ({ request, locals }) => {
    const form = await request.formData();
    const values = { userId: text(form, 'userId'), administers: text(form, 'administers') };
    try {
      await setUserAdministrator(locals.ctx, requireActor(locals), { userId: values.userId, administers: values.administers === 'yes' });
      return { action: values.administers === 'yes' ? 'makeAdministrator' : 'removeAdministrator', done: values.userId };
    } catch (e) {
      return problemFailure(e, locals, 'administrator', values);
    }
  },
} satisfies Actions;

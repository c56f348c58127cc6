import { getLot } from '$shared/lots/get-lot.ts';
import { inspectLot, type Measurement } from '$shared/lots/inspect-lot.ts';
import { decideScars } from '$shared/scars/scar-record.ts';
import { loadFailure } from '$lib/server/errors.ts';
import { problemFailure } from '$lib/server/problems.ts';
import { requireActor } from '$lib/server/require-actor.ts';
import { relyingParty } from '$lib/server/relying-party.ts';
import { trustedPortalOrigin } from '$lib/server/portal-origin.ts';
import type { Actions, PageServerLoad } from './$types';

/** How many measurement rows the inspection form offers (empty ones are left out). */
const measurementRows = 5;

export const load = (async ({ locals, params, url }) => {
  const actor = requireActor(locals);
  try {
    const detail = await getLot(locals.ctx, actor, params.id);
    // A rejected lot leads QA on to a corrective action request (SCAR) with its supplier.
    const openScar = detail.lot.state === 'rejected' && decideScars.allows(actor);
    return { ...detail, justSubmitted: url.searchParams.has('submitted'), signer: actor.displayName, measurementRows, openScar };
  } catch (e) {
    loadFailure(e, locals);
  }
}) satisfies PageServerLoad;

export const actions = {
  /** QA's signed decision after incoming inspection: accept, accept with deviation or reject. */
  inspect: async (event) => {
    const form = await event.request.formData();
    const text = (name: string) => String(form.get(name) ?? '');
    const rows = Array.from({ length: measurementRows }, (_, i) => ({
      name: text(`m${i}.name`),
      value: text(`m${i}.value`),
      unit: text(`m${i}.unit`),
      withinSpec: text(`m${i}.withinSpec`) || 'yes',
    }));
    const values = { outcome: text('outcome'), sampleSize: text('sampleSize'), defectsFound: text('defectsFound'), deviation: text('deviation'), reason: text('reason'), rows };
    // A row counts once anything but its "within specification" choice is filled; its index is kept for the field problems.
    const filled = rows.map((r, i) => ({ r, i })).filter(({ r }) => r.name.trim() || r.value.trim() || r.unit.trim());
    const measurements: Measurement[] = filled.map(({ r }) => ({ name: r.name, value: r.value, unit: r.unit, withinSpec: r.withinSpec !== 'no' }));
    const whole = (s: string) => (/^\s*\d+\s*$/.test(s) ? Number(s) : Number.NaN);
    try {
      await inspectLot(event.locals.ctx, requireActor(event.locals), relyingParty(event), {
        lotId: event.params.id,
        outcome: values.outcome,
        sampleSize: whole(values.sampleSize),
        defectsFound: whole(values.defectsFound),
        measurements,
        deviation: values.deviation,
        reason: values.reason,
        credential: { password: text('password') },
        portalUrl: trustedPortalOrigin(event) ?? undefined,
      });
    } catch (e) {
      // measurements/<n>/<field> names the n-th filled row: the form's row m<i>.<field>.
      return problemFailure(e, event.locals, 'inspect', values, (field) => {
        const m = /^measurements\/(\d+)\/(\w+)$/.exec(field);
        return m ? `m${filled[Number(m[1])]?.i ?? 0}.${m[2]}` : field;
      });
    }
    return { action: 'inspect' as const, done: true };
  },
} satisfies Actions;

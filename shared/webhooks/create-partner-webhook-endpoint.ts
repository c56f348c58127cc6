import type { UseCaseContext } from '../context.ts';
import { asAuditActor, type Actor } from '../auth/actor.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { AppError, problem, refusal, type Problems } from '../errors.ts';
import { newId } from '../ids.ts';
import { internalTargetProblem } from '../net/internal-target.ts';
import { checkEndpointUrl, secretFingerprint } from './create-webhook-endpoint.ts';
import { generateSecret } from './signature.ts';
import { insertWebhookSecret } from './webhook-secrets.ts';
import { partnerEventTypes } from './partner-events.ts';
import { managePartnerWebhooks, maxPartnerEndpoints, ownEndpoint, type PartnerEndpointView } from './partner-webhook-endpoints.ts';

export interface PartnerEndpointInput {
  url: string;
  description?: string;
  eventTypes: string[];
}

/** Where a partner may point an endpoint; the server's setting PARTNER_WEBHOOKS_ALLOW_LOOPBACK. */
export interface PartnerTargetRules {
  /** Development and tests only: http:// and loopback addresses (this machine) are allowed too. */
  allowLoopback: boolean;
}

/** The event types an organisation of this kind may subscribe to (a supplier never gets a recall notice). */
export function subscribableTypes(actor: Pick<Actor, 'organisationKind'>): string[] {
  return partnerEventTypes.filter((e) => e.audience === actor.organisationKind).map((e) => e.type);
}

/**
 * A supplier or distributor adds a webhook endpoint of its own, subscribed to some of the events
 * that concern it (partner-events.ts). The URL must be https:// at a public address: a partner
 * chooses it, so it never reaches into our network (loopback, private, link-local, unique-local;
 * checked here and again on every delivery against the address connected to). The signing
 * secret (`whsec_…`) is returned this once. The endpoint gets events from now on; audited under
 * the caller (an API key's technical user).
 */
export async function createPartnerWebhookEndpoint(
  ctx: UseCaseContext,
  actor: Actor,
  input: PartnerEndpointInput,
  rules: PartnerTargetRules,
): Promise<{ endpoint: PartnerEndpointView; secret: string }> {
  managePartnerWebhooks.require(actor);
  const problems: Problems = {};
  const description = input.description?.trim() ?? '';
  if (description.length > 200) problems.description = problem('common.tooLong', { max: 200 });
  const allowed = subscribableTypes(actor);
  const eventTypes = [...new Set(input.eventTypes)];
  if (eventTypes.length === 0) problems.eventTypes = problem('common.required');
  input.eventTypes.forEach((type, i) => {
    if (!allowed.includes(type)) problems[`eventTypes/${i}`] = problem('partnerWebhooks.notSubscribable', { type });
  });
  let url = '';
  let internal = false;
  try {
    url = checkEndpointUrl(input.url);
    const target = await internalTargetProblem(url, false);
    const loopback = target?.params?.kind === 'loopback';
    // Refused without what the name resolves to: a partner learns no address inside our network.
    if (target && !(rules.allowLoopback && loopback)) problems.url = problem('net.internalAddress', { ...target.params, address: String(target.params?.host) });
    else if (!url.startsWith('https:') && !(rules.allowLoopback && loopback)) problems.url = problem('partnerWebhooks.httpsRequired');
    internal = loopback;
  } catch (e) {
    if (!(e instanceof AppError) || !e.problems?.url) throw e;
    problems.url = e.problems.url;
  }
  if (Object.keys(problems).length) throw refusal('invalid_input', 'the webhook endpoint is not valid', problems);
  const id = newId('ep');
  const secret = generateSecret();
  const now = ctx.clock.now().toISOString();
  await ctx.db.transaction(async (tx) => {
    const count = await tx.get<{ n: number }>('SELECT COUNT(*) AS n FROM webhook_endpoints WHERE organisation_id = ? AND deleted_at IS NULL', [actor.organisationId]);
    if ((count?.n ?? 0) >= maxPartnerEndpoints) throw new AppError('conflict', `an organisation has at most ${maxPartnerEndpoints} webhook endpoints; delete one first`);
    await tx.run(
      `INSERT INTO webhook_endpoints (id, url, internal, description, state, organisation_id, event_types, created_at, updated_at)
       VALUES (?, ?, ?, ?, 'active', ?, ?, ?, ?)`,
      [id, url, internal ? 1 : 0, description, actor.organisationId, JSON.stringify(eventTypes), now, now],
    );
    await insertWebhookSecret(tx, id, secret, now);
    await recordAudit(tx, ctx.clock, {
      actor: asAuditActor(actor),
      organisationId: actor.organisationId,
      action: 'webhook_endpoint.created',
      entityType: 'webhook_endpoint',
      entityId: id,
      newValues: { url, description, eventTypes, secret: secretFingerprint(secret) },
      requestId: ctx.requestId,
    });
  });
  return { endpoint: await ownEndpoint(ctx.db, actor, now, id), secret };
}

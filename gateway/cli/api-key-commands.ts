// `lotbridge api-keys …`, registered in commands.ts: the operator's view of every organisation's
// API keys and the emergency revocation, for a leaked token whose administrators cannot be
// reached. Acts as the system, naming the operator; the organisation's administrators are mailed.
import { operator } from './operator.ts';
import { AppError } from '../../shared/errors.ts';
import { findOrganisation } from '../../shared/organisations/find-organisation.ts';
import { listApiKeysForOperator } from '../../shared/api-keys/list-api-keys.ts';
import { revokeApiKeysAsOperator } from '../../shared/api-keys/revoke-api-key.ts';
import { withApp, type App } from './with-app.ts';
import type { Command } from './commands.ts';

async function organisationId(app: App, ref: string): Promise<string> {
  const org = await findOrganisation(app.db, ref);
  if (!org) throw new AppError('not_found', `no organisation "${ref}"`);
  return org.id;
}

/** The key id of an id or of a token pasted as found (with "Bearer ", quotes): never the secret, which is not echoed either. */
function keyId(given: string): string {
  const id = /lbk_([a-z2-7]{24})_/.exec(given)?.[1] ?? (/^[a-z2-7]{24}$/.test(given) ? given : undefined);
  if (!id) throw new AppError('invalid_input', '--key is neither a key id (from api-keys list) nor a token (lbk_…)');
  return id;
}

const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);

export const apiKeyCommands: Record<string, Command> = {
  'api-keys list': {
    summary: "list API keys (id, state, expiry, last use, organisation, name, scopes); never a secret",
    usage: '[--org ORG]',
    options: { org: { type: 'string', help: 'organisation id or exact name (default: every organisation)' } },
    async run(values) {
      return withApp(async (app) => {
        const org = text(values.org);
        const keys = await listApiKeysForOperator(app, operator(), org ? { organisationId: await organisationId(app, org) } : {});
        for (const k of keys) console.log(`${k.id}\t${k.state}\texpires:${k.expiresAt.slice(0, 10)}\tlast-used:${k.lastUsedAt ?? '-'}\t${k.organisation}\t${k.name}\t${k.scopes.join(' ')}`);
        if (!keys.length) console.log('No API keys.');
        return 0;
      });
    },
  },

  'api-keys revoke': {
    summary: "revoke one API key, or every key in use of an organisation, at once, with the webhook endpoints those keys registered (audited with the reason; the organisation's administrators are mailed)",
    usage: '(--key KEY_ID | --org ORG) --reason TEXT',
    options: {
      key: { type: 'string', help: 'the key id (from api-keys list) or the leaked token itself (lbk_…; only its id is used)' },
      org: { type: 'string', help: 'organisation id or exact name: every key of it still in use' },
      reason: { type: 'string', help: 'why, for the audit trail and the mail' },
    },
    async run(values) {
      const key = text(values.key);
      const org = text(values.org);
      const reason = text(values.reason);
      if (!key === !org) throw new AppError('invalid_input', 'give either --key or --org');
      if (!reason) throw new AppError('invalid_input', '--reason is required');
      return withApp(async (app) => {
        const revoked = await revokeApiKeysAsOperator(app, operator(), { ...(key ? { apiKeyId: keyId(key) } : { organisationId: await organisationId(app, org!) }), reason });
        for (const k of revoked) {
          console.log(`Revoked ${k.id} (${k.name})`);
          for (const e of k.endpointsDisabled) console.log(`  disabled the webhook endpoint it registered: ${e.id} ${e.url}`);
        }
        console.log(revoked.length ? `${revoked.length} key(s) revoked; every call with them is refused from now on.` : 'No key in use to revoke.');
        return 0;
      });
    },
  },
};

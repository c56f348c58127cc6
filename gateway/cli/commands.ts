import { randomBase32 } from '../../shared/ids.ts';
import { seedWholeDemo } from '../../shared/demo/seed-demo.ts';
import { demoSignIns } from '../../shared/demo/demo-sign-ins.ts';
import { addUser } from '../../shared/organisations/add-user.ts';
import { createOrganisation } from '../../shared/organisations/create-organisation.ts';
import { findOrganisation } from '../../shared/organisations/find-organisation.ts';
import { listOrganisations } from '../../shared/organisations/list-organisations.ts';
import { verifyAuditChain } from '../../shared/audit/verify-audit-chain.ts';
import { exportAuditCheckpoint, verifyAuditCheckpoint } from '../../shared/audit/audit-checkpoint.ts';
import { verifySignatures } from '../../shared/signatures/verify-signatures.ts';
import { verifyRecordHashes } from '../../shared/signatures/verify-record-hashes.ts';
import { addMasterKey, keyFileExists, keySource } from '../../shared/keys/key-file.ts';
import { loadConfig } from '../../shared/config.ts';
import { roles } from '../../shared/auth/actor.ts';
import { operator } from './operator.ts';
import { withApp } from './with-app.ts';
import { AppError } from '../../shared/errors.ts';
import { resolveDatabaseUrl } from '../node/open-app.ts';
import { serve } from '../node/serve.ts';
import { readFileSync, writeFileSync } from 'node:fs';
import { runErpSink, sendErpEvent } from './erp-tools.ts';
import { sendTestEvent } from '../../shared/webhooks/send-test-event.ts';
import { partnerCommands } from './partner-commands.ts';
import { as2Commands } from './as2-commands.ts';
import { mailCommands } from './mail-commands.ts';
import { validateCommands } from './validate-command.ts';
import { apiKeyCommands } from './api-key-commands.ts';

type Values = Record<string, string | boolean | string[] | undefined>;

export interface Command {
  summary: string;
  usage?: string;
  details?: string;
  options?: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; help?: string }>;
  run(values: Values): Promise<number>;
}

function required(values: Values, name: string): string {
  const v = values[name];
  if (typeof v !== 'string' || !v.trim()) throw new AppError('invalid_input', `--${name} is required`);
  return v;
}

async function readStdinLine(): Promise<string> {
  let data = '';
  for await (const chunk of process.stdin) {
    data += chunk;
    if (data.includes('\n')) break;
  }
  return data.split(/\r?\n/)[0] ?? '';
}

const recordProblems = {
  altered: 'altered since it was recorded (its content does not match its record hash)',
  signature_differs: 'its signature is bound to another record hash',
  inconsistent: 'its columns differ from its hashed content (an effectiveness check: from its latest signed outcome)',
  audit_differs: 'its record hash differs from the one the audit trail recorded when it was created',
  consignees_differ: 'its consignees differ from those the audit trail recorded',
  signature_removed: 'it carries no signature, yet the audit trail shows a signed decision, not an automatic downgrade',
} as const;

/** The record half of `audit verify`: every signed record's hash recomputed, each mismatch named. */
async function verifyRecords(db: Parameters<typeof verifyRecordHashes>[0]): Promise<number> {
  const verdict = await verifyRecordHashes(db, { onFinding: (f) => console.error(`Record ALTERED: ${f.type} ${f.id}: ${recordProblems[f.problem]}`) });
  const counts = (n: Record<string, number>) =>
    Object.entries(n)
      .map(([type, count]) => `${count} ${type}`)
      .join(', ');
  const unhashed = Object.values(verdict.unhashed).some((n) => n > 0) ? `; without a record hash (recorded before hashing): ${counts(verdict.unhashed)}` : '';
  if (verdict.ok) {
    console.log(`Record hashes intact: ${counts(verdict.checked)}${unhashed}`);
    return 0;
  }
  console.error(`Record hashes BROKEN: ${verdict.findings} finding(s) over ${counts(verdict.checked)}${unhashed}`);
  return 1;
}

export const commands: Record<string, Command> = {
  serve: {
    summary: 'run the portal and the gateway on one port (applies migrations, seeds the demo, builds if needed)',
    options: { port: { type: 'string', help: 'port to listen on (default: $PORT or 3000; 0 picks a free one)' } },
    async run(values) {
      const port = values.port === undefined ? undefined : Number(values.port);
      if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65535)) {
        throw new AppError('invalid_input', `--port must be a whole number from 0 to 65535 (got "${values.port}")`);
      }
      const server = await serve({ port });
      await new Promise<void>((resolve) => {
        const stop = (signal: string) => {
          console.log(`${signal}: stopping…`);
          server.close().then(resolve);
        };
        process.once('SIGINT', () => stop('SIGINT'));
        process.once('SIGTERM', () => stop('SIGTERM'));
      });
      console.log('Stopped.');
      return 0;
    },
  },

  migrate: {
    summary: 'apply pending database migrations (refuses when an applied one was edited)',
    async run() {
      return withApp(async (app) => {
        console.log(app.migrationsApplied.length ? `Applied: ${app.migrationsApplied.join(', ')}` : 'The database is up to date.');
        return 0;
      });
    },
  },

  demo: {
    summary: 'seed the demo (organisations, users and their daily work) into an empty database',
    async run() {
      return withApp(async (app) => {
        const portalUrl = app.config.publicUrl?.origin ?? `http://localhost:${app.config.port}`;
        if (!(await seedWholeDemo(app, { uploads: app.config.uploads, portalUrl }))) {
          console.error('lotbridge demo: the database already has organisations; the demo seeds only an empty one');
          return 1;
        }
        for (const line of demoSignIns(true)) console.log(line);
        return 0;
      });
    },
  },

  'org add': {
    summary: 'create an organisation',
    options: {
      name: { type: 'string', help: 'legal name' },
      kind: { type: 'string', help: 'manufacturer, supplier or distributor' },
      'erp-id': { type: 'string', help: "the organisation's number in the ERP (events from the ERP name it by this)" },
    },
    async run(values) {
      return withApp(async (app) => {
        const org = await createOrganisation(app, operator(), {
          name: required(values, 'name'),
          kind: required(values, 'kind'),
          erpId: values['erp-id'] as string | undefined,
        });
        console.log(`${org.id}\t${org.kind}\t${org.erpId ?? '-'}\t${org.name}`);
        return 0;
      });
    },
  },

  'org list': {
    summary: 'list organisations (id, kind, ERP id, members, name)',
    async run() {
      return withApp(async (app) => {
        for (const o of await listOrganisations(app, operator())) console.log(`${o.id}\t${o.kind}\terp:${o.erpId ?? '-'}\t${o.users} member(s)\t${o.name}`);
        return 0;
      });
    },
  },

  'user add': {
    summary: 'create a user in an organisation',
    details: `Roles: ${roles.join(', ')}. Without --password-stdin a random password is generated and printed once.`,
    options: {
      email: { type: 'string', help: 'e-mail address (the sign-in name)' },
      name: { type: 'string', help: 'printed name, as shown on electronic signatures' },
      org: { type: 'string', help: 'organisation id or exact name' },
      role: { type: 'string', help: 'one of the roles above' },
      'password-stdin': { type: 'boolean', help: 'read the password from the first line of standard input' },
      admin: { type: 'boolean', help: "the user also administers the organisation's users in the portal (suppliers, distributors)" },
    },
    async run(values) {
      return withApp(async (app) => {
        const orgRef = required(values, 'org');
        const org = await findOrganisation(app.db, orgRef);
        if (!org) throw new AppError('invalid_input', `no organisation has the id or name "${orgRef}" (see lotbridge org list)`);
        const generated = values['password-stdin'] ? undefined : randomBase32(15);
        const password = generated ?? (await readStdinLine());
        const user = await addUser(app, operator(), {
          email: required(values, 'email'),
          displayName: required(values, 'name'),
          role: required(values, 'role'),
          organisationId: org.id,
          password,
          administers: values.admin === true,
        });
        console.log(`Created ${user.email} (${user.id}).`);
        if (generated) console.log(`Password (shown once): ${generated}`);
        return 0;
      });
    },
  },

  'audit verify': {
    summary: 'verify the audit trail (hash chain, MACs with the key outside the database, exported checkpoints), every signature against it and the record hash of every signed record; exit 0 when intact, 1 naming what is broken',
    options: {
      checkpoint: { type: 'string', multiple: true, help: 'a checkpoint file written by "audit checkpoint" (kept outside); repeat for several' },
    },
    async run(values) {
      return withApp(async (app) => {
        let ok = true;
        const verdict = await verifyAuditChain(app.db);
        if (verdict.ok) {
          console.log(`Audit trail intact: ${verdict.entries} entries, head ${verdict.headHash}, every MAC confirmed by key ${app.db.keys.currentKeyId}`);
        } else {
          ok = false;
          console.error(`Audit trail BROKEN at entry ${verdict.firstBrokenSeq}: ${verdict.problem} (${verdict.entries} entries verified before it)`);
        }
        if ((await verifyRecords(app.db)) !== 0) ok = false;
        const signatures = await verifySignatures(app.db);
        for (const p of signatures.problems) console.error(`Signature BROKEN: ${p.problem}`);
        if (signatures.problems.length) ok = false;
        else console.log(`Signatures intact: ${signatures.checked}, each matching its audit entry`);
        for (const file of (values.checkpoint as string[] | undefined) ?? []) {
          let parsed: unknown;
          try {
            parsed = JSON.parse(readFileSync(file, 'utf8'));
          } catch (e) {
            throw new AppError('invalid_input', `--checkpoint ${file} cannot be read as JSON: ${(e as Error).message}`);
          }
          const c = await verifyAuditCheckpoint(app.db, parsed);
          if (c.ok) console.log(`Checkpoint ${file}: entry ${c.seq} matches`);
          else {
            ok = false;
            console.error(`Checkpoint ${file} FAILS: ${c.problem}`);
          }
        }
        return ok ? 0 : 1;
      });
    },
  },

  'audit checkpoint': {
    summary: 'sign the head of the verified audit trail (Ed25519) and print it as JSON, to be kept outside Lotbridge (the ERP, write-once storage)',
    options: { out: { type: 'string', help: 'write the checkpoint to this file instead of standard output' } },
    async run(values) {
      return withApp(async (app) => {
        const checkpoint = await exportAuditCheckpoint(app, operator());
        const text = JSON.stringify(checkpoint, null, 2) + '\n';
        if (typeof values.out === 'string') {
          writeFileSync(values.out, text, { flag: 'wx' });
          console.log(`Checkpoint of entry ${checkpoint.seq} written to ${values.out}; keep it where the database's holder cannot change it.`);
        } else process.stdout.write(text);
        return 0;
      });
    },
  },

  'keys rotate': {
    summary: 'make a new master key in the key file: it MACs, seals and signs from now on; the old ones stay to verify and open (back up the key file afterwards)',
    async run() {
      const source = keySource(resolveDatabaseUrl(loadConfig().databaseUrl));
      if (!keyFileExists(source)) throw new AppError('conflict', 'there is no key file yet: start the server once first');
      const keyring = addMasterKey(source);
      return withApp(async (app) => {
        const id = app.db.keys.currentKeyId;
        console.log(`New key ${id} is current (${keyring.keyIds.length} keys in ${source.file}). Back up the key file now.`);
        return 0;
      });
    },
  },

  'erp-sink': {
    summary: 'run a reference ERP receiver that verifies signed webhooks and appends each event to a file',
    options: {
      port: { type: 'string', help: 'port on 127.0.0.1 (default 4000; 0 picks a free one)' },
      secret: { type: 'string', help: 'the whsec_ secret of the endpoint (comma-separated during a rotation)' },
      out: { type: 'string', help: 'JSON Lines file to append to (default events.jsonl)' },
    },
    async run(values) {
      const port = Number(values.port ?? 4000);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new AppError('invalid_input', `--port must be 0 to 65535 (got "${values.port}")`);
      const out = (values.out as string | undefined) ?? 'events.jsonl';
      const sink = await runErpSink({ port, secrets: required(values, 'secret').split(','), out });
      console.log(`ERP sink listening on http://127.0.0.1:${sink.port}/ , appending to ${out}`);
      await new Promise<void>((resolve) => {
        const stop = () => sink.close().then(resolve);
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      return 0;
    },
  },

  'erp-send': {
    summary: 'sign and post one inbound event as the ERP would (for ERP integrators)',
    options: {
      url: { type: 'string', help: 'e.g. http://localhost:3000/erp/webhooks' },
      secret: { type: 'string', help: 'the whsec_ secret Lotbridge has as ERP_INBOUND_SECRET' },
      type: { type: 'string', help: 'event type, e.g. shipment.dispatched' },
      data: { type: 'string', help: "JSON file with the event's data" },
      id: { type: 'string', help: 'webhook-id to use (default: a new one); repeat it to test idempotency' },
    },
    async run(values) {
      let data: unknown;
      try {
        data = JSON.parse(readFileSync(required(values, 'data'), 'utf8'));
      } catch (e) {
        throw new AppError('invalid_input', `--data: ${(e as Error).message}`);
      }
      const res = await sendErpEvent({ url: required(values, 'url'), secret: required(values, 'secret'), type: required(values, 'type'), data, id: values.id as string | undefined });
      console.log(`HTTP ${res.status}\n${res.body}`);
      return res.status >= 200 && res.status < 300 ? 0 : 1;
    },
  },

  'erp-ping': {
    summary: 'put a system.ping test event through the outbox to every enabled ERP endpoint',
    async run() {
      return withApp(async (app) => {
        const sent = await sendTestEvent(app, operator());
        console.log(
          sent.endpoints
            ? `Queued test event ${sent.webhookId} for ${sent.endpoints} endpoint(s); the running server delivers it.`
            : `Queued test event ${sent.webhookId}; no endpoint is configured, so it waits for the first one.`,
        );
        return 0;
      });
    },
  },
  ...partnerCommands,
  ...as2Commands,
  ...mailCommands,
  ...validateCommands,
  ...apiKeyCommands,
};

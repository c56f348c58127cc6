// The EDI partner and AS2 identity commands (`lotbridge as2 …`, `lotbridge partner …`),
// registered in commands.ts. They act as the system, naming the operator, like the others.
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { operator } from './operator.ts';
import { AppError, problem, refusal } from '../../shared/errors.ts';
import { addPartner } from '../../shared/edi/partners/add-partner.ts';
import { ensureAs2Identity } from '../../shared/edi/identity/ensure-as2-identity.ts';
import { getAs2Identity } from '../../shared/edi/identity/get-as2-identity.ts';
import { listPartners } from '../../shared/edi/partners/list-partners.ts';
import { rotateAs2Identity } from '../../shared/edi/identity/rotate-as2-identity.ts';
import { retireAs2IdentityKey } from '../../shared/edi/identity/retire-as2-identity-key.ts';
import type { CertificateValidity } from '../../shared/edi/partners/certificate-expiry.ts';
import type { IdentityKey } from '../../shared/edi/identity/as2-identity-keys.ts';
import { colonFingerprint } from '../../shared/edi/partners/x509.ts';
import { openApp } from '../node/open-app.ts';
import type { Command } from './commands.ts';

type Values = Record<string, string | boolean | string[] | undefined>;

async function withApp<T>(work: (app: Awaited<ReturnType<typeof openApp>>) => Promise<T>): Promise<T> {
  const app = await openApp();
  try {
    return await work(app);
  } finally {
    app.db.close();
  }
}

function text(values: Values, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

const day = (iso: string) => iso.slice(0, 10);

/** "until 2027-12-06 (EXPIRES IN 10 DAYS)" and the like. */
function validityText(v: CertificateValidity): string {
  const range = `${day(v.notBefore)} to ${day(v.notAfter)}`;
  if (v.warning === 'expired') return `${range} (EXPIRED ${-v.daysLeft} day(s) ago)`;
  if (v.warning === 'expiring') return `${range} (EXPIRES IN ${v.daysLeft} DAY(S))`;
  if (v.warning === 'not_yet_valid') return `${range} (not valid yet)`;
  return range;
}

function keyLine(k: IdentityKey): string {
  return `  SHA-256 ${colonFingerprint(k.fingerprintSha256)}\n    key ${k.id}; ${k.subject}; valid ${validityText(k.validity)}; ${k.signs ? 'signs and decrypts' : k.state === 'active' ? 'decrypts' : 'retired, decrypts until expiry'}`;
}

/** Columns padded to their widest cell. */
function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [header, ...rows].map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')).join('\n');
}

export const partnerCommands: Record<string, Command> = {
  'as2 identity': {
    summary: 'print our AS2 id and certificates (making our key pair if there is none) and write our public certificate',
    usage: '[--cert-out FILE]',
    details: 'Give partners the certificate file: they verify our signatures and MDNs with it and encrypt to it. Set our AS2 id with AS2_ID.',
    options: { 'cert-out': { type: 'string', help: 'write the signing certificate (PEM) to this file' } },
    async run(values) {
      return withApp(async (app) => {
        const as2Id = app.config.as2.id;
        const ensured = await ensureAs2Identity(app, operator(), { as2Id });
        if (ensured.created) console.log('Generated our AS2 key pair (RSA-2048, self-signed, valid 3 years).');
        const identity = await getAs2Identity(app, operator(), { as2Id });
        console.log(`AS2 id: ${identity.as2Id}`);
        console.log('Active certificates (the first signs):');
        for (const k of identity.active) console.log(keyLine(k));
        if (identity.retired.length) {
          console.log('Retired, still decrypting until they expire:');
          for (const k of identity.retired) console.log(keyLine(k));
        }
        const out = text(values as Values, 'cert-out');
        if (out) {
          writeFileSync(out, identity.certificatePem!);
          console.log(`Wrote the signing certificate to ${out}`);
        }
        return 0;
      });
    },
  },

  'as2 rotate': {
    summary: 'make a new AS2 key pair that signs from now on; the old ones keep decrypting',
    options: { reason: { type: 'string', help: 'why, for the audit trail' } },
    async run(values) {
      return withApp(async (app) => {
        const { key, previous } = await rotateAs2Identity(app, operator(), { as2Id: app.config.as2.id, reason: text(values as Values, 'reason') });
        console.log(`New signing key pair:\n${keyLine(key)}`);
        if (previous.length) console.log(`${previous.length} older key pair(s) stay active for decryption until an administrator retires them.`);
        console.log('Send partners the new certificate: lotbridge as2 identity --cert-out lotbridge.pem');
        return 0;
      });
    },
  },

  'as2 retire': {
    summary: 'retire one of our AS2 key pairs once partners have our newer certificate: it stops signing and decrypts until its certificate expires',
    usage: '--key KEY_ID [--reason R]',
    details: 'The key ids are in `lotbridge as2 identity`. The only key pair that can sign cannot be retired: run `lotbridge as2 rotate` first.',
    options: {
      key: { type: 'string', help: 'the id of the key pair (as2key_…), from lotbridge as2 identity' },
      reason: { type: 'string', help: 'why, for the audit trail' },
    },
    async run(values) {
      const keyId = text(values as Values, 'key')?.trim();
      if (!keyId) throw new AppError('invalid_input', '--key is required: the id of the key pair, from lotbridge as2 identity');
      return withApp(async (app) => {
        const { retiredAt } = await retireAs2IdentityKey(app, operator(), { keyId, reason: text(values as Values, 'reason') });
        console.log(`Retired AS2 key pair ${keyId} at ${retiredAt}: it no longer signs and decrypts until its certificate expires.`);
        return 0;
      });
    },
  },

  'partner add': {
    summary: 'add an EDI partner (AS2 id, URL, certificates, EDIFACT sender id) to a new or existing organisation',
    usage:
      '--name N --kind supplier|distributor --as2-id ID [--as2-url URL [--internal]] [--cert FILE]… [--edi-id ID[:QUALIFIER]] [--max-compression-layers N] [--async-mdn-host HOST]… [--async-mdn-private]',
    details:
      'The organisation is created when no organisation has the name; --org attaches to an existing one by id.\n' +
      'Certificates: PEM or DER, one per file, repeat --cert for several (a partner rolling over). Expired ones are refused.\n' +
      'Security defaults: signed and encrypted inbound; outbound aes-256-cbc, sha-256, synchronous signed MDN (change them in the portal).\n' +
      'Inbound limits: one compressed layer (--max-compression-layers, 0 to 8). Async MDNs go over http(s) only to the host and port of --as2-url\n' +
      'or an --async-mdn-host (HOST for port 80/443, HOST:PORT for another port),\n' +
      'never to loopback, private or link-local addresses unless --async-mdn-private (a partner inside our network).',
    options: {
      name: { type: 'string', help: "the partner organisation's name" },
      kind: { type: 'string', help: 'supplier or distributor (for a new organisation)' },
      org: { type: 'string', help: 'id of an existing organisation, instead of --name' },
      'as2-id': { type: 'string', help: 'the AS2 id the partner sends as AS2-From (case-sensitive)' },
      'as2-url': { type: 'string', help: 'where we send to the partner (http:// or https://)' },
      internal: { type: 'boolean', help: 'the AS2 URL is inside our own network: only then may it be a loopback, private, link-local or unique-local address' },
      cert: { type: 'string', multiple: true, help: 'a certificate file of the partner (repeatable)' },
      'edi-id': { type: 'string', help: 'the UNB sender id, e.g. 4012345000009:14' },
      'max-compression-layers': { type: 'string', help: 'compressed layers an inbound message may nest (default 1; 0 refuses compression)' },
      'async-mdn-host': { type: 'string', multiple: true, help: 'another host (HOST or HOST:PORT) its async MDNs may be sent to (repeatable)' },
      'async-mdn-private': { type: 'boolean', help: 'allow async MDNs to loopback, private and link-local addresses' },
    },
    async run(values) {
      const v = values as Values;
      const certFiles = (v.cert as string[] | undefined) ?? [];
      const certificates = certFiles.map((path, i) => {
        try {
          return { fileName: basename(path), data: new Uint8Array(readFileSync(path)) };
        } catch (e) {
          throw refusal('invalid_input', `--cert ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`, {
            [`certificates[${i}]`]: problem('partners.unreadableFile', { path }),
          });
        }
      });
      return withApp(async (app) => {
        const added = await addPartner(app, operator(), {
          organisationId: text(v, 'org'),
          name: text(v, 'name'),
          kind: text(v, 'kind'),
          as2Id: text(v, 'as2-id') ?? '',
          as2Url: text(v, 'as2-url'),
          as2UrlInternal: v.internal === true,
          ediId: text(v, 'edi-id'),
          certificates,
          options: {
            maxCompressionLayers: text(v, 'max-compression-layers'),
            asyncMdnHosts: v['async-mdn-host'] === undefined ? undefined : (v['async-mdn-host'] as string[]).join(' '),
            asyncMdnPrivate: v['async-mdn-private'] === true ? true : undefined,
          },
        });
        const p = added.partner;
        console.log(`Added EDI partner ${p.id}: AS2 id "${p.as2Id}" for ${p.organisationName} (${p.organisationKind}${added.organisationCreated ? ', new organisation ' + p.organisationId : ''})`);
        const hosts = [p.as2Url ? new URL(p.as2Url).hostname : '', ...p.asyncMdnHosts.split(' ')].filter(Boolean);
        console.log(`  inbound: at most ${p.maxCompressionLayers} compressed layer(s); async MDNs to ${hosts.length ? hosts.join(', ') : 'no host (none allowed)'}${p.asyncMdnPrivate ? ', internal addresses allowed' : ''}`);
        for (const c of added.certificates) console.log(`  certificate SHA-256 ${colonFingerprint(c.fingerprintSha256)} ${c.subject}, valid ${validityText(c.validity)}, ${c.usage}`);
        for (const w of added.warnings) console.log(`Warning: ${w}`);
        return 0;
      });
    },
  },

  'partner list': {
    summary: 'list EDI partners: name, AS2 id, URL, EDI id, certificates with expiry warnings',
    async run() {
      return withApp(async (app) => {
        const partners = await listPartners(app, operator());
        if (partners.length === 0) {
          console.log('No EDI partners yet (lotbridge partner add --help).');
          return 0;
        }
        const rows = partners.map((p) => [
          p.organisationName,
          p.as2Id + (p.state === 'disabled' ? ' (disabled)' : ''),
          p.as2Url ?? '-',
          p.ediId ? p.ediId + (p.ediQualifier ? ':' + p.ediQualifier : '') : '-',
          p.certificates.length
            ? p.certificates.map((c) => `${c.fingerprintSha256.slice(0, 16)}… ${validityText(c.validity)}`).join('; ')
            : 'NONE (signed or encrypted messages cannot be checked)',
        ]);
        console.log(table(['NAME', 'AS2 ID', 'URL', 'EDI ID', 'CERTIFICATES (SHA-256, VALIDITY)'], rows));
        return 0;
      });
    },
  },
};

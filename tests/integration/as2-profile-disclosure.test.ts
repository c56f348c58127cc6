// The AS2 door screens a request on its headers before it reads (or authenticates) the body:
// AS2-From only *claims* a partner. Whoever knows a partner's AS2 id must not learn that
// partner's profile (its AS2 URL's host, its async MDN host list) by sending headers with a
// Receipt-Delivery-Option the profile does not allow: the problem+json says the option is not
// allowed, and the particulars stay in the audit entry and the log, for our administrators.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultPolicy } from '../../shared/auth/policy.ts';
import { systemClock } from '../../shared/clock.ts';
import type { Db } from '../../shared/db/index.ts';
import { addPartner } from '../../shared/edi/partners/add-partner.ts';
import { ensureAs2Identity } from '../../shared/edi/identity/ensure-as2-identity.ts';
import { makeTestPki, OpensslDir } from '../support/openssl.ts';
import { tempDir, type RunningServer } from '../support/server.ts';
import { openServerDb, startBuiltServer } from '../support/portal.ts';

const ourAs2Id = 'LOTBRIDGE';
const system = { type: 'system' as const, name: 'as2 disclosure test' };
let server: RunningServer;
let db: Db;
let ssl: OpensslDir;
let uploads: { dir: string; remove(): void };

beforeAll(async () => {
  ssl = new OpensslDir();
  makeTestPki(ssl);
  uploads = tempDir('lotbridge-as2-disclosure-');
  server = await startBuiltServer({ UPLOAD_DIR: uploads.dir, AS2_ID: ourAs2Id });
  db = openServerDb(server);
  const ctx = { db, clock: systemClock, policy: defaultPolicy };
  await ensureAs2Identity(ctx, system, { as2Id: ourAs2Id });
  const certificates = [{ fileName: 'partner.pem', data: ssl.read('partner.pem') }];
  await addPartner(ctx, system, { name: 'Secretive Medical', kind: 'supplier', as2Id: 'SECRETIVE', as2Url: 'https://as2-inbound.secretive.example:8443/as2', certificates, options: { asyncMdnHosts: 'mdn.secretive.example:4080' } });
}, 180_000);

afterAll(async () => {
  db?.close();
  await server?.stop();
  ssl?.remove();
  uploads?.remove();
});

describe('a stranger who knows a partner\'s AS2 id', () => {
  it('does not learn the partner\'s AS2 and MDN hosts from a refused Receipt-Delivery-Option', async () => {
    for (const option of ['https://probe.attacker.example/mdn', 'https://as2-inbound.secretive.example:1/mdn']) {
      const res = await fetch(`${server.url}/as2`, {
        method: 'POST',
        headers: {
          'AS2-Version': '1.2',
          'AS2-From': 'SECRETIVE',
          'AS2-To': ourAs2Id,
          'Message-ID': `<${randomBytes(8).toString('hex')}@attacker.example>`,
          'Content-Type': 'application/pkcs7-mime; smime-type=enveloped-data; name=smime.p7m',
          'Disposition-Notification-To': 'x@attacker.example',
          'Receipt-Delivery-Option': option,
        },
        body: new Uint8Array([1, 2, 3]),
      });
      const body = await res.text();
      expect(res.status).toBe(403);
      expect(body).toContain('Receipt-Delivery-Option');
      expect(body).not.toContain('secretive.example:8443');
      expect(body).not.toContain('mdn.secretive.example');
    }
    // Our administrators still see why, in the refusal's audit entry.
    const audited = await db.get<{ reason: string }>("SELECT reason FROM audit_log WHERE action = 'as2.message_refused' AND reason LIKE '%probe.attacker.example%'");
    expect(audited?.reason).toContain('mdn.secretive.example');
  });
});

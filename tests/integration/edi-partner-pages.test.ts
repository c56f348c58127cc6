// The EDI partner admin pages (/admin/partners, /admin/partners/[id], identity.pem) against the
// real server on a fresh SQLite file, posted as a browser without JavaScript would (multipart
// for certificate files): what a manufacturer administrator can do there, with certificates
// from tests/fixtures/as2 and made by OpenSSL; our certificate downloaded and read by OpenSSL;
// that nobody else gets in (403 for QA, supplier and distributor users; sign-in for
// anonymous visitors); and the pages in Chinese.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../shared/db/index.ts';
import { OpensslDir } from '../support/openssl.ts';
import type { RunningServer } from '../support/server.ts';
import { BrowserClient, openServerDb, signInDirectly, startBuiltServer, markup } from '../support/portal.ts';
import { demo } from '../support/demo.ts';
import { postMultipart } from '../support/uploads.ts';

const fixturesDir = join(fileURLToPath(new URL('.', import.meta.url)), '../fixtures/as2');
const admin = demo('manufacturer_admin');
const outsiders = [demo('manufacturer_qa'), demo('supplier_user'), demo('distributor_user')];

const fixture = (name: string) => new Uint8Array(readFileSync(join(fixturesDir, name)));

let server: RunningServer;
let db: Db;
let ssl: OpensslDir;
let client: BrowserClient;
let partnerId: string;

beforeAll(async () => {
  server = await startBuiltServer();
  db = openServerDb(server);
  ssl = new OpensslDir('edi-partner-pages-');
  client = new BrowserClient(server.url);
  await signInDirectly(client, db, admin.email);
});
afterAll(async () => {
  db?.close();
  await server?.stop();
});

describe('a manufacturer administrator', () => {
  it('sees the page linked from the navigation, with our AS2 id', async () => {
    const home = await markup(await client.get('/home'));
    expect(home).toContain('href="./admin/partners">EDI partners</a>');
    const page = await markup(await client.get('/admin/partners'));
    expect(page).toContain('<h1>EDI partners</h1>');
    expect(page).toMatch(/data-testid="our-as2-id">LOTBRIDGE</);
  });

  it('generates our key pair (once) and downloads our certificate, which OpenSSL reads', async () => {
    for (let i = 0; i < 2; i++) {
      const res = await client.postForm('/admin/partners?/generateIdentity', {});
      expect(res.status).toBe(200);
      await res.body?.cancel();
    }
    const keys = await db.all<{ fingerprint_sha256: string }>("SELECT fingerprint_sha256 FROM as2_identity_keys WHERE state = 'active'");
    expect(keys).toHaveLength(1);
    const page = await markup(await client.get('/admin/partners'));
    expect(page).toContain(keys[0]!.fingerprint_sha256.toUpperCase().replace(/(..)(?!$)/g, '$1:'));
    expect(page).toContain('signs and decrypts');

    const pem = await client.get('/admin/partners/identity.pem');
    expect(pem.status).toBe(200);
    expect(pem.headers.get('content-type')).toBe('application/x-pem-file');
    expect(pem.headers.get('content-disposition')).toBe("attachment; filename=\"LOTBRIDGE.pem\"; filename*=UTF-8''LOTBRIDGE.pem");
    const file = ssl.write('ours.pem', new Uint8Array(await pem.arrayBuffer()));
    const out = ssl.ok(['x509', '-in', file, '-noout', '-fingerprint', '-sha256', '-subject', '-nameopt', 'RFC2253,-esc_msb']).toString();
    expect(out.replace(/:/g, '').toLowerCase()).toContain(keys[0]!.fingerprint_sha256);
    expect(out).toContain('subject=CN=LOTBRIDGE,O=');
  });

  it('adds a partner with two certificate files, and sees the one expiring soon flagged', async () => {
    // Expires in 5 days by the server's (real) clock: made by OpenSSL for this test.
    ssl.ok(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'soon.key', '-out', 'soon.pem', '-days', '5', '-subj', '/O=Harbour Medical/CN=harbour-next']);
    const res = await postMultipart(
      client,
      '/admin/partners?/add',
      { organisationId: '', name: 'Harbour Medical 港湾医疗', kind: 'distributor', as2Id: 'HARBOUR MED', as2Url: 'https://as2.harbour.example/as2', ediId: '4012345000009:14' },
      [
        { field: 'certificates', name: 'phase2_mendelson_key4.cer', bytes: fixture('phase2_mendelson_key4.cer') },
        { field: 'certificates', name: 'soon.pem', bytes: new Uint8Array(ssl.read('soon.pem')) },
      ],
    );
    expect(res.status).toBe(200);
    const html = await markup(res);
    expect(html).toContain('Partner HARBOUR MED was added.');
    expect(html).toMatch(/certificate "O=Harbour Medical, CN=harbour-next" \(serial [0-9a-f]+\) expires on [^,]+, in [45] day\(s\)/);

    const partner = (await db.get<{ id: string; organisation_id: string; edi_id: string; edi_qualifier: string }>("SELECT id, organisation_id, edi_id, edi_qualifier FROM edi_partners WHERE as2_id = 'HARBOUR MED'"))!;
    partnerId = partner.id;
    expect(partner).toMatchObject({ edi_id: '4012345000009', edi_qualifier: '14' });
    expect(await db.get('SELECT name, kind FROM organisations WHERE id = ?', [partner.organisation_id])).toEqual({ name: 'Harbour Medical 港湾医疗', kind: 'distributor' });
    expect((await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM edi_partner_certificates WHERE partner_id = ?', [partner.id]))!.n).toBe(2);

    const list = await markup(await client.get('/admin/partners'));
    const row = list.slice(list.indexOf('data-partner="HARBOUR MED"'));
    expect(row).toContain('Harbour Medical 港湾医疗');
    expect(row).toContain('https://as2.harbour.example/as2');
    expect(row).toContain('4012345000009:14');
    expect(row).toContain('2 current');
    expect(row).toContain('2f569f1a00c6fafd…');
    expect(row).toMatch(/data-testid="certificate-warning">expires in [45] days</);
  });

  it('is told every problem of a refused partner at once, with the field paths, and nothing is stored', async () => {
    const before = (await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM edi_partners'))!.n;
    const res = await postMultipart(
      client,
      '/admin/partners?/add',
      { organisationId: '', name: 'Refused Trading', kind: 'supplier', as2Id: 'HARBOUR MED', as2Url: 'ftp://x.example', ediId: '' },
      [
        { field: 'certificates', name: 'phase2_mdn_20190925-david.pem', bytes: fixture('phase2_mdn_20190925-david.pem') },
        { field: 'certificates', name: 'libas2_libas2community.key', bytes: fixture('libas2_libas2community.key') },
      ],
    );
    expect(res.status).toBe(400);
    const html = await markup(res);
    const error = html.slice(html.indexOf('data-testid="add-error"'));
    expect(error).toContain('Please correct the highlighted fields.');
    // A typed field says its problem beside it; the certificates' problems are listed in the alert.
    expect(error).toMatch(/<input id="partner-as2-id" aria-invalid="true" aria-describedby="partner-as2-id-problem"/);
    expect(error).toMatch(/id="partner-as2-id-problem"[^>]*>"HARBOUR MED" is already the AS2 id of Harbour Medical 港湾医疗\.</);
    expect(error).toMatch(/id="partner-as2-url-problem"[^>]*>Must start with http:\/\/ or https:\/\/ \(got ftp:\/\/\)\.</);
    expect(error).not.toContain('<code>as2Id</code>');
    expect(error).toContain('<code>certificates[0]</code>: phase2_mdn_20190925-david.pem: certificate "CN=PDK000270, OU=PEPPOL PRODUCTION AP, O=BRZ, C=AT" (serial 19660524bc4de0b25016685df7263519) expired on 2021-02-11T23:59:59.000Z');
    expect(error).toContain('<code>certificates[1]</code>: libas2_libas2community.key contains a private key');
    // What was typed stays in the form.
    expect(html).toContain('value="Refused Trading"');
    expect((await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM edi_partners'))!.n).toBe(before);
    expect(await db.get("SELECT id FROM organisations WHERE name = 'Refused Trading'")).toBeUndefined();
  });

  it('accepts a partner AS2 URL inside our network only when ticked internal, and shows the tick on its profile', async () => {
    const fields = { organisationId: '', name: 'Inside Logistics', kind: 'distributor', as2Id: 'INSIDE LOG', as2Url: 'http://192.168.10.5:4080/as2', ediId: '' };
    const refused = await postMultipart(client, '/admin/partners?/add', fields, []);
    expect(refused.status).toBe(400);
    const html = await markup(refused);
    const error = html.slice(html.indexOf('data-testid="add-error"'));
    expect(error).toContain(
      'id="partner-as2-url-problem" data-problem="net.internalAddress">192.168.10.5 is an address inside a private network (192.168.10.5). Tick “Internal endpoint” only if this endpoint really is inside our own network.',
    );
    expect(await db.get("SELECT COUNT(*) AS n FROM edi_partners WHERE as2_id = 'INSIDE LOG'")).toEqual({ n: 0 });

    const added = await postMultipart(client, '/admin/partners?/add', { ...fields, as2UrlInternal: 'on' }, []);
    expect(added.status).toBe(200);
    const row = await db.get<{ id: string; as2_url_internal: number }>("SELECT id, as2_url_internal FROM edi_partners WHERE as2_id = 'INSIDE LOG'");
    expect(row?.as2_url_internal).toBe(1);
    const profile = await markup(await client.get(`/admin/partners/${row!.id}`));
    expect(profile).toMatch(/<input type="checkbox" name="as2UrlInternal" checked[^>]*>\s*Internal endpoint: this address is inside our own network/);
  });

  it('edits the profile options; the audit trail has the old and new values', async () => {
    const page = await markup(await client.get(`/admin/partners/${partnerId}`));
    expect(page).toContain('<h1>EDI partner HARBOUR MED</h1>');
    expect(page).toMatch(/<option value="aes-256-cbc" selected/);
    const res = await client.postForm(`/admin/partners/${partnerId}?/update`, {
      as2Url: 'https://as2.harbour.example/v2/as2',
      ediId: '4012345000009:14',
      state: 'active',
      requireSigned: 'on',
      // requireEncrypted unticked: the partner sends signed-only messages
      compress: 'on',
      encryptionAlgorithm: 'aes-128-gcm',
      signingAlgorithm: 'sha-384',
      signaturePadding: 'pss',
      keyTransport: 'rsa-oaep',
      mdn: 'async',
      mdnSigned: 'on',
      reason: 'partner upgraded to mendelson 2024',
    });
    expect(res.status).toBe(200);
    const html = await markup(res);
    expect(html).toMatch(/data-testid="saved">Saved: [^<]*as2Url/);
    const row = await db.get('SELECT as2_url, require_signed, require_encrypted, compress, encryption_algorithm, signing_algorithm, signature_padding, key_transport, mdn, mdn_signed FROM edi_partners WHERE id = ?', [partnerId]);
    expect(row).toEqual({
      as2_url: 'https://as2.harbour.example/v2/as2',
      require_signed: 1,
      require_encrypted: 0,
      compress: 1,
      encryption_algorithm: 'aes-128-gcm',
      signing_algorithm: 'sha-384',
      signature_padding: 'pss',
      key_transport: 'rsa-oaep',
      mdn: 'async',
      mdn_signed: 1,
    });
    const audit = (await db.get<{ old_values: string; new_values: string; reason: string; actor_name: string }>(
      "SELECT old_values, new_values, reason, actor_name FROM audit_log WHERE action = 'edi_partner.updated' AND entity_id = ? ORDER BY seq DESC LIMIT 1",
      [partnerId],
    ))!;
    expect(audit.actor_name).toBe(admin.displayName);
    expect(audit.reason).toBe('partner upgraded to mendelson 2024');
    expect(JSON.parse(audit.old_values)).toMatchObject({ requireEncrypted: true, encryptionAlgorithm: 'aes-256-cbc', mdn: 'sync' });
    expect(JSON.parse(audit.new_values)).toMatchObject({ requireEncrypted: false, encryptionAlgorithm: 'aes-128-gcm', mdn: 'async' });

    const bad = await client.postForm(`/admin/partners/${partnerId}?/update`, { as2Url: '', ediId: '', state: 'active', encryptionAlgorithm: 'rc2-40', signingAlgorithm: 'md5', signaturePadding: 'pss', keyTransport: 'rsa-oaep', mdn: 'async' });
    expect(bad.status).toBe(400);
    const badHtml = await markup(bad);
    expect(badHtml).toContain('<code>options.encryptionAlgorithm</code>: Must be one of');
    expect(badHtml).toContain('<code>options.signingAlgorithm</code>: Must be one of sha-1, sha-256, sha-384, sha-512 (got "md5").');
  });

  it('sets the inbound limits (compressed layers, async MDN hosts, internal addresses); audited with old and new values; a bad host is refused by field', async () => {
    const page = await markup(await client.get(`/admin/partners/${partnerId}`));
    expect(page).toMatch(/<option value="1" selected/);
    expect(page).toContain('name="asyncMdnHosts"');
    const form = { as2Url: 'https://as2.harbour.example/v2/as2', ediId: '4012345000009:14', state: 'active', requireSigned: 'on', compress: 'on', encryptionAlgorithm: 'aes-128-gcm', signingAlgorithm: 'sha-384', signaturePadding: 'pss', keyTransport: 'rsa-oaep', mdn: 'async', mdnSigned: 'on' };
    const res = await client.postForm(`/admin/partners/${partnerId}?/update`, { ...form, maxCompressionLayers: '2', asyncMdnHosts: 'mdn.harbour.example, 10.20.0.5', asyncMdnPrivate: 'on', reason: 'MDNs from their internal gateway' });
    expect(res.status).toBe(200);
    expect(await db.get('SELECT max_compression_layers, async_mdn_hosts, async_mdn_private FROM edi_partners WHERE id = ?', [partnerId])).toEqual({
      max_compression_layers: 2,
      async_mdn_hosts: '10.20.0.5 mdn.harbour.example',
      async_mdn_private: 1,
    });
    const audit = (await db.get<{ old_values: string; new_values: string }>("SELECT old_values, new_values FROM audit_log WHERE action = 'edi_partner.updated' AND entity_id = ? ORDER BY seq DESC LIMIT 1", [partnerId]))!;
    expect(JSON.parse(audit.old_values)).toEqual({ maxCompressionLayers: 1, asyncMdnHosts: '', asyncMdnPrivate: false });
    expect(JSON.parse(audit.new_values)).toEqual({ maxCompressionLayers: 2, asyncMdnHosts: '10.20.0.5 mdn.harbour.example', asyncMdnPrivate: true });

    const bad = await client.postForm(`/admin/partners/${partnerId}?/update`, { ...form, maxCompressionLayers: '9', asyncMdnHosts: 'http://', asyncMdnPrivate: 'on' });
    expect(bad.status).toBe(400);
    const badHtml = await markup(bad);
    expect(badHtml).toContain('<code>options.maxCompressionLayers</code>: Must be a whole number from 0 to 8');
    expect(badHtml).toMatch(/<input id="async-mdn-hosts" aria-invalid="true"/);
    expect(badHtml).toContain('id="async-mdn-hosts-problem" data-problem="partners.badHost">"http://" is not a host name or IP address');
  });

  it('uploads another certificate and removes one; the removed one stays listed with its time', async () => {
    const add = await postMultipart(client, `/admin/partners/${partnerId}?/addCertificate`, { usage: '' }, [{ field: 'certificate', name: 'libas2_as2testing.cer', bytes: fixture('libas2_as2testing.cer') }]);
    expect(add.status).toBe(200);
    expect(await markup(add)).toContain('The certificate was added beside the current ones.');
    const expired = await postMultipart(client, `/admin/partners/${partnerId}?/addCertificate`, { usage: '' }, [{ field: 'certificate', name: 'phase2_mdn_4af6f84c-d882-4466-8e0c-305a7fbe37b3.pem', bytes: fixture('phase2_mdn_4af6f84c-d882-4466-8e0c-305a7fbe37b3.pem') }]);
    expect(expired.status).toBe(400);
    expect(await markup(expired)).toContain('expired on 2020-07-21T23:59:59.000Z');

    const mendelson = (await db.get<{ id: string }>("SELECT id FROM edi_partner_certificates WHERE partner_id = ? AND subject LIKE '%mendelson%'", [partnerId]))!;
    const remove = await client.postForm(`/admin/partners/${partnerId}?/removeCertificate`, { certificateId: mendelson.id, reason: 'replaced' });
    expect(remove.status).toBe(200);
    const html = await markup(remove);
    expect(html).toContain('The certificate was removed; it stays listed with its removal time.');
    const removedRow = html.slice(html.indexOf('data-certificate="2f569f1a00c6fafd'));
    expect(removedRow).toMatch(/data-testid="removed">removed \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}</);
    expect(await db.get('SELECT removed_at IS NOT NULL AS removed FROM edi_partner_certificates WHERE id = ?', [mendelson.id])).toEqual({ removed: 1 });
    const list = await markup(await client.get('/admin/partners'));
    expect(list.slice(list.indexOf('data-partner="HARBOUR MED"'))).toContain('2 current');
  });

  it('reads the pages in Chinese', async () => {
    const zh = new BrowserClient(server.url);
    zh.cookies.set('lang', 'zh-CN');
    await signInDirectly(zh, db, admin.email);
    const list = await markup(await zh.get('/admin/partners'));
    expect(list).toContain('<html lang="zh-CN"');
    expect(list).toContain('<h1>EDI 合作伙伴</h1>');
    expect(list).toContain('我方 AS2 身份');
    expect(list).toContain('下载我方证书（PEM）');
    expect(list).toContain('添加合作伙伴');
    expect(list).toMatch(/天后过期/);
    const detail = await markup(await zh.get(`/admin/partners/${partnerId}`));
    expect(detail).toContain('<h1>EDI 合作伙伴 HARBOUR MED</h1>');
    expect(detail).toContain('对接收报文的要求');
    expect(detail).toContain('SHA-256 指纹');
    expect(detail).toMatch(/已于 \d{4}-\d{2}-\d{2} [\d:]+ 移除/);
  });
});

describe('anonymous visitors', () => {
  it('are sent to sign in', async () => {
    const anonymous = new BrowserClient(server.url);
    for (const path of ['/admin/partners', '/admin/partners/identity.pem']) {
      const res = await anonymous.get(path);
      expect(res.status, path).toBe(303);
      expect(res.headers.get('location')).toBe(`/login?redirectTo=${encodeURIComponent(path)}`);
    }
  });
});

describe.each(outsiders)('a $role ($email)', (user) => {
  let other: BrowserClient;
  beforeAll(async () => {
    other = new BrowserClient(server.url);
    await signInDirectly(other, db, user.email);
  });

  it('gets 403 on every partner page and sees no navigation link', async () => {
    for (const path of ['/admin/partners', `/admin/partners/${partnerId}`, '/admin/partners/identity.pem']) {
      const res = await other.get(path);
      expect(res.status, path).toBe(403);
      await res.body?.cancel();
    }
    expect(await markup(await other.get('/home'))).not.toContain('/admin/partners');
  });

  it('cannot add, edit or remove anything', async () => {
    const partners = (await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM edi_partners'))!.n;
    const add = await postMultipart(other, '/admin/partners?/add', { organisationId: '', name: `Intruder ${user.role}`, kind: 'supplier', as2Id: `INTRUDER-${user.role}` }, []);
    expect(add.status).toBe(403);
    const update = await other.postForm(`/admin/partners/${partnerId}?/update`, { state: 'disabled', encryptionAlgorithm: 'aes-128-cbc', signingAlgorithm: 'sha-1', signaturePadding: 'pss', keyTransport: 'rsa-oaep', mdn: 'none' });
    expect(update.status).toBe(403);
    const cert = (await db.get<{ id: string }>('SELECT id FROM edi_partner_certificates WHERE partner_id = ? AND removed_at IS NULL LIMIT 1', [partnerId]))!;
    const remove = await other.postForm(`/admin/partners/${partnerId}?/removeCertificate`, { certificateId: cert.id });
    expect(remove.status).toBe(403);
    const rotate = await other.postForm('/admin/partners?/rotateIdentity', {});
    expect(rotate.status).toBe(403);
    expect((await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM edi_partners'))!.n).toBe(partners);
    expect(await db.get('SELECT state FROM edi_partners WHERE id = ?', [partnerId])).toEqual({ state: 'active' });
    expect(await db.get('SELECT removed_at FROM edi_partner_certificates WHERE id = ?', [cert.id])).toEqual({ removed_at: null });
    expect((await db.get<{ n: number }>("SELECT COUNT(*) AS n FROM as2_identity_keys WHERE state = 'active'"))!.n).toBe(1);
  });
});

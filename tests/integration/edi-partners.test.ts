// EDI partner profiles and our AS2 identity on a real SQLite file: validation that lists every
// problem at once by field path; certificates from real fixtures (tests/fixtures/as2, copied
// from ../shared/fixtures/as2/permissive, and the copyleft pyas2-lib ones read in place) checked
// against OpenSSL's own reading; an expired certificate refused with its expiry date; rollover
// with two current certificates; removal that keeps the row; our key pair generated once and
// checked by OpenSSL, rotation that keeps the old key for decryption; only administrators
// write; the audit trail. Then the same through the real CLI (`lotbridge partner …`, `as2 …`).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Actor, Role } from '../../shared/auth/actor.ts';
import { verifyAuditChain } from '../../shared/audit/verify-audit-chain.ts';
import { type AppError } from '../../shared/errors.ts';
import { translateProblem } from '../../shared/i18n/index.ts';
import { createOrganisation } from '../../shared/organisations/create-organisation.ts';
import { addPartner } from '../../shared/edi/partners/add-partner.ts';
import { addPartnerCertificate } from '../../shared/edi/partners/add-partner-certificate.ts';
import { removePartnerCertificate } from '../../shared/edi/partners/remove-partner-certificate.ts';
import { listPartners } from '../../shared/edi/partners/list-partners.ts';
import { getPartner } from '../../shared/edi/partners/get-partner.ts';
import { updatePartner } from '../../shared/edi/partners/update-partner.ts';
import { ensureAs2Identity } from '../../shared/edi/identity/ensure-as2-identity.ts';
import { getAs2Identity } from '../../shared/edi/identity/get-as2-identity.ts';
import { rotateAs2Identity } from '../../shared/edi/identity/rotate-as2-identity.ts';
import { retireAs2IdentityKey } from '../../shared/edi/identity/retire-as2-identity-key.ts';
import { loadAs2Keys } from '../../shared/edi/identity/load-as2-keys.ts';
import { findPartnerByAs2Id, findPartnerByEdiId } from '../../shared/edi/partners/find-partner.ts';
import { as2NameHeader } from '../../shared/edi/partners/partner-profile.ts';
import { testDatabase, type TestDatabase } from '../support/database.ts';
import { OpensslDir } from '../support/openssl.ts';
import { runCli } from '../support/server.ts';
import { localFixture, needs, sharedFixture } from '../support/fixtures.ts';
import { refusal } from '../support/refusal.ts';

const fixturesDir = localFixture('as2');
const copyleftDir = sharedFixture('as2', 'copyleft');

/** A fixture as an upload: its file name and bytes. */
const fixture = (name: string, dir = fixturesDir) => ({ fileName: name, data: new Uint8Array(readFileSync(join(dir, name))) });

const mendelson = 'phase2_mendelson_key4.cer'; // 2017-12-08 … 2027-12-06, keyUsage digitalSignature + keyEncipherment
const as2testing = 'libas2_as2testing.cer'; // 2020-05-15 … 2030-05-14, no extensions
const community = 'libas2_libas2community.cer'; // 2020-05-02 … 2030-05-03
const davidExpired = 'phase2_mdn_20190925-david.pem'; // expired 2021-02-11 (MANIFEST: verify must fail with CertificateExpired)
const popExpired = 'phase2_mdn_4af6f84c-d882-4466-8e0c-305a7fbe37b3.pem'; // expired 2020-07-21

const system = { type: 'system' as const, id: 'test', name: 'edi partners test' };
const day = 86_400_000;

let t: TestDatabase;
let ssl: OpensslDir;
let manufacturerId: string;
let n = 0;

function actor(role: Role, organisationId = manufacturerId, kind: Actor['organisationKind'] = 'manufacturer'): Actor {
  return { userId: `usr_${role}`, email: `${role}@example.test`, displayName: `Test ${role}`, organisationId, organisationName: 'Org', organisationKind: kind, role };
}
let admin: Actor;

/** What OpenSSL says of a certificate file: subject-independent facts to compare with ours. */
function opensslFacts(path: string, inform: 'PEM' | 'DER' = 'PEM'): { fingerprint: string; serial: string; notAfter: Date; notBefore: Date } {
  const out = ssl.ok(['x509', '-inform', inform, '-in', path, '-noout', '-fingerprint', '-sha256', '-serial', '-startdate', '-enddate']).toString();
  const get = (re: RegExp) => re.exec(out)![1]!;
  return {
    fingerprint: get(/Fingerprint=([0-9A-F:]+)/).replace(/:/g, '').toLowerCase(),
    serial: get(/serial=([0-9A-F]+)/).toLowerCase(),
    notBefore: new Date(get(/notBefore=(.+)/)),
    notAfter: new Date(get(/notAfter=(.+)/)),
  };
}

/** A refusal's problems worded in English, by field path (as the CLI and problem+json say them). */
const worded = (e: AppError) => Object.fromEntries(Object.entries(e.problems ?? {}).map(([path, p]) => [path, translateProblem('en', p)]));

const auditOf = (action: string) =>
  t.db.all<{ entity_id: string; actor_name: string; old_values: string | null; new_values: string | null; reason: string | null }>(
    'SELECT entity_id, actor_name, old_values, new_values, reason FROM audit_log WHERE action = ? ORDER BY seq',
    [action],
  );
const count = async (sql: string, args: string[] = []) => (await t.db.get<{ n: number }>(sql, args))!.n;
const uniqueAs2 = (prefix: string) => `${prefix}-${++n}`;

beforeAll(async () => {
  t = await testDatabase();
  ssl = new OpensslDir('edi-partners-');
  manufacturerId = (await createOrganisation(t.ctx, system, { name: 'Meridian Medical 医疗器械', kind: 'manufacturer' })).id;
  admin = actor('manufacturer_admin');
});
afterAll(async () => {
  if (t) expect((await verifyAuditChain(t.db)).ok).toBe(true);
  t?.close();
});
beforeEach(() => t.clock.set('2026-03-02T09:00:00.000Z'));

describe('adding a partner', () => {
  it('creates the organisation and the partner, with certificates from real PEM and DER files read as OpenSSL reads them', async () => {
    const der = ssl.path('mendelson.der');
    ssl.ok(['x509', '-in', join(fixturesDir, mendelson), '-outform', 'DER', '-out', der]);
    const added = await addPartner(t.ctx, admin, {
      name: 'Shenzhen Precision Parts 深圳精密',
      kind: 'supplier',
      as2Id: 'SZPP-AS2',
      as2Url: 'https://as2.szpp.example.cn/as2',
      ediId: '6901234000004:14',
      certificates: [fixture(as2testing), { fileName: 'mendelson.der', data: new Uint8Array(readFileSync(der)) }],
    });
    expect(added.organisationCreated).toBe(true);
    expect(added.warnings).toEqual([]);
    const p = added.partner;
    expect(p).toMatchObject({
      organisationName: 'Shenzhen Precision Parts 深圳精密',
      organisationKind: 'supplier',
      as2Id: 'SZPP-AS2',
      as2Url: 'https://as2.szpp.example.cn/as2',
      ediId: '6901234000004',
      ediQualifier: '14',
      requireSigned: true,
      requireEncrypted: true,
      compress: false,
      encryptionAlgorithm: 'aes-256-cbc',
      signingAlgorithm: 'sha-256',
      signaturePadding: 'pkcs1-v1.5',
      keyTransport: 'rsa-pkcs1-v1.5',
      mdn: 'sync',
      mdnSigned: true,
      state: 'active',
    });
    expect(await t.db.get('SELECT kind FROM organisations WHERE id = ?', [p.organisationId])).toEqual({ kind: 'supplier' });

    // Our reading of each file equals OpenSSL's, PEM and DER alike.
    for (const [file, inform] of [[join(fixturesDir, as2testing), 'PEM'], [der, 'DER']] as const) {
      const facts = opensslFacts(file, inform);
      const ours = added.certificates.find((c) => c.fingerprintSha256 === facts.fingerprint);
      expect(ours, file).toBeDefined();
      expect(ours!.serialNumber).toBe(facts.serial);
      expect(Date.parse(ours!.validity.notAfter)).toBe(facts.notAfter.getTime());
      expect(Date.parse(ours!.validity.notBefore)).toBe(facts.notBefore.getTime());
    }
    const m = added.certificates.find((c) => c.subject.includes('mendelson test key 4'))!;
    expect(m.subject).toBe('emailAddress=service@mendelson.de, C=DE, ST=Berlin, L=Berlin, O=mendelson-e-commerce GmbH, OU=Do not use in production, CN=mendelson test key 4');
    expect(m.usage).toBe('both'); // its keyUsage has digitalSignature and keyEncipherment
    expect(m.pem).toMatch(/^-----BEGIN CERTIFICATE-----\n/);

    // The AS2 and EDIFACT pipelines find it by AS2-From (byte for byte) and by UNB sender.
    expect((await findPartnerByAs2Id(t.db, 'SZPP-AS2', t.clock.now()))?.certificates).toHaveLength(2);
    expect(await findPartnerByAs2Id(t.db, 'szpp-as2', t.clock.now())).toBeUndefined();
    expect((await findPartnerByEdiId(t.db, '6901234000004', '14', t.clock.now()))?.id).toBe(p.id);

    const created = await auditOf('edi_partner.created');
    expect(created.at(-1)).toMatchObject({ entity_id: p.id, actor_name: 'Test manufacturer_admin' });
    expect(JSON.parse(created.at(-1)!.new_values!)).toMatchObject({ as2Id: 'SZPP-AS2', ediId: '6901234000004', ediQualifier: '14', mdn: 'sync' });
    expect((await auditOf('organisation.created')).some((a) => a.entity_id === p.organisationId)).toBe(true);
    const certAudit = (await auditOf('edi_partner_certificate.added')).filter((a) => JSON.parse(a.new_values!).partnerId === p.id);
    expect(certAudit.map((a) => JSON.parse(a.new_values!).fingerprintSha256).sort()).toEqual(added.certificates.map((c) => c.fingerprintSha256).sort());
    expect(certAudit.every((a) => !a.new_values!.includes('BEGIN CERTIFICATE'))).toBe(true);
  });

  it('lists every problem at once, by field path, and writes nothing', async () => {
    const before = await count('SELECT COUNT(*) AS n FROM organisations');
    const e = await refusal(
      addPartner(t.ctx, admin, {
        name: 'Broken Partner Ltd',
        kind: 'wholesaler',
        as2Id: 'X'.repeat(129),
        as2Url: 'ftp://as2.example.com/',
        ediId: '4012345000009:14:extra',
        options: { mdn: 'maybe', compress: 'yes', encryptionAlgorithm: 'rc2-40' },
        certificates: [fixture(davidExpired), fixture('libas2_libas2community.key'), fixture('phase2_mendelson_key3.pfx'), fixture('libas2_content.txt'), fixture(community), fixture(community)],
      }),
    );
    expect(e.code).toBe('invalid_input');
    expect(Object.keys(e.problems!).sort()).toEqual(
      ['as2Id', 'as2Url', 'ediId', 'kind', 'options.mdn', 'options.compress', 'options.encryptionAlgorithm', 'certificates[0]', 'certificates[1]', 'certificates[2]', 'certificates[3]', 'certificates[5]'].sort(),
    );
    expect(e.problems!.as2Id).toEqual({ code: 'partners.as2IdTooLong', params: { length: 129 } });
    expect(e.problems!.kind).toEqual({ code: 'partners.notOneOf', params: { choices: 'supplier, distributor', value: 'wholesaler' } });
    expect(e.problems!['certificates[1]']).toEqual({ code: 'partners.certPrivateKey', params: { file: 'libas2_libas2community.key' } });
    expect(e.problems!['certificates[5]']).toEqual({ code: 'partners.sameCertificate', params: { file: community, other: 'certificates[4]' } });
    const said = worded(e);
    expect(said.as2Id).toMatch(/at most 128 characters.*129/i);
    expect(said.as2Url).toMatch(/http:\/\/ or https:\/\/.*ftp:/);
    expect(said.kind).toMatch(/supplier, distributor.*wholesaler/);
    expect(said['options.mdn']).toMatch(/sync, async, none.*maybe/);
    expect(said['options.encryptionAlgorithm']).toMatch(/aes-128-cbc.*des-ede3-cbc.*rc2-40/);
    expect(said['certificates[0]']).toContain('expired on 2021-02-11T23:59:59.000Z');
    expect(said['certificates[1]']).toMatch(/libas2_libas2community\.key contains a private key/);
    expect(said['certificates[2]']).toMatch(/phase2_mendelson_key3\.pfx is not a certificate: the ASN\.1 structure is not an X\.509 Certificate/);
    expect(said['certificates[3]']).toMatch(/libas2_content\.txt is not a certificate: not valid DER/);
    expect(said['certificates[5]']).toBe(`${community} is the same certificate as certificates[4].`);
    expect(await count('SELECT COUNT(*) AS n FROM organisations')).toBe(before);
    expect(await count("SELECT COUNT(*) AS n FROM edi_partners WHERE as2_id LIKE 'XXX%'")).toBe(0);
  });

  it.each([
    [davidExpired, '2021-02-11T23:59:59.000Z', 'CN=PDK000270, OU=PEPPOL PRODUCTION AP, O=BRZ, C=AT'],
    [popExpired, '2020-07-21T23:59:59.000Z', 'CN=POP000046, OU=PEPPOL PRODUCTION AP, O=Financijska agencija, C=HR'],
  ])('refuses the expired certificate %s with its expiry date', async (file, expiry, subject) => {
    const e = await refusal(addPartner(t.ctx, admin, { name: 'Expired Certs Inc', kind: 'distributor', as2Id: uniqueAs2('EXP'), certificates: [fixture(file)] }));
    expect(e.problems).toEqual({ 'certificates[0]': { code: 'partners.certExpired', params: expect.objectContaining({ date: expiry, subject }) } });
    expect(worded(e)).toEqual({ 'certificates[0]': expect.stringContaining(`expired on ${expiry}`) });
    expect(worded(e)['certificates[0]']).toContain(`"${subject}"`);
    expect(opensslFacts(join(fixturesDir, file)).notAfter.toISOString()).toBe(expiry);
  });

  it('accepts a certificate that is not valid yet, with a warning', async () => {
    t.clock.set('2016-06-01T00:00:00Z');
    const added = await addPartner(t.ctx, admin, { name: 'Early Bird GmbH', kind: 'supplier', as2Id: uniqueAs2('EARLY'), certificates: [fixture(mendelson)] });
    expect(added.warnings).toEqual([expect.stringMatching(/mendelson test key 4.*not valid before 2017-12-08T09:30:48\.000Z/)]);
    expect(added.certificates[0]!.validity.warning).toBe('not_yet_valid');
  });

  it('treats AS2 ids by RFC 4130: 1–128 printable ASCII, case-sensitive, quoted when they hold a space or a quote', async () => {
    const long = 'A'.repeat(128);
    const quoted = 'ACME "EU" Hub';
    for (const as2Id of [long, quoted, 'PartnerCase', 'partnercase']) {
      const added = await addPartner(t.ctx, admin, { name: `RFC partner ${as2Id.slice(0, 20)}`, kind: 'supplier', as2Id });
      expect(added.partner.as2Id).toBe(as2Id);
    }
    expect(as2NameHeader(quoted)).toBe('"ACME \\"EU\\" Hub"');
    expect(as2NameHeader('PartnerCase')).toBe('PartnerCase');
    const again = await refusal(addPartner(t.ctx, admin, { name: 'Copycat', kind: 'supplier', as2Id: 'PartnerCase' }));
    expect(again.problems).toEqual({ as2Id: { code: 'partners.as2IdTaken', params: { as2Id: 'PartnerCase', owner: 'RFC partner PartnerCase' } } });
    expect(worded(again)).toEqual({ as2Id: '"PartnerCase" is already the AS2 id of RFC partner PartnerCase.' });
    const umlaut = await refusal(addPartner(t.ctx, admin, { name: 'Müller AG', kind: 'supplier', as2Id: 'MÜLLER' }));
    expect(worded(umlaut).as2Id).toMatch(/printable US-ASCII.*U\+00DC/);
    const spaced = await refusal(addPartner(t.ctx, admin, { name: 'Space AG', kind: 'supplier', as2Id: ' SPACE' }));
    expect(spaced.problems!.as2Id).toEqual({ code: 'partners.as2IdSpaces' });
    expect(worded(spaced).as2Id).toBe('Must not begin or end with a space.');
    const empty = await refusal(addPartner(t.ctx, admin, { name: 'Empty AG', kind: 'supplier', as2Id: '' }));
    expect(empty.problems!.as2Id).toEqual({ code: 'common.required' });
  });

  it('keeps each EDI sender id (id + qualifier) to one partner', async () => {
    await addPartner(t.ctx, admin, { name: 'GLN One', kind: 'distributor', as2Id: uniqueAs2('GLN'), ediId: '4000001000005:14' });
    const taken = await refusal(addPartner(t.ctx, admin, { name: 'GLN Two', kind: 'distributor', as2Id: uniqueAs2('GLN'), ediId: '4000001000005:14' }));
    expect(taken.problems).toEqual({ ediId: { code: 'partners.ediIdTaken', params: { ediId: '4000001000005:14', owner: 'GLN One' } } });
    expect(worded(taken)).toEqual({ ediId: '4000001000005:14 is already the EDI id of GLN One.' });
    // The same id under another qualifier is another sender.
    await addPartner(t.ctx, admin, { name: 'GLN Three', kind: 'distributor', as2Id: uniqueAs2('GLN'), ediId: '4000001000005:ZZZ' });
    const bad = await refusal(addPartner(t.ctx, admin, { name: 'GLN Four', kind: 'distributor', as2Id: uniqueAs2('GLN'), ediId: "40+01'" }));
    expect(bad.problems!.ediId?.code).toBe('partners.badEdiId');
    expect(worded(bad).ediId).toMatch(/EDIFACT service characters/);
  });

  it('attaches to an existing supplier or distributor by id or name, never to the manufacturer', async () => {
    const org = await createOrganisation(t.ctx, system, { name: 'Existing Distributor BV', kind: 'distributor' });
    const byId = await addPartner(t.ctx, admin, { organisationId: org.id, as2Id: uniqueAs2('BYID') });
    expect(byId).toMatchObject({ organisationCreated: false, partner: { organisationId: org.id } });
    const byName = await addPartner(t.ctx, admin, { name: 'Existing Distributor BV', as2Id: uniqueAs2('BYNAME') });
    expect(byName).toMatchObject({ organisationCreated: false, partner: { organisationId: org.id } });
    const wrongKind = await refusal(addPartner(t.ctx, admin, { name: 'Existing Distributor BV', kind: 'supplier', as2Id: uniqueAs2('KIND') }));
    expect(wrongKind.problems).toEqual({ kind: { code: 'partners.existsAsDistributor', params: { name: 'Existing Distributor BV' } } });
    expect(worded(wrongKind)).toEqual({ kind: '"Existing Distributor BV" already exists as a distributor.' });
    // Worded whole in each language: no organisation-kind code inside a Chinese or German sentence.
    expect(translateProblem('zh-CN', wrongKind.problems!.kind!)).toBe('“Existing Distributor BV”已作为经销商存在。');
    const manufacturer = await refusal(addPartner(t.ctx, admin, { organisationId: manufacturerId, as2Id: uniqueAs2('MFR') }));
    expect(manufacturer.problems!.organisationId).toEqual({ code: 'partners.notPartnerKind', params: { name: expect.any(String) } });
    expect(worded(manufacturer).organisationId).toMatch(/is the manufacturer; EDI partners are suppliers or distributors/);
    const unknown = await refusal(addPartner(t.ctx, admin, { organisationId: 'org_nope', as2Id: uniqueAs2('NOPE') }));
    expect(unknown.problems).toEqual({ organisationId: { code: 'partners.unknownOrganisation', params: { id: 'org_nope' } } });
    expect(worded(unknown)).toEqual({ organisationId: 'No organisation has the id "org_nope".' });
  });
});

describe(`copyleft pyas2-lib certificates (${copyleftDir})`, needs(copyleftDir), () => {
  it.each([
    ['pyas2lib_cert_mecas2_public.pem', 'current'],
    ['pyas2lib_cert_test_public.pem', 'current'],
    ['pyas2lib_cert_sb2bi_public.pem', '2020-06-23T18:38:01.000Z'],
    ['pyas2lib_cert_oldpyas2_public.pem', '2018-04-04T05:48:40.000Z'],
  ])('%s (%s by OpenSSL\'s dates) is accepted when current, refused with its expiry date when expired', async (file, expiredOn) => {
    const facts = opensslFacts(join(copyleftDir, file));
    const attempt = addPartner(t.ctx, admin, { name: `pyas2 ${file}`, kind: 'supplier', as2Id: uniqueAs2('PYAS2'), certificates: [fixture(file, copyleftDir)] });
    if (expiredOn !== 'current') {
      expect(facts.notAfter.toISOString()).toBe(expiredOn);
      expect(worded(await refusal(attempt))['certificates[0]']).toContain(`expired on ${expiredOn}`);
    } else {
      expect((await attempt).certificates[0]!.fingerprintSha256).toBe(facts.fingerprint);
    }
  });

  it('refuses a chain file and a file holding a private key, saying which', async () => {
    const e = await refusal(
      addPartner(t.ctx, admin, {
        name: 'pyas2 refusals',
        kind: 'supplier',
        as2Id: uniqueAs2('PYAS2'),
        certificates: [fixture('pyas2lib_cert_sb2bi_public.ca', copyleftDir), fixture('pyas2lib_cert_oldpyas2_private.pem', copyleftDir)],
      }),
    );
    expect(e.problems).toEqual({
      'certificates[0]': { code: 'partners.certMany', params: { file: 'pyas2lib_cert_sb2bi_public.ca', count: 2 } },
      'certificates[1]': { code: 'partners.certPrivateKey', params: { file: 'pyas2lib_cert_oldpyas2_private.pem' } },
    });
    expect(worded(e)).toEqual({
      'certificates[0]': "pyas2lib_cert_sb2bi_public.ca holds 2 certificates; give the partner's own certificate as one file per certificate.",
      'certificates[1]': "pyas2lib_cert_oldpyas2_private.pem contains a private key; give only the partner's public certificate (and treat that key as compromised).",
    });
  });
});

describe('certificate rollover', () => {
  it('keeps two certificates current at once; removal is a timestamp and the row stays', async () => {
    const { partner } = await addPartner(t.ctx, admin, { name: 'Rollover Pharma', kind: 'distributor', as2Id: 'ROLLOVER', certificates: [fixture(mendelson)] });
    t.clock.advance(day);
    const next = await addPartnerCertificate(t.ctx, admin, { partnerId: partner.id, certificate: fixture(as2testing) });
    expect(next.certificate.usage).toBe('both');
    const listed = (await listPartners(t.ctx, admin)).find((p) => p.id === partner.id)!;
    expect(listed.certificates.map((c) => c.subject.split(', ').at(-1))).toEqual(['CN=as2testing', 'CN=mendelson test key 4']);

    const again = await refusal(addPartnerCertificate(t.ctx, admin, { partnerId: partner.id, certificate: fixture(as2testing) }));
    expect(again.problems!.certificate).toMatchObject({ code: 'partners.certificateTaken', params: { as2Id: 'ROLLOVER' } });
    expect(worded(again).certificate).toMatch(/partner "ROLLOVER" already has this certificate \(SHA-256 1f7df9d4/);

    const old = listed.certificates.find((c) => c.subject.includes('mendelson'))!;
    t.clock.advance(day);
    const { removedAt } = await removePartnerCertificate(t.ctx, admin, { partnerId: partner.id, certificateId: old.id, reason: 'partner rolled over to its 2030 certificate' });
    expect(removedAt).toBe(t.clock.now().toISOString());
    expect((await listPartners(t.ctx, admin)).find((p) => p.id === partner.id)!.certificates).toHaveLength(1);
    expect((await findPartnerByAs2Id(t.db, 'ROLLOVER', t.clock.now()))!.certificates.map((c) => c.id)).toEqual([next.certificate.id]);
    const all = await getPartner(t.ctx, admin, { partnerId: partner.id });
    expect(all.certificates.map((c) => [c.id, c.removedAt])).toEqual([
      [next.certificate.id, null],
      [old.id, removedAt],
    ]);
    const removal = (await auditOf('edi_partner_certificate.removed')).at(-1)!;
    expect(removal).toMatchObject({ entity_id: old.id, reason: 'partner rolled over to its 2030 certificate' });
    expect(JSON.parse(removal.old_values!)).toEqual({ removedAt: null });

    const twice = await refusal(removePartnerCertificate(t.ctx, admin, { partnerId: partner.id, certificateId: old.id }));
    expect(twice.code).toBe('conflict');
    await expect(t.db.run('DELETE FROM edi_partner_certificates WHERE id = ?', [old.id])).rejects.toThrow(/set removed_at instead of DELETE/);
    await expect(t.db.run('UPDATE edi_partner_certificates SET removed_at = NULL WHERE id = ?', [old.id])).rejects.toThrow(/stays removed/);
    await expect(t.db.run("UPDATE edi_partner_certificates SET not_after = '2099-01-01' WHERE id = ?", [next.certificate.id])).rejects.toThrow(/never edited/);

    // A removed certificate may come back (an operator's mistake undone): a new current row.
    const back = await addPartnerCertificate(t.ctx, admin, { partnerId: partner.id, certificate: fixture(mendelson) });
    expect(back.certificate.id).not.toBe(old.id);
    expect(await count('SELECT COUNT(*) AS n FROM edi_partner_certificates WHERE partner_id = ?', [partner.id])).toBe(3);
  });

  it('warns of expired certificates and of those expiring within 30 days; the best current certificate decides', async () => {
    const { partner } = await addPartner(t.ctx, admin, { name: 'Expiring Devices', kind: 'supplier', as2Id: 'EXPIRING', certificates: [fixture(mendelson)] });
    const warningOf = async () => (await listPartners(t.ctx, admin)).find((p) => p.id === partner.id)!;

    t.clock.set('2027-11-20T09:30:48Z'); // 16 days before 2027-12-06T09:30:48Z
    let p = await warningOf();
    expect(p.certificates[0]!.validity).toMatchObject({ warning: 'expiring', daysLeft: 16 });
    expect(p.certificateWarning).toBe('expiring');

    await addPartnerCertificate(t.ctx, admin, { partnerId: partner.id, certificate: fixture(as2testing) });
    p = await warningOf();
    expect(p.certificateWarning).toBeNull();

    t.clock.set('2027-12-07T00:00:00Z');
    p = await warningOf();
    expect(p.certificates.find((c) => c.subject.includes('mendelson'))!.validity.warning).toBe('expired');
    expect(p.certificateWarning).toBeNull();

    t.clock.set('2030-05-15T00:00:00Z');
    expect((await warningOf()).certificateWarning).toBe('expired');
    const bare = await addPartner(t.ctx, admin, { name: 'No Certs Yet', kind: 'supplier', as2Id: uniqueAs2('BARE') });
    expect((await listPartners(t.ctx, admin)).find((x) => x.id === bare.partner.id)!.certificateWarning).toBe('none');
  });
});

describe('profile updates', () => {
  it('write only what differs and audit the old and the new value of each', async () => {
    const { partner } = await addPartner(t.ctx, admin, { name: 'Profile Medical', kind: 'supplier', as2Id: 'PROFILE', as2Url: 'http://old.example/as2' });
    t.clock.advance(60_000);
    const { partner: updated, changed } = await updatePartner(t.ctx, admin, {
      partnerId: partner.id,
      as2Url: 'https://new.example/as2',
      ediId: '5412345000013:14',
      options: { mdn: 'async', encryptionAlgorithm: 'aes-128-gcm', requireEncrypted: false, signingAlgorithm: 'sha-256', keyTransport: 'rsa-oaep', signaturePadding: 'pss' },
      reason: 'partner moved to mendelson AS2',
    });
    expect(changed.sort()).toEqual(['as2Url', 'ediId', 'ediQualifier', 'encryptionAlgorithm', 'keyTransport', 'mdn', 'requireEncrypted', 'signaturePadding'].sort());
    expect(updated).toMatchObject({ as2Url: 'https://new.example/as2', ediId: '5412345000013', ediQualifier: '14', mdn: 'async', encryptionAlgorithm: 'aes-128-gcm', requireEncrypted: false, requireSigned: true, keyTransport: 'rsa-oaep', signaturePadding: 'pss' });
    expect(updated.updatedAt).toBe(t.clock.now().toISOString());
    const entry = (await auditOf('edi_partner.updated')).at(-1)!;
    expect(entry.reason).toBe('partner moved to mendelson AS2');
    expect(JSON.parse(entry.old_values!)).toEqual({ as2Url: 'http://old.example/as2', ediId: null, ediQualifier: '', mdn: 'sync', encryptionAlgorithm: 'aes-256-cbc', requireEncrypted: true, keyTransport: 'rsa-pkcs1-v1.5', signaturePadding: 'pkcs1-v1.5' });
    expect(JSON.parse(entry.new_values!)).toMatchObject({ as2Url: 'https://new.example/as2', mdn: 'async', requireEncrypted: false });

    const entries = (await auditOf('edi_partner.updated')).length;
    const same = await updatePartner(t.ctx, admin, { partnerId: partner.id, options: { mdn: 'async' }, state: 'active' });
    expect(same.changed).toEqual([]);
    expect((await auditOf('edi_partner.updated')).length).toBe(entries);

    const disabled = await updatePartner(t.ctx, admin, { partnerId: partner.id, state: 'disabled' });
    expect(disabled.partner.state).toBe('disabled');
  });

  it('refuse bad values all at once', async () => {
    const { partner } = await addPartner(t.ctx, admin, { name: 'Bad Update Co', kind: 'supplier', as2Id: uniqueAs2('BADUPD') });
    await addPartner(t.ctx, admin, { name: 'Holder of GLN', kind: 'supplier', as2Id: 'GLN-HOLDER', ediId: '7612345000004:14' });
    const e = await refusal(
      updatePartner(t.ctx, admin, {
        partnerId: partner.id,
        as2Url: 'mailto:x@example.com',
        ediId: '7612345000004:14',
        state: 'paused',
        options: { encryptionAlgorithm: 'rc2-40', mdnSigned: 'yes', colour: 'blue' } as never,
      }),
    );
    expect(e.problems).toEqual({
      as2Url: { code: 'partners.badUrlScheme', params: { scheme: 'mailto:' } },
      ediId: { code: 'partners.ediIdTakenByPartner', params: { ediId: '7612345000004:14', as2Id: 'GLN-HOLDER' } },
      state: { code: 'partners.notOneOf', params: { choices: 'active, disabled', value: 'paused' } },
      'options.encryptionAlgorithm': { code: 'partners.notOneOf', params: { choices: 'aes-128-cbc, aes-192-cbc, aes-256-cbc, aes-128-gcm, aes-256-gcm, des-ede3-cbc', value: 'rc2-40' } },
      'options.mdnSigned': { code: 'partners.notBoolean' },
      'options.colour': { code: 'partners.unknownOption', params: { options: expect.any(String) } },
    });
    expect(worded(e)).toEqual({
      as2Url: 'Must start with http:// or https:// (got mailto://).',
      ediId: '7612345000004:14 is already the EDI id of partner "GLN-HOLDER".',
      state: 'Must be one of active, disabled (got "paused").',
      'options.encryptionAlgorithm': 'Must be one of aes-128-cbc, aes-192-cbc, aes-256-cbc, aes-128-gcm, aes-256-gcm, des-ede3-cbc (got "rc2-40").',
      'options.mdnSigned': 'Must be true or false.',
      'options.colour': expect.stringContaining('Not a partner option'),
    });
    expect((await refusal(updatePartner(t.ctx, admin, { partnerId: 'edip_nope', state: 'active' }))).code).toBe('not_found');
  });
});

describe('our AS2 identity', () => {
  // A database of its own: these tests count our key pairs from none.
  let own: TestDatabase;
  beforeAll(async () => {
    own = await testDatabase();
    await createOrganisation(own.ctx, system, { name: 'Meridian Medical Devices Inc.', kind: 'manufacturer' });
  });
  afterAll(() => own?.close());

  it('is generated once: RSA-2048, self-signed, CN = our AS2 id, O = the manufacturer, 3 years, as OpenSSL reads it', async () => {
    const [first, concurrent] = await Promise.all([ensureAs2Identity(own.ctx, system, { as2Id: 'LOTBRIDGE' }), ensureAs2Identity(own.ctx, system, { as2Id: 'LOTBRIDGE' })]);
    expect([first.created, concurrent.created].sort()).toEqual([false, true]);
    expect((await ensureAs2Identity(own.ctx, system, { as2Id: 'LOTBRIDGE' })).created).toBe(false);
    expect((await own.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM as2_identity_keys'))!.n).toBe(1);

    const identity = await getAs2Identity(own.ctx, system, { as2Id: 'LOTBRIDGE' });
    const pem = ssl.write('ours.pem', identity.certificatePem!);
    const text = ssl.ok(['x509', '-in', pem, '-noout', '-text', '-nameopt', 'RFC2253']).toString();
    expect(text).toContain('Subject: CN=LOTBRIDGE,O=Meridian Medical Devices Inc.');
    expect(text).toContain('Issuer: CN=LOTBRIDGE,O=Meridian Medical Devices Inc.');
    expect(text).toContain('Public-Key: (2048 bit)');
    expect(text).toMatch(/X509v3 Key Usage: critical\s+Digital Signature, Key Encipherment/);
    expect(text).toContain('Signature Algorithm: sha256WithRSAEncryption');
    expect(ssl.run(['verify', '-CAfile', pem, pem]).status).toBe(0); // the self-signature holds
    const facts = opensslFacts(pem);
    expect(facts.fingerprint).toBe(identity.active[0]!.fingerprintSha256);
    expect(facts.notBefore.getTime()).toBe(Date.parse('2026-03-02T09:00:00Z'));
    expect(facts.notAfter.toISOString()).toBe('2029-03-02T09:00:00.000Z');

    // The stored private key is PKCS#8 and belongs to the certificate; it is in no audit entry.
    const { signing } = await loadAs2Keys(own.db, own.clock.now());
    expect(signing!.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    const key = ssl.write('ours.key', signing!.privateKeyPem);
    expect(ssl.ok(['pkey', '-in', key, '-pubout']).toString()).toBe(ssl.ok(['x509', '-in', pem, '-noout', '-pubkey']).toString());
    const audit = await own.db.all<{ action: string; new_values: string }>('SELECT action, new_values FROM audit_log');
    expect(audit.filter((a) => a.action === 'as2_identity_key.created')).toHaveLength(1);
    expect(audit.some((a) => a.new_values?.includes('PRIVATE KEY'))).toBe(false);
  });

  it('decrypts what OpenSSL encrypts to our certificate, and signs what OpenSSL verifies', async () => {
    const { signing } = await loadAs2Keys(own.db, own.clock.now());
    const cert = ssl.write('pair.pem', signing!.certificatePem);
    const key = ssl.write('pair.key', signing!.privateKeyPem);
    const payload = ssl.write('payload.edi', "UNA:+.? 'UNB+UNOC:3+4012345000009:14+LOTBRIDGE+260302:0900+1'");
    ssl.ok(['cms', '-encrypt', '-aes-256-cbc', '-in', payload, '-out', 'enc.p7m', '-outform', 'DER', '-recip', cert]);
    expect(ssl.ok(['cms', '-decrypt', '-in', 'enc.p7m', '-inform', 'DER', '-inkey', key, '-recip', cert]).toString()).toContain('UNB+UNOC:3');
    ssl.ok(['cms', '-sign', '-in', payload, '-signer', cert, '-inkey', key, '-out', 'signed.p7m', '-outform', 'DER', '-md', 'sha256', '-nodetach']);
    expect(ssl.run(['cms', '-verify', '-in', 'signed.p7m', '-inform', 'DER', '-CAfile', cert, '-purpose', 'any']).status).toBe(0);
  });

  it('rotates: the new key pair signs, the old keeps decrypting until retired and then until it expires', async () => {
    const before = await getAs2Identity(own.ctx, system, { as2Id: 'LOTBRIDGE' });
    own.clock.advance(30 * day);
    const { key, previous } = await rotateAs2Identity(own.ctx, admin, { as2Id: 'LOTBRIDGE', reason: 'yearly rotation' });
    expect(key.signs).toBe(true);
    expect(previous.map((k) => k.id)).toEqual([before.active[0]!.id]);
    const after = await getAs2Identity(own.ctx, admin, { as2Id: 'LOTBRIDGE' });
    expect(after.active.map((k) => [k.id, k.signs])).toEqual([
      [key.id, true],
      [before.active[0]!.id, false],
    ]);
    expect(after.certificatePem).not.toBe(before.certificatePem);
    const keys = await loadAs2Keys(own.db, own.clock.now());
    expect(keys.signing!.keyId).toBe(key.id);
    expect(keys.decryption.map((k) => k.keyId)).toEqual([key.id, before.active[0]!.id]);

    // Once partners have the new certificate, the old key pair is retired; the last signer cannot be.
    await retireAs2IdentityKey(own.ctx, admin, { keyId: before.active[0]!.id, reason: 'partners confirmed the new certificate' });
    const onlySigner = await refusal(retireAs2IdentityKey(own.ctx, admin, { keyId: key.id }));
    expect(onlySigner.code).toBe('conflict');
    expect(onlySigner.message).toMatch(/only one that can sign; rotate/);
  });

  it('retires an old key pair: it stops signing and decrypts until its certificate expires', async () => {
    // (The previous test retired the old key pair.)
    const identity = await getAs2Identity(own.ctx, admin, { as2Id: 'LOTBRIDGE' });
    expect(identity.active).toHaveLength(1);
    expect(identity.retired).toHaveLength(1);
    const retired = identity.retired[0]!;
    let keys = await loadAs2Keys(own.db, own.clock.now());
    expect(keys.decryption.map((k) => k.keyId)).toContain(retired.id);
    own.clock.set(new Date(Date.parse(retired.validity.notAfter) + 1000));
    keys = await loadAs2Keys(own.db, own.clock.now());
    expect(keys.decryption.map((k) => k.keyId)).not.toContain(retired.id);
    expect((await getAs2Identity(own.ctx, admin, { as2Id: 'LOTBRIDGE' })).retired).toEqual([]);
    await expect(own.db.run('DELETE FROM as2_identity_keys')).rejects.toThrow(/retire them instead of DELETE/);
    expect((await own.db.all('SELECT action FROM audit_log WHERE action LIKE ? ORDER BY seq', ['as2_identity_key.%'])).map((r) => (r as { action: string }).action)).toEqual([
      'as2_identity_key.created',
      'as2_identity_key.rotated',
      'as2_identity_key.retired',
    ]);
  });
});

describe('who may manage partners', () => {
  const outsiders: [Role, Actor['organisationKind']][] = [
    ['manufacturer_qa', 'manufacturer'],
    ['supplier_user', 'supplier'],
    ['distributor_user', 'distributor'],
  ];

  it.each(outsiders)('a %s is refused every read and write', async (role, kind) => {
    const { partner, certificates } = await addPartner(t.ctx, admin, { name: `Target of ${role}`, kind: 'supplier', as2Id: uniqueAs2('TARGET'), certificates: [fixture(community)] });
    const who = actor(role, partner.organisationId, kind);
    const attempts: Promise<unknown>[] = [
      addPartner(t.ctx, who, { name: 'Sneaky', kind: 'supplier', as2Id: uniqueAs2('SNEAKY') }),
      addPartnerCertificate(t.ctx, who, { partnerId: partner.id, certificate: fixture(as2testing) }),
      removePartnerCertificate(t.ctx, who, { partnerId: partner.id, certificateId: certificates[0]!.id }),
      updatePartner(t.ctx, who, { partnerId: partner.id, state: 'disabled' }),
      listPartners(t.ctx, who),
      getPartner(t.ctx, who, { partnerId: partner.id }),
      ensureAs2Identity(t.ctx, who, { as2Id: 'LOTBRIDGE' }),
      rotateAs2Identity(t.ctx, who, { as2Id: 'LOTBRIDGE' }),
      getAs2Identity(t.ctx, who, { as2Id: 'LOTBRIDGE' }),
    ];
    for (const attempt of attempts) {
      const e = await refusal(attempt);
      expect(e.code).toBe('forbidden');
      expect(e.message).toContain(`you are ${role}`);
    }
    const after = await getPartner(t.ctx, admin, { partnerId: partner.id });
    expect(after.state).toBe('active');
    expect(after.certificates.map((c) => c.removedAt)).toEqual([null]);
    expect(await count("SELECT COUNT(*) AS n FROM organisations WHERE name = 'Sneaky'")).toBe(0);
  });
});

describe('the CLI', () => {
  const cli = (args: string[], env: Record<string, string> = {}) => runCli(args, { DATABASE_URL: t.url, AS2_ID: 'LOTBRIDGE-TEST', ...env });

  it('as2 identity makes our key pair once, prints it and writes the certificate OpenSSL reads', async () => {
    const out = ssl.path('cli-identity.pem');
    const first = await cli(['as2', 'identity', '--cert-out', out]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('Generated our AS2 key pair');
    expect(first.stdout).toContain('AS2 id: LOTBRIDGE-TEST');
    const facts = opensslFacts(out);
    expect(first.stdout).toContain(facts.fingerprint.toUpperCase().replace(/(..)(?!$)/g, '$1:'));
    expect(ssl.ok(['x509', '-in', out, '-noout', '-subject', '-nameopt', 'RFC2253,-esc_msb']).toString()).toBe('subject=CN=LOTBRIDGE-TEST,O=Meridian Medical 医疗器械\n');
    const second = await cli(['as2', 'identity']);
    expect(second.code).toBe(0);
    expect(second.stdout).not.toContain('Generated');
    expect(second.stdout).toContain(facts.fingerprint.toUpperCase().replace(/(..)(?!$)/g, '$1:'));
    expect((await auditOf('as2_identity_key.created')).at(-1)!.actor_name).toMatch(/^lotbridge CLI \(/);
  });

  it('partner add takes repeated --cert files and partner list shows them with expiry warnings', async () => {
    // A certificate that expires in 10 days by the real clock (the CLI runs on it), made by OpenSSL.
    ssl.ok(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'soon.key', '-out', 'soon.pem', '-days', '10', '-subj', '/O=Soon Logistics/CN=soon-as2']);
    const added = await cli([
      'partner', 'add',
      '--name', 'CLI Logistics 物流',
      '--kind', 'distributor',
      '--as2-id', 'CLI LOGISTICS',
      '--as2-url', 'https://as2.cli-logistics.example/as2',
      '--cert', join(fixturesDir, as2testing),
      '--cert', ssl.path('soon.pem'),
      '--edi-id', '4098765000002:14',
    ]);
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(/Added EDI partner edip_\w+: AS2 id "CLI LOGISTICS" for CLI Logistics 物流 \(distributor, new organisation org_\w+\)/);
    expect(added.stdout).toMatch(/Warning: certificate "O=Soon Logistics, CN=soon-as2" \(serial [0-9a-f]+\) expires on \S+, in (9|10) day\(s\)/);

    const list = await cli(['partner', 'list']);
    expect(list.code).toBe(0);
    const header = list.stdout.split('\n')[0]!;
    expect(header).toMatch(/^NAME\s+AS2 ID\s+URL\s+EDI ID\s+CERTIFICATES/);
    const row = list.stdout.split('\n').find((l) => l.startsWith('CLI Logistics 物流'))!;
    expect(row).toContain('CLI LOGISTICS');
    expect(row).toContain('https://as2.cli-logistics.example/as2');
    expect(row).toContain('4098765000002:14');
    expect(row).toContain('1f7df9d43da87062… 2020-05-15 to 2030-05-14');
    expect(row).toMatch(/EXPIRES IN (9|10) DAY\(S\)/);
  });

  it('partner add sets the inbound limits: compressed layers, async MDN hosts, internal addresses (audited with the profile)', async () => {
    const added = await cli([
      'partner', 'add', '--name', 'CLI Internal', '--kind', 'supplier', '--as2-id', 'CLI INTERNAL', '--as2-url', 'https://as2.internal.example/as2',
      '--max-compression-layers', '2', '--async-mdn-host', 'mdn.internal.example', '--async-mdn-host', '10.1.2.3', '--async-mdn-private',
    ]);
    expect(added.stderr).toBe('');
    expect(added.stdout).toContain('inbound: at most 2 compressed layer(s); async MDNs to as2.internal.example, 10.1.2.3, mdn.internal.example, internal addresses allowed');
    const row = await t.db.get<{ id: string }>("SELECT id, max_compression_layers, async_mdn_hosts, async_mdn_private FROM edi_partners WHERE as2_id = 'CLI INTERNAL'");
    expect(row).toMatchObject({ max_compression_layers: 2, async_mdn_hosts: '10.1.2.3 mdn.internal.example', async_mdn_private: 1 });
    const audit = await t.db.get<{ new_values: string }>("SELECT new_values FROM audit_log WHERE action = 'edi_partner.created' AND entity_id = ?", [row!.id]);
    expect(JSON.parse(audit!.new_values)).toMatchObject({ maxCompressionLayers: 2, asyncMdnHosts: '10.1.2.3 mdn.internal.example', asyncMdnPrivate: true });
    const bad = await cli(['partner', 'add', '--name', 'CLI Internal 2', '--kind', 'supplier', '--as2-id', 'CLI INTERNAL 2', '--max-compression-layers', 'many']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('options.maxCompressionLayers: Must be a whole number from 0 to 8 (got "many")');
  });

  it('partner add --as2-url at a loopback address needs --internal', async () => {
    const refused = await cli(['partner', 'add', '--name', 'CLI Inside', '--kind', 'supplier', '--as2-id', 'CLI INSIDE', '--as2-url', 'http://127.0.0.1:4080/as2']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('as2Url: 127.0.0.1 is an address inside a private network (127.0.0.1). Tick “Internal endpoint” only if this endpoint really is inside our own network.');
    const added = await cli(['partner', 'add', '--name', 'CLI Inside', '--kind', 'supplier', '--as2-id', 'CLI INSIDE', '--as2-url', 'http://127.0.0.1:4080/as2', '--internal']);
    expect(added.code, added.stderr).toBe(0);
    expect(await t.db.get("SELECT as2_url, as2_url_internal FROM edi_partners WHERE as2_id = 'CLI INSIDE'")).toEqual({ as2_url: 'http://127.0.0.1:4080/as2', as2_url_internal: 1 });
  });

  it('partner add refuses with every problem named, exit code 2, and writes nothing', async () => {
    const partners = await count('SELECT COUNT(*) AS n FROM edi_partners');
    const result = await cli(['partner', 'add', '--name', 'CLI Broken', '--kind', 'retailer', '--as2-id', 'CLI BROKEN', '--as2-url', 'as2.example.com', '--cert', join(fixturesDir, davidExpired), '--edi-id', 'a:b:c']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('lotbridge partner add: the EDI partner "CLI BROKEN" is not valid');
    // Each problem worded in English after its field path.
    expect(result.stderr).toContain('as2Url: Must be an absolute http:// or https:// URL.');
    expect(result.stderr).toContain('ediId: Enter ID or ID:QUALIFIER');
    expect(result.stderr).toContain('certificates[0]: phase2_mdn_20190925-david.pem: certificate "CN=PDK000270, OU=PEPPOL PRODUCTION AP, O=BRZ, C=AT" (serial 19660524bc4de0b25016685df7263519) expired on 2021-02-11T23:59:59.000Z');
    expect(result.stderr).toContain('kind: Must be one of supplier, distributor (got "retailer").');
    const missing = await cli(['partner', 'add', '--name', 'CLI Missing', '--kind', 'supplier', '--as2-id', 'CLI MISSING', '--cert', ssl.path('no-such.cer')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`--cert ${ssl.path('no-such.cer')}: no such file`);
    expect(await count('SELECT COUNT(*) AS n FROM edi_partners')).toBe(partners);
  });

  it('documents each command with --help', async () => {
    for (const args of [['partner', 'add'], ['partner', 'list'], ['as2', 'identity'], ['as2', 'rotate']]) {
      const help = await cli([...args, '--help']);
      expect(help.code, args.join(' ')).toBe(0);
      expect(help.stdout).toContain(`Usage: lotbridge ${args.join(' ')}`);
    }
    const add = await cli(['partner', 'add', '--help']);
    expect(add.stdout).toContain('--cert <value>…');
    expect(add.stdout).toContain('--edi-id <value>');
  });
});

describe('partner AS2 URLs inside our network', () => {
  it('are refused unless marked internal; the mark is stored and audited, and cannot be taken away while the URL is inside', async () => {
    const as2Id = uniqueAs2('INSIDE');
    const e = await refusal(addPartner(t.ctx, admin, { name: 'Inside Partner', kind: 'supplier', as2Id, as2Url: 'http://[fd00::5]/as2' }));
    expect(e.code).toBe('invalid_input');
    expect(e.problems?.as2Url).toEqual({ code: 'net.internalAddress', params: { host: '[fd00::5]', address: '[fd00::5]', kind: 'unique-local' } });
    expect(await count(`SELECT COUNT(*) AS n FROM edi_partners WHERE as2_id = '${as2Id}'`)).toBe(0);

    const { partner } = await addPartner(t.ctx, admin, { name: 'Inside Partner', kind: 'supplier', as2Id, as2Url: 'http://[fd00::5]/as2', as2UrlInternal: true });
    expect(partner.as2UrlInternal).toBe(true);
    const created = await t.db.get<{ new_values: string }>("SELECT new_values FROM audit_log WHERE action = 'edi_partner.created' AND entity_id = ?", [partner.id]);
    expect(JSON.parse(created!.new_values)).toMatchObject({ as2Url: 'http://[fd00::5]/as2', as2UrlInternal: true });

    const off = await refusal(updatePartner(t.ctx, admin, { partnerId: partner.id, as2UrlInternal: false }));
    expect(off.problems?.as2Url?.code).toBe('net.internalAddress');
    const moved = await refusal(updatePartner(t.ctx, admin, { partnerId: partner.id, as2Url: 'http://192.168.7.7/as2', as2UrlInternal: false }));
    expect(moved.problems?.as2Url?.params).toMatchObject({ address: '192.168.7.7', kind: 'private' });

    // Moved out to the internet, the mark can go, and the audit entry holds both values.
    const { changed } = await updatePartner(t.ctx, admin, { partnerId: partner.id, as2Url: 'https://93.184.216.34/as2', as2UrlInternal: false });
    expect(changed.sort()).toEqual(['as2Url', 'as2UrlInternal']);
    const updated = await t.db.get<{ old_values: string; new_values: string }>(
      "SELECT old_values, new_values FROM audit_log WHERE action = 'edi_partner.updated' AND entity_id = ? ORDER BY seq DESC LIMIT 1",
      [partner.id],
    );
    expect(JSON.parse(updated!.old_values)).toMatchObject({ as2UrlInternal: true });
    expect(JSON.parse(updated!.new_values)).toMatchObject({ as2UrlInternal: false });
  });
});

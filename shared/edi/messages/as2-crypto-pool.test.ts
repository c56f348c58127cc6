// The AS2 receive's CPU work on worker threads (as2-crypto-pool.ts) gives what the same work gives
// inline (as2-crypto-inline.ts, the workerd side), and a process that used the pool still exits
// by itself. OpenSSL signs and encrypts the message, as a partner would.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestPki, OpensslDir } from '../../../tests/support/openssl.ts';
import { rootDir } from '../../../tests/support/server.ts';
import type { HeaderList } from '../../as2/index.ts';
import { as2Crypto as inline } from './as2-crypto-inline.ts';
import { as2Crypto as pool } from './as2-crypto-pool.ts';
import type { MdnRequest, UnwrapRequest } from './as2-crypto-work.ts';

let ssl: OpensslDir;
let unwrap: UnwrapRequest;
let mdn: MdnRequest;

beforeAll(() => {
  ssl = new OpensslDir('lotbridge-as2-pool-');
  makeTestPki(ssl);
  ssl.write('m.eml', 'Content-Type: application/edifact\r\nContent-Disposition: attachment; filename="m.edi"\r\n\r\nUNA:+.? \'UNB+UNOC:3+P:ZZZ+L:ZZZ+261125:2318+1\'UNZ+0+1\'');
  ssl.ok(['cms', '-sign', '-binary', '-in', 'm.eml', '-signer', 'partner.pem', '-inkey', 'partner.key', '-md', 'sha256', '-out', 'm.signed']);
  ssl.ok(['cms', '-encrypt', '-binary', '-in', 'm.signed', '-aes256', '-recip', 'us.pem', '-outform', 'DER', '-out', 'm.der']);
  const us = { keyId: 'us', privateKeyPem: ssl.read('us.key').toString(), certificatePem: ssl.read('us.pem').toString() };
  const headers: HeaderList = [
    ['AS2-From', 'P'],
    ['AS2-To', 'L'],
    ['Message-ID', '<m@p>'],
    ['Content-Type', 'application/pkcs7-mime; smime-type=enveloped-data; name=smime.p7m'],
    ['Disposition-Notification-To', 'p@p'],
    ['Disposition-Notification-Options', 'signed-receipt-protocol=optional, pkcs7-signature; signed-receipt-micalg=optional, sha-256'],
  ];
  unwrap = { headers, body: new Uint8Array(readFileSync(ssl.path('m.der'))), decryptionKeys: [us], trustedCertificates: [{ id: 'partner', pem: ssl.read('partner.pem').toString() }], now: new Date() };
  mdn = { as2From: 'L', as2To: 'P', messageId: 'mdn@l', originalMessageId: 'm@p', finalRecipient: 'L', reportingUa: 'test', outcome: { status: 'processed' }, sign: { keyPair: us, digest: 'sha256' }, date: new Date() };
});

afterAll(() => ssl.remove());

describe('AS2 crypto pool', () => {
  it('unwraps on a worker thread to what the inline work gives: payload, layers, signer, MIC', async () => {
    const [threaded, here] = await Promise.all([pool.unwrap(unwrap), inline.unwrap(unwrap)]);
    expect(threaded.ok).toBe(true);
    expect(threaded).toEqual(here);
    if (!threaded.ok) return;
    expect(threaded.signer).toContain('partner');
    expect(Buffer.from(threaded.payload).toString('latin1')).toMatch(/^UNA/);
  });

  it('signs an MDN on a worker thread that OpenSSL verifies with our certificate', async () => {
    await pool.unwrap(unwrap); // the threads start with the first unwrap
    const built = await pool.buildMdn(mdn);
    const contentType = built.headers.find(([n]) => n.toLowerCase() === 'content-type')![1];
    ssl.write('mdn.eml', Buffer.concat([Buffer.from(`MIME-Version: 1.0\r\nContent-Type: ${contentType}\r\n\r\n`), built.body]));
    ssl.ok(['cms', '-verify', '-in', 'mdn.eml', '-CAfile', 'ca.pem', '-out', 'mdn.report']);
    expect(ssl.read('mdn.report').toString()).toContain('Original-Message-ID: <m@p>');
  });

  it('refuses with the thread’s reason when the work throws, and keeps working after', async () => {
    await expect(pool.buildMdn({ ...mdn, sign: { keyPair: { keyId: 'broken', privateKeyPem: 'not a key', certificatePem: 'nor a certificate' }, digest: 'sha256' } })).rejects.toThrow();
    expect((await pool.unwrap(unwrap)).ok).toBe(true);
  });

  it('keeps a process alive while its work runs, and not after', () => {
    const request = { ...unwrap, body: Buffer.from(unwrap.body).toString('base64'), now: undefined };
    const script = ssl.write(
      'use-pool.mts',
      [
        `import { as2Crypto } from ${JSON.stringify(`${rootDir}/shared/edi/messages/as2-crypto-pool.ts`)};`,
        `const request = ${JSON.stringify(request)};`,
        "const unwrapped = await as2Crypto.unwrap({ ...request, body: new Uint8Array(Buffer.from(request.body, 'base64')), now: new Date() });",
        `const built = await as2Crypto.buildMdn(${JSON.stringify({ ...mdn, date: undefined })});`,
        "console.log('unwrapped', unwrapped.ok, 'built', built.body.length > 0);",
      ].join('\n'),
    );
    const child = spawnSync(process.execPath, ['--import', 'tsx', script], { cwd: rootDir, encoding: 'utf8' });
    expect(child.stderr).toBe('');
    expect(child.stdout.trim()).toBe('unwrapped true built true');
    expect(child.status).toBe(0);
  });
});

describe('AS2 crypto pool, a large body (one the streamed unwrap left to memory)', () => {
  it('is moved to the thread and its payload moved back, not copied: the request gives up its bytes, the payload comes whole', async () => {
    const big = Buffer.alloc(9 * 1024 * 1024, 'UNB+UNOC:3\r\n');
    ssl.write('big.eml', Buffer.concat([Buffer.from('Content-Type: application/edifact\r\nContent-Transfer-Encoding: binary\r\n\r\n'), big]));
    ssl.ok(['cms', '-encrypt', '-binary', '-in', 'big.eml', '-aes256', '-recip', 'us.pem', '-outform', 'DER', '-out', 'big.der']);
    const body = new Uint8Array(readFileSync(ssl.path('big.der')));
    const request = { ...unwrap, body };
    const unwrapped = await pool.unwrap(request);
    expect(body.byteLength).toBe(0); // detached: it went to the thread without a copy
    expect(unwrapped.ok).toBe(true);
    if (!unwrapped.ok) return;
    expect(Buffer.from(unwrapped.payload).equals(big)).toBe(true);
  }, 60_000);
});

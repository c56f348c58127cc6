/**
 * The streamed unwrap against messages OpenSSL makes (and the fixture folders' captures): every
 * answer must equal the in-memory unwrap's (unwrap.ts), fed in chunks of any size.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestPki, OpensslDir } from '../../tests/support/openssl.ts';
import { prng } from '../../tests/support/prng.ts';
import { readCapture } from '../../tests/support/as2-capture.ts';
import { fixedNow, fixedSignedAndEncrypted, flipBit, libas2KeyPair } from '../../tests/support/as2-fixed.ts';
import { localFixture, needs, sharedFixture } from '../../tests/support/fixtures.ts';
import { tempDir } from '../../tests/support/server.ts';
import { LocalFileStorage } from '../files/local-file-storage.ts';
import { loadCertificates, loadKeyPair, loadKeyPairPem, type As2Certificate, type As2KeyPair } from './keys.ts';
import type { HeaderInput } from './mime.ts';
import { compressData } from './cms-compressed.ts';
import { unwrapAs2, type UnwrapOptions } from './unwrap.ts';
import { unwrapAs2Stream, type PayloadSink } from './unwrap-stream.ts';

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

let ssl: OpensslDir;
let files: LocalFileStorage;
let folder: ReturnType<typeof tempDir>;
let us: As2KeyPair;
let partner: As2Certificate[];
let n = 0;

beforeAll(() => {
  ssl = new OpensslDir('lotbridge-unwrap-stream-');
  makeTestPki(ssl);
  folder = tempDir('lotbridge-unwrap-stream-files-');
  files = new LocalFileStorage(folder.dir);
  us = loadKeyPair(ssl.read('us.key'), ssl.read('us.pem'));
  partner = loadCertificates(ssl.read('partner.pem'));
});
afterAll(() => {
  ssl?.remove();
  folder?.remove();
});

/** `bytes` in chunks of seeded random sizes up to `max`, as a request body arrives. */
async function* chunked(bytes: Uint8Array, max: number, seed = 7): AsyncIterable<Uint8Array> {
  const random = prng(seed);
  for (let at = 0; at < bytes.length; ) {
    const size = 1 + Math.floor(random() * max);
    yield bytes.slice(at, at + size);
    at += size;
  }
}

function sink(): PayloadSink & { keys: string[] } {
  const keys: string[] = [];
  return {
    keys,
    put: async (chunks) => {
      const key = `as2/2026-12/as2m_stream${n++}.payload`;
      keys.push(key);
      return files.put(key, chunks);
    },
    discard: (file) => files.delete(file.key),
  };
}

/** Binary content with line breaks of every kind and lines that look like delimiters. */
function content(size: number): Buffer {
  const random = prng(size);
  const parts = [Buffer.from('UNA:+.? \'UNB+UNOC:3+PARTNER:ZZZ+LOTBRIDGE:ZZZ+261125:2318+1\'\r\n--\r\n------=_Part\n-----\r\r\n')];
  let total = parts[0]!.length;
  while (total < size) {
    const b = Buffer.alloc(Math.min(4096, size - total));
    for (let i = 0; i < b.length; i++) b[i] = Math.floor(random() * 256);
    parts.push(b);
    total += b.length;
  }
  return Buffer.concat(parts);
}

interface Made {
  headers: HeaderInput;
  body: Buffer;
}

const mdnOptions = 'signed-receipt-protocol=optional, pkcs7-signature; signed-receipt-micalg=optional, sha-256';

/** An entity OpenSSL signs (multipart/signed) and/or encrypts, with the options given. */
function make(name: string, payload: Buffer, how: { sign?: boolean; encrypt?: string[]; micalg?: string }): Made {
  ssl.write(`${name}.eml`, Buffer.concat([Buffer.from(`Content-Type: application/edifact\r\nContent-Disposition: attachment; filename="${name}.edi"\r\n\r\n`), payload]));
  let file = `${name}.eml`;
  if (how.sign) {
    ssl.ok(['cms', '-sign', '-binary', '-in', file, '-signer', 'partner.pem', '-inkey', 'partner.key', '-md', 'sha256', '-out', `${name}.signed`]);
    file = `${name}.signed`;
  }
  const mdn = how.micalg ? mdnOptions.replace('sha-256', how.micalg) : mdnOptions;
  if (!how.encrypt) {
    const signed = ssl.read(file);
    const end = signed.indexOf('\n\n');
    const contentType = /Content-Type: (multipart\/signed;[^\n]*(?:\n[ \t][^\n]*)*)/.exec(signed.subarray(0, end).toString('latin1'))![1]!.replace(/\s*\n[ \t]+/g, ' ');
    return { headers: { 'content-type': contentType, 'disposition-notification-options': mdn }, body: signed.subarray(end + 2) };
  }
  ssl.ok(['cms', '-encrypt', '-binary', '-in', file, '-recip', 'us.pem', ...how.encrypt, '-outform', 'DER', '-out', `${name}.der`]);
  return { headers: { 'content-type': 'application/pkcs7-mime; smime-type=enveloped-data; name=smime.p7m', 'disposition-notification-options': mdn }, body: ssl.read(`${name}.der`) };
}

function options(over: Partial<UnwrapOptions> = {}): UnwrapOptions {
  return { decryptionKeys: [us], trustedCertificates: partner, now: new Date(), ...over };
}

/** Streams `m` and checks the answer is the in-memory unwrap's, the payload stored byte for byte. */
async function expectSameAsInMemory(m: Made, o: UnwrapOptions, chunk: number) {
  const reference = unwrapAs2(m.headers, m.body, o);
  const s = sink();
  const streamed = await unwrapAs2Stream(m.headers, chunked(m.body, chunk), o, s);
  expect(streamed).toBeDefined();
  expect(reference.ok).toBe(true);
  if (!streamed!.ok || !reference.ok) throw new Error(`not unwrapped: ${JSON.stringify(streamed)}`);
  const { payload, payloadHeaders, signer, ...rest } = reference;
  const { payloadFile, payloadHead, payloadHeaders: streamedHeaders, signer: streamedSigner, ...streamedRest } = streamed!;
  expect(streamedRest).toEqual(rest);
  expect(streamedSigner?.subject).toBe(signer?.subject);
  expect(streamedHeaders.list).toEqual(payloadHeaders.list);
  expect(payloadFile).toMatchObject({ sha256: sha256(payload), sizeBytes: payload.length });
  expect(sha256(readFileSync(files.pathOf(payloadFile.key)))).toBe(sha256(payload));
  expect(Buffer.from(payloadHead)).toEqual(Buffer.from(payload.subarray(0, 64)));
  return streamed!;
}

describe('streamed unwrap of messages OpenSSL made: the same answer as in memory', () => {
  const cases: [string, { sign?: boolean; encrypt?: string[]; micalg?: string }, string[]][] = [
    ['signed and encrypted (AES-256-CBC, DER)', { sign: true, encrypt: ['-aes256'] }, ['encrypted:aes-256-cbc', 'signed:sha256']],
    ['signed and encrypted, indefinite lengths (openssl -stream)', { sign: true, encrypt: ['-aes128', '-stream'] }, ['encrypted:aes-128-cbc', 'signed:sha256']],
    ['signed and encrypted with AES-256-GCM (AuthEnvelopedData) and RSAES-OAEP', { sign: true, encrypt: ['-aes-256-gcm', '-keyopt', 'rsa_padding_mode:oaep'] }, ['encrypted:aes-256-gcm', 'signed:sha256']],
    ['signed and encrypted with 3DES, a sha1 MIC asked for', { sign: true, encrypt: ['-des3'], micalg: 'sha1' }, ['encrypted:des-ede3-cbc', 'signed:sha256']],
    ['signed only (multipart/signed)', { sign: true }, ['signed:sha256']],
    ['encrypted only', { encrypt: ['-aes256'] }, ['encrypted:aes-256-cbc']],
  ];
  for (const [what, how, layers] of cases) {
    it(`${what}: fed in chunks of 1 to 97 bytes and of up to 64 KiB`, async () => {
      const m = make(what.replace(/\W+/g, '_'), content(300_000), how);
      for (const chunk of [97, 64 * 1024]) {
        const streamed = await expectSameAsInMemory(m, options(), chunk);
        expect(streamed.layers).toEqual(layers);
        expect(streamed.filename).toMatch(/\.edi$/);
      }
    });
  }

  it('a payload of several MiB comes out whole, MIC equal to OpenSSL\'s digest of the signed entity', async () => {
    const m = make('big', content(5 * 1024 * 1024 + 3), { sign: true, encrypt: ['-aes256', '-stream'] });
    const streamed = await expectSameAsInMemory(m, options(), 1024 * 1024);
    // The signed entity is the first part of the decrypted multipart/signed: OpenSSL decrypts, we cut the part.
    const decrypted = ssl.ok(['cms', '-decrypt', '-binary', '-in', 'big.der', '-inform', 'DER', '-recip', 'us.pem', '-inkey', 'us.key']);
    const boundary = /boundary="([^"]+)"/.exec(decrypted.subarray(0, 400).toString('latin1'))![1]!;
    const start = decrypted.indexOf(`--${boundary}`) + boundary.length + 2;
    const first = decrypted.subarray(decrypted.indexOf('\n', start) + 1, decrypted.indexOf(`\n--${boundary}`, start));
    const entity = first.at(-1) === 0x0d ? first.subarray(0, -1) : first;
    expect(streamed.mic.value).toBe(createHash('sha256').update(entity).digest('base64'));
  });

  it('refuses as the in-memory unwrap does, and keeps no payload: wrong key, untrusted signer, altered ciphertext [REQ-AS2-02]', async () => {
    const m = make('refused', content(100_000), { sign: true, encrypt: ['-aes256'] });
    const stranger = loadKeyPair(ssl.read('partner.key'), ssl.read('partner.pem'));
    // The altered byte: the last of the next-to-last cipher block (the encrypted content ends the
    // DER), whose top bit flips the last plaintext block's padding length past 16: refused every
    // time. (The last byte of the file, as before, garbles the last block, which about 1 run in
    // 256 has a valid padding by chance: then only the closing delimiter is damaged, and both
    // unwraps accept the message.)
    const altered = Buffer.from(m.body);
    altered[altered.length - 17]! ^= 0x80;
    const cases: [UnwrapOptions, Made][] = [
      [options({ decryptionKeys: [stranger] }), m],
      [options({ trustedCertificates: [us.certificate] }), m],
      [options(), { ...m, body: altered }],
    ];
    for (const [o, message] of cases) {
      const reference = unwrapAs2(message.headers, message.body, o);
      const s = sink();
      const streamed = await unwrapAs2Stream(message.headers, chunked(message.body, 4096), o, s);
      expect(reference.ok).toBe(false);
      expect(streamed).toEqual(reference);
      for (const key of s.keys) expect(await files.head(key)).toBeNull();
    }
  });

  it('a truncated message is refused as malformed, and nothing is kept', async () => {
    const m = make('truncated', content(100_000), { sign: true, encrypt: ['-aes256'] });
    const s = sink();
    const streamed = await unwrapAs2Stream(m.headers, chunked(m.body.subarray(0, 50_000), 4096), options(), s);
    expect(streamed).toMatchObject({ ok: false, disposition: 'unexpected-processing-error', reason: expect.stringContaining('truncated') });
    for (const key of s.keys) expect(await files.head(key)).toBeNull();
  });

  it('leaves to the in-memory unwrap, storing nothing, what it cannot decide from the stream: altered signed content, opaque signatures, compressed layers', async () => {
    const signedOnly = make('altered', content(100_000), { sign: true });
    const at = signedOnly.body.indexOf('UNB+');
    const altered = Buffer.from(signedOnly.body);
    altered[at] = 0x58;
    // Opaque signed-data, and an encrypted entity holding a compressed layer (ours: this OpenSSL has no zlib).
    ssl.ok(['cms', '-sign', '-binary', '-nodetach', '-in', 'altered.eml', '-signer', 'partner.pem', '-inkey', 'partner.key', '-outform', 'DER', '-out', 'opaque.der']);
    const compressed = Buffer.concat([Buffer.from('Content-Type: application/pkcs7-mime; smime-type=compressed-data\r\nContent-Transfer-Encoding: binary\r\n\r\n'), compressData(Buffer.from("UNB+UNOC:3'"))]);
    const encrypted = ssl.write('compressed.eml', compressed);
    ssl.ok(['cms', '-encrypt', '-binary', '-in', encrypted, '-recip', 'us.pem', '-aes256', '-outform', 'DER', '-out', 'compressed.der']);
    const messages: Made[] = [
      { ...signedOnly, body: altered },
      { headers: { 'content-type': 'application/pkcs7-mime; smime-type=signed-data' }, body: ssl.read('opaque.der') },
      { headers: { 'content-type': 'application/pkcs7-mime; smime-type=enveloped-data' }, body: ssl.read('compressed.der') },
    ];
    for (const message of messages) {
      const s = sink();
      expect(await unwrapAs2Stream(message.headers, chunked(message.body, 4096), options(), s)).toBeUndefined();
      for (const key of s.keys) expect(await files.head(key)).toBeNull();
    }
    expect(unwrapAs2(signedOnly.headers, altered, options())).toMatchObject({ ok: false, disposition: 'integrity-check-failed' });
  });
});

describe('streamed unwrap of the fixture folders\' captures: the same answer as in memory', () => {
  it('libas2 encrypted message (permissive copy): text, MIC over its canonical form', async () => {
    const P = (name: string) => readFileSync(localFixture('as2', name));
    const { headers, body } = readCapture(P('libas2_content.encrypted.txt'));
    const key = loadKeyPair(P('libas2_libas2community.key'), P('libas2_libas2community.cer'));
    await expectSameAsInMemory({ headers, body: Buffer.from(body) }, { decryptionKeys: [key], trustedCertificates: [], now: new Date() }, 50);
  });

  const copyleft = sharedFixture('as2', 'copyleft');
  it('mendelson signed+encrypted (3DES), signed and encrypted messages (pyas2-lib copies)', needs(copyleft), async () => {
    const C = (name: string) => readFileSync(sharedFixture('as2', 'copyleft', name));
    const o = { decryptionKeys: [loadKeyPairPem(C('pyas2lib_cert_test.pem'), 'test')], trustedCertificates: loadCertificates(C('pyas2lib_cert_mecas2_public.pem')), now: new Date() };
    for (const file of ['pyas2lib_mecas2_signed_encrypted.as2', 'pyas2lib_mecas2_signed.as2', 'pyas2lib_mecas2_encrypted.as2']) {
      const { headers, body } = readCapture(C(file));
      const streamed = await expectSameAsInMemory({ headers, body: Buffer.from(body) }, o, 333);
      expect(streamed.filename).toBe('payload.txt');
    }
  });
});

describe('streamed unwrap of hostile messages: bounded, and no answer the in-memory unwrap would not give', () => {
  /** An OpenSSL -stream enveloped message with its encrypted content wrapped in `depth` more constructed OCTET STRINGs (valid BER). */
  function nestedContent(depth: number): Made {
    const m = make(`nested${depth}`, content(20_000), { encrypt: ['-aes128', '-stream'] });
    const parsed = ssl.ok(['asn1parse', '-inform', 'DER', '-in', `nested${depth}.der`]).toString('latin1');
    const encrypted = parsed.split('\n').filter((l) => /cont \[ 0 \]/.test(l)).at(-1)!;
    const end = Number(/^\s*(\d+):/.exec(encrypted)![1]) + Number(/hl=\s*(\d+)/.exec(encrypted)![1]);
    const eoc = m.body.length - 8; // the EOCs of [0], EncryptedContentInfo, EnvelopedData, [0], ContentInfo
    expect(m.body.subarray(eoc)).toEqual(Buffer.alloc(8));
    const body = Buffer.concat([m.body.subarray(0, end), Buffer.alloc(2 * depth, Buffer.from([0x24, 0x80])), m.body.subarray(end, eoc), Buffer.alloc(2 * depth), m.body.subarray(eoc)]);
    return { ...m, body };
  }

  it('encrypted content in pieces nested in pieces is refused as the in-memory unwrap refuses it (not deciphered, no recursion per level), and nothing is kept', async () => {
    for (const depth of [1, 1_000, 300_000]) {
      const m = nestedContent(depth);
      expect(unwrapAs2(m.headers, m.body, options())).toMatchObject({ ok: false, disposition: 'unexpected-processing-error' });
      const s = sink();
      const streamed = await unwrapAs2Stream(m.headers, chunked(m.body, 64 * 1024), options(), s);
      expect(streamed).toMatchObject({ ok: false, disposition: 'unexpected-processing-error', reason: expect.stringContaining('nested pieces are not supported') });
      for (const key of s.keys) expect(await files.head(key)).toBeNull();
    }
  });

  it('blanks without end after a delimiter are not gathered: the in-memory unwrap is left to answer, the rest unread', async () => {
    const m = make('padded', content(50_000), { sign: true });
    const boundary = /boundary="([^"]+)"/.exec(String(m.headers['content-type' as keyof typeof m.headers]))![1]!;
    const second = m.body.indexOf(`\n--${boundary}`, m.body.indexOf(`--${boundary}`) + 1) + boundary.length + 3;
    let pulled = 0;
    async function* padded(): AsyncIterable<Uint8Array> {
      for await (const chunk of chunked(m.body.subarray(0, second), 4096)) yield chunk;
      const blanks = Buffer.alloc(64 * 1024, ' ');
      for (let i = 0; i < 512; i++) {
        pulled += blanks.length;
        yield blanks;
      }
      yield m.body.subarray(second);
    }
    const s = sink();
    expect(await unwrapAs2Stream(m.headers, padded(), options(), s)).toBeUndefined();
    expect(pulled).toBeLessThanOrEqual(128 * 1024);
    for (const key of s.keys) expect(await files.head(key)).toBeNull();
  });
});

describe('streamed unwrap against the in-memory unwrap over mutated OpenSSL messages', () => {
  /** `body` with one seeded change: a byte flipped, a byte dropped, a byte doubled, or the end cut off. */
  function mutate(body: Buffer, random: () => number): Buffer {
    const at = Math.floor(random() * body.length);
    switch (Math.floor(random() * 4)) {
      case 0:
        return Buffer.concat([body.subarray(0, at), Buffer.from([body[at]! ^ (1 << Math.floor(random() * 8))]), body.subarray(at + 1)]);
      case 1:
        return Buffer.concat([body.subarray(0, at), body.subarray(at + 1)]);
      case 2:
        return Buffer.concat([body.subarray(0, at + 1), body.subarray(at)]);
      default:
        return body.subarray(0, at);
    }
  }

  // What may differ, and only this (the mutation positions are seeded, the bytes under them are
  // OpenSSL's random ones, so every rule must hold for any message, not for this run's):
  // - Both refuse: the same disposition, except that an enveloped message whose encoding was
  //   damaged may get unexpected-processing-error from one and decryption-failed from the other:
  //   each parser notices the damage at its own place (pkijs: not valid BER; the stream, reading
  //   as it comes: the ciphertext cut elsewhere, "bad decrypt", or the content's tag gone, "no
  //   encrypted content"; with GCM: the tag not there). Never another disposition, and never for
  //   multipart/signed alone.
  // - The stream accepts what memory refuses: only with exactly the unmutated message's payload
  //   and MIC. The stream does not check the lengths of the framing around what it deciphers
  //   (ContentInfo, [0], EnvelopedData, EncryptedContentInfo, the end-of-contents after it),
  //   which pkijs refuses damaged (malformed, or read so that other bytes are deciphered: "bad
  //   decrypt"); what the stream deciphered was intact (CBC padding, and the signature for signed ones).
  // - Memory accepts what the stream refuses: only as a malformed encoding, or a GCM tag length
  //   the parameters state wrongly. pkijs reads some damaged lengths (in RecipientInfos, the
  //   algorithm identifier, the IV) that the stream's reader refuses, and memory takes the tag
  //   length from the MAC itself where the stream takes the stated one (a bit flipped: 16 -> 80);
  //   with CBC's lack of integrity memory may even decipher something.
  // A bit flipped in the RSA-encrypted content key used to make them differ by chance (its
  // substitute key was random on each reading): now both get the same substitute and answer.
  const shapes: [string, { sign?: boolean; encrypt?: string[] }][] = [
    ['signed only', { sign: true }],
    ['signed and encrypted, -stream', { sign: true, encrypt: ['-aes128', '-stream'] }],
    ['signed and encrypted with 3DES', { sign: true, encrypt: ['-des3'] }],
    ['encrypted only', { encrypt: ['-aes256'] }],
    ['signed and encrypted with AES-GCM', { sign: true, encrypt: ['-aes-256-gcm'] }],
    ['encrypted only with AES-GCM, -stream', { encrypt: ['-aes-128-gcm', '-stream'] }],
  ];
  const envelopeRefusals = new Set(['unexpected-processing-error', 'decryption-failed']);
  for (const [what, how] of shapes) {
    it(`${what}: every mutation gets the in-memory answer, or is left to it`, async () => {
      const m = make(`mutated_${what.replace(/\W+/g, '_')}`, content(3_000), how);
      const random = prng(16);
      const original = unwrapAs2(m.headers, m.body, options());
      if (!original.ok) throw new Error(`the unmutated message is refused: ${original.reason}`);
      const divergences: string[] = [];
      for (let i = 0; i < 150; i++) {
        const body = mutate(m.body, random);
        const reference = unwrapAs2(m.headers, body, options());
        const s = sink();
        const streamed = await unwrapAs2Stream(m.headers, chunked(body, 512, i), options(), s);
        if (streamed?.ok) await s.discard(streamed.payloadFile);
        for (const key of s.keys) expect(await files.head(key)).toBeNull();
        if (streamed === undefined) continue;
        const same =
          streamed.ok && reference.ok
            ? streamed.mic.value === reference.mic.value && streamed.payloadFile.sha256 === sha256(reference.payload)
            : streamed.ok
              ? streamed.mic.value === original.mic.value && streamed.payloadFile.sha256 === sha256(original.payload)
              : reference.ok
                ? (streamed.disposition === 'unexpected-processing-error' && streamed.reason.startsWith('malformed EnvelopedData')) || (streamed.disposition === 'decryption-failed' && /-gcm decryption .*Invalid authentication tag length/.test(streamed.reason))
                : streamed.disposition === reference.disposition || (how.encrypt !== undefined && envelopeRefusals.has(streamed.disposition) && envelopeRefusals.has(reference.disposition));
        if (!same) divergences.push(`#${i}: streamed ${streamed.ok ? 'ok' : `${streamed.disposition} (${streamed.reason})`}; in memory ${reference.ok ? 'ok' : `${reference.disposition} (${reference.reason})`}`);
      }
      expect(divergences).toEqual([]);
    }, 120_000); // 150 unwraps each way, on a shared machine
  }

  // The case that made the test above flaky (3 in 180 runs of a shape here; CI's "stream
  // accepts, memory: bad decrypt" fits it): a bit flipped in the RSA-encrypted content key. Its bad padding got a fresh random
  // substitute key on each reading, which deciphers CBC content with a valid padding 1 time in
  // 256: the in-memory unwrap deciphered garbage and accepted it as an unsigned message where
  // the stream refused ("bad decrypt") the same bytes, or the other way round. The substitute is
  // now derived from our key and the encrypted key; this message has the same bytes every run.
  it('a bit flipped in the RSA-encrypted content key: the same answer from both, on every reading', async () => {
    const pair = libas2KeyPair();
    const m = fixedSignedAndEncrypted(pair);
    const o = { decryptionKeys: [pair], trustedCertificates: [pair.certificate], now: fixedNow };
    const answer = async (body: Buffer) => {
      const reference = unwrapAs2(m.headers, body, o);
      const s = sink();
      const streamed = await unwrapAs2Stream(m.headers, chunked(body, 512), o, s);
      if (streamed?.ok) {
        expect(sha256(readFileSync(files.pathOf(streamed.payloadFile.key)))).toBe(streamed.payloadFile.sha256);
        await s.discard(streamed.payloadFile);
      }
      const memory = reference.ok ? { ok: true, layers: reference.layers, signed: reference.signed, mic: reference.mic.value, payload: sha256(reference.payload) } : { ok: false, disposition: reference.disposition, reason: reference.reason };
      const stream = streamed === undefined ? undefined : streamed.ok ? { ok: true, layers: streamed.layers, signed: streamed.signed, mic: streamed.mic.value, payload: streamed.payloadFile.sha256 } : { ok: false, disposition: streamed.disposition, reason: streamed.reason };
      expect(stream).toEqual(memory);
      return memory;
    };
    expect(await answer(m.body)).toMatchObject({ ok: true, layers: ['encrypted:aes-128-cbc', 'signed:sha256'], payload: sha256(m.signedEntity.subarray(m.signedEntity.indexOf('\r\n\r\n') + 4)) });
    // Byte 31 bit 5: the substitute key deciphers with a valid padding (CBC has no integrity):
    // garbage, no longer signed, what anyone may encrypt to us. Byte 100 bit 3: it does not.
    for (const [at, bit, expected] of [[31, 5, { ok: true, layers: ['encrypted:aes-128-cbc'], signed: false }], [100, 3, { ok: false, disposition: 'decryption-failed' }]] as const) {
      const damaged = flipBit(m.body, m.encryptedKeyAt + at, bit);
      const first = await answer(damaged);
      expect(first).toMatchObject(expected);
      for (let i = 0; i < 2; i++) expect(await answer(damaged)).toEqual(first);
    }
  });
});

describe('streamed unwrap of encrypted content cut into tiny pieces', () => {
  /** An OpenSSL -stream enveloped message with its encrypted content re-cut into pieces of `size` bytes (valid BER). */
  function recut(name: string, size: number, cipher: string): Made {
    const m = make(name, content(40_000), { encrypt: [cipher, '-stream'] });
    const parsed = ssl.ok(['asn1parse', '-inform', 'DER', '-in', `${name}.der`]).toString('latin1');
    const encrypted = parsed.split('\n').filter((l) => /cont \[ 0 \]/.test(l)).at(-1)!;
    const start = Number(/^\s*(\d+):/.exec(encrypted)![1]) + 2;
    const pieces: Buffer[] = [];
    let at = start;
    while (m.body[at] !== 0 || m.body[at + 1] !== 0) {
      const n = m.body[at + 1]! < 0x80 ? 0 : m.body[at + 1]! & 0x7f;
      const length = n ? m.body.readUIntBE(at + 2, n) : m.body[at + 1]!;
      pieces.push(m.body.subarray(at + 2 + n, at + 2 + n + length));
      at += 2 + n + length;
    }
    const ciphertext = Buffer.concat(pieces);
    const cut: Buffer[] = [];
    for (let i = 0; i < ciphertext.length; i += size) cut.push(Buffer.from([0x04, Math.min(size, ciphertext.length - i)]), ciphertext.subarray(i, i + size));
    return { ...m, body: Buffer.concat([m.body.subarray(0, start), ...cut, m.body.subarray(at)]) };
  }

  it('pieces of 100 bytes are read as in memory', async () => {
    await expectSameAsInMemory(recut('pieces100', 100, '-aes128'), options(), 4096);
  });

  for (const cipher of ['-aes128', '-aes-128-gcm']) {
    it(`1-byte pieces (${cipher}) are refused as in memory (more pieces than the parse allows), and nothing is kept`, async () => {
      const m = recut(`pieces1${cipher}`, 1, cipher);
      expect(unwrapAs2(m.headers, m.body, options())).toMatchObject({ ok: false, disposition: 'unexpected-processing-error' });
      const s = sink();
      const streamed = await unwrapAs2Stream(m.headers, chunked(m.body, 64 * 1024), options(), s);
      expect(streamed).toMatchObject({ ok: false, disposition: 'unexpected-processing-error', reason: expect.stringContaining('more pieces') });
      for (const key of s.keys) expect(await files.head(key)).toBeNull();
    });
  }
});

import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { compressData } from './cms-compressed.ts';
import { serializeEntity } from './mime.ts';
import { unwrapAs2 } from './unwrap.ts';

const options = { decryptionKeys: [], trustedCertificates: [], now: new Date('2026-01-01') };
const payload = new TextEncoder().encode("UNB+UNOC:3+A+B+260101:0000+1'\r\n");

function compressedEntity(inner: Uint8Array): Uint8Array {
  return serializeEntity([['Content-Type', 'application/pkcs7-mime; smime-type=compressed-data; name=smime.p7z'], ['Content-Transfer-Encoding', 'binary']], compressData(inner));
}

describe('unwrapAs2 without keys', () => {
  it('passes an unsecured payload through; the MIC is over the body without headers (RFC 4130 §7.3.1)', () => {
    const result = unwrapAs2({ 'content-type': 'application/EDIFACT', 'content-disposition': 'attachment; filename="in.edi"' }, payload, options);
    expect(result).toMatchObject({ ok: true, layers: [], contentType: 'application/edifact', filename: 'in.edi', signed: false });
    expect(result.ok && result.mic).toEqual({ value: createHash('sha256').update(payload).digest('base64'), algorithm: 'sha256' });
  });

  it('removes nested compression when the profile allows two layers, and reads a base64 body without Content-Transfer-Encoding', () => {
    const inner = serializeEntity([['Content-Type', 'application/edifact']], payload);
    const twice = compressedEntity(compressedEntity(inner));
    const outer = twice.subarray(twice.indexOf(0x30));
    const result = unwrapAs2({ 'Content-Type': 'application/pkcs7-mime; smime-type=compressed-data' }, new TextEncoder().encode(Buffer.from(outer).toString('base64')), { ...options, maxCompressionLayers: 2 });
    expect(result.ok && result.layers).toEqual(['compressed', 'compressed']);
    expect(result.ok && Buffer.from(result.payload).equals(Buffer.from(payload))).toBe(true);
  });

  it('reads a CMS layer larger than 16 MiB (asn1js refuses those by default)', () => {
    const big = serializeEntity([['Content-Type', 'application/octet-stream']], randomBytes(20 * 1024 * 1024));
    const entity = compressedEntity(big);
    const body = entity.subarray(entity.indexOf(0x30));
    expect(body.length).toBeGreaterThan(16 * 1024 * 1024);
    const result = unwrapAs2({ 'Content-Type': 'application/pkcs7-mime; smime-type=compressed-data' }, body, options);
    expect(result.ok && result.payload.length).toBe(20 * 1024 * 1024);
  });

  it('refuses nesting deeper than the limit as unexpected-processing-error', () => {
    let entity = serializeEntity([['Content-Type', 'application/edifact']], payload);
    for (let i = 0; i < 4; i++) entity = compressedEntity(entity);
    const body = entity.subarray(entity.indexOf(0x30));
    const result = unwrapAs2({ 'Content-Type': 'application/pkcs7-mime; smime-type=compressed-data' }, body, { ...options, maxDepth: 3, maxCompressionLayers: 8 });
    expect(result).toMatchObject({ ok: false, disposition: 'unexpected-processing-error', layers: ['compressed', 'compressed', 'compressed'] });
    expect(!result.ok && result.reason).toContain('more than 3 security layers');
  });

  it('refuses a multipart/signed with one part and a CMS body that is neither DER nor base64', () => {
    const signed = unwrapAs2({ 'Content-Type': 'multipart/signed; protocol="application/pkcs7-signature"; boundary=b' }, new TextEncoder().encode('--b\r\n\r\nx\r\n--b--\r\n'), options);
    expect(signed).toMatchObject({ ok: false, disposition: 'unexpected-processing-error' });
    expect(!signed.ok && signed.reason).toContain('found 1');
    const garbage = unwrapAs2({ 'Content-Type': 'application/pkcs7-mime; smime-type=enveloped-data' }, new TextEncoder().encode('%%%'), options);
    expect(garbage).toMatchObject({ ok: false, disposition: 'unexpected-processing-error' });
  });

  describe('compression is bounded', () => {
    const body = (entity: Uint8Array) => entity.subarray(entity.indexOf(0x30));
    const compressedType = { 'Content-Type': 'application/pkcs7-mime; smime-type=compressed-data' };

    it('one compressed layer by default: a second is refused as decompression-failed before it is inflated', () => {
      const inner = serializeEntity([['Content-Type', 'application/edifact']], payload);
      const result = unwrapAs2(compressedType, body(compressedEntity(compressedEntity(inner))), options);
      expect(result).toMatchObject({ ok: false, disposition: 'decompression-failed', layers: ['compressed'] });
      expect(!result.ok && result.reason).toContain('accepts 1');
      const none = unwrapAs2(compressedType, body(compressedEntity(inner)), { ...options, maxCompressionLayers: 0 });
      expect(none).toMatchObject({ ok: false, disposition: 'decompression-failed', layers: [] });
    });

    it('more than 100:1 beyond the 1 MiB floor is refused; the inflated output is cut at the limit', () => {
      const zeros = serializeEntity([['Content-Type', 'application/octet-stream']], new Uint8Array(64 * 1024 * 1024));
      const bomb = body(compressedEntity(zeros));
      expect(bomb.length).toBeLessThan(128 * 1024);
      const result = unwrapAs2(compressedType, bomb, options);
      expect(result).toMatchObject({ ok: false, disposition: 'decompression-failed' });
      expect(!result.ok && result.reason).toMatch(/at most 100:1 beyond 1048576 bytes/);
      // Under the floor, well-compressing content passes (1 MiB of one byte is ~1000:1).
      const small = serializeEntity([['Content-Type', 'application/octet-stream']], new Uint8Array(1000 * 1000));
      expect(unwrapAs2(compressedType, body(compressedEntity(small)), options).ok).toBe(true);
    });

    it('the total inflated output stays within the message limit (AS2_MAX_MB), over every layer', () => {
      const random = serializeEntity([['Content-Type', 'application/octet-stream']], randomBytes(3 * 1024 * 1024));
      const inflateLimits = { maxOutputBytes: 4 * 1024 * 1024, maxRatio: 100, ratioFloorBytes: 1024 * 1024 };
      expect(unwrapAs2(compressedType, body(compressedEntity(random)), { ...options, inflateLimits }).ok).toBe(true);
      const twice = body(compressedEntity(compressedEntity(random)));
      const result = unwrapAs2(compressedType, twice, { ...options, inflateLimits, maxCompressionLayers: 2 });
      expect(result).toMatchObject({ ok: false, disposition: 'decompression-failed', layers: ['compressed'] });
      expect(!result.ok && result.reason).toContain('message size limit (AS2_MAX_MB)');
    });
  });
});

import { describe, expect, it } from 'vitest';
import { createKeyring, newMasterKey, verifyCheckpointSignature } from './keyring.ts';
import { keySource, loadKeyring } from './key-file.ts';

describe('keyring', () => {
  const a = newMasterKey();
  const b = newMasterKey();

  it('MACs with the newest key and verifies with any key held; a malformed MAC is false, not an error', () => {
    const old = createKeyring([a]);
    const both = createKeyring([b, a]);
    const { keyId, mac } = old.mac('audit-entry', 'hash');
    expect(both.verifyMac('audit-entry', keyId, 'hash', mac)).toBe(true);
    expect(both.verifyMac('audit-verification', keyId, 'hash', mac)).toBe(false); // another purpose, another key
    expect(both.verifyMac('audit-entry', keyId, 'hash', 'z'.repeat(64))).toBe(false);
    expect(both.verifyMac('audit-entry', 'k000000000000', 'hash', mac)).toBe(false);
    expect(both.mac('audit-entry', 'hash').keyId).not.toBe(keyId);
  });

  it('seals bound to a context, with a fresh IV each time; older keys still open', () => {
    const old = createKeyring([a]);
    const sealed = old.seal('t.c:1', 'secret');
    expect(sealed).not.toBe(old.seal('t.c:1', 'secret'));
    expect(createKeyring([b, a]).open('t.c:1', sealed).toString()).toBe('secret');
    expect(() => old.open('t.c:2', sealed)).toThrow(/altered or moved/);
    expect(() => createKeyring([b]).open('t.c:1', sealed)).toThrow(/does not hold/);
  });

  it('never seals with an IV used before, across refills of the random pool', () => {
    const ring = createKeyring([a]);
    // 2,000 seals take 24,000 bytes of IV: the 4 KiB pool is refilled several times.
    const ivs = Array.from({ length: 2000 }, () => Buffer.from(ring.seal('t.c:1', 'same text').split(':').at(-1)!, 'base64url').subarray(0, 12).toString('hex'));
    expect(new Set(ivs).size).toBe(ivs.length);
    expect(ring.open('t.c:1', ring.seal('t.c:1', 'same text')).toString()).toBe('same text');
  });

  it('signs checkpoints that verify with its public key only', () => {
    const k = createKeyring([a]);
    const s = k.signCheckpoint('data');
    expect(verifyCheckpointSignature('data', s.signature, s.publicKey)).toBe(true);
    expect(verifyCheckpointSignature('data!', s.signature, s.publicKey)).toBe(false);
    expect(verifyCheckpointSignature('data', s.signature, createKeyring([b]).signCheckpoint('x').publicKey)).toBe(false);
  });

  it('keys from the environment: entries from before keys only as far as LOTBRIDGE_KEY_LEGACY_THROUGH allows', () => {
    const env = { LOTBRIDGE_KEY: a.toString('base64') };
    const k = loadKeyring(keySource('libsql://db.example', env), env);
    expect(k.installation).toEqual({ legacyThrough: 0 });
    expect(() => k.markInstalled(12)).toThrow(/LOTBRIDGE_KEY_LEGACY_THROUGH=12/);
    expect(() => keySource('libsql://db.example', {})).toThrow(/needs LOTBRIDGE_KEY/);
  });
});

import { describe, expect, it } from 'vitest';
import { createKeyring, newMasterKey } from './keyring.ts';
import { keyringFromSecret } from './key-secret.ts';
import { keySource, loadKeyring } from './key-file.ts';

describe('keys from the LOTBRIDGE_KEY secret (a Worker secret; the environment on Node)', () => {
  const newer = newMasterKey();
  const older = newMasterKey();
  const secret = `${newer.toString('base64')}, ${older.toString('base64')}`;

  it('holds every key, the first one sealing and MACing; the same keyring as LOTBRIDGE_KEY gives on Node', () => {
    const fromSecret = keyringFromSecret({ LOTBRIDGE_KEY: secret });
    const sealedByOlder = createKeyring([older]).seal('mail:1', 'live link');
    expect(fromSecret.open('mail:1', sealedByOlder).toString()).toBe('live link');
    expect(fromSecret.checkValues()).toEqual(createKeyring([newer, older]).checkValues());
    const onNode = loadKeyring(keySource('libsql://db.example', { LOTBRIDGE_KEY: secret }), { LOTBRIDGE_KEY: secret });
    expect(onNode.checkValues()).toEqual(fromSecret.checkValues());
    const { keyId, mac } = fromSecret.mac('audit-entry', 'entry');
    expect(onNode.verifyMac('audit-entry', keyId, 'entry', mac)).toBe(true);
  });

  it('fixes the installation by LOTBRIDGE_KEY_LEGACY_THROUGH, as there is no file to record it in', () => {
    expect(keyringFromSecret({ LOTBRIDGE_KEY: secret, LOTBRIDGE_KEY_LEGACY_THROUGH: '12' }).installation).toMatchObject({ legacyThrough: 12 });
    expect(() => keyringFromSecret({ LOTBRIDGE_KEY: secret }).markInstalled(3)).toThrow(/LOTBRIDGE_KEY_LEGACY_THROUGH=3/);
  });

  it('refuses a missing secret or a key that is not 32 bytes, without echoing it', () => {
    expect(() => keyringFromSecret({})).toThrow(/LOTBRIDGE_KEY is not set/);
    const short = Buffer.alloc(16, 7).toString('base64');
    expect(() => keyringFromSecret({ LOTBRIDGE_KEY: short })).toThrow('LOTBRIDGE_KEY holds a key that is not 32 bytes of base64');
  });
});

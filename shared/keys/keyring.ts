import { createHash, createHmac, createPrivateKey, createPublicKey, createCipheriv, createDecipheriv, hkdfSync, randomBytes, sign, timingSafeEqual, verify, type KeyObject } from 'node:crypto';
import { pooledRandomBytes } from '../ids.ts';
import { AppError } from '../errors.ts';

/**
 * The keys Lotbridge keeps OUTSIDE its database, so that someone holding the database file
 * alone can neither recompute the audit chain unnoticed nor read the secrets stored in it.
 *
 * A master key (32 random bytes) is never used directly: each purpose gets its own key
 * derived with HKDF-SHA256, so a MAC key can never be confused with an encryption key. Several
 * master keys may be held during a rotation: the newest MACs and seals from now on, the older
 * ones still verify and open what they made.
 */
export interface Keyring {
  /** Id of the master key that MACs, seals and signs from now on. */
  readonly currentKeyId: string;
  /** Ids of every master key held, newest first. */
  readonly keyIds: readonly string[];
  /** HMAC-SHA256 of `data` under the current key's key for `purpose`. */
  mac(purpose: MacPurpose, data: string): { keyId: string; mac: string };
  /** True when `mac` is the MAC of `data` under the key `keyId` (false for a key not held). */
  verifyMac(purpose: MacPurpose, keyId: string, data: string, mac: string): boolean;
  /** AES-256-GCM under the current key, bound to `context` (e.g. the table, column and row). */
  seal(context: string, plaintext: string | Uint8Array): string;
  /** The plaintext of `seal`; refuses a value sealed for another context or altered. */
  open(context: string, sealed: string): Buffer;
  /** Ed25519 signature (base64url) of `data` under the current key's checkpoint key. */
  signCheckpoint(data: string): { keyId: string; signature: string; publicKey: string };
  /** The checkpoint public keys (SPKI DER, base64url) of every master key held, by key id. */
  checkpointPublicKeys(): Record<string, string>;
  /** A check value per key id (SHA-256 of a key derived for nothing else): recognises a key without revealing it. */
  checkValues(): Record<string, string>;
  /**
   * Kept beside the keys, out of reach of the database's holder: that keys were installed on
   * the database, and up to which audit entry the trail predates them (those entries carry no
   * MAC; every later one must). Null while keys were never installed (a new key file).
   */
  readonly installation: KeyInstallation | null;
  /** Records the installation beside the keys; once only. */
  markInstalled(legacyThrough: number): void;
}

export interface KeyInstallation {
  legacyThrough: number;
  /** When the installation was recorded beside the keys (absent when configured, as with LOTBRIDGE_KEY). */
  recordedAt?: string;
}

/** Where the installation is kept: a key file, or the environment the keys came from. */
export interface InstallationStore {
  installation: KeyInstallation | null;
  markInstalled(legacyThrough: number): void;
}

export type MacPurpose = 'audit-entry' | 'audit-verification' | 'one-time-code';

const sealedPrefix = 'sealed:v1:';

export function isSealed(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith(sealedPrefix);
}

interface DerivedKeys {
  id: string;
  checkValue: string;
  derive(purpose: string): Buffer;
  checkpointKey: KeyObject;
  checkpointPublicKey: string;
}

// PKCS#8 prefix of an Ed25519 private key; the 32-byte seed follows.
const ed25519Pkcs8Prefix = Buffer.from('302e020100300506032b657004220420', 'hex');

function deriveFrom(master: Buffer): DerivedKeys {
  if (master.length !== 32) throw new AppError('invalid_input', 'a Lotbridge master key is 32 bytes');
  const cache = new Map<string, Buffer>();
  const derive = (purpose: string) => {
    let k = cache.get(purpose);
    if (!k) {
      k = Buffer.from(hkdfSync('sha256', master, 'lotbridge', `lotbridge/${purpose}/v1`, 32));
      cache.set(purpose, k);
    }
    return k;
  };
  const checkpointKey = createPrivateKey({ key: Buffer.concat([ed25519Pkcs8Prefix, derive('audit-checkpoint')]), format: 'der', type: 'pkcs8' });
  const checkpointPublicKey = createPublicKey(checkpointKey).export({ format: 'der', type: 'spki' }).toString('base64url');
  // The id names the key without revealing it: a hash of a key derived for nothing else.
  const checkValue = createHash('sha256').update(derive('key-id')).digest('hex');
  return { id: 'k' + checkValue.slice(0, 12), checkValue, derive, checkpointKey, checkpointPublicKey };
}

/** A keyring over master keys, newest first. */
export function createKeyring(masters: readonly Uint8Array[], store: InstallationStore = memoryInstallation()): Keyring {
  if (masters.length === 0) throw new AppError('invalid_input', 'a keyring needs at least one master key');
  const keys = masters.map((m) => deriveFrom(Buffer.from(m)));
  const byId = new Map(keys.map((k) => [k.id, k]));
  const current = keys[0]!;
  const hmac = (k: DerivedKeys, purpose: string, data: string) => createHmac('sha256', k.derive(purpose)).update(data).digest('hex');

  return {
    currentKeyId: current.id,
    keyIds: keys.map((k) => k.id),
    mac(purpose, data) {
      return { keyId: current.id, mac: hmac(current, purpose, data) };
    },
    verifyMac(purpose, keyId, data, mac) {
      const k = byId.get(keyId);
      if (!k || typeof mac !== 'string' || !/^[0-9a-f]{64}$/.test(mac)) return false;
      return timingSafeEqual(Buffer.from(hmac(k, purpose, data), 'hex'), Buffer.from(mac, 'hex'));
    },
    seal(context, plaintext) {
      // From the pool (each byte used once): a call to the random source per seal was a tenth of a
      // recall release's mail queueing (20,000 sealed bodies).
      const iv = pooledRandomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', current.derive('secrets-at-rest'), iv);
      cipher.setAAD(Buffer.from(context));
      const body = Buffer.concat([cipher.update(typeof plaintext === 'string' ? Buffer.from(plaintext) : plaintext), cipher.final()]);
      return `${sealedPrefix}${current.id}:${Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url')}`;
    },
    open(context, sealed) {
      if (!isSealed(sealed)) throw new AppError('invalid_input', 'not a sealed value');
      const [keyId, data] = sealed.slice(sealedPrefix.length).split(':');
      const k = byId.get(keyId ?? '');
      if (!k) throw new AppError('conflict', `a secret was sealed with key ${keyId}, which this keyring does not hold: restore that key file`);
      const bytes = Buffer.from(data ?? '', 'base64url');
      if (bytes.length < 28) throw new AppError('invalid_input', 'a sealed value is truncated');
      const decipher = createDecipheriv('aes-256-gcm', k.derive('secrets-at-rest'), bytes.subarray(0, 12));
      decipher.setAAD(Buffer.from(context));
      decipher.setAuthTag(bytes.subarray(bytes.length - 16));
      try {
        return Buffer.concat([decipher.update(bytes.subarray(12, bytes.length - 16)), decipher.final()]);
      } catch {
        throw new AppError('conflict', `a sealed secret (${context}) was altered or moved: it does not open`);
      }
    },
    signCheckpoint(data) {
      return { keyId: current.id, signature: sign(null, Buffer.from(data), current.checkpointKey).toString('base64url'), publicKey: current.checkpointPublicKey };
    },
    checkpointPublicKeys() {
      return Object.fromEntries(keys.map((k) => [k.id, k.checkpointPublicKey]));
    },
    checkValues() {
      return Object.fromEntries(keys.map((k) => [k.id, k.checkValue]));
    },
    get installation() {
      return store.installation;
    },
    markInstalled(legacyThrough) {
      if (store.installation?.recordedAt) throw new AppError('conflict', 'the keys were installed on this database already');
      store.markInstalled(legacyThrough);
    },
  };
}

/** Verifies an Ed25519 checkpoint signature against a public key (SPKI DER, base64url). */
export function verifyCheckpointSignature(data: string, signature: string, publicKey: string): boolean {
  try {
    const key = createPublicKey({ key: Buffer.from(publicKey, 'base64url'), format: 'der', type: 'spki' });
    return verify(null, Buffer.from(data), key, Buffer.from(signature, 'base64url'));
  } catch {
    return false;
  }
}

/** An installation kept in memory only (tests, and keys handed over in code). */
export function memoryInstallation(): InstallationStore {
  const store: InstallationStore = {
    installation: null,
    markInstalled(legacyThrough) {
      store.installation = { legacyThrough, recordedAt: new Date().toISOString() };
    },
  };
  return store;
}

/** A new random master key. */
export function newMasterKey(): Buffer {
  return randomBytes(32);
}

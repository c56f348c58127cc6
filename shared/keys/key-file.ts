import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve, basename } from 'node:path';
import { AppError } from '../errors.ts';
import { createKeyring, newMasterKey, type InstallationStore, type KeyInstallation, type Keyring } from './keyring.ts';
import { keyringFromSecret, parseKey } from './key-secret.ts';

/**
 * Where the master keys live on Node: `LOTBRIDGE_KEY` (base64 keys, newest first, comma-
 * separated) when set; else the key file `LOTBRIDGE_KEY_FILE`, by default beside an embedded
 * database (`data/lotbridge.db` → `data/lotbridge.key`), created at first use with mode 0600.
 * Back it up apart from the database: without it the audit trail cannot be verified and the
 * secrets in the database cannot be read; with the database alone, neither can an attacker.
 */
export interface KeySource {
  /** The file, when keys come from one. */
  file?: string;
  fromEnvironment: boolean;
}

interface KeyFile {
  format: 'lotbridge-keys/1';
  /** Newest first: the first one MACs, seals and signs. */
  keys: { key: string; created: string }[];
  /** Set when the keys were installed on the database (see Keyring.installation). */
  installed?: KeyInstallation & { at: string };
}

/** The key file for a database URL (undefined for a remote database without LOTBRIDGE_KEY_FILE). */
export function keySource(databaseUrl: string, env: Record<string, string | undefined> = process.env): KeySource {
  if (env.LOTBRIDGE_KEY?.trim()) return { fromEnvironment: true };
  if (env.LOTBRIDGE_KEY_FILE?.trim()) return { file: resolve(env.LOTBRIDGE_KEY_FILE.trim()), fromEnvironment: false };
  if (databaseUrl.startsWith('file:') && !databaseUrl.startsWith('file::memory:')) {
    const path = resolve(databaseUrl.slice('file:'.length).replace(/^\/\/(?=\/)/, '').split('?')[0]!);
    const name = basename(path).replace(/\.(db|sqlite3?)$/i, '');
    return { file: join(dirname(path), `${name}.key`), fromEnvironment: false };
  }
  throw new AppError('invalid_input', 'a remote database needs LOTBRIDGE_KEY or LOTBRIDGE_KEY_FILE: the keys that protect the audit trail and secrets live outside the database');
}

function readKeyFile(file: string): KeyFile {
  let parsed: KeyFile;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as KeyFile;
  } catch (e) {
    throw new AppError('invalid_input', `the key file ${file} cannot be read: ${(e as Error).message}`);
  }
  if (parsed.format !== 'lotbridge-keys/1' || !Array.isArray(parsed.keys) || parsed.keys.length === 0) {
    throw new AppError('invalid_input', `the key file ${file} is not a Lotbridge key file`);
  }
  return parsed;
}

function writeKeyFile(file: string, content: Omit<KeyFile, 'format'>, exclusive: boolean): void {
  const body = JSON.stringify({ format: 'lotbridge-keys/1', ...content } satisfies KeyFile, null, 2) + '\n';
  if (exclusive) {
    writeFileSync(file, body, { mode: 0o600, flag: 'wx' });
    return;
  }
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, body, { mode: 0o600, flag: 'wx' });
  renameSync(tmp, file);
}

export function keyFileExists(source: KeySource): boolean {
  return source.fromEnvironment || (source.file !== undefined && existsSync(source.file));
}

const masters = (f: KeyFile, file: string) => f.keys.map((k) => parseKey(k.key, file));

/** The installation as the key file records it; marking rewrites the file (atomically). */
function fileInstallation(file: string, content: KeyFile): InstallationStore {
  const store: InstallationStore = {
    installation: content.installed ? { legacyThrough: content.installed.legacyThrough, recordedAt: content.installed.at } : null,
    markInstalled(legacyThrough) {
      const current = readKeyFile(file);
      if (current.installed) throw new AppError('conflict', `the key file ${file} records an installation already`);
      const at = new Date().toISOString();
      writeKeyFile(file, { keys: current.keys, installed: { legacyThrough, at } }, false);
      store.installation = { legacyThrough, recordedAt: at };
    },
  };
  return store;
}

/**
 * The keyring from the source, creating the key file with a new key when it does not exist
 * yet (exclusively: two processes starting together end up with the same key).
 */
export function loadKeyring(source: KeySource, env: Record<string, string | undefined> = process.env): Keyring {
  if (source.fromEnvironment) {
    return keyringFromSecret(env);
  }
  const file = source.file!;
  if (!existsSync(file)) {
    try {
      writeKeyFile(file, { keys: [{ key: newMasterKey().toString('base64'), created: new Date().toISOString() }] }, true);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  chmodSync(file, 0o600);
  const content = readKeyFile(file);
  return createKeyring(masters(content, file), fileInstallation(file, content));
}

/** Puts a new master key first in the key file; the older ones stay to verify and open. */
export function addMasterKey(source: KeySource): Keyring {
  if (source.fromEnvironment || !source.file) {
    throw new AppError('conflict', 'keys come from LOTBRIDGE_KEY: put a new base64 key first in that variable (keep the old ones after it)');
  }
  const existing = readKeyFile(source.file);
  writeKeyFile(source.file, { ...existing, keys: [{ key: newMasterKey().toString('base64'), created: new Date().toISOString() }, ...existing.keys] }, false);
  return loadKeyring(source);
}

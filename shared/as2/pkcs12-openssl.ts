/**
 * PKCS#12 (.p12/.pfx) files, on Node only (a child process and a temp file: the Worker never
 * imports this). pkijs cannot decrypt the RC2-40 bags that mendelson/Java keystores and older
 * OpenSSL write, so they are opened with `openssl pkcs12` (with `-legacy` when OpenSSL 3 needs it).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeyLoadError, loadCertificates, loadKeyPairPem, type As2Certificate, type As2KeyPair } from './keys.ts';

/** Opens a PKCS#12 file with `openssl pkcs12`; the key pair and every certificate in it. */
export function loadPkcs12(data: Uint8Array, password: string): As2KeyPair & { chain: As2Certificate[] } {
  const dir = mkdtempSync(join(tmpdir(), 'as2-p12-'));
  try {
    const file = join(dir, 'in.p12');
    writeFileSync(file, data, { mode: 0o600 });
    const run = (legacy: boolean): string =>
      execFileSync('openssl', ['pkcs12', '-in', file, '-nodes', '-passin', 'env:AS2_P12_PASSWORD', ...(legacy ? ['-legacy'] : [])], {
        env: { ...process.env, AS2_P12_PASSWORD: password },
        stdio: ['ignore', 'pipe', 'pipe'],
        encoding: 'latin1',
      });
    let pem: string;
    try {
      pem = run(false);
    } catch {
      try {
        pem = run(true);
      } catch (error) {
        const stderr = String((error as { stderr?: unknown }).stderr ?? (error as Error).message).trim().split('\n')[0];
        throw new KeyLoadError(`openssl pkcs12 cannot open the PKCS#12 file (wrong password or unsupported): ${stderr}`);
      }
    }
    const pair = loadKeyPairPem(pem);
    return { ...pair, chain: loadCertificates(pem) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

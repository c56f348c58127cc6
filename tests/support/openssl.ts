/** Runs the OpenSSL CLI in a temp folder: an independent CMS/S-MIME peer for the AS2 tests. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface OpensslResult {
  status: number;
  stdout: Buffer;
  stderr: string;
}

export class OpensslDir {
  readonly dir: string;

  constructor(prefix = 'as2-openssl-') {
    this.dir = mkdtempSync(join(tmpdir(), prefix));
  }

  path(name: string): string {
    return join(this.dir, name);
  }

  write(name: string, data: Uint8Array | string): string {
    writeFileSync(this.path(name), data);
    return this.path(name);
  }

  read(name: string): Buffer {
    return readFileSync(this.path(name));
  }

  /** Runs `openssl …args` in the folder; never throws, so a test can assert a failure. */
  run(args: string[], input?: Uint8Array): OpensslResult {
    const result = spawnSync('openssl', args, { cwd: this.dir, input, maxBuffer: 64 * 1024 * 1024 });
    return { status: result.status ?? -1, stdout: result.stdout ?? Buffer.alloc(0), stderr: (result.stderr ?? Buffer.alloc(0)).toString('utf8') };
  }

  /** Runs and throws with OpenSSL's message when it fails. */
  ok(args: string[], input?: Uint8Array): Buffer {
    const result = this.run(args, input);
    if (result.status !== 0) throw new Error(`openssl ${args.join(' ')} failed (${result.status}): ${result.stderr}`);
    return result.stdout;
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A test CA and two end-entity RSA key pairs it issued ("partner" and "us"), PEM files in the folder. */
export function makeTestPki(ssl: OpensslDir): void {
  ssl.ok(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-subj', '/CN=Lotbridge Test CA', '-days', '30']);
  ssl.write('leaf.ext', 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=emailProtection\nsubjectKeyIdentifier=hash\n');
  for (const name of ['partner', 'us']) {
    ssl.ok(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', `${name}.key`]);
    ssl.ok(['req', '-new', '-key', `${name}.key`, '-out', `${name}.csr`, '-subj', `/O=Lotbridge Tests/CN=${name}`]);
    ssl.ok(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '30', '-extfile', 'leaf.ext', '-out', `${name}.pem`]);
  }
  // A PKCS#1 ("BEGIN RSA PRIVATE KEY") copy of our key, as older partner tools export it.
  ssl.ok(['rsa', '-in', 'us.key', '-traditional', '-out', 'us.rsa.key']);
  ssl.ok(['pkcs12', '-export', '-in', 'us.pem', '-inkey', 'us.key', '-passout', 'pass:secret', '-out', 'us.p12']);
}

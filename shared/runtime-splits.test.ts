import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { reachedModules } from '../tests/support/import-graph.ts';
import { rootDir } from '../tests/support/server.ts';

// What the outbound transports, keys and configuration reach when bundled for Workers (the
// `workerd` side of every #runtime/ split) and for Node. The Worker has node:crypto, node:path,
// node:buffer and node:async_hooks (nodejs_compat); it has no files, sockets, DNS or processes.
const absentOnWorkers = ['node:fs', 'node:fs/promises', 'node:http', 'node:https', 'node:net', 'node:tls', 'node:dns', 'node:dns/promises', 'node:child_process', 'nodemailer'];

const workersFacing = [
  'shared/webhooks/webhook-dispatcher.ts',
  'shared/edi/messages/async-mdn-sender.ts',
  'shared/net/internal-target.ts',
  'shared/mail/mail-sender.ts',
  'shared/mail/mail-transport.ts',
  'shared/keys/key-secret.ts',
  'shared/config.ts',
  'gateway/middleware/metrics-access/index.ts',
  'shared/as2/index.ts',
  'shared/auth/password.ts',
  // Files: the bucket storages and the use cases that store or read files through them.
  'shared/files/s3-file-storage.ts',
  'shared/files/r2-file-storage.ts',
  'shared/certificates/submit-certificate.ts',
  'shared/certificates/read-certificate-file.ts',
  'shared/edi/message-log/read-edi-bytes.ts',
  'shared/edi/inbound/process-as2-payload.ts',
];

describe('runtime splits', () => {
  it('are declared in one "imports" object in package.json (a second one would silently replace the first)', () => {
    expect(readFileSync(`${rootDir}/package.json`, 'utf8').match(/"imports"\s*:/g)).toHaveLength(1);
  });

  it.each(workersFacing)('%s reaches nothing Workers lack through the workerd side of the splits', (entry) => {
    const reached = reachedModules(entry, 'workerd');
    const found = absentOnWorkers.filter((m) => reached.has(m)).map((m) => `${m} via ${reached.get(m)!.join(' → ')}`);
    expect(found).toEqual([]);
  });

  it('the same modules take the Node side on Node: node:http keep-alive, the system resolver, nodemailer', () => {
    expect(reachedModules('shared/webhooks/webhook-dispatcher.ts', 'default').has('node:http')).toBe(true);
    expect(reachedModules('shared/edi/messages/async-mdn-sender.ts', 'default').has('node:dns')).toBe(true);
    expect(reachedModules('shared/mail/mail-sender.ts', 'default').has('nodemailer')).toBe(true);
    expect(reachedModules('shared/keys/key-file.ts', 'default').has('node:fs')).toBe(true);
    expect(reachedModules('shared/files/local-file-storage.ts', 'default').has('node:fs/promises')).toBe(true);
  });

  it('argon2id is native on Node and WebAssembly on workerd; PKCS#12 through openssl stays out of the AS2 layer', () => {
    expect(reachedModules('shared/auth/password.ts', 'default').has('@node-rs/argon2')).toBe(true);
    expect(reachedModules('shared/auth/password.ts', 'workerd').has('@node-rs/argon2')).toBe(false);
    expect(reachedModules('shared/auth/password.ts', 'workerd').has('hash-wasm')).toBe(true);
    expect(reachedModules('shared/as2/pkcs12-openssl.ts', 'default').has('node:child_process')).toBe(true);
  });
});

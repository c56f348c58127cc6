// `npm run dev:workers`: Lotbridge on workerd, locally (wrangler dev), with the demo seeded into
// an empty database. Builds what is stale first; keeps its local secrets in .dev.vars (made once,
// never committed) and its Durable Object and bucket in .wrangler/state.
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildWorkers, workersBuildIsStale } from './build.js';

const root = fileURLToPath(new URL('..', import.meta.url));
if (workersBuildIsStale()) buildWorkers();
const devVars = join(root, '.dev.vars');
if (!existsSync(devVars)) {
  // The local Worker's key (the audit trail's MAC key): deploying uses `wrangler secret put LOTBRIDGE_KEY`.
  writeFileSync(devVars, `LOTBRIDGE_KEY=${randomBytes(32).toString('base64')}\nDEMO_SEED=true\n`, { mode: 0o600 });
  console.log('Wrote .dev.vars (LOTBRIDGE_KEY for this machine, DEMO_SEED=true)');
}
const port = process.env.PORT ?? '8787';
const wrangler = spawn(process.execPath, [join(root, 'node_modules/wrangler/bin/wrangler.js'), 'dev', '--local', '--port', port, '--test-scheduled', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});
wrangler.on('exit', (code) => process.exit(code ?? 1));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => wrangler.kill(signal));

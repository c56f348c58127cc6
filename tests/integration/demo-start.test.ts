// `npm start` as a newcomer sees it: `lotbridge serve` on a fresh database with the settings of a
// fresh clone (no DEMO_SEED, no LOG_LEVEL): its start-up output ends with the address and the demo
// sign-ins, nothing the server logs afterwards (the schedulers' first runs, a page request) comes
// between them and the end, and a second start on the same database seeds nothing again.
import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { demoPassword, demoUsers } from '../../shared/demo/seed-demo.ts';
import { ensurePortalBuilt } from '../support/portal.ts';
import { startServer, tempDir, type RunningServer } from '../support/server.ts';

const dir = tempDir('lotbridge-demo-start-');
const databaseUrl = `file:${join(dir.dir, 'lotbridge.db')}`;
// What a fresh clone has: no DEMO_SEED (so the whole demo), LOG_LEVEL info.
const freshClone = { DEMO_SEED: '', LOG_LEVEL: '', UPLOAD_DIR: join(dir.dir, 'uploads') };

/** Starts, asks for a page, stops; returns the lines it printed before it was told to stop. */
async function startAndStop(): Promise<string[]> {
  await ensurePortalBuilt();
  const server: RunningServer = await startServer(freshClone, { databaseUrl });
  const login = await fetch(new URL('/login', server.url));
  expect(login.status).toBe(200);
  await login.body?.cancel();
  await server.stop();
  const lines = server.output().trimEnd().split('\n');
  expect(lines.slice(-2)).toEqual(['SIGTERM: stopping…', 'Stopped.']);
  return lines.slice(0, -2);
}

const signIns = (seeded: boolean) => [
  ...(seeded ? ['Seeded the demo: items, purchase orders, shipments, certificates, an invoice and a recall in progress.'] : []),
  `Demo sign-ins, password "${demoPassword}":`,
  '  manufacturer administrator  admin@meridian-medical.example',
  '  manufacturer QA             qa@meridian-medical.example',
  '  supplier                    supplier@suzhou-precision.example',
  '  distributor                 distributor@rhein-medical.example',
];

describe('npm start on a fresh database', () => {
  afterAll(() => dir.remove());

  it('ends its start-up with the address and the demo sign-ins; no request line, no build advice', async () => {
    const lines = await startAndStop();
    const tail = lines.slice(-signIns(true).length - 2);
    expect(tail[0]).toBe('');
    expect(tail[1]).toMatch(/^Lotbridge is listening on http:\/\/localhost:\d+$/);
    expect(tail.slice(2)).toEqual(signIns(true));
    expect(demoUsers.every((u) => lines.join('\n').includes(u.email))).toBe(true);
    expect(lines.join('\n')).not.toMatch(/npm run preview|"msg":"request"/);
  });

  it('a second start on the same database seeds nothing and still ends with the sign-ins', async () => {
    const lines = await startAndStop();
    expect(lines.slice(-signIns(false).length)).toEqual(signIns(false));
    expect(lines.join('\n')).not.toContain('Seeded the demo');
  });
});

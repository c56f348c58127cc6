import { describe, expect, it } from 'vitest';
import { Hono } from 'hono';
import type { GatewayEnv } from '../../env.ts';
import type { AppContext } from '../../../shared/context.ts';
import { LocalFileStorage } from '../../../shared/files/local-file-storage.ts';
import { loadConfig } from '../../../shared/config.ts';
import { fixedClock } from '../../../shared/clock.ts';
import { createLogger } from '../../../shared/log.ts';
import type { Db } from '../../../shared/db/index.ts';
import { useCaseContext } from './index.ts';

const config = loadConfig({});
const app = (name: string): AppContext => ({
  db: { name } as unknown as Db,
  clock: fixedClock('2026-03-02T09:00:00.000Z'),
  policy: config.policy,
  config,
  log: createLogger('error', {}, () => {}),
  files: new LocalFileStorage(`/srv/${name}`),
});

/** A gateway with the request's id and log set as requestId() and observe() set them, then the middleware, then a handler showing what it reads. */
function gateway(current: () => AppContext) {
  const requestLog = createLogger('error', { request: true }, () => {});
  const hono = new Hono<GatewayEnv>();
  hono.use(async (c, next) => {
    c.set('requestId', c.req.header('x-request-id') ?? 'none');
    c.set('log', requestLog);
    await next();
  });
  hono.use(useCaseContext({ app: current }));
  hono.get('/', (c) => {
    const ctx = c.get('ctx');
    return c.json({
      db: (ctx.db as unknown as { name: string }).name,
      now: ctx.clock.now().toISOString(),
      samePolicy: ctx.policy === config.policy,
      requestId: ctx.requestId,
      requestLog: ctx.log === requestLog,
      app: c.get('app').db === ctx.db,
    });
  });
  return hono;
}

describe('useCaseContext', () => {
  it("hands handlers the app's database, clock and policy with this request's id and log", async () => {
    const res = await gateway(() => app('main')).request('/', { headers: { 'x-request-id': 'edi-7' } });
    expect(await res.json()).toEqual({ db: 'main', now: '2026-03-02T09:00:00.000Z', samePolicy: true, requestId: 'edi-7', requestLog: true, app: true });
  });

  it('reads the app on every request, so a context installed after start-up is the one used', async () => {
    let current = app('first');
    const gw = gateway(() => current);
    expect(((await (await gw.request('/')).json()) as { db: string }).db).toBe('first');
    current = app('second');
    expect(((await (await gw.request('/', { headers: { 'x-request-id': 'r2' } })).json()) as { db: string; requestId: string })).toMatchObject({ db: 'second', requestId: 'r2' });
  });
});

import type { MiddlewareHandler } from 'hono';
import type { AppContext } from '../../../shared/context.ts';
import type { GatewayEnv } from '../../env.ts';

export interface UseCaseContextOptions {
  /** The running server's shared parts (read per request: the portal's hook installs them after start-up). */
  app: () => AppContext;
}

/**
 * Sets `app` (configuration and shared parts) and `ctx` (the use-case context of this request)
 * once, for every handler after it; runs after requestId() and observe(), whose id and log it carries.
 */
export const useCaseContext = (options: UseCaseContextOptions): MiddlewareHandler<GatewayEnv> => {
  return async (c, next) => {
    const app = options.app();
    c.set('app', app);
    c.set('ctx', { db: app.db, clock: app.clock, policy: app.policy, files: app.files, log: c.get('log'), requestId: c.get('requestId') });
    await next();
  };
};

import type { AppContext } from '../shared/context.ts';
import type { Logger } from '../shared/log.ts';

/** Hono's typing of what middleware puts on the context. */
export interface GatewayEnv {
  Variables: {
    requestId: string;
    log: Logger;
    app: AppContext;
  };
}

import type { AppContext, UseCaseContext } from '../shared/context.ts';
import type { Logger } from '../shared/log.ts';

/** Hono's typing of what middleware puts on the context. */
export interface GatewayEnv {
  Variables: {
    requestId: string;
    log: Logger;
    app: AppContext;
    /** The use-case context of this request (middleware/use-case-context): handlers pass it, never build one. */
    ctx: UseCaseContext & { log: Logger };
  };
}

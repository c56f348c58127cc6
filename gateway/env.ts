import type { AppContext, FilesContext } from '../shared/context.ts';
import type { Logger } from '../shared/log.ts';

/** Hono's typing of what middleware puts on the context. */
export interface GatewayEnv {
  Variables: {
    requestId: string;
    log: Logger;
    app: AppContext;
    /** The use-case context of this request (middleware/use-case-context): handlers pass it, never build one. */
    ctx: FilesContext & { log: Logger };
  };
}

/**
 * The client's address for counting and recording who sent a request: the TCP peer, or on
 * Workers the address Cloudflare's edge puts in cf-connecting-ip (clients cannot set it), which
 * the Worker hands the gateway as `clientAddress`. Not for access checks: /metrics looks at the peer only.
 */
export function clientAddress(c: { env: unknown }): string | undefined {
  return peerAddress(c) ?? (c.env as { clientAddress?: string } | undefined)?.clientAddress;
}

/** The TCP peer when the gateway runs under @hono/node-server (lotbridge serve); undefined behind the portal's hook or on Workers. */
export function peerAddress(c: { env: unknown }): string | undefined {
  return (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming?.socket?.remoteAddress;
}

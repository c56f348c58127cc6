import type { MiddlewareHandler } from 'hono';
import { requestIdFrom } from '../../../shared/metrics.ts';

export interface RequestIdOptions {
  /** The header read from upstream and echoed on the response. */
  header?: string;
}

/** Gives every request an id (kept from upstream when sane) and echoes it on the response. */
export const requestId = (options: RequestIdOptions = {}): MiddlewareHandler => {
  const header = options.header ?? 'X-Request-Id';
  return async (c, next) => {
    const id = requestIdFrom(c.req.header(header));
    c.set('requestId', id);
    c.header(header, id);
    await next();
  };
};

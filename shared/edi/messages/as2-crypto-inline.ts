// The AS2 receive's CPU work on workerd (`workerd` of `#runtime/as2-crypto`): inline, on the
// request's own isolate (a Worker has no threads to hand it to; each request is its own isolate's turn).
import { buildMdnStored, unwrapStored, type As2Crypto } from './as2-crypto-work.ts';

export const as2Crypto: As2Crypto = {
  unwrap: async (request) => unwrapStored(request),
  buildMdn: async (request) => buildMdnStored(request),
};

import dns from 'node:dns';
import type { LookupFunction } from 'node:net';
import { classifyAddress, isInternal } from './address-class.ts';
import { InternalAddressError, type Resolve } from './resolve-target.ts';

/** The system resolver (every address of the name, in the order it gives them). */
export const systemResolve: Resolve | null = async (hostname) => (await dns.promises.lookup(hostname, { all: true, verbatim: true })).map((a) => a.address);

/**
 * A `lookup` for Node's net/http clients that checks the very addresses the socket will
 * connect to (so a name that resolves public when saved and private at delivery, as in DNS
 * rebinding, is still refused). Address literals never reach a lookup: see checkLiteralHost.
 */
export function guardedLookup(allowInternal: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      if (!allowInternal) {
        for (const a of addresses) {
          const c = classifyAddress(a.address) ?? 'reserved';
          if (isInternal(c)) return callback(new InternalAddressError(hostname, a.address, c), '', 0);
        }
      }
      if (options.all) (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, addresses);
      else callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}

import { classifyAddress, classifyHost, isInternal, type AddressClass } from './address-class.ts';

/**
 * Host name → addresses. The runtime's own is `systemResolve` from `#runtime/resolve-host`
 * (package.json "imports"): the system resolver on Node (resolve-target-node.ts), none
 * (null) on Workers, which have no DNS lookup (resolve-target-workerd.ts says why none is
 * needed there).
 */
export type Resolve = (hostname: string) => Promise<string[]>;

/** Ranks classes so that the most internal address of a name is the one reported. */
const rank = (c: AddressClass) => (c === 'public' ? 0 : 1);

/**
 * Where a URL would go: the class of its host (a literal or localhost, else the most internal
 * of the addresses its name resolves to, with `address` being that address). `class` is null
 * when the name does not resolve now (it is checked again on every delivery) or the runtime
 * resolves no names (Workers).
 */
export async function classifyUrlTarget(url: URL, resolve: Resolve | null): Promise<{ class: AddressClass | null; address: string | null }> {
  const direct = classifyHost(url.hostname);
  if (direct) return { class: direct, address: url.hostname };
  if (!resolve) return { class: null, address: null };
  let addresses: string[];
  try {
    addresses = await resolve(url.hostname);
  } catch {
    return { class: null, address: null };
  }
  let worst: { class: AddressClass; address: string } | null = null;
  for (const address of addresses) {
    const c = classifyAddress(address) ?? 'reserved';
    if (!worst || rank(c) > rank(worst.class)) worst = { class: c, address };
  }
  return worst ?? { class: null, address: null };
}

/** A connection refused because it would reach an internal address the target was not allowed. */
export class InternalAddressError extends Error {
  override name = 'InternalAddressError';
  constructor(
    readonly host: string,
    readonly address: string,
    readonly addressClass: AddressClass,
  ) {
    super(`not sent: ${host} is ${address === host ? '' : `${address}, `}a ${addressClass} address, and this endpoint is not marked internal`);
  }
}

/** Refuses an address literal (which no resolver sees) that an external target may not reach. */
export function checkLiteralHost(hostname: string, allowInternal: boolean): void {
  const c = classifyHost(hostname);
  if (c && !allowInternal && isInternal(c)) throw new InternalAddressError(hostname, hostname, c);
}

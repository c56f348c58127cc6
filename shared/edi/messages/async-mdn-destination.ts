/**
 * Where an async MDN may go. The Receipt-Delivery-Option URL comes from the request, which
 * anyone can send with a partner's AS2-From; if we POSTed wherever it pointed, the gateway
 * would be a request forger against our own network. So the URL must be http(s); its host must
 * be the host of the partner's AS2 URL (on that URL's port) or on the profile's allow-list
 * (`asyncMdnHosts`: `host` allows the scheme's default port only, `host:port` that port); and the address we
 * connect to must not be loopback, private, link-local or otherwise internal unless the
 * profile allows it (`asyncMdnPrivate`). Host names are resolved when the MDN is sent, every
 * address they resolve to is checked, and the connection goes to the checked address (a DNS
 * answer that changes between check and connect changes nothing).
 */
import { systemResolve } from '#runtime/resolve-host';
import { classifyAddress, isInternal, parseIPv4, parseIPv6 } from '../../net/address-class.ts';
import type { Resolve } from '../../net/resolve-target.ts';
import type { PinnedAddress } from '../../webhooks/http-post.ts';

export interface AsyncMdnPolicy {
  /** The partner's AS2 URL (where we send to it); its host may receive async MDNs. */
  as2Url: string | null;
  /** Space-separated allowed hosts (partner profile). */
  asyncMdnHosts: string;
  /** Loopback, private and link-local addresses allowed (partner profile). */
  asyncMdnPrivate: boolean;
}

/** True for an address literal (any form the URL parser reads) that is not on the public internet; false for a name (judged once resolved). */
export function isInternalAddress(address: string): boolean {
  const c = classifyAddress(address.replace(/^\[|\]$/g, ''));
  return c !== null && isInternal(c);
}

function hostOf(url: string): string {
  return new URL(url).hostname.toLowerCase();
}

const defaultPorts: Record<string, string> = { 'http:': '80', 'https:': '443' };

/** host:port of a URL, the port given or the scheme's default ("as2.example.com:443", "[::1]:8080"). */
function hostAndPort(url: URL): string {
  return `${url.hostname.toLowerCase()}:${url.port || defaultPorts[url.protocol] || ''}`;
}

/** Why `url` may not receive this partner's async MDN, or undefined when it may (scheme, host and port rules; addresses are checked at send time). */
export function asyncMdnUrlProblem(policy: AsyncMdnPolicy, url: string): string | undefined {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return 'it is not a URL';
  }
  if (!(target.protocol in defaultPorts)) return `async MDNs go over http:// or https:// only, not ${target.protocol}`;
  const host = target.hostname.toLowerCase();
  const entries = policy.asyncMdnHosts.split(' ').filter(Boolean);
  // The partner's AS2 URL allows its own host and port; a listed host:port that port; a listed bare host the scheme's default port.
  const allowed = new Set(entries.map((e) => (/:\d+$/.test(e) ? e : `${e} (default port)`)));
  let as2Target: URL | undefined;
  try {
    as2Target = policy.as2Url ? new URL(policy.as2Url) : undefined;
  } catch {
    as2Target = undefined;
  }
  if (as2Target) allowed.add(hostAndPort(as2Target));
  const permitted =
    (as2Target !== undefined && hostAndPort(as2Target) === hostAndPort(target)) ||
    entries.includes(hostAndPort(target)) ||
    (target.port === '' && entries.includes(host));
  if (!permitted) {
    const hostKnown = entries.some((e) => e === host || e.startsWith(`${host}:`)) || (as2Target !== undefined && as2Target.hostname.toLowerCase() === host);
    if (hostKnown) {
      return `port ${target.port || defaultPorts[target.protocol]} of ${host} is not one the partner profile allows for async MDNs (${[...allowed].join(', ')}); an administrator adds "${hostAndPort(target)}" to the async MDN hosts if the partner really receives MDNs there`;
    }
    return allowed.size
      ? `the host ${host} is not one the partner profile allows for async MDNs (${[...allowed].join(', ')})`
      : `the partner profile allows no host for async MDNs (it has no AS2 URL and no async MDN hosts)`;
  }
  if (!policy.asyncMdnPrivate && isInternalAddress(host)) return `${host} is a loopback, private or link-local address, which the partner profile does not allow for async MDNs`;
  return undefined;
}

/**
 * Resolves the URL's host and checks every address against the policy; returns the address to
 * connect to, or the problem. Called at send time, so a host that resolves elsewhere now than
 * when the message came is judged by what it resolves to now. Where the runtime resolves no
 * names (Workers) a host name passes with `address: null` (sent to by name: Cloudflare's fetch
 * cannot reach internal networks, see resolve-target-workerd.ts); literals are judged above.
 */
export async function resolveAsyncMdnAddress(
  policy: AsyncMdnPolicy,
  url: string,
  resolve: Resolve | null = systemResolve,
): Promise<PinnedAddress | { address: null } | { problem: string }> {
  const problem = asyncMdnUrlProblem(policy, url);
  if (problem) return { problem };
  const host = hostOf(url).replace(/^\[|\]$/g, '');
  if (parseIPv4(host)) return { address: host, family: 4 };
  if (parseIPv6(host)) return { address: host, family: 6 };
  if (!resolve) return { address: null };
  let addresses: string[];
  try {
    addresses = await resolve(host);
  } catch (e) {
    return { problem: `${host} does not resolve (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` };
  }
  if (addresses.length === 0) return { problem: `${host} does not resolve` };
  if (!policy.asyncMdnPrivate) {
    const inside = addresses.filter((a) => isInternalAddress(a));
    if (inside.length) return { problem: `${host} resolves to ${inside.join(', ')}: loopback, private or link-local, which the partner profile does not allow for async MDNs` };
  }
  return { address: addresses[0]!, family: addresses[0]!.includes(':') ? 6 : 4 };
}

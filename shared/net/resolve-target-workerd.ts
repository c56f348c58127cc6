import type { Resolve } from './resolve-target.ts';

/**
 * Workers have no DNS lookup, so there is no resolver here: a URL's name is not
 * judged when it is saved (address literals still are: see checkLiteralHost and
 * classifyUrlTarget) and is not checked again when something is sent to it.
 *
 * What holds instead: Cloudflare's `fetch` leaves from Cloudflare's network to the public
 * internet. It cannot reach a private network (10/8, 172.16/12, 192.168/16, fc00::/7), link-local
 * addresses (169.254.169.254 and other cloud metadata) or the machine the Worker runs on, whatever
 * a name resolves to; only a binding (a Tunnel, a VPC service) would, and Lotbridge configures
 * none (a local `wrangler dev` is the exception: its fetch reaches this machine's network, where
 * only the address-literal checks hold). So a name that resolves to an internal address cannot be used to forge requests into
 * one, and the administrator's "internal" mark has no network to open on Workers.
 */
export const systemResolve: Resolve | null = null;

import { problem, type Problem } from '../errors.ts';
import { isInternal } from './address-class.ts';
import { systemResolve } from '#runtime/resolve-host';
import { classifyUrlTarget, type Resolve } from './resolve-target.ts';

/**
 * An administrator-entered URL that reaches a loopback, private, link-local or unique-local
 * address (literally, or through its name as it resolves now) unless the administrator marked
 * the endpoint internal: the problem `net.internalAddress` with the host, the address and its
 * class. A name that does not resolve now passes: every delivery checks the
 * address it connects to.
 */
export async function internalTargetProblem(url: string, internal: boolean, resolve: Resolve | null = systemResolve): Promise<Problem | undefined> {
  if (internal) return undefined;
  const parsed = new URL(url);
  const target = await classifyUrlTarget(parsed, resolve);
  if (!target.class || !isInternal(target.class)) return undefined;
  const host = parsed.hostname;
  const address = target.address ?? host;
  return problem('net.internalAddress', { host, address, kind: target.class });
}

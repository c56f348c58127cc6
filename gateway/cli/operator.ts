import { hostname, userInfo } from 'node:os';
import type { SystemActor } from '../../shared/auth/operator.ts';

/** Changes made from the command line are audited as the system, naming the operator. */
export function operator(): SystemActor {
  return { type: 'system', id: 'cli', name: `lotbridge CLI (${userInfo().username}@${hostname()})` };
}

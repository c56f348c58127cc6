/**
 * Checks of one user's credentials (sign-in, signature re-authentication) run one at a time in
 * this process, so guesses sent in parallel each see the count and the lock the previous one
 * left: thirty at once cannot all be tried before the lockout takes effect.
 */
const queues = new Map<string, Promise<unknown>>();

export function oneCredentialCheckAtATime<T>(userId: string, check: () => Promise<T>): Promise<T> {
  const previous = queues.get(userId) ?? Promise.resolve();
  const next = previous.then(check, check);
  const settled = next.catch(() => undefined);
  queues.set(userId, settled);
  void settled.then(() => {
    if (queues.get(userId) === settled) queues.delete(userId);
  });
  return next;
}

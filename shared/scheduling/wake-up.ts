// A process-wide "work is due" signal for one background worker, so it need not wait for its
// next poll: the code that queues work wakes it (after the commit), the worker listens. Reached
// through Symbol.for from every module copy (see context.ts): the CLI loads shared/ from source,
// the portal's server bundle has its own copy. Plain EventTarget: runs on Node and Workers.

export interface WakeUp {
  /** Tells the worker that work is due. */
  wake(): void;
  /** Calls `listener` on every wake-up until the returned function is called. */
  listen(listener: () => void): () => void;
}

/** The signal named `name` (one name per worker, e.g. 'mail'); every call with it gives the same signal. */
export function wakeUpSignal(name: string): WakeUp {
  const slot = Symbol.for(`lotbridge.wakeUp.${name}`);
  const target = (): EventTarget => {
    const g = globalThis as { [slot]?: EventTarget };
    return (g[slot] ??= new EventTarget());
  };
  return {
    wake: () => void target().dispatchEvent(new Event('due')),
    listen: (listener) => {
      target().addEventListener('due', listener);
      return () => target().removeEventListener('due', listener);
    },
  };
}

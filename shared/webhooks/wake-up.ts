// A process-wide signal that new deliveries are due, so the dispatcher need not wait for its
// next poll. Reached through Symbol.for from every module copy (see context.ts).
const slot = Symbol.for('lotbridge.webhookWakeUp');

function target(): EventTarget {
  const g = globalThis as { [slot]?: EventTarget };
  return (g[slot] ??= new EventTarget());
}

export function wakeDispatcher(): void {
  target().dispatchEvent(new Event('due'));
}

export function onDispatcherWakeUp(listener: () => void): () => void {
  target().addEventListener('due', listener);
  return () => target().removeEventListener('due', listener);
}

// Process-wide "an EDIFACT payload is waiting" signal (the AS2 receive path raises it once the
// MDN is answered), reached through Symbol.for from every module copy.
const slot = Symbol.for('lotbridge.edifactWakeUp');

function target(): EventTarget {
  const g = globalThis as { [slot]?: EventTarget };
  return (g[slot] ??= new EventTarget());
}

export function wakeEdifactWorker(): void {
  target().dispatchEvent(new Event('due'));
}

export function onEdifactWorkerWakeUp(listener: () => void): () => void {
  target().addEventListener('due', listener);
  return () => target().removeEventListener('due', listener);
}

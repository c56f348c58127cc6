// Process-wide "an AS2 message is queued" signal, reached through Symbol.for from every module copy.
const slot = Symbol.for('lotbridge.as2SenderWakeUp');

function target(): EventTarget {
  const g = globalThis as { [slot]?: EventTarget };
  return (g[slot] ??= new EventTarget());
}

export function wakeAs2Sender(): void {
  target().dispatchEvent(new Event('due'));
}

export function onAs2SenderWakeUp(listener: () => void): () => void {
  target().addEventListener('due', listener);
  return () => target().removeEventListener('due', listener);
}

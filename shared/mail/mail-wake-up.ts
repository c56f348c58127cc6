// Process-wide "mail is queued" signal, reached through Symbol.for from every module copy.
const slot = Symbol.for('lotbridge.mailWakeUp');

function target(): EventTarget {
  const g = globalThis as { [slot]?: EventTarget };
  return (g[slot] ??= new EventTarget());
}

export function wakeMailSender(): void {
  target().dispatchEvent(new Event('due'));
}

export function onMailSenderWakeUp(listener: () => void): () => void {
  target().addEventListener('due', listener);
  return () => target().removeEventListener('due', listener);
}

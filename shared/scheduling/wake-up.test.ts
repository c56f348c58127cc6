import { describe, expect, it } from 'vitest';
import { wakeUpSignal } from './wake-up.ts';

describe('wakeUpSignal', () => {
  it('calls each listener on every wake-up until it stops listening', () => {
    const signal = wakeUpSignal('test.listeners');
    const heard: string[] = [];
    const stopA = signal.listen(() => heard.push('a'));
    const stopB = signal.listen(() => heard.push('b'));
    signal.wake();
    stopA();
    signal.wake();
    stopB();
    signal.wake();
    expect(heard).toEqual(['a', 'b', 'b']);
  });

  it('is one signal per name, whichever copy wakes it', () => {
    let heard = 0;
    const stop = wakeUpSignal('test.shared').listen(() => heard++);
    wakeUpSignal('test.shared').wake();
    wakeUpSignal('test.other').wake();
    stop();
    expect(heard).toBe(1);
  });
});

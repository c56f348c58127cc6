// Process-wide "an EDIFACT payload is waiting" signal (the AS2 receive path raises it once the
// MDN is answered).
import { wakeUpSignal } from '../../scheduling/wake-up.ts';

const signal = wakeUpSignal('edifactWorker');

export const wakeEdifactWorker = signal.wake;
export const onEdifactWorkerWakeUp = signal.listen;

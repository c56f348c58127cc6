// Process-wide "an AS2 message is queued" signal.
import { wakeUpSignal } from '../../scheduling/wake-up.ts';

const signal = wakeUpSignal('as2Sender');

export const wakeAs2Sender = signal.wake;
export const onAs2SenderWakeUp = signal.listen;

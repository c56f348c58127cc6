// Process-wide "mail is queued" signal.
import { wakeUpSignal } from '../scheduling/wake-up.ts';

const signal = wakeUpSignal('mailSender');

export const wakeMailSender = signal.wake;
export const onMailSenderWakeUp = signal.listen;

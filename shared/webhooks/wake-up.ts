// A process-wide signal that new deliveries are due, so the dispatcher need not wait for its
// next poll.
import { wakeUpSignal } from '../scheduling/wake-up.ts';

const signal = wakeUpSignal('webhookDispatcher');

export const wakeDispatcher = signal.wake;
export const onDispatcherWakeUp = signal.listen;

// The states of a mail message: plain constants without any server import, so the portal's
// pages can use them in the browser too.

export const mailStates = ['queued', 'sent', 'kept', 'failed'] as const;
export type MailState = (typeof mailStates)[number];

export function isMailState(value: unknown): value is MailState {
  return (mailStates as readonly unknown[]).includes(value);
}

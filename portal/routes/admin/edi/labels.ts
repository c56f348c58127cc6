// How the EDI log pages name states (client and server).
import { t } from '$lib/i18n';
import { isEdiLogState } from '$shared/edi/message-log/edi-log-states.ts';

/** A state of the log in the reader's language (an unknown one as it is stored). */
export function stateLabel(state: string): string {
  return isEdiLogState(state) ? t(`ediLog.state.${state}`) : state;
}

const good = new Set(['processed', 'delivered', 'accepted', 'edifact_processed']);
const bad = new Set(['failed', 'exhausted', 'rejected', 'edifact_failed', 'edifact_refused', 'unsupported']);

/** good / bad / wait, for the badge's colour (the text says the state; colour only repeats it). */
export function tone(state: string): 'good' | 'bad' | 'wait' {
  return good.has(state) ? 'good' : bad.has(state) ? 'bad' : 'wait';
}

const interchangeStatuses = ['received', 'accepted', 'partially_accepted', 'rejected'] as const;

/** An interchange's status (register or run outcome) in the reader's language. */
export function interchangeLabel(status: string): string {
  if (status === 'refused') return t('ediLog.detail.refused');
  return (interchangeStatuses as readonly string[]).includes(status) ? t(`ediLog.interchange.${status as (typeof interchangeStatuses)[number]}`) : status;
}

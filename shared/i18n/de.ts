import type { MessageKey } from './en.ts';
import { recallDashboardDe } from './recall-dashboard.de.ts';
import { recallFollowUpDe } from './recall-follow-up.de.ts';
import { recallPagesDe } from './recall-pages.de.ts';
import { recallNoticesDe } from './recall-notices.de.ts';
import { recallReplyDe } from './recall-reply.de.ts';
import { signaturesDe } from './signatures.de.ts';
import { organisationsDe } from './organisations.de.ts';
import { commonDe } from './common.de.ts';
import { layoutDe } from './layout.de.ts';
import { authDe } from './auth.de.ts';
import { homeDe } from './home.de.ts';

/**
 * Deutsch (formal „Sie“). Partial until every capability has its `.de.ts` file: a missing
 * text falls back to English (translate). Terms: lot = Charge, distributor = Händler,
 * recall = Rückruf, consignee = Empfänger, reply = Rückmeldung, deadline = Frist.
 */
export const de: Partial<Record<MessageKey, string>> = {
  ...recallDashboardDe,
  ...recallFollowUpDe,
  ...recallPagesDe,
  ...recallNoticesDe,
  ...recallReplyDe,
  ...signaturesDe,
  ...organisationsDe,
  ...commonDe,
  ...layoutDe,
  ...authDe,
  ...homeDe,
};

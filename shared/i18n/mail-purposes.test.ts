import { describe, expect, it } from 'vitest';
import { sharedSources } from '../../tests/support/sources.ts';
import { mailLogEn } from './mail-log.en.ts';
import { followUpKinds } from '../recalls/follow-up-schedule.ts';
import { mailStates } from '../mail/mail-states.ts';

// Every purpose a use case queues a message with has a readable name in the mail log. The compiler
// holds the rule (OutgoingMail's `purpose` is a MailPurpose, derived from the catalogue's
// `mailLog.purpose.*` keys); this test reads the sources as a second pair of eyes.
describe('mail purpose names', () => {
  const purposes = new Set<string>();
  for (const { file, text } of sharedSources()) {
    if (!/\bqueueMails?\(/.test(text) || file.endsWith('queue-mail.ts')) continue;
    for (const [expression] of text.matchAll(/\bpurpose: [^,\n]*/g)) {
      for (const m of expression.matchAll(/'([a-z0-9_]+\.[a-z0-9_.]+)'/g)) purposes.add(m[1]!);
      // A follow-up's purpose is recall.<its kind>.
      if (/`recall\.\$\{(send\.)?kind\}`/.test(expression)) for (const kind of followUpKinds) purposes.add(`recall.${kind}`);
    }
  }

  it('finds the purposes in the use cases', () => {
    expect(purposes.size).toBeGreaterThan(8);
  });

  it.each([...purposes].sort())('%s has a readable name', (purpose) => {
    expect(Object.keys(mailLogEn)).toContain(`mailLog.purpose.${purpose}`);
  });

  it.each(mailStates)('the state %s has a readable name', (state) => {
    expect(Object.keys(mailLogEn)).toContain(`mailLog.state.${state}`);
  });
});

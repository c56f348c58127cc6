// `lotbridge mail …`, registered in commands.ts: acts as the system, naming the operator.
import { operator } from './operator.ts';
import { AppError } from '../../shared/errors.ts';
import { revealMail } from '../../shared/mail/reveal-mail.ts';
import { openApp } from '../node/open-app.ts';
import type { Command } from './commands.ts';

export const mailCommands: Record<string, Command> = {
  'mail show': {
    summary: 'print one kept mail message in full, live links and codes included (audited; /admin/mail masks them)',
    usage: '--id MAIL_ID',
    details: 'For a server without SMTP_URL: the ids are on /admin/mail (the message row) and in mail_messages.',
    options: { id: { type: 'string', help: 'the message id (mail_…)' } },
    async run(values) {
      const id = values.id;
      if (typeof id !== 'string' || !id.trim()) throw new AppError('invalid_input', '--id is required');
      const app = await openApp();
      try {
        const m = await revealMail(app, operator(), id.trim());
        console.log(`To: ${m.to}\nSubject: ${m.subject}\nPurpose: ${m.purpose}\n\n${m.text}`);
        return 0;
      } finally {
        app.db.close();
      }
    },
  },
};

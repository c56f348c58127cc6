import nodemailer from 'nodemailer';
import type { SmtpTransportFactory } from './mail-transport.ts';

/** SMTP through nodemailer (Node); the default transport. */
export const smtpTransport: SmtpTransportFactory = (url) => {
  const transport = nodemailer.createTransport(url);
  return {
    async send(m) {
      const info = await transport.sendMail({
        from: m.from,
        to: m.to,
        cc: m.cc,
        subject: m.subject,
        text: m.text,
        html: m.html,
        attachments: m.attachments.map((a) => ({ filename: a.filename, content: Buffer.from(a.content), contentType: a.contentType })),
      });
      return { messageId: info.messageId ?? null, rejected: (info.rejected ?? []).map(String) };
    },
    close: () => transport.close(),
  };
};

import { ConfigError } from '../config.ts';
import type { SmtpTransportFactory } from './mail-transport.ts';

/** Workers cannot speak SMTP (no raw sockets for nodemailer): mail goes through an HTTP API or the send_email binding there. */
export const smtpTransport: SmtpTransportFactory = () => {
  throw new ConfigError('SMTP is not available on Cloudflare Workers: set MAIL_TRANSPORT=http (with MAIL_API_URL and MAIL_API_TOKEN) or MAIL_TRANSPORT=send_email');
};

import { SMTPServer } from 'smtp-server';

/** One message as the SMTP server took it: the envelope and the raw RFC 5322 text. */
export interface ReceivedMail {
  /** The envelope sender ('' for the null sender). */
  from: string;
  to: string[];
  raw: string;
}

export interface SmtpServerOptions {
  /**
   * Asked at each RCPT TO: an SMTP reply to refuse that recipient with (550 fails for good,
   * 450 asks the sender to try again later), or undefined to take it.
   */
  refuseRecipient?: (address: string) => { code: number; message: string } | undefined;
}

export interface TestSmtpServer {
  port: number;
  /** The server as the mail sender's smtpUrl / SMTP_URL: smtp://127.0.0.1:port. */
  url: string;
  /** Every message taken so far, in the order they arrived. */
  received: ReceivedMail[];
  close(): Promise<void>;
}

/**
 * A real SMTP server (the smtp-server package) on a free loopback port, without TLS or
 * authentication, that keeps what it is sent.
 */
export async function startSmtpServer(options: SmtpServerOptions = {}): Promise<TestSmtpServer> {
  const received: ReceivedMail[] = [];
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onRcptTo(address, _session, callback) {
      const refusal = options.refuseRecipient?.(address.address);
      if (refusal) return callback(Object.assign(new Error(refusal.message), { responseCode: refusal.code }));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));
  const port = (smtp.server.address() as { port: number }).port;
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => smtp.close(() => resolve())),
  };
}

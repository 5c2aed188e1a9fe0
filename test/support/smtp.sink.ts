/**
 * A real SMTP server (`smtp-server`) on 127.0.0.1 inside the test process. Every accepted message
 * is parsed with `postal-mime` and kept with its SMTP envelope; `rcptHook` lets a test refuse a
 * recipient with an SMTP reply (e.g. 451, transient; 550, permanent). `waitFor` re-checks on every
 * message, so tests never sleep to synchronise.
 */
import type { AddressInfo } from 'node:net';
import PostalMime, { type Email } from 'postal-mime';
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';

export interface ReceivedMail {
  /** RCPT TO addresses, as the server accepted them. */
  rcptTo: string[];
  mailFrom: string;
  parsed: Email;
  raw: string;
  acceptedAt: number;
}

export class SmtpSink {
  readonly mails: ReceivedMail[] = [];
  /** Returns an SMTP reply code and text to refuse a recipient, or undefined to accept. */
  rcptHook: (address: string) => { code: number; message: string } | undefined = () => undefined;
  /** Called with the time (performance.now) each message is accepted. */
  onAccepted: (mail: ReceivedMail) => void = () => undefined;
  private readonly server: SMTPServer;
  private readonly checks = new Set<() => void>();

  private constructor() {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onRcptTo: (address: SMTPServerAddress, _session, callback) => {
        const refusal = this.rcptHook(address.address);
        if (!refusal) return callback();
        callback(Object.assign(new Error(refusal.message), { responseCode: refusal.code }));
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks);
          void PostalMime.parse(raw).then((parsed) => {
            const mail: ReceivedMail = {
              rcptTo: session.envelope.rcptTo.map((r) => r.address),
              mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              parsed,
              raw: raw.toString('utf8'),
              acceptedAt: performance.now(),
            };
            this.mails.push(mail);
            this.onAccepted(mail);
            callback();
            for (const check of [...this.checks]) check();
          });
        });
      },
    });
  }

  static async start(): Promise<SmtpSink> {
    const s = new SmtpSink();
    await new Promise<void>((resolve) => s.server.listen(0, '127.0.0.1', resolve));
    return s;
  }

  get port(): number {
    return (this.server.server.address() as AddressInfo).port;
  }

  /** The app's environment for this server. */
  env(): Record<string, string> {
    return {
      TRIBUTARY_SMTP_HOST: '127.0.0.1',
      TRIBUTARY_SMTP_PORT: String(this.port),
      TRIBUTARY_SMTP_FROM: 'Tributary <tributary@example.org>',
      TRIBUTARY_SMTP_TIMEOUT_MS: '5000',
    };
  }

  waitFor(done: () => boolean, ms = 20_000): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.checks.delete(check);
        reject(new Error(`smtp: condition not met within ${ms} ms (${this.mails.length} mails)`));
      }, ms);
      const check = (): void => {
        if (!done()) return;
        clearTimeout(timer);
        this.checks.delete(check);
        resolve();
      };
      this.checks.add(check);
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

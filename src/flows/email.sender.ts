/**
 * Email through SMTP with nodemailer: one pooled transport per server config (host, port, TLS,
 * auth, sender). Failures are classified for the delivery schedule: an SMTP 4xx reply or no
 * connection is transient; a 5xx reply (unknown mailbox, auth refused) is permanent.
 */
import nodemailer, { type Transporter } from 'nodemailer';
import type { SmtpConfig } from '../config/index.js';
import { describeUnknown } from '../errors/index.js';

export interface MailMessage {
  to: string[];
  subject: string;
  text: string;
  html?: string;
}

export interface MailResult {
  ok: boolean;
  transient: boolean;
  /** The SMTP reply code of a failure (e.g. 451, 550), when the server gave one. */
  smtpCode: number | null;
  accepted: string[];
  rejected: string[];
  response: string | null;
  messageId: string | null;
  latencyMs: number;
  error: string | null;
}

const transientCodes = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ECONNRESET']);

export class SmtpMailer {
  private readonly transport: Transporter;

  constructor(readonly config: SmtpConfig & { host: string }) {
    this.transport = nodemailer.createTransport({
      pool: true,
      maxConnections: 4,
      host: config.host,
      port: config.port,
      secure: config.secure,
      requireTLS: config.requireTls,
      ...(config.user !== undefined && {
        auth: { user: config.user, pass: config.password ?? '' },
      }),
      tls: { rejectUnauthorized: config.rejectUnauthorized },
      connectionTimeout: config.timeoutMs,
      greetingTimeout: config.timeoutMs,
      socketTimeout: config.timeoutMs,
    });
  }

  async send(msg: MailMessage): Promise<MailResult> {
    const started = performance.now();
    const latency = (): number => Math.round((performance.now() - started) * 100) / 100;
    try {
      const info = (await this.transport.sendMail({
        from: this.config.from,
        to: msg.to,
        subject: msg.subject,
        text: msg.text,
        ...(msg.html !== undefined && { html: msg.html }),
      })) as {
        accepted?: unknown[];
        rejected?: unknown[];
        rejectedErrors?: { responseCode?: number; message?: string }[];
        response?: string;
        messageId?: string;
      };
      const list = (v: unknown[] | undefined) => (v ?? []).map((x) => String(x));
      // Some recipients refused: a failure, transient when any refusal was a 4xx reply.
      const refusals = info.rejectedErrors ?? [];
      const codes = refusals.map((r) => r.responseCode ?? 0);
      const partial = list(info.rejected).length > 0;
      return {
        ok: !partial,
        transient: partial && codes.some((c) => c >= 400 && c < 500),
        smtpCode: partial ? (codes[0] ?? null) : null,
        accepted: list(info.accepted),
        rejected: list(info.rejected),
        response: info.response ?? null,
        messageId: info.messageId ?? null,
        latencyMs: latency(),
        error: partial
          ? `refused ${list(info.rejected).join(', ')}: ${refusals.map((r) => r.message ?? '').join('; ')}`
          : null,
      };
    } catch (e) {
      const { responseCode, code, rejectedErrors } = e as {
        responseCode?: number;
        code?: string;
        rejectedErrors?: { responseCode?: number }[];
      };
      // Every recipient refused (EENVELOPE): the refusals carry the reply codes.
      const replied = responseCode ?? rejectedErrors?.find((r) => r.responseCode)?.responseCode;
      const smtpCode = typeof replied === 'number' ? replied : null;
      const transient =
        smtpCode !== null ? smtpCode >= 400 && smtpCode < 500 : transientCodes.has(code ?? '');
      return {
        ok: false,
        transient,
        smtpCode,
        accepted: [],
        rejected: [],
        response: null,
        messageId: null,
        latencyMs: latency(),
        error: `${describeUnknown(e)}${code ? ` (${code})` : ''}`,
      };
    }
  }

  close(): void {
    this.transport.close();
  }
}

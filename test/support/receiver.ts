/**
 * A real webhook receiver on 127.0.0.1: records every request and answers through a handler the
 * test sets (200 by default). `waitFor` resolves when a condition over the received requests holds,
 * re-checked on every request, so tests never sleep to synchronise.
 */
import {
  createServer,
  type IncomingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  json: {
    id: string;
    type: string;
    timestamp: string;
    instance: string;
    data: Record<string, unknown>;
  };
}

export type Handler = (req: Received, res: ServerResponse) => void;

export class Receiver {
  readonly received: Received[] = [];
  handler: Handler = (_req, res) => res.writeHead(200).end('ok');
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly checks = new Set<() => void>();

  private constructor() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const r: Received = {
          path: req.url ?? '/',
          headers: req.headers,
          body,
          json: JSON.parse(body) as Received['json'],
        };
        this.received.push(r);
        this.handler(r, res);
        for (const check of [...this.checks]) check();
      });
    });
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  static async start(): Promise<Receiver> {
    const r = new Receiver();
    await new Promise<void>((resolve) => r.server.listen(0, '127.0.0.1', resolve));
    return r;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  url(path = '/hook'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  to(path: string): Received[] {
    return this.received.filter((r) => r.path === path);
  }

  /** Resolves once `done()` holds (checked now and after every request); rejects after `ms`. */
  waitFor(done: () => boolean, ms = 20_000): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.checks.delete(check);
        reject(
          new Error(
            `receiver: condition not met within ${ms} ms (${this.received.length} requests)`,
          ),
        );
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

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Every (event id, path) pair the receiver got, with how often. */
export function pairCounts(rx: Receiver): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of rx.received) {
    const key = `${r.json.id} ${r.path}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

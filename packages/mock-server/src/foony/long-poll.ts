import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BinarySession, type BinaryLink } from './binary-session';
import type { FoonyContext } from './context';

/** The header carrying the long-poll session (the connect response's, and every later request's). */
export const SESSION_HEADER = 'foony-lp-session';

export interface LongPollOptions {
  /** How long a poll is held open with nothing to send. The service: about 25 s. */
  holdMs: number;
  /** A session with no poll for this long ends as a dropped connection would (its presence goes into grace). */
  idleMs: number;
  /** Largest request body. */
  maxBody: number;
  /** Whether new sessions are refused (the server's `refuse` fault): HTTP 503. */
  refusing(): boolean;
}

/** One long-poll session: a binary session whose records wait in an outbox for the next poll. */
class PollSession implements BinaryLink {
  session: BinarySession | undefined;
  closed = false;
  private outbox: Buffer[] = [];
  private waiting: { response: ServerResponse; timer: ReturnType<typeof setTimeout> } | undefined;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly id: string,
    private readonly options: LongPollOptions,
    private readonly forget: (id: string) => void,
  ) {
    this.touch();
  }

  send(bytes: Buffer): void {
    if (this.closed) return;
    this.outbox.push(bytes);
    if (this.waiting) this.answer(this.waiting.response);
  }

  /** The server ends the session (auth refused, token expired, superseded): what is queued goes to the next poll. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.session?.end();
    if (this.waiting) this.answer(this.waiting.response);
    if (this.outbox.length === 0) this.dispose();
  }

  /** Takes what is queued (for the connect response). */
  take(): Buffer {
    const body = Buffer.concat(this.outbox);
    this.outbox = [];
    return body;
  }

  poll(response: ServerResponse): void {
    this.touch();
    if (this.waiting) this.answer(this.waiting.response); // a newer poll replaces a held one
    if (this.outbox.length > 0 || this.closed) return this.answer(response);
    const timer = setTimeout(() => this.answer(response), this.options.holdMs);
    this.waiting = { response, timer };
    response.on('close', () => {
      if (this.waiting?.response === response) {
        clearTimeout(this.waiting.timer);
        this.waiting = undefined;
      }
    });
  }

  /** The client said goodbye (`/lp/disconnect`): presence leaves at once. */
  disconnect(): void {
    this.closed = true;
    this.session?.end(true);
    this.dispose();
  }

  /** The network went away (a `drop` fault, an idle session): presence goes into grace; a held poll is cut. */
  drop(): void {
    this.closed = true;
    this.session?.end();
    this.waiting?.response.socket?.destroy();
    this.dispose();
  }

  dispose(): void {
    this.closed = true;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    if (this.waiting) clearTimeout(this.waiting.timer);
    this.waiting = undefined;
    this.outbox = [];
    this.forget(this.id);
  }

  private answer(response: ServerResponse): void {
    if (this.waiting?.response === response) {
      clearTimeout(this.waiting.timer);
      this.waiting = undefined;
    }
    if (this.outbox.length === 0 && this.closed) {
      response.writeHead(410).end();
      this.dispose();
      return;
    }
    response.writeHead(200, { 'content-type': 'application/octet-stream' }).end(this.take());
    if (this.closed) this.dispose();
  }

  private touch(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.drop(), this.options.idleMs);
  }
}

/**
 * The service's long-poll fallback under the module's path: `POST <path>/lp/connect` (the auth record in, the
 * handshake records and the session header out), `/lp/send`, `/lp/poll` (held up to `holdMs`; 410 once the
 * session is gone) and `/lp/disconnect`, binary bodies both ways.
 */
export class LongPollRoutes {
  private readonly sessions = new Map<string, PollSession>();

  constructor(
    private readonly ctx: FoonyContext,
    private readonly path: string,
    private readonly options: LongPollOptions,
  ) {}

  get count(): number {
    return this.sessions.size;
  }

  /** Answers `<path>/lp/*`; false for anything else. */
  handle(request: IncomingMessage, response: ServerResponse): boolean {
    const pathname = new URL(request.url ?? '/', 'http://mock').pathname;
    if (!pathname.startsWith(`${this.path}/lp/`)) return false;
    const route = pathname.slice(this.path.length + 4);
    if (!['connect', 'send', 'poll', 'disconnect'].includes(route)) return false;
    if (request.method !== 'POST') {
      response.writeHead(405, { allow: 'POST' }).end();
      return true;
    }
    void this.readBody(request).then(
      (body) => this.route(route, request, response, body),
      () => response.writeHead(413).end(),
    );
    return true;
  }

  /** Ends every session as a network drop would. */
  dropAll(): void {
    for (const session of [...this.sessions.values()]) session.drop();
  }

  private route(route: string, request: IncomingMessage, response: ServerResponse, body: Buffer): void {
    if (route === 'connect') return this.connect(response, body);
    const header = request.headers[SESSION_HEADER];
    const poll = typeof header === 'string' ? this.sessions.get(header) : undefined;
    if (!poll || (poll.closed && route !== 'poll')) {
      response.writeHead(410).end();
      return;
    }
    switch (route) {
      case 'send':
        if (body.length > 0) poll.session?.receive(body);
        response.writeHead(204).end();
        return;
      case 'poll':
        return poll.poll(response);
      default:
        poll.disconnect();
        response.writeHead(204).end();
    }
  }

  private connect(response: ServerResponse, body: Buffer): void {
    if (this.options.refusing()) {
      response.writeHead(503).end();
      return;
    }
    const poll = new PollSession(randomBytes(16).toString('hex'), this.options, (id) => this.sessions.delete(id));
    this.sessions.set(poll.id, poll);
    poll.session = BinarySession.start(this.ctx, poll, body);
    poll.session?.flushNow();
    const records = poll.take();
    if (!poll.session) {
      // Refused: the error records, and no session header (the client reports them, then gives up the transport).
      poll.dispose();
      response.writeHead(200, { 'content-type': 'application/octet-stream' }).end(records);
      return;
    }
    response.writeHead(200, { 'content-type': 'application/octet-stream', [SESSION_HEADER]: poll.id }).end(records);
  }

  private readBody(request: IncomingMessage): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      request.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > this.options.maxBody) {
          reject(new Error('body too large'));
          request.destroy();
          return;
        }
        chunks.push(chunk);
      });
      request.on('end', () => resolve(Buffer.concat(chunks)));
      request.on('error', reject);
    });
  }
}

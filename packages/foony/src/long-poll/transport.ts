import {
  CLOSE_NORMAL,
  PolySocketError,
  type Transport,
  type TransportData,
  type TransportListener,
} from '@polysocket/core';

/** A body as fetch takes it: bytes over an ArrayBuffer (not a SharedArrayBuffer). */
type Bytes = Uint8Array<ArrayBuffer>;

/** The part of `fetch` the long-poll transport uses (inject one with `foonyLongPoll({ fetch })`). */
export type LongPollFetch = (
  input: string,
  init: { method: 'POST'; headers: Record<string, string>; body?: Bytes; signal: AbortSignal },
) => Promise<LongPollResponse>;

export interface LongPollResponse {
  ok: boolean;
  status: number;
  headers: { get(name: string): string | null };
  arrayBuffer(): Promise<ArrayBuffer>;
  /** The body as a stream (Node 18+, browsers): read with a size limit. Without it the body is read whole. */
  body?: { getReader(): { read(): Promise<{ done: boolean; value?: Uint8Array }>; cancel(): Promise<void> } } | null;
}

export interface LongPollTransportOptions {
  /** The client's `url` (`ws(s)://host/path?query`): the routes are `http(s)://host/path/lp/<route>?query`. */
  url: string;
  fetch?: LongPollFetch;
  /** Each request is abandoned after this (a poll is held about 25 s by the service). Default 40 000 ms. */
  requestTimeoutMs?: number;
  /** The largest response body accepted (the core's maxFrameSize, default 16 MiB); more drops the link. */
  maxBodySize?: number;
  /**
   * The largest `/lp/send` body made by joining queued records (the client's maxMessageSize, default 1 MiB): a
   * server refuses a body over its limit, which would drop the session. A single record goes alone whatever its size.
   */
  maxSendBody?: number;
}

/** The header naming the long-poll session: in the connect response, and in every later request. */
export const SESSION_HEADER = 'foony-lp-session';
/** How long the `/lp/disconnect` sent by close() may take: a courtesy, and nothing may outlive the client long. */
const FAREWELL_MS = 2000;

type Route = 'connect' | 'send' | 'poll' | 'disconnect';

/** The http(s) URL of a long-poll route for the client's ws(s) URL, and its Basic credentials (userinfo). */
export function longPollUrl(url: string): { route(name: Route): string; authorization?: string } {
  const parsed = new URL(url);
  const protocol = parsed.protocol === 'wss:' ? 'https:' : parsed.protocol === 'ws:' ? 'http:' : parsed.protocol;
  const authorization =
    parsed.username || parsed.password
      ? `Basic ${btoa(`${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`)}`
      : undefined;
  const base = `${protocol}//${parsed.host}${parsed.pathname.replace(/\/+$/, '')}/lp/`;
  return { route: (name) => `${base}${name}${parsed.search}`, authorization };
}

/**
 * The Foony service's HTTP long-poll as a Transport: it reports open at once; the first record written (the
 * auth record) is the body of `POST /lp/connect`, whose answer holds the handshake records and names the session
 * in the `foony-lp-session` header; then a `POST /lp/poll` loop (held by the server) receives, and writes go by
 * `POST /lp/send`, one request at a time with what queued meanwhile joined. Any failure ends the transport as a
 * drop. The records are the same as over a WebSocket, so the client above does not know which transport it runs on.
 */
export class LongPollTransport implements Transport {
  readonly name = 'long-poll';
  private listener: TransportListener | undefined;
  private session: string | undefined;
  private started = false;
  private closed = false;
  private sending = false;
  private queue: Bytes[] = [];
  private queued = 0;
  private readonly abort = new AbortController();
  /** The failure after a refused connect (error records, no session): the handshake reads the records first. */
  private failTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly urls: ReturnType<typeof longPollUrl>;

  constructor(private readonly options: LongPollTransportOptions) {
    this.urls = longPollUrl(options.url);
  }

  get bufferedAmount(): number {
    return this.queued;
  }

  open(listener: TransportListener): void {
    this.listener = listener;
    // Open at once (asynchronously, as a WebSocket reports it): the connect request starts with the first write.
    void Promise.resolve().then(() => {
      if (!this.closed) this.listener?.onOpen();
    });
  }

  send(data: TransportData): void {
    if (this.closed) throw new Error('long-poll transport is closed');
    const bytes = toBytes(data);
    if (!this.started) {
      this.started = true;
      void this.connect(bytes);
      return;
    }
    this.queue.push(bytes);
    this.queued += bytes.byteLength;
    void this.flush();
  }

  /**
   * Ends the transport: every request in flight is aborted. A close by the app (code 1000: `close()`, `fail()`)
   * tells the server with `POST /lp/disconnect` (best effort, at most 2 s) so presence leaves at once; a drop by
   * the client (dead link, a reconnect, the move to WebSocket) does not, so the next session can resume this one's
   * connectionId and presence.
   */
  close(code: number = CLOSE_NORMAL): void {
    if (this.closed) return;
    const session = this.session;
    this.stop();
    if (session !== undefined && code === CLOSE_NORMAL) this.farewell(session);
  }

  terminate(): void {
    if (!this.closed) this.stop();
  }

  private stop(): void {
    this.closed = true;
    this.listener = undefined;
    this.queue = [];
    this.queued = 0;
    if (this.failTimer) clearTimeout(this.failTimer);
    this.abort.abort();
  }

  private async connect(auth: Bytes): Promise<void> {
    let answer: Answer;
    try {
      answer = await this.request('connect', auth);
    } catch (error) {
      return this.fail(error);
    }
    if (!answer.ok) {
      // Only the connect's status says something about the configuration (no long-poll route: 404): the core
      // stops on a 4xx other than 408/429. A later request's status is a lost session, a drop like any other.
      const failure: Error & { status?: number } = new Error(`HTTP ${answer.status} to the long-poll connect`);
      failure.status = answer.status;
      return this.fail(failure);
    }
    if (answer.session === null) {
      // Refused (bad credentials): the error records say why. The handshake reads them before the transport
      // ends; the close that follows is then the client's own.
      if (answer.body.byteLength === 0) return this.fail(new Error('the long-poll connect named no session'));
      this.listener?.onMessage(answer.body);
      this.failTimer = setTimeout(() => this.fail(new Error('the long-poll connect named no session')), 0);
      return;
    }
    this.session = answer.session;
    if (answer.body.byteLength > 0) this.listener?.onMessage(answer.body);
    if (this.closed) return;
    void this.poll();
    void this.flush();
  }

  private async poll(): Promise<void> {
    while (!this.closed) {
      let answer: Answer;
      try {
        answer = await this.request('poll');
      } catch (error) {
        return this.fail(error);
      }
      // 410: the server ended the session; any other status ends this transport as well.
      if (!answer.ok) return this.fail(new Error(`long-poll session ended: HTTP ${answer.status}`));
      if (answer.body.byteLength > 0) this.listener?.onMessage(answer.body);
    }
  }

  /** One send request at a time (records cannot overtake each other); what queued meanwhile goes joined. */
  private async flush(): Promise<void> {
    if (this.sending || this.session === undefined) return;
    this.sending = true;
    const limit = this.options.maxSendBody ?? 1_048_576;
    while (this.queue.length > 0 && !this.closed) {
      // What queued meanwhile, joined up to the limit (at least one record); the rest goes in the next request.
      let count = 1;
      let size = this.queue[0]!.byteLength;
      while (count < this.queue.length && size + this.queue[count]!.byteLength <= limit)
        size += this.queue[count++]!.byteLength;
      const body = join(this.queue.slice(0, count));
      this.queue = this.queue.slice(count);
      this.queued -= size;
      let answer: Answer;
      try {
        answer = await this.request('send', body);
      } catch (error) {
        this.sending = false;
        return this.fail(error);
      }
      if (!answer.ok) {
        this.sending = false;
        return this.fail(new Error(`long-poll send refused: HTTP ${answer.status}`));
      }
    }
    this.sending = false;
  }

  private farewell(session: string): void {
    this.request('disconnect', undefined, session, FAREWELL_MS).catch(() => undefined);
  }

  /** One POST; the body is read within the same timeout. Aborted by close() (the farewell: only by its bound). */
  private async request(
    route: Route,
    body?: Bytes,
    session = this.session,
    timeoutMs = this.options.requestTimeoutMs ?? 40_000,
  ): Promise<Answer> {
    const fetchImpl =
      this.options.fetch ?? ((globalThis as { fetch?: unknown }).fetch as LongPollFetch | undefined)?.bind(globalThis);
    if (!fetchImpl)
      throw new PolySocketError('INVALID', 'long-poll needs fetch (Node 18+ or a browser), or the fetch option');
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const onClose = (): void => controller.abort();
    const farewell = route === 'disconnect';
    if (!farewell) this.abort.signal.addEventListener('abort', onClose);
    try {
      const headers: Record<string, string> = { 'content-type': 'application/octet-stream' };
      if (session !== undefined) headers[SESSION_HEADER] = session;
      if (this.urls.authorization) headers.authorization = this.urls.authorization;
      const response = await fetchImpl(this.urls.route(route), {
        method: 'POST',
        headers,
        ...(body ? { body } : {}),
        signal: controller.signal,
      });
      return {
        ok: response.ok,
        status: response.status,
        session: route === 'connect' ? response.headers.get(SESSION_HEADER) : null,
        body: await readBody(response, this.options.maxBodySize ?? 16_777_216),
      };
    } catch (error) {
      if (error instanceof PolySocketError) throw error;
      throw timedOut ? new Error(`long-poll ${route} timed out after ${timeoutMs} ms`) : requestFailure(route, error);
    } finally {
      clearTimeout(timer);
      if (!farewell) this.abort.signal.removeEventListener('abort', onClose);
    }
  }

  private fail(error: unknown): void {
    if (this.closed) return;
    const listener = this.listener;
    this.stop();
    const failure = error instanceof Error ? error : new Error(String(error));
    listener?.onError(failure);
    listener?.onClose({
      code: failure instanceof PolySocketError && failure.code === 'PROTOCOL' ? 1002 : 1006,
      reason: failure.message,
      wasClean: false,
    });
  }
}

interface Answer {
  ok: boolean;
  status: number;
  session: string | null;
  body: Uint8Array;
}

const utf8 = new TextEncoder();
function toBytes(data: TransportData): Bytes {
  if (typeof data === 'string') return utf8.encode(data) as Bytes;
  if (data instanceof Uint8Array) return data.buffer instanceof ArrayBuffer ? (data as Bytes) : new Uint8Array(data);
  return new Uint8Array(data);
}

function join(chunks: readonly Bytes[]): Bytes {
  if (chunks.length === 1) return chunks[0]!;
  let total = 0;
  for (const chunk of chunks) total += chunk.byteLength;
  const joined = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    joined.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return joined;
}

/** The body, read as it arrives and abandoned once over `limit` (a hostile server cannot make the client buffer without bound). */
async function readBody(response: LongPollResponse, limit: number): Promise<Uint8Array> {
  const tooLarge = (): PolySocketError =>
    new PolySocketError('PROTOCOL', `a long-poll response is over maxFrameSize (${limit}): the link is dropped`);
  const reader = response.body?.getReader();
  if (!reader) {
    const whole = new Uint8Array(await response.arrayBuffer());
    if (whole.byteLength > limit) throw tooLarge();
    return whole;
  }
  const chunks: Bytes[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!value) continue;
      size += value.byteLength;
      if (size > limit) throw tooLarge();
      chunks.push(value as Bytes);
    }
  } finally {
    reader.cancel().catch(() => undefined);
  }
  return chunks.length === 0 ? new Uint8Array(0) : join(chunks);
}

/** A request that got no HTTP answer, named by its cause (Node: `connect ECONNREFUSED 127.0.0.1:80`). */
function requestFailure(route: Route, error: unknown): Error {
  const cause = (error as { cause?: { message?: unknown; code?: unknown } } | undefined)?.cause;
  const message = error instanceof Error ? error.message : String(error);
  const detail = typeof cause?.message === 'string' ? ` (${cause.message})` : '';
  const failure: Error & { cause?: unknown; code?: unknown } = new Error(
    `long-poll ${route} failed: ${message}${detail}`,
  );
  failure.cause = error;
  if (cause?.code !== undefined) failure.code = cause.code;
  return failure;
}

import { PolySocketError, type Transport, type TransportData, type TransportListener } from '@polysocket/core';
import { decodePollingPacket, encodePollingPacket, parseHandshake, RECORD_SEPARATOR } from './engine';
import { CLOSE_PROTOCOL_ERROR } from './frames';

export type FetchLike = (
  input: string,
  init?: {
    method?: string;
    body?: string;
    signal?: AbortSignal;
    headers?: Record<string, string>;
    keepalive?: boolean;
  },
) => Promise<{
  ok: boolean;
  status: number;
  text(): Promise<string>;
  /** The body as a stream (Node 18+, browsers); without it the body is read whole. */
  body?: { getReader(): BodyReader } | null;
}>;

interface BodyReader {
  read(): Promise<{ done: boolean; value?: Uint8Array }>;
  cancel(): Promise<void>;
}

/** How long a handshake in flight at close() may still take to answer. */
const HANDSHAKE_GRACE_MS = 5000;
/** How long the close packet sent at close() may take: it is a courtesy, and nothing may outlive the client for long. */
const FAREWELL_MS = 1000;

export interface PollingTransportOptions {
  /** The Engine.IO polling URL (with EIO=4&transport=polling, without sid). */
  url: string;
  fetch?: FetchLike;
  /** Each HTTP request is abandoned after this. Default 60 000 ms (a long poll is held ~pingInterval). */
  requestTimeoutMs?: number;
  /**
   * The core's maxFrameSize (default 16 MiB): a packet longer than this (UTF-16 units for text, bytes for
   * binary) stops the read as soon as it is crossed, with a PROTOCOL error, and drops the link.
   */
  maxFrameSize?: number;
  /** Removes credentials from text the server sent back (an error page may echo the query). */
  redact?: (text: string) => string;
}

/**
 * Engine.IO HTTP long-polling as a Transport: a GET loop receives payloads, POSTs send them. Each
 * Engine.IO packet is reported as one message, exactly as over a WebSocket, so the protocol above
 * does not know which transport it runs on. It reads the `open` packet only for the session id.
 */
export class PollingTransport implements Transport {
  readonly name = 'polling';
  private listener: TransportListener | undefined;
  private sid: string | undefined;
  /** The server's limit for one POST body (the open packet's maxPayload). */
  private maxPayload = 1_000_000;
  private closed = false;
  private readonly abort = new AbortController();
  private queue: TransportData[] = [];
  private sending = false;
  private polling = false;
  private pauseWaiter: (() => void) | undefined;
  private paused = false;
  private counter = 0;
  /** Why the transport failed (a request without an answer, or with an HTTP error), once it has. */
  error: Error | undefined;

  /** The URL without userinfo: fetch refuses a URL that carries credentials. */
  private readonly url: string;
  /** `user:pass@` in the URL, sent as HTTP Basic credentials (as `ws` does on the WebSocket upgrade). */
  private readonly authorization: string | undefined;

  constructor(private readonly options: PollingTransportOptions) {
    const url = new URL(options.url);
    if (url.username || url.password) this.authorization = `Basic ${btoa(`${url.username}:${url.password}`)}`;
    url.username = url.password = '';
    this.url = url.href;
  }

  get sessionId(): string | undefined {
    return this.sid;
  }

  get bufferedAmount(): number {
    let total = 0;
    for (const item of this.queue) total += typeof item === 'string' ? item.length : item.byteLength;
    return total;
  }

  open(listener: TransportListener): void {
    this.listener = listener;
    void this.poll();
  }

  send(data: TransportData): void {
    if (this.closed) throw new Error('polling transport is closed');
    this.queue.push(data);
    void this.flush();
  }

  /** Stops polling once the request in flight returns and the sends in flight are done (for an upgrade). */
  pause(): Promise<void> {
    this.paused = true;
    if (!this.polling && !this.sending) return Promise.resolve();
    return new Promise((resolve) => {
      this.pauseWaiter = resolve;
    });
  }

  /** Hands back what was queued but not sent (for an upgrade). */
  takeQueued(): TransportData[] {
    const queued = this.queue;
    this.queue = [];
    return queued;
  }

  /** Stops without telling the server (the session moved to another transport). */
  detach(): void {
    this.closed = true;
    this.listener = undefined;
    this.abort.abort();
  }

  close(): void {
    if (this.closed) return;
    const sid = this.sid;
    this.detach();
    // Tell the server at once (best effort), so it does not wait for a ping timeout. A handshake still
    // in flight is left to finish: its session is closed as soon as its id arrives (see `poll`).
    if (sid !== undefined) this.farewell();
  }

  private async poll(): Promise<void> {
    while (!this.closed && !this.paused) {
      this.polling = true;
      const handshake = this.sid === undefined;
      try {
        // close() does not abort the handshake at once: the server may already have opened the session.
        await this.request('GET', undefined, !handshake, undefined, this);
        if (this.sid === undefined)
          throw new PolySocketError('PROTOCOL', 'the first polling response has no open packet');
      } catch (error) {
        this.polling = false;
        return this.fail(error);
      }
      this.polling = false;
    }
    this.settlePause();
  }

  /** @internal One packet of a poll's answer, as soon as it has arrived; false to stop reading. */
  onPacket(text: string): boolean {
    if (this.sid === undefined) {
      if (text.charAt(0) !== '0')
        throw new PolySocketError('PROTOCOL', 'the first polling response is not an open packet');
      ({ sid: this.sid, maxPayload: this.maxPayload } = parseHandshake(text.slice(1)));
      if (this.closed) {
        // close() came while the handshake was in flight, and the server opened the session anyway: end it
        // now (as engine.io-client does) instead of leaving it to the server's ping timeout.
        this.farewell();
        return false;
      }
      this.listener?.onOpen();
    }
    if (this.closed) return false;
    if (text === '1') {
      this.fail(new Error('server closed the session'), true);
      return false;
    }
    this.listener?.onMessage(decodePollingPacket(text));
    return true;
  }

  private async flush(): Promise<void> {
    if (this.sending || this.sid === undefined) return;
    this.sending = true;
    while (this.queue.length > 0 && !this.closed) {
      try {
        await this.request('POST', this.takeBatch());
      } catch (error) {
        this.sending = false;
        return this.fail(error);
      }
    }
    this.sending = false;
    this.settlePause();
  }

  /**
   * The queued packets that fit in one POST body of at most maxPayload bytes (the server answers a bigger
   * one with 413 and drops the session). A single packet over it still goes, alone: the client refuses such
   * packets with TOO_LARGE before they reach the transport.
   */
  private takeBatch(): string {
    let body = '';
    let size = 0;
    let count = 0;
    const utf8 = new TextEncoder();
    for (const item of this.queue) {
      const packet = encodePollingPacket(item);
      // base64 is ASCII; text is counted as UTF-8, as the server counts the body.
      const bytes = (typeof item === 'string' ? utf8.encode(packet).byteLength : packet.length) + (count > 0 ? 1 : 0);
      if (count > 0 && size + bytes > this.maxPayload) break;
      body += count > 0 ? RECORD_SEPARATOR + packet : packet;
      size += bytes;
      count++;
    }
    this.queue.splice(0, count);
    return body;
  }

  /** The close packet, best effort and briefly: the transport is already closed, so only its own bound ends it. */
  private farewell(): void {
    this.request('POST', '1', false, FAREWELL_MS).catch(() => undefined);
  }

  private settlePause(): void {
    if (this.paused && !this.polling && !this.sending && this.pauseWaiter) {
      const waiter = this.pauseWaiter;
      this.pauseWaiter = undefined;
      waiter();
    }
  }

  /** One HTTP request; with `reader`, the answer is a payload whose packets are handed over as they arrive. */
  private async request(
    method: 'GET' | 'POST',
    body?: string,
    abortOnClose = true,
    timeoutMs = this.options.requestTimeoutMs ?? 60_000,
    reader?: PollingTransport,
  ): Promise<void> {
    const fetchImpl = this.options.fetch ?? (globalThis.fetch as unknown as FetchLike | undefined);
    if (!fetchImpl)
      throw new PolySocketError(
        'INVALID',
        'HTTP long-polling needs fetch (Node 18+ or a browser), or the fetch option',
      );
    const url = `${this.url}${this.sid !== undefined ? `&sid=${encodeURIComponent(this.sid)}` : ''}&t=${(this.counter++).toString(36)}`;
    const timeout = new AbortController();
    let timer = setTimeout(() => timeout.abort(), timeoutMs);
    const onAbort = (): void => {
      if (abortOnClose) return timeout.abort();
      // Closed during the handshake: give the server a moment to answer (so its session can be closed), no more.
      clearTimeout(timer);
      timer = setTimeout(() => timeout.abort(), HANDSHAKE_GRACE_MS);
    };
    this.abort.signal.addEventListener('abort', onAbort);
    const handshake = this.sid === undefined;
    try {
      let response: Awaited<ReturnType<FetchLike>>;
      try {
        response = await fetchImpl(url, {
          method,
          signal: timeout.signal,
          headers: {
            ...(this.authorization ? { authorization: this.authorization } : {}),
            ...(body !== undefined ? { 'content-type': 'text/plain;charset=UTF-8' } : {}),
          },
          ...(body !== undefined ? { body } : {}),
        });
      } catch (error) {
        throw requestFailure(error);
      }
      if (response.ok && reader)
        return await readPackets(response, this.options.maxFrameSize ?? 16 * 1024 * 1024, reader);
      const text = await response.text();
      if (!response.ok) {
        const answer = (this.options.redact ?? String)(text).slice(0, 100);
        const failure: Error & { status?: number } = new Error(
          `HTTP ${response.status} to the ${handshake ? 'Engine.IO handshake' : method}: ${answer}`,
        );
        // Only the handshake's status says something about the configuration (a wrong path, refused
        // credentials); a 400 to an established session's request means the server forgot the session
        // (it restarted): a drop like any other, so no status for the core to classify.
        if (handshake) failure.status = response.status;
        throw failure;
      }
    } finally {
      clearTimeout(timer);
      this.abort.signal.removeEventListener('abort', onAbort);
    }
  }

  private fail(error: unknown, clean = false): void {
    if (this.closed) return;
    const listener = this.listener;
    this.detach();
    const message = error instanceof Error ? error.message : String(error);
    if (!clean) listener?.onError((this.error = error instanceof Error ? error : new Error(message)));
    const code = clean
      ? 1000
      : error instanceof PolySocketError && error.code === 'PROTOCOL'
        ? CLOSE_PROTOCOL_ERROR
        : 1006;
    listener?.onClose({ code, reason: message, wasClean: clean });
  }
}

/** A fetch that failed without an HTTP answer, named by its cause (Node: `connect ECONNREFUSED 127.0.0.1:80`). */
function requestFailure(error: unknown): Error {
  const cause = (error as { cause?: { message?: unknown; code?: unknown } } | undefined)?.cause;
  const message = error instanceof Error ? error.message : String(error);
  const detail = typeof cause?.message === 'string' ? cause.message : undefined;
  const failure: Error & { cause?: unknown; code?: unknown } = new Error(
    `HTTP request failed: ${detail ? `${message} (${detail})` : message}`,
  );
  failure.cause = error;
  if (cause?.code !== undefined) failure.code = cause.code;
  return failure;
}

/**
 * Hands the packets of a polling payload to `target` as they arrive, and stops reading as soon as one is
 * longer than `limit` (base64 counted as the bytes it decodes to): a hostile or broken server cannot make the
 * client buffer a body without bound. Fetch implementations without body streams are read whole first.
 */
async function readPackets(
  response: Awaited<ReturnType<FetchLike>>,
  limit: number,
  target: PollingTransport,
): Promise<void> {
  const stream = response.body?.getReader();
  const decoder = new TextDecoder();
  // Without a body stream, the whole text is the one and last chunk.
  const next = async (): Promise<string | undefined> => {
    if (!stream) return response.text();
    const { done, value } = await stream.read();
    return done ? undefined : decoder.decode(value, { stream: true });
  };
  let pending = '';
  try {
    for (;;) {
      const chunk = await next();
      const last = chunk === undefined || !stream;
      // What was pending holds no separator: search only the new text (a long packet is not scanned again per chunk).
      let from = pending.length;
      if (chunk !== undefined) pending += chunk;
      let start = 0;
      for (;;) {
        const found = pending.indexOf(RECORD_SEPARATOR, from);
        // A packet (or the part of one received so far) over the limit ends the read now.
        if (
          (found < 0 ? pending.length : found) - start >
          (pending.charCodeAt(start) === 98 /* b: base64 */ ? (limit * 4) / 3 + 4 : limit)
        ) {
          throw new PolySocketError(
            'PROTOCOL',
            `an inbound polling packet is over maxFrameSize (${limit}): the link is dropped`,
          );
        }
        if (found < 0) break;
        if (!target.onPacket(pending.slice(start, found))) return;
        start = from = found + 1;
      }
      pending = pending.slice(start);
      if (last) {
        if (pending.length > 0) target.onPacket(pending);
        return;
      }
    }
  } finally {
    stream?.cancel().catch(() => undefined);
  }
}

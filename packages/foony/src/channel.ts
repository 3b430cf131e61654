import { LazyMap, LazySet, PolySocketError, SafeEmitter, type CursorStore, type RequestId, type RequestOptions } from '@polysocket/core';
import { FoonyPresence } from './presence';
import type { AckFrame, ClientFrame, HistoryResponseFrame, MessageFrame, PresenceAction, ServerFrame } from './wire';

/** A message as the app receives it: the wire frame itself (no copy on the hot path). */
export type FoonyMessage = MessageFrame;
export type MessageListener = (message: FoonyMessage) => void;

/** `retrying`: a subscribe failed for a reason that may pass (rate limit, server error, timeout); it is tried again after a backoff. */
export type ChannelState = 'detached' | 'attaching' | 'attached' | 'retrying' | 'failed';

export type ChannelEvents = {
  state: [state: ChannelState, previous: ChannelState];
  error: [error: PolySocketError];
};

export interface PublishOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
  /**
   * Resend after a reconnect if the link dropped before the ack (at-least-once: the seed wire has
   * no publish id, so the server may store it twice). Default: the client's `publishResend` option.
   */
  resendSafe?: boolean;
}

export interface HistoryOptions {
  /** Messages per page (the server caps it). */
  limit?: number;
  /** Exclusive messageId cursor: return messages older than this one. */
  start?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface HistoryPage {
  /** Oldest first. */
  messages: readonly FoonyMessage[];
  /** More, older messages exist. */
  more: boolean;
}

type Request = <R extends ServerFrame>(build: (id: RequestId) => ClientFrame, options?: RequestOptions) => Promise<R>;

/** What a channel needs from its client. */
export interface ChannelHost {
  request: Request;
  readonly session: number;
  readonly isConnected: boolean;
  readonly cursors: CursorStore;
  readonly publishResend: boolean;
  cannotSend(): PolySocketError | undefined;
  /** How long to wait before the `attempt`-th retry of a failed subscribe (the client's jittered backoff). */
  retryDelay(attempt: number): number;
  /** An `error` event on the client. */
  report(error: PolySocketError): void;
  reportListenerError(error: unknown): void;
}

/** Subscribe refusals that will not change: the channel fails instead of retrying. */
const FINAL: ReadonlySet<string> = new Set(['FORBIDDEN', 'NOT_FOUND', 'INVALID']);

/**
 * One Foony channel: subscription intent that survives reconnects, message delivery once per
 * messageId in order, publish, presence and history.
 */
export class FoonyChannel extends SafeEmitter<ChannelEvents> {
  readonly presence: FoonyPresence;
  private currentState: ChannelState = 'detached';
  private readonly all = new LazySet<MessageListener>();
  private readonly named = new LazyMap<string, Set<MessageListener>>();
  /** The app wants this channel subscribed (kept across reconnects). */
  private wanted = false;
  /** Bumped when the intent changes, so a late ack of an older sub cannot undo a newer unsubscribe. */
  private epoch = 0;
  private attachedSession = 0;
  private pendingSession = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private retries = 0;

  constructor(
    readonly name: string,
    private readonly host: ChannelHost,
  ) {
    super();
    this.presence = new FoonyPresence({
      send: (action, data, options) => this.sendPresence(action, data, options),
      attach: () => this.attach(),
      cannotSend: () => host.cannotSend(),
      reportListenerError: (error) => host.reportListenerError(error),
    });
  }

  protected override onListenerError(error: unknown): void {
    this.host.reportListenerError(error);
  }

  get state(): ChannelState {
    return this.currentState;
  }

  /** The messageId of the last message delivered to the app, which a resume continues from. */
  get lastMessageId(): string | undefined {
    return this.host.cursors.get(this.name);
  }

  /** Receives every message (or, with a name, only messages of that name). Subscribes the channel if needed. */
  subscribe(listener: MessageListener): () => void;
  subscribe(name: string, listener: MessageListener): () => void;
  subscribe(nameOrListener: string | MessageListener, maybeListener?: MessageListener): () => void {
    let remove: () => void;
    if (typeof nameOrListener === 'function') {
      const listener = nameOrListener;
      this.all.add(listener);
      remove = () => this.all.delete(listener);
    } else {
      const name = nameOrListener;
      const listener = maybeListener;
      if (typeof name !== 'string' || typeof listener !== 'function') {
        throw new PolySocketError('INVALID', 'subscribe(name, listener) needs a string name and a function');
      }
      let set = this.named.get(name);
      if (!set) this.named.set(name, (set = new Set()));
      set.add(listener);
      remove = () => {
        set!.delete(listener);
        if (set!.size === 0 && this.named.get(name) === set) this.named.delete(name);
      };
    }
    this.attach();
    return remove;
  }

  /** Ensures the channel is subscribed on the server, now or as soon as the client connects. */
  attach(): void {
    if (this.currentState === 'failed') this.setState('detached');
    if (!this.wanted) {
      this.wanted = true;
      this.epoch++;
    }
    if (this.currentState === 'detached') this.setState('attaching');
    const session = this.host.session;
    if (!this.host.isConnected || this.attachedSession === session || this.pendingSession === session || this.retryTimer !== undefined) return;
    this.resubscribe(this.host.request, false);
  }

  /** Stops delivery: removes every listener, forgets the resume cursor and presence, sends `unsub`. */
  async unsubscribe(): Promise<void> {
    const session = this.host.session;
    const attached = this.wanted && this.attachedSession === session;
    const subscribing = this.wanted && this.pendingSession === session;
    this.wanted = false;
    this.epoch++;
    this.stopRetrying();
    this.all.clear();
    this.named.clear();
    this.presence.clear();
    this.host.cursors.delete(this.name);
    this.attachedSession = 0;
    this.pendingSession = 0;
    this.setState('detached');
    // Also when this session's `sub` is still unanswered (a restore's, before `connected`): the `unsub` goes out
    // behind it, so the server does not keep streaming the channel.
    if (attached || subscribing) await this.host.request<AckFrame>((id) => ({ t: 'unsub', channel: this.name, id }));
  }

  /** Publishes and resolves on the server's ack; rejects with the typed error of its `err`. */
  async publish(name: string, data: unknown, options: PublishOptions = {}): Promise<void> {
    if (typeof name !== 'string') throw new PolySocketError('INVALID', 'publish(name, data) needs a string name');
    const payload = data === undefined ? null : data;
    await this.ask<AckFrame>((id) => ({ t: 'pub', channel: this.name, name, data: payload, id }), {
      timeoutMs: options.timeoutMs,
      signal: options.signal,
      resendSafe: options.resendSafe ?? this.host.publishResend,
    });
  }

  /**
   * A request whose frame carries app data. A frame over the size limit is refused by the core with TOO_LARGE;
   * like a refused send it is also an `error` event, so a publish whose promise is ignored is not lost silently.
   */
  private async ask<R extends ServerFrame>(build: (id: RequestId) => ClientFrame, options?: RequestOptions, request: Request = this.host.request): Promise<R> {
    try {
      return await request<R>(build, options);
    } catch (error) {
      if ((error as PolySocketError).code === 'TOO_LARGE') this.host.report(error as PolySocketError);
      throw error;
    }
  }

  /** One page of stored messages, oldest first. */
  async history(options: HistoryOptions = {}): Promise<HistoryPage> {
    const { limit, start } = options;
    if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) {
      throw new PolySocketError('INVALID', 'history limit must be a positive integer');
    }
    if (start !== undefined && typeof start !== 'string') throw new PolySocketError('INVALID', 'history start must be a messageId');
    const reply = await this.host.request<HistoryResponseFrame>(
      (id) => ({
        t: 'hist',
        id,
        channel: this.name,
        ...(limit !== undefined ? { limit } : {}),
        ...(start !== undefined ? { start } : {}),
      }),
      { timeoutMs: options.timeoutMs, signal: options.signal },
    );
    return { messages: reply.messages, more: reply.more === true };
  }

  /**
   * Every stored message, page by page from the newest page back (each page oldest first). Stops
   * when the server says there is no more, or if it repeats a page (a server that ignores `start`).
   */
  async *historyPages(options: Omit<HistoryOptions, 'start'> = {}): AsyncGenerator<readonly FoonyMessage[], void, undefined> {
    let start: string | undefined;
    const seen = new Set<string>();
    for (;;) {
      const page = await this.history({ ...options, start });
      if (page.messages.length === 0) return;
      const first = page.messages[0].messageId;
      if (seen.has(first)) return;
      seen.add(first);
      yield page.messages;
      if (!page.more) return;
      start = first;
    }
  }

  // ---- driven by the client ----

  /**
   * @internal A restore: `sub` (with the resume cursor) and the presence re-entry are written now, ahead of the
   * outbox; their answers are handled as they come, so one channel's failure never holds up or drops the session.
   */
  restore(request: Request): void {
    if (this.wanted) this.resubscribe(request, true);
  }

  /** @internal Whether the channel wants a subscribe it has not had in this session. */
  get needsAttach(): boolean {
    return this.wanted && this.attachedSession !== this.host.session && this.pendingSession !== this.host.session;
  }

  /** @internal The link went down (or the client ended): the channel waits to be restored; a pending retry is dropped. */
  linkDown(): void {
    this.pendingSession = 0;
    this.attachedSession = 0;
    this.stopRetrying();
    if (this.wanted && (this.currentState === 'attached' || this.currentState === 'retrying')) this.setState('attaching');
  }

  /** @internal */
  deliver(frame: MessageFrame): void {
    if (!this.wanted || !this.host.cursors.accept(this.name, frame.messageId)) return;
    for (const listener of this.all) this.call(listener, frame);
    const named = this.named.get(frame.name);
    if (named !== undefined) for (const listener of named) this.call(listener, frame);
  }

  private call(listener: MessageListener, frame: MessageFrame): void {
    try {
      listener(frame);
    } catch (error) {
      this.host.reportListenerError(error);
    }
  }

  /** Subscribes (and, in a restore, re-enters presence); a failure that may pass is retried after a backoff. */
  private resubscribe(request: Request, reenter: boolean): void {
    const session = this.host.session;
    const own = reenter ? this.presence.ownEntry : undefined;
    const subscribed = this.subscribeOnServer(request);
    const entered = own ? this.sendPresence('enter', own.data, {}, request) : undefined;
    Promise.all([subscribed, entered]).then(
      () => {
        if (this.attachedSession === session) this.retries = 0;
      },
      (error: unknown) => this.retryLater(error, session, reenter),
    );
  }

  /** Rejects with what failed, except a final refusal, which fails the channel here. */
  private async subscribeOnServer(request: Request): Promise<void> {
    const epoch = this.epoch;
    const session = this.host.session;
    this.pendingSession = session;
    const lastMessageId = this.host.cursors.get(this.name);
    this.setState('attaching');
    this.presence.beginSync();
    try {
      await request<AckFrame>((id) => ({ t: 'sub', channel: this.name, id, ...(lastMessageId !== undefined ? { lastMessageId } : {}) }));
    } catch (error) {
      if (epoch !== this.epoch) return;
      if (this.pendingSession === session) this.pendingSession = 0;
      const failure = asError(error);
      if (!FINAL.has(failure.code)) throw failure;
      // The server will never accept this channel: stop wanting it instead of retrying forever.
      this.wanted = false;
      this.epoch++;
      this.setState('failed');
      this.emit('error', failure);
      return;
    }
    if (epoch !== this.epoch || !this.wanted) return;
    this.attachedSession = session;
    this.presence.endSync();
    this.setState('attached');
  }

  /** An `error` event, then (unless the link is gone, which a restore covers) `retrying` and a jittered backoff. */
  private retryLater(error: unknown, session: number, reenter: boolean): void {
    const failure = asError(error);
    if (failure.code === 'DISCONNECTED' || failure.code === 'CLOSED' || !this.wanted || session !== this.host.session || !this.host.isConnected) return;
    this.emit('error', failure);
    if (FINAL.has(failure.code)) return; // presence refused for good: reported, not retried
    this.setState('retrying');
    this.stopRetrying();
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (this.wanted && this.host.isConnected) this.resubscribe(this.host.request, reenter);
    }, this.host.retryDelay(this.retries++));
  }

  private stopRetrying(): void {
    if (this.retryTimer === undefined) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  private async sendPresence(action: PresenceAction, data: unknown, options: { timeoutMs?: number } = {}, request: Request = this.host.request): Promise<void> {
    await this.ask<AckFrame>(
      (id) => ({ t: 'pres', channel: this.name, action, id, ...(data !== undefined ? { data } : {}) }),
      { timeoutMs: options.timeoutMs },
      request,
    );
  }

  private setState(next: ChannelState): void {
    const previous = this.currentState;
    if (previous === next) return;
    this.currentState = next;
    this.emit('state', next, previous);
  }
}

function asError(error: unknown): PolySocketError {
  return error instanceof PolySocketError ? error : new PolySocketError('SERVER', String(error));
}

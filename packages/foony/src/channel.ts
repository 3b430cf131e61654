import {
  describeEvent,
  LazyMap,
  PolySocketError,
  SafeEmitter,
  stillListening,
  toPolySocketError,
  withListener,
  withoutListener,
  type CursorStore,
  type RequestId,
  type RequestOptions,
} from '@polysocket/core';
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
/** The TIMEOUT advice of an unanswered request. */
const TIMEOUT_HINT =
  "the server did not answer (overloaded, or the link half-open?); to wait longer, pass { timeoutMs } where the call takes it, or raise the client's requestTimeoutMs";

/**
 * One Foony channel: subscription intent that survives reconnects, message delivery once per
 * messageId in order, publish, presence and history.
 */
export class FoonyChannel extends SafeEmitter<ChannelEvents> {
  readonly presence: FoonyPresence;
  private currentState: ChannelState = 'detached';
  /**
   * Listeners, replaced (never changed in place) by subscribe and remove: a delivery goes on with the list it
   * started with, so a listener added by a listener gets the next message, not the one being delivered.
   */
  private all: readonly MessageListener[] = NONE;
  private readonly named = new LazyMap<string, readonly MessageListener[]>();
  /** The app wants this channel subscribed (kept across reconnects). */
  private wanted = false;
  /** Bumped when the intent changes, so a late ack of an older sub cannot undo a newer unsubscribe. */
  private epoch = 0;
  private attachedSession = 0;
  private pendingSession = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private retries = 0;
  /** Subscribes sent so far: a failure is retried only if no other subscribe started after it. */
  private subscribes = 0;

  constructor(
    readonly name: string,
    private readonly host: ChannelHost,
  ) {
    super();
    this.presence = new FoonyPresence({
      send: (action, data, options) => this.sendPresence(action, data, options),
      reported: (write) => this.reported(write),
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
      this.all = withListener(this.all, listener);
      remove = () => (this.all = withoutListener(this.all, listener));
    } else {
      const name = nameOrListener;
      const listener = maybeListener;
      if (typeof name !== 'string' || typeof listener !== 'function') {
        throw new PolySocketError('INVALID', 'subscribe(name, listener) needs a string name and a function');
      }
      this.named.set(name, withListener(this.named.get(name), listener));
      remove = () => {
        const rest = withoutListener(this.named.get(name) ?? NONE, listener);
        if (rest.length > 0) this.named.set(name, rest);
        else this.named.delete(name);
      };
    }
    this.attach();
    return remove;
  }

  /** Ensures the channel is subscribed on the server, now or as soon as the client connects. */
  attach(): void {
    if (!this.wanted) {
      this.wanted = true;
      this.epoch++;
    }
    // A state listener may unsubscribe (or subscribe again, which attaches by itself): then this call is over.
    const epoch = this.epoch;
    if (this.currentState === 'failed') this.setState('detached');
    if (epoch === this.epoch && this.currentState === 'detached') this.setState('attaching');
    if (epoch !== this.epoch) return;
    const session = this.host.session;
    if (
      !this.host.isConnected ||
      this.attachedSession === session ||
      this.pendingSession === session ||
      this.retryTimer !== undefined
    )
      return;
    this.resubscribe(this.host.request, false);
  }

  /**
   * Stops delivery: removes every listener, forgets the resume cursor and presence, sends `unsub`. Resolves on its
   * ack, or when the link ends first (the subscription ends with the session); other failures reject and are
   * `error` events (see `publish`).
   */
  unsubscribe(): Promise<void> {
    const session = this.host.session;
    const attached = this.wanted && this.attachedSession === session;
    const subscribing = this.wanted && this.pendingSession === session;
    this.wanted = false;
    this.epoch++;
    this.stopRetrying();
    this.all = NONE;
    this.named.clear();
    this.presence.clear();
    this.host.cursors.delete(this.name);
    this.attachedSession = 0;
    this.pendingSession = 0;
    // Also when this session's `sub` is still unanswered (a restore's, before `connected`): the `unsub` goes out
    // behind it, so the server does not keep streaming the channel. It is written before the `state` event, so a
    // listener that subscribes again sends its `sub` after it.
    const unsubscribed =
      attached || subscribing
        ? this.host.request<AckFrame>(
            (id) => ({ t: 'unsub', channel: this.name, id }),
            this.requestOptions('ack for unsubscribe'),
          )
        : undefined;
    this.setState('detached');
    return this.reported(
      (unsubscribed ?? Promise.resolve()).then(
        () => undefined,
        (error: PolySocketError) => {
          if (error.code !== 'DISCONNECTED' && error.code !== 'CLOSED') throw error;
        },
      ),
    );
  }

  /**
   * Publishes and resolves on the server's ack; rejects with the typed error of its `err` (or TOO_LARGE, OUTBOX_FULL,
   * TIMEOUT, DISCONNECTED, CLOSED, INVALID). The promise may be ignored: it is pre-handled, and every failure but
   * ABORTED (the app's own signal) is also an `error` event on the client, so nothing fails silently.
   */
  publish(name: string, data: unknown, options: PublishOptions = {}): Promise<void> {
    if (typeof name !== 'string')
      return this.reported(Promise.reject(new PolySocketError('INVALID', 'publish(name, data) needs a string name')));
    const payload = data === undefined ? null : data;
    const acked = this.host.request<AckFrame>(
      (id) => ({ t: 'pub', channel: this.name, name, data: payload, id }),
      this.requestOptions('ack for publish', {
        timeoutMs: options.timeoutMs,
        signal: options.signal,
        resendSafe: options.resendSafe ?? this.host.publishResend,
      }),
    );
    return this.reported(acked.then(() => undefined));
  }

  /**
   * A write as the app gets it, like the core's `send`: pre-handled (ignoring it never causes an unhandled
   * rejection), and each failure is also an `error` event on the client, but ABORTED, which the app caused itself.
   */
  private reported(write: Promise<void>): Promise<void> {
    const settled = write.catch((error: unknown) => {
      if ((error as PolySocketError).code !== 'ABORTED') this.host.report(asError(error));
      throw error;
    });
    settled.catch(() => undefined);
    return settled;
  }

  /** One page of stored messages, oldest first. */
  async history(options: HistoryOptions = {}): Promise<HistoryPage> {
    const { limit, start } = options;
    if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) {
      throw new PolySocketError('INVALID', 'history limit must be a positive integer');
    }
    if (start !== undefined && typeof start !== 'string')
      throw new PolySocketError('INVALID', 'history start must be a messageId');
    const reply = await this.host.request<HistoryResponseFrame>(
      (id) => ({
        t: 'hist',
        id,
        channel: this.name,
        ...(limit !== undefined ? { limit } : {}),
        ...(start !== undefined ? { start } : {}),
      }),
      this.requestOptions('reply to history', { timeoutMs: options.timeoutMs, signal: options.signal }),
    );
    return { messages: reply.messages, more: reply.more === true };
  }

  /**
   * Every stored message, page by page from the newest page back (each page oldest first). Stops
   * when the server says there is no more, or if it repeats a page (a server that ignores `start`).
   */
  async *historyPages(
    options: Omit<HistoryOptions, 'start'> = {},
  ): AsyncGenerator<readonly FoonyMessage[], void, undefined> {
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
    if (this.wanted && (this.currentState === 'attached' || this.currentState === 'retrying'))
      this.setState('attaching');
  }

  /** @internal */
  deliver(frame: MessageFrame): void {
    if (!this.wanted || !this.host.cursors.accept(this.name, frame.messageId)) return;
    const epoch = this.epoch;
    const all = this.all;
    const named = this.named.get(frame.name);
    for (let i = 0; i < all.length; i++) {
      if (!this.call(all[i], all, this.all, frame, epoch)) return;
    }
    if (named === undefined) return;
    for (let i = 0; i < named.length; i++) {
      if (!this.call(named[i], named, this.named.get(frame.name), frame, epoch)) return;
    }
  }

  /**
   * Calls one listener of a delivery that started with `list` (skipped if a listener removed it meanwhile);
   * false once a listener unsubscribed the channel, which ends the delivery.
   */
  private call(
    listener: MessageListener,
    list: readonly MessageListener[],
    now: readonly MessageListener[] | undefined,
    frame: MessageFrame,
    epoch: number,
  ): boolean {
    if (!stillListening(list, now, listener)) return true;
    try {
      listener(frame);
    } catch (error) {
      this.host.reportListenerError(error);
    }
    return epoch === this.epoch;
  }

  /** Subscribes (and, in a restore, re-enters presence); a failure that may pass is retried after a backoff. */
  private resubscribe(request: Request, reenter: boolean): void {
    const session = this.host.session;
    const epoch = this.epoch;
    const subscribed = this.subscribeOnServer(request);
    const attempt = this.subscribes;
    // Read after the `attaching` event: a listener may have unsubscribed, or entered with newer data.
    const own = reenter && epoch === this.epoch ? this.presence.ownEntry : undefined;
    const entered = own ? this.sendPresence('enter', own.data, {}, request) : undefined;
    Promise.all([subscribed, entered]).then(
      () => {
        if (this.attachedSession === session) this.retries = 0;
      },
      (error: unknown) => this.retryLater(error, { session, epoch, attempt }, reenter),
    );
  }

  /** Rejects with what failed, except a final refusal, which fails the channel here. */
  private async subscribeOnServer(request: Request): Promise<void> {
    const epoch = this.epoch;
    const session = this.host.session;
    this.subscribes++;
    this.pendingSession = session;
    const lastMessageId = this.host.cursors.get(this.name);
    this.presence.beginSync();
    const acked = request<AckFrame>(
      (id) => ({ t: 'sub', channel: this.name, id, ...(lastMessageId !== undefined ? { lastMessageId } : {}) }),
      this.requestOptions('ack for subscribe'),
    );
    // After the `sub` is written: an `unsubscribe()` from this event's listener sends its `unsub` behind it.
    this.setState('attaching');
    try {
      await acked;
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
    // A presence listener may have unsubscribed (or subscribed again): that call owns the state now.
    if (epoch === this.epoch) this.setState('attached');
  }

  /** An `error` event, then (unless the link is gone, which a restore covers) `retrying` and a jittered backoff. */
  private retryLater(
    error: unknown,
    started: { session: number; epoch: number; attempt: number },
    reenter: boolean,
  ): void {
    const failure = asError(error);
    // Still this subscribe's to handle: the same intent and session, connected, and no subscribe started since.
    const current = (): boolean =>
      started.epoch === this.epoch &&
      started.attempt === this.subscribes &&
      this.wanted &&
      started.session === this.host.session &&
      this.host.isConnected;
    if (failure.code === 'DISCONNECTED' || failure.code === 'CLOSED' || !current()) return;
    this.emit('error', failure);
    if (FINAL.has(failure.code) || !current()) return; // presence refused for good: reported, not retried
    this.stopRetrying();
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (this.wanted && this.host.isConnected) this.resubscribe(this.host.request, reenter);
    }, this.host.retryDelay(this.retries++));
    // Armed first: an `unsubscribe()` from this event's listener cancels it.
    this.setState('retrying');
  }

  private stopRetrying(): void {
    if (this.retryTimer === undefined) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  private async sendPresence(
    action: PresenceAction,
    data: unknown,
    options: { timeoutMs?: number } = {},
    request: Request = this.host.request,
  ): Promise<void> {
    await request<AckFrame>(
      (id) => ({ t: 'pres', channel: this.name, action, id, ...(data !== undefined ? { data } : {}) }),
      this.requestOptions(`ack for presence ${action}`, { timeoutMs: options.timeoutMs }),
    );
  }

  /** A request's options, with the label its error messages use (`ack for publish on channel 'chat'`). */
  private requestOptions(what: string, options: RequestOptions = {}): RequestOptions {
    options.label = `${what} on channel ${describeEvent(this.name)}`;
    options.timeoutHint = TIMEOUT_HINT;
    return options;
  }

  private setState(next: ChannelState): void {
    const previous = this.currentState;
    if (previous === next) return;
    this.currentState = next;
    this.emit('state', next, previous);
  }
}

const NONE: readonly MessageListener[] = [];

function asError(error: unknown): PolySocketError {
  return toPolySocketError(error, 'SERVER');
}

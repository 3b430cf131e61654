import {
  backoffDelay,
  describeEvent,
  LazyMap,
  PolySocketError,
  SafeEmitter,
  stillListening,
  toPolySocketError,
  withListener,
  withoutListener,
  type RequestId,
  type RequestOptions,
} from '@polysocket/core';
import type {
  BatchMessage,
  ChannelEvents,
  ChannelFrame,
  ChannelHost,
  ChannelState,
  FoonyMessage,
  MessageListener,
  PublishOptions,
  Request,
} from './channel-types';
import { needs } from './errors';
import { historyPage, historyPages, type HistoryOptions, type HistoryPage } from './history';
import type { FoonyPresence } from './presence';
import type { WireStream } from './wire-module';
import type { ClientFrame, MessageFrame, PresenceEventFrame, ServerFrame } from './wire';

export type {
  BatchMessage,
  ChannelEvents,
  ChannelHost,
  ChannelState,
  FoonyMessage,
  MessageListener,
  PublishOptions,
  Request,
} from './channel-types';

/** Subscribe refusals that will not change: the channel fails instead of retrying. */
const FINAL: readonly string[] = ['FORBIDDEN', 'NOT_FOUND', 'INVALID', 'PROTOCOL'];
/** The key of the listeners of every message (message names are strings). */
const ALL = null;

/**
 * One Foony channel: subscription intent that survives reconnects, message delivery once per
 * messageId in order, publish, history (and presence, with the `foonyPresence` module).
 */
export class FoonyChannel extends SafeEmitter<ChannelEvents> {
  private readonly presenceModule: FoonyPresence | undefined;
  /** The wire's part of the channel: cursors, order, the subscribe, publish and history frames. */
  private readonly stream: WireStream;
  private currentState: ChannelState = 'detached';
  /**
   * Listeners by message name (`ALL`: every message), each list replaced (never changed in place) by subscribe
   * and remove: a delivery goes on with the lists it started with, so a listener added by a listener gets the
   * next message, not the one being delivered.
   */
  private readonly byName = new LazyMap<string | typeof ALL, readonly MessageListener[]>();
  /** The app wants this channel subscribed (kept across reconnects). */
  private isWanted = false;
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
    // A listener's exception goes to the client's `error` event.
    super(host.connection);
    this.presenceModule = host.options.presence?.(this, host);
    this.stream = host.wire.stream(this, host);
  }

  get state(): ChannelState {
    return this.currentState;
  }

  /** Presence on this channel; needs the `foonyPresence` module (the `presence` option), else throws INVALID. */
  get presence(): FoonyPresence {
    if (this.presenceModule) return this.presenceModule;
    throw needs('presence');
  }

  /** Whether a message listener is subscribed (a `subscribe` not yet removed; `unsubscribe()` removes them all). */
  get hasListeners(): boolean {
    return this.byName.size > 0;
  }

  /** The messageId of the last message delivered to the app, which a resume continues from. */
  get lastMessageId(): string | undefined {
    return this.host.cursors.get(this.name);
  }

  /** Receives every message (or, with a name, only messages of that name). Subscribes the channel if needed. */
  subscribe(listener: MessageListener): () => void;
  subscribe(name: string, listener: MessageListener): () => void;
  subscribe(nameOrListener: string | MessageListener, maybeListener?: MessageListener): () => void {
    const all = typeof nameOrListener === 'function';
    const key = all ? ALL : nameOrListener;
    const listener = all ? nameOrListener : maybeListener;
    if (typeof listener !== 'function' || (!all && typeof key !== 'string'))
      throw invalid('subscribe needs a listener');
    const byName = this.byName;
    byName.set(key, withListener(byName.get(key), listener));
    this.attach();
    return () => {
      const rest = withoutListener(byName.get(key) ?? [], listener);
      if (rest.length) byName.set(key, rest);
      else byName.delete(key);
    };
  }

  /** Ensures the channel is subscribed on the server, now or as soon as the client connects. */
  attach(): void {
    if (!this.isWanted) {
      this.isWanted = true;
      this.epoch++;
    }
    // A state listener may unsubscribe (or subscribe again, which attaches by itself): then this call is over.
    const epoch = this.epoch;
    if (this.currentState === 'failed') this.setState('detached');
    if (epoch === this.epoch && this.currentState === 'detached') this.setState('attaching');
    if (epoch === this.epoch && this.host.connection.isConnected && this.needsAttach && this.retryTimer === undefined)
      this.resubscribe(undefined, false);
  }

  /**
   * Stops delivery: removes every listener, forgets the resume cursor and presence (sending a presence `leave` first
   * if this client entered), sends `unsub`. Resolves on its ack, or when the link ends first (the subscription ends
   * with the session); other failures reject and are `error` events (see `publish`).
   */
  unsubscribe(): Promise<void> {
    // Also when this session's `sub` is still unanswered (a restore's, before `connected`): the `unsub` goes out
    // behind it, so the server does not keep streaming the channel.
    const live = this.isWanted && !this.needsAttach;
    this.isWanted = false;
    this.epoch++;
    // As after a drop, but not wanted: no session, no retry.
    this.linkDown();
    this.byName.clear();
    // The server keeps a member that only unsubscribes: the `leave` goes first, quiet and not waited for (as close()'s).
    this.presenceModule?.depart()?.catch(() => undefined);
    this.presenceModule?.clear();
    this.host.cursors.delete(this.name);
    this.stream.forget();
    // Written before the `state` event, so a listener that subscribes again sends its `sub` after it.
    const unsubscribed = live ? this.channelRequest({ t: 'unsub' }) : undefined;
    this.setState('detached');
    return this.reported(
      Promise.resolve(unsubscribed).catch((error: PolySocketError) => {
        if (!linkEnded(error)) throw error;
      }),
    );
  }

  /**
   * Publishes and resolves on the server's ack; rejects with the typed error of its `err` (or TOO_LARGE, OUTBOX_FULL,
   * TIMEOUT, DISCONNECTED, CLOSED, INVALID). The promise may be ignored: it is pre-handled, and every failure but
   * ABORTED (the app's own signal) is also an `error` event on the client, so nothing fails silently.
   */
  publish(name: string, data: unknown, options: PublishOptions = {}): Promise<void> {
    return this.reported(
      typeof name === 'string'
        ? this.stream.publish({ t: 'pub', name, data: data === undefined ? null : data }, options)
        : Promise.reject(invalid('publish needs a string name')),
    );
  }

  /**
   * Binary wire: publishes `messages` as one batch — stored once, with one serial, and delivered to every subscriber
   * as its messages in order (ids `<batch id>:<index>`); resolves on the one ack, like `publish`. INVALID on the seed
   * wire, for an empty list or a message without a string name.
   */
  publishBatch(messages: readonly BatchMessage[], options: PublishOptions = {}): Promise<void> {
    const parts = Array.isArray(messages)
      ? messages.map((message) => ({ name: message?.name, data: message?.data ?? null }))
      : [];
    return this.reported(
      !parts.length
        ? Promise.reject(invalid('publishBatch needs at least one message: [{ name, data }, …]'))
        : parts.every((part) => typeof part.name === 'string')
          ? this.stream.publish({ t: 'pub', name: '', data: null, messages: parts }, options)
          : Promise.reject(invalid('publishBatch needs a string name in every message')),
    );
  }

  /**
   * @internal A write as the app gets it, like the core's `send`: pre-handled (ignoring it never causes an
   * unhandled rejection), and each failure is also an `error` event on the client, but ABORTED, which the app
   * caused itself.
   */
  reported(write: Promise<unknown>): Promise<void> {
    const settled = write.then(
      () => undefined,
      (error: unknown) => {
        if ((error as PolySocketError).code !== 'ABORTED') this.host.connection.report(asError(error));
        throw error;
      },
    );
    settled.catch(() => undefined);
    return settled;
  }

  /**
   * One page of stored messages, oldest first: on the seed wire `start` (a messageId) is its cursor, on the binary
   * wire `before` (a serial).
   */
  history(options: HistoryOptions = {}): Promise<HistoryPage> {
    return historyPage(this, this.stream, options);
  }

  /**
   * Every stored message, page by page from the newest page back (each page oldest first). Stops
   * when the server says there is no more, or if it repeats a page (a server that ignores `start`).
   */
  historyPages(
    options: Omit<HistoryOptions, 'start' | 'before'> = {},
  ): AsyncGenerator<readonly FoonyMessage[], void, undefined> {
    return historyPages(this, this.stream.pager, options);
  }

  /**
   * @internal A request about this channel: the frame gets the channel's name and the request id, and its
   * error messages a label (`no reply to pub on 'chat' within 10000 ms`).
   */
  channelRequest<R extends ServerFrame>(frame: ChannelFrame, options?: RequestOptions, request?: Request): Promise<R> {
    const build = (id: RequestId): ClientFrame => ({ ...frame, channel: this.name, id }) as ClientFrame;
    const labelled = {
      ...options,
      label: `reply to ${frame.t} on ${describeEvent(this.name)}`,
      timeoutHint: 'to wait longer: { timeoutMs } or requestTimeoutMs',
    };
    // Through the outbox, or (in a restore) the restore's own request, written ahead of it.
    return request ? request<R>(build, labelled) : this.host.connection.request<R>(build, labelled);
  }

  // ---- driven by the client ----

  /**
   * @internal A restore: `sub` (with the resume cursor) and the presence re-entry are written now, ahead of the
   * outbox; their answers are handled as they come, so one channel's failure never holds up or drops the session.
   */
  restoreChannel(request: Request): void {
    if (this.isWanted) this.resubscribe(request, true);
  }

  /** @internal Whether the channel wants a subscribe it has not had in this session. */
  get needsAttach(): boolean {
    const session = this.host.session;
    return this.isWanted && this.attachedSession !== session && this.pendingSession !== session;
  }

  /**
   * @internal The link went down: the channel waits to be restored (`attaching`); a pending retry is dropped. `ended`:
   * the client closed or failed, nothing will restore it until the next `connect()`: `detached` (the intent stays).
   */
  linkDown(ended?: boolean): void {
    this.pendingSession = this.attachedSession = 0;
    this.stopRetrying();
    const state = this.currentState;
    if (this.isWanted && (state === 'attached' || state === 'retrying' || (ended && state === 'attaching')))
      this.setState(ended ? 'detached' : 'attaching');
  }

  /** @internal Whether the app wants this channel (a wire delivers nothing to a channel it does not). */
  get wanted(): boolean {
    return this.isWanted;
  }

  /** @internal A `msg` (to the wire's stream: order, de-duplication) or a `presEvt` (for the presence module). */
  deliverFrame(frame: MessageFrame | PresenceEventFrame): void {
    if (frame.t === 'presEvt') this.presenceModule?.apply(frame);
    else this.stream.message(frame);
  }

  /**
   * @internal One message to the listeners, from the wire's stream (which has dropped repeats); the resume cursor
   * moves to `cursor` (undefined: stays).
   */
  deliverMessage(frame: MessageFrame, cursor?: string | number): void {
    if (!this.isWanted) return;
    if (cursor !== undefined) this.host.cursors.set(this.name, cursor);
    const epoch = this.epoch;
    // The listeners of every message, then those of its name: each list as the delivery started with it, a listener
    // skipped if one removed it meanwhile (none can have before the first runs); a listener's unsubscribe ends it.
    let first = true;
    for (let key: string | typeof ALL = ALL, round = 0; round < 2; round++, key = frame.name) {
      const list = this.byName.get(key);
      if (list)
        for (const listener of list) {
          if (!first && !stillListening(list, this.byName.get(key), listener)) continue;
          first = false;
          try {
            listener(frame);
          } catch (error) {
            this.onListenerError(error);
          }
          if (epoch !== this.epoch) return;
        }
    }
  }

  /**
   * Subscribes (and, in a restore, re-enters presence). A final refusal fails the channel; a failure that may pass
   * is reported and retried after a backoff.
   */
  private resubscribe(request: Request | undefined, reenter: boolean): void {
    const session = this.host.session;
    const epoch = this.epoch;
    const presence = this.presenceModule;
    this.subscribes++;
    this.pendingSession = session;
    presence?.beginSync();
    const acked = this.stream.subscribe(request, !!presence);
    // After the `sub` is written: an `unsubscribe()` from this event's listener sends its `unsub` behind it.
    this.setState('attaching');
    const attempt = this.subscribes;
    const subscribed = acked.then(
      () => {
        if (epoch !== this.epoch || !this.isWanted) return;
        this.attachedSession = session;
        presence?.endSync();
        // A presence listener may have unsubscribed (or subscribed again): that call owns the state now.
        if (epoch === this.epoch) this.setState('attached');
      },
      (error: unknown) => {
        if (epoch !== this.epoch) return;
        if (this.pendingSession === session) this.pendingSession = 0;
        const failure = asError(error);
        if (!FINAL.includes(failure.code)) throw failure;
        // The server will never accept this channel: stop wanting it instead of retrying forever.
        this.isWanted = false;
        this.epoch++;
        this.setState('failed');
        this.emit('error', failure);
      },
    );
    // Read after the `attaching` event: a listener may have unsubscribed, or entered with newer data.
    const entered = reenter && epoch === this.epoch ? presence?.reenter(request) : undefined;
    Promise.all([subscribed, entered]).then(
      () => {
        if (this.attachedSession === session) this.retries = 0;
      },
      (error: unknown) => {
        const failure = asError(error);
        // Still this subscribe's to handle: the same intent and session, connected, and no subscribe started since.
        const current = (): boolean =>
          epoch === this.epoch &&
          attempt === this.subscribes &&
          this.isWanted &&
          session === this.host.session &&
          this.host.connection.isConnected;
        if (linkEnded(failure) || !current()) return; // a drop: the restore covers it
        this.emit('error', failure);
        if (FINAL.includes(failure.code) || !current()) return; // presence refused for good: reported, not retried
        this.stopRetrying();
        const { backoff, random } = this.host.options;
        this.retryTimer = setTimeout(
          () => {
            this.retryTimer = undefined;
            if (this.isWanted && this.host.connection.isConnected) this.resubscribe(undefined, reenter);
          },
          backoffDelay(this.retries++, backoff, random),
        );
        // Armed first: an `unsubscribe()` from this event's listener cancels it.
        this.setState('retrying');
      },
    );
  }

  private stopRetrying(): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  private setState(next: ChannelState): void {
    const previous = this.currentState;
    if (previous === next) return;
    this.currentState = next;
    this.emit('state', next, previous);
  }
}

const invalid = (message: string): PolySocketError => new PolySocketError('INVALID', message);

/** The link ended under the request: the session's subscriptions ended with it. */
export const linkEnded = (error: PolySocketError): boolean => error.code === 'DISCONNECTED' || error.code === 'CLOSED';

function asError(error: unknown): PolySocketError {
  return toPolySocketError(error, 'SERVER');
}

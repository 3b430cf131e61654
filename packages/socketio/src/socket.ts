import { INSPECT, PolySocketError, describeEvent, dict, type Gate, type RequestOptions } from '@polysocket/core';
import { hostRequest, hostSend, type NamespaceHost } from './host';
import { connectNamespace } from './namespace-connector';
import { addListener, fire, removeListener, type Listener, type Listeners } from './listeners';
import type { AuthOption } from './options';
import { PacketType, RESERVED_EVENTS, type Packet } from './parser';
import type {
  AckArgs,
  AckEmitter,
  AckResult,
  DefaultEventsMap,
  EmitName,
  EventNames,
  EventParams,
  EventsMap,
  ListenName,
  NamespaceEvents,
  VolatileEmitter,
} from './typed-events';

/**
 * @internal Told of a namespace's events without being one of its listeners (Sockr watches its main namespace
 * this way: no listener entries, guards or closures per client): each event (name and first argument) after
 * the event's listeners and before `onAny`'s, and `disconnect` before its listeners. It must not throw.
 */
export interface SocketHook {
  onEvent(event: string, data: unknown): void;
  onDisconnect(reason: string): void;
}

/** A namespace socket's own state; the Engine.IO connection underneath has its own (`client.state`). */
export type SocketState = 'idle' | 'connecting' | 'connected' | 'disconnected' | 'failed';

export type AnyEventListener = (event: string, ...args: unknown[]) => void;

/** Node's `util.inspect.custom`, without importing `node:util`. */
export { INSPECT } from '@polysocket/core';
/** The `inspect` Node hands a custom inspector. */
export type Inspect = (value: unknown, options: object) => string;

/** The key of `onAny` listeners. */
const ANY = Symbol();

export interface AckOptions {
  /** Default: the client's `ackTimeoutMs` (10 s). socket.io-client has no default and can wait forever. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** What a host request takes: the ack options, its gate, and how its errors name it. */
export type HostRequestOptions = AckOptions & Pick<RequestOptions, 'gate' | 'label' | 'timeoutHint'>;

/**
 * One Socket.IO namespace on the shared Engine.IO connection: emit (buffered until the namespace is
 * connected), acks both ways, `connect` / `connect_error` / `disconnect` events like socket.io-client.
 * `ListenEvents` and `EmitEvents` type the app's events as socket.io-client's `Socket<ListenEvents, EmitEvents>`
 * does (see `typed-events.ts`); without them any name and any arguments are accepted.
 */
export class SocketIOSocket<
  ListenEvents extends EventsMap = DefaultEventsMap,
  EmitEvents extends EventsMap = ListenEvents,
> {
  /** The namespace's session id from the server's CONNECT reply. */
  id: string | undefined;
  private currentState: SocketState = 'idle';
  /** A `connect` was announced and its `disconnect` not yet. */
  private up = false;
  private failure: PolySocketError | undefined;
  /** The app wants this namespace connected (kept across reconnects). */
  wanted = true;
  /** The app's listeners (`onAny`'s under ANY); one that throws is reported, the others still run. */
  private readonly lists = dict<Listeners>();
  /** Ids of this namespace's acks in flight, cancelled when the namespace ends. Made on first use. */
  private pendingAcks: Set<number> | undefined;
  /** @internal The id of this namespace's CONNECT request in flight (replies carry no id). */
  connectId: number | undefined;
  /** @internal Its CONNECT between the start (auth included) and the answer: a token per call. */
  connectCall: object | undefined;
  /** @internal */
  hook: SocketHook | undefined;

  /** Sends that are dropped rather than queued while not connected. */
  get volatile(): VolatileEmitter<EmitEvents> {
    return { emit: (event: string, ...args: unknown[]): Promise<boolean> => this.sendEvent(event, args, true) };
  }

  /** Made with the first packet: a namespace that never sends carries none. */
  private gateFn: Gate | undefined;

  /** Whether the namespace may carry packets now; queued packets wait, or fail with the error. */
  get gate(): Gate {
    // Not `??=`: the ES2020 build writes it on a member through a temporary key.
    return (
      this.gateFn ||
      (this.gateFn = () =>
        this.currentState === 'connected' ||
        // Refused: what waits fails with the refusal; left (by the app or the server): with DISCONNECTED.
        (this.currentState === 'failed'
          ? (this.failure ?? false)
          : this.currentState === 'disconnected' &&
            !this.wanted &&
            new PolySocketError('DISCONNECTED', `namespace ${this.nsp} is disconnected: call connect() to reopen`, {
              retryable: false,
            })))
    );
  }

  constructor(
    readonly nsp: string,
    private readonly hostClient: NamespaceHost,
    /** Per-namespace auth, overriding the client's. */
    readonly auth?: AuthOption,
  ) {}

  get state(): SocketState {
    return this.currentState;
  }

  get connected(): boolean {
    return this.currentState === 'connected';
  }

  /** The error the namespace failed with (a CONNECT_ERROR), if any. */
  get error(): PolySocketError | undefined {
    return this.failure;
  }

  /** The namespace's own events (`connect`, `connect_error`, `disconnect`) and the app's. */
  on<E extends keyof NamespaceEvents>(event: E, listener: NamespaceEvents[E]): this;
  on<E extends EventNames<ListenEvents>>(event: ListenName<E>, listener: ListenEvents[E]): this;
  on(event: string, listener: Listener): this {
    addListener(this.lists, event, listener);
    return this;
  }

  once<E extends keyof NamespaceEvents>(event: E, listener: NamespaceEvents[E]): this;
  once<E extends EventNames<ListenEvents>>(event: ListenName<E>, listener: ListenEvents[E]): this;
  once(event: string, listener: Listener): this {
    addListener(this.lists, event, listener, true);
    return this;
  }

  off<E extends keyof NamespaceEvents>(event: E, listener?: NamespaceEvents[E]): this;
  off<E extends EventNames<ListenEvents>>(event: ListenName<E>, listener?: ListenEvents[E]): this;
  off(event: string, listener?: Listener): this {
    removeListener(this.lists, event, listener);
    return this;
  }

  onAny(listener: AnyEventListener): this {
    addListener(this.lists, ANY, listener);
    return this;
  }

  offAny(listener?: AnyEventListener): this {
    removeListener(this.lists, ANY, listener);
    return this;
  }

  /**
   * Emits an event. Resolves true once written; while the namespace is not connected it waits in
   * the outbox, in order. Throws INVALID for a reserved name.
   */
  emit<E extends EventNames<EmitEvents>>(event: EmitName<E>, ...args: EventParams<EmitEvents, E>): Promise<boolean>;
  emit(event: string, ...args: unknown[]): Promise<boolean> {
    return this.sendEvent(event, args, false);
  }

  /** Emits and resolves with the first argument the server's callback was called with. */
  emitWithAck<E extends EventNames<EmitEvents>>(
    event: EmitName<E>,
    ...args: AckArgs<EmitEvents, E>
  ): Promise<AckResult<EmitEvents, E>>;
  emitWithAck(event: string, ...args: unknown[]): Promise<unknown> {
    return this.ackRequest(event, args, {});
  }

  /** `socket.timeout(ms).emitWithAck(...)`, as in socket.io-client. */
  timeout(timeoutMs: number): AckEmitter<EmitEvents> {
    return this.withOptions({ timeoutMs });
  }

  /** Acks with explicit options (timeout, AbortSignal). */
  withOptions(options: AckOptions): AckEmitter<EmitEvents> {
    return {
      emitWithAck: (event: string, ...args: unknown[]) => this.ackRequest(event, args, options) as Promise<never>,
    };
  }

  /** (Re)connects the namespace after a server-side disconnect, a refusal, or `disconnect()`. */
  connect(): this {
    this.wanted = true;
    if (this.currentState !== 'connected' && this.currentState !== 'connecting') {
      this.rearm();
      void connectNamespace(this.hostClient, this);
    }
    return this;
  }

  /** Leaves the namespace: sends DISCONNECT, rejects what waits for it, and does not reconnect it. */
  disconnect(): this {
    this.wanted = false;
    if (this.currentState === 'connected')
      void hostSend(this.hostClient, { type: PacketType.DISCONNECT, nsp: this.nsp }, {});
    this.setDisconnected('io client disconnect');
    this.hostClient.connection.flush();
    return this;
  }

  // ---- driven by the client ----

  /** @internal Wanted again, its last refusal forgotten (the client connects it). */
  rearm(): void {
    this.wanted = true;
    this.failure = undefined;
  }

  /** @internal */
  setConnecting(): void {
    if (this.currentState !== 'connected') this.currentState = 'connecting';
  }

  /** @internal */
  onConnected(sid: string | undefined): void {
    this.id = sid;
    this.failure = undefined;
    this.currentState = 'connected';
    this.up = true;
    this.emitLocal('connect', []);
  }

  /** @internal The server refused the namespace (CONNECT_ERROR): no automatic retry. */
  onConnectError(error: PolySocketError): void {
    this.failure = error;
    this.currentState = 'failed';
    this.abortAcks(error);
    this.emitLocal('connect_error', [error]);
  }

  /** @internal The server disconnected the namespace: like socket.io-client, it is not reconnected automatically. */
  onServerDisconnect(): void {
    this.wanted = false;
    this.setDisconnected('io server disconnect');
  }

  /**
   * @internal The Engine.IO link dropped (the namespace will be reconnected with it; `announceDown` tells the app),
   * or, with `end`, the whole client closed or failed.
   */
  onLinkDown(end?: PolySocketError): void {
    if (end) {
      this.abortAcks(end);
      if (this.currentState !== 'failed') this.currentState = 'disconnected';
    } else if (this.currentState === 'connected') this.currentState = 'connecting';
  }

  /** @internal Emits `disconnect` with socket.io-client's reason, once per `connect`. */
  announceDown(reason: string): void {
    if (!this.up) return;
    this.up = false;
    this.hook?.onDisconnect(reason);
    this.emitLocal('disconnect', [reason]);
  }

  /** What `util.inspect` and `console.log` show in Node: never the namespace's auth. */
  [INSPECT](_depth: number, options: object, inspect: Inspect): string {
    return `SocketIOSocket ${inspect({ nsp: this.nsp, state: this.currentState, id: this.id }, options)}`;
  }

  /** @internal Whether ack `id` was asked for on this namespace and is still awaited. */
  awaits(id: number): boolean {
    return !!this.pendingAcks?.has(id);
  }

  /** @internal An EVENT from the server; with an id, the last listener argument is the ack callback. */
  deliver(packet: Packet): void {
    // The decoded array is ours: shifting the name off leaves the arguments without a copy.
    const args = packet.data as unknown[];
    const event = String(args.shift());
    if (packet.id !== undefined) {
      const id = packet.id;
      let sent = false;
      args.push((...response: unknown[]) => {
        if (sent) return;
        sent = true;
        void hostSend(
          this.hostClient,
          { type: PacketType.ACK, nsp: this.nsp, id, data: response },
          { gate: this.gate },
        );
      });
    }
    this.emitLocal(event, args);
    this.hook?.onEvent(event, args[0]);
    if (this.lists[ANY]) this.emitLocal(ANY, [event, ...args]);
  }

  private sendEvent(event: string, args: unknown[], volatile: boolean): Promise<boolean> {
    this.checkEvent(event);
    return hostSend(
      this.hostClient,
      { type: PacketType.EVENT, nsp: this.nsp, data: [event, ...args] },
      { volatile, gate: this.gate },
    );
  }

  private async ackRequest(event: string, args: unknown[], options: AckOptions): Promise<unknown> {
    this.checkEvent(event);
    let id = -1;
    try {
      const response = await hostRequest(
        this.hostClient,
        (requestId) => {
          (this.pendingAcks || (this.pendingAcks = new Set())).add((id = requestId));
          return { type: PacketType.EVENT, nsp: this.nsp, id, data: [event, ...args] };
        },
        {
          timeoutMs: options.timeoutMs,
          signal: options.signal,
          gate: this.gate,
          label: `ack for ${describeEvent(event)}`,
          timeoutHint: 'to wait longer: timeout(ms) or ackTimeoutMs',
        },
      );
      return response[0];
    } finally {
      this.pendingAcks?.delete(id);
    }
  }

  /** Calls this namespace's listeners of `event`; what one throws is reported. */
  private emitLocal(event: string | symbol, args: unknown[]): void {
    fire(this.lists, event, args, this, this.hostClient.connection);
  }

  private checkEvent(event: string): void {
    if (typeof event !== 'string' || !event || RESERVED_EVENTS.has(event))
      throw new PolySocketError('INVALID', 'an event name must be a non-empty string, not a reserved one');
  }

  private setDisconnected(reason: string): void {
    const error = new PolySocketError('DISCONNECTED', `namespace ${this.nsp} disconnected (${reason})`, {
      retryable: false,
      maybeDelivered: true,
    });
    this.currentState = 'disconnected';
    this.abortAcks(error);
    this.announceDown(reason);
  }

  private abortAcks(error: PolySocketError): void {
    const ids = this.pendingAcks;
    this.pendingAcks = undefined;
    if (ids) for (const id of ids) this.hostClient.connection.cancelRequest(id, error);
  }
}

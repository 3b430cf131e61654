import {
  INSPECT,
  LIFECYCLE_EVENTS,
  PolySocketError,
  describeEvent,
  type ConnectionState,
  type LifecycleEventName,
  type NotOneOf,
} from '@polysocket/core';
import { encodeAppEnvelope, withId, type IgnisEnvelope, type SystemEventName } from './envelope';
import type {
  AnyListener,
  AppListener,
  IgnisClientOptions,
  IgnisConnection,
  IgnisLifecycleEvents,
  IgnisSession,
} from './options';
import { sendRooms, validateRooms } from './rooms';
import { IgnisWire } from './wire';

/** An app event name the client may send: any of the map's but the protocol's own (`SystemEventName`). */
export type IgnisEmitName<E> = E & NotOneOf<E, SystemEventName>;

type AnyFunction = (...args: never[]) => void;

/**
 * A client for the Ignis WebSocket helper's `{event, data, id?}` envelope. `Events` maps the app events the
 * server sends to their `data` (`{ 'room-message': { text: string } }`), `EmitEvents` those the client sends
 * (default: the same map); without them any name and any data are accepted.
 */
export class IgnisClient<Events extends object = Record<string, unknown>, EmitEvents extends object = Events> {
  readonly connection: IgnisConnection;
  /** Not enumerable: it holds the app's options (credentials among them); see `IgnisWire.options`. */
  declare private readonly wire: IgnisWire;

  constructor(options: IgnisClientOptions) {
    const wire = new IgnisWire(options);
    Object.defineProperty(this, 'wire', { value: wire });
    this.connection = wire.connection;
  }

  get state(): ConnectionState {
    return this.connection.state;
  }

  get session(): IgnisSession | undefined {
    return this.connection.info;
  }

  /** The rooms the app asked for; re-joined after every reconnect (the server never confirms them). */
  get joinedRooms(): ReadonlySet<string> {
    return this.wire.joined();
  }

  connect(): Promise<void> {
    return this.connection.connect();
  }

  close(): void {
    this.connection.close();
  }

  /** `util.inspect(client)` and `console.log(client)` in Node: a summary, never the options (they hold the credentials). */
  [INSPECT](): string {
    return `IgnisClient { url: ${JSON.stringify(this.connection.logger.redact(this.wire.options.url))}, state: '${this.state}' }`;
  }

  /**
   * Lifecycle events (`state`, `connected`, `disconnected`, `reconnecting`, `error`, `rtt`: the same names and
   * payloads on every PolySocket client), or app events by name. An app event named like a lifecycle event: `onEvent`.
   */
  on<E extends LifecycleEventName>(event: E, listener: (...args: IgnisLifecycleEvents[E]) => void): this;
  on<E extends keyof Events & string>(
    event: E & NotOneOf<E, LifecycleEventName>,
    listener: AppListener<Events[E]>,
  ): this;
  on(event: string, listener: AnyFunction): this {
    return this.route('on', event, listener);
  }

  once<E extends LifecycleEventName>(event: E, listener: (...args: IgnisLifecycleEvents[E]) => void): this;
  once<E extends keyof Events & string>(
    event: E & NotOneOf<E, LifecycleEventName>,
    listener: AppListener<Events[E]>,
  ): this;
  once(event: string, listener: AnyFunction): this {
    return this.route('once', event, listener);
  }

  off<E extends LifecycleEventName>(event: E, listener?: (...args: IgnisLifecycleEvents[E]) => void): this;
  off<E extends keyof Events & string>(
    event: E & NotOneOf<E, LifecycleEventName>,
    listener?: AppListener<Events[E]>,
  ): this;
  off(event: string, listener?: AnyFunction): this {
    return this.route('off', event, listener);
  }

  /** Always an app event, even one named like a lifecycle event. */
  onEvent<E extends keyof Events & string>(event: E, listener: AppListener<Events[E]>): this {
    this.wire.on(event, listener as AppListener);
    return this;
  }

  /** Removes that listener (also one added with `once`), or every listener of the event; at once, also mid-delivery. */
  offEvent<E extends keyof Events & string>(event: E, listener?: AppListener<Events[E]>): this {
    this.wire.off(event, listener as AppListener | undefined);
    return this;
  }

  /** Every app event. Returns the function that stops listening. */
  onAny(listener: AnyListener): () => void {
    return this.wire.onAny(listener);
  }

  /**
   * Sends an app event. Throws INVALID at once for a system event name or data JSON cannot encode (programming
   * errors); a frame over `maxPayloadBytes` rejects with TOO_LARGE and an `error` event, as the core's `send`
   * does. While connecting it waits in the outbox (see the core's `send`).
   */
  emit<E extends keyof EmitEvents & string>(event: IgnisEmitName<E>, data?: EmitEvents[E]): Promise<boolean>;
  emit(event: string, data?: unknown): Promise<boolean> {
    return (this.wire.secure ?? this.connection).send(encodeAppEnvelope(event, data));
  }

  /**
   * Sends an app event with an `id` and resolves with the reply that carries the same id
   * (top-level by default; see `replyId`). The server app must echo it: the helper itself never does.
   */
  request<Reply = unknown, E extends keyof EmitEvents & string = keyof EmitEvents & string>(
    event: IgnisEmitName<E>,
    data?: EmitEvents[E],
    options?: { timeoutMs?: number; signal?: AbortSignal },
  ): Promise<IgnisEnvelope<Reply>>;
  request(
    event: string,
    data?: unknown,
    options: { timeoutMs?: number; signal?: AbortSignal } = {},
  ): Promise<IgnisEnvelope> {
    let encoded: string;
    try {
      encoded = encodeAppEnvelope(event, data); // validate before anything is reserved
    } catch (error) {
      return Promise.reject(error);
    }
    const wire = this.wire;
    return (wire.secure ?? this.connection).request((id) => withId(encoded, wire.idTag() + id), {
      timeoutMs: options.timeoutMs,
      signal: options.signal,
      label: `reply to ${describeEvent(event)}`,
      timeoutHint: "the server app must answer with the request's id",
    });
  }

  /** Joins rooms (validated by the helper's rules); they are re-joined after every reconnect. */
  join(rooms: string | string[]): void {
    const joined = this.wire.joined();
    this.changeRooms(
      'join',
      validateRooms(rooms).filter((room) => !joined.has(room)),
    );
  }

  /** Leaves rooms. The connection's own clientId room is never left (direct messages need it). */
  leave(rooms: string | string[]): void {
    const list = validateRooms(rooms);
    if (list.includes(this.session?.clientId as string))
      throw new PolySocketError('INVALID', "can't leave the connection's own clientId room");
    this.changeRooms('leave', list);
  }

  private changeRooms(event: 'join' | 'leave', list: string[]): void {
    const joined = this.wire.joined();
    for (const room of list) {
      if (event === 'join') joined.add(room);
      else joined.delete(room);
    }
    if (list.length > 0 && this.connection.isConnected)
      sendRooms(event, list, (text) => void this.connection.send(text));
  }

  /** A lifecycle event to the connection's emitter, anything else to the app's listeners. */
  private route(method: 'on' | 'once' | 'off', event: string, listener?: AnyFunction): this {
    const target = LIFECYCLE_EVENTS.has(event) ? this.connection : this.wire;
    (target as unknown as Record<typeof method, (event: string, listener?: AnyFunction) => void>)[method](
      event,
      listener,
    );
    return this;
  }
}

import { LIFECYCLE_EVENTS, type Connection, type EncodedFrame, type LifecycleEventName } from '@polysocket/core';
import type { EngineHandshake } from './engine';
import type { EngineFrame } from './frames';
import type { SocketIOClientEvents } from './options';
import type { AckOptions, AnyEventListener, SocketIOSocket } from './socket';
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

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Listener = (...args: any[]) => void;

/**
 * The client's face as the main namespace (socket.io-client's `Socket`): `on` takes the lifecycle events every
 * PolySocket client has, the namespace's own (`connect`, `connect_error`, `disconnect`) and the app's events.
 */
export abstract class MainNamespace<
  ListenEvents extends EventsMap = DefaultEventsMap,
  EmitEvents extends EventsMap = ListenEvents,
> {
  abstract readonly connection: Connection<EncodedFrame, EngineFrame, EngineHandshake>;
  protected abstract readonly main: SocketIOSocket<ListenEvents, EmitEvents>;

  get id(): string | undefined {
    return this.main.id;
  }

  get connected(): boolean {
    return this.main.connected;
  }

  get volatile(): VolatileEmitter<EmitEvents> {
    return this.main.volatile;
  }

  /** Lifecycle events only (the same as `on` for their names): state, connected, disconnected, reconnecting, error, rtt. */
  onLifecycle<E extends LifecycleEventName>(event: E, listener: (...args: SocketIOClientEvents[E]) => void): this {
    this.connection.on(event, listener as never);
    return this;
  }

  /**
   * A lifecycle event (`state`, `connected`, `disconnected`, `reconnecting`, `error`, `rtt`: the Engine.IO
   * connection's, as on every PolySocket client), one of the main namespace's own (`connect`, `connect_error`,
   * `disconnect`), or an app event of the main namespace. An app event named like a lifecycle event: `onEvent`.
   */
  on<E extends LifecycleEventName>(event: E, listener: (...args: SocketIOClientEvents[E]) => void): this;
  on<E extends keyof NamespaceEvents>(event: E, listener: NamespaceEvents[E]): this;
  on<E extends EventNames<ListenEvents>>(event: ListenName<E, LifecycleEventName>, listener: ListenEvents[E]): this;
  on(event: string, listener: Listener): this {
    return this.route(event, 'on', listener);
  }

  once<E extends LifecycleEventName>(event: E, listener: (...args: SocketIOClientEvents[E]) => void): this;
  once<E extends keyof NamespaceEvents>(event: E, listener: NamespaceEvents[E]): this;
  once<E extends EventNames<ListenEvents>>(event: ListenName<E, LifecycleEventName>, listener: ListenEvents[E]): this;
  once(event: string, listener: Listener): this {
    return this.route(event, 'once', listener);
  }

  off<E extends LifecycleEventName>(event: E, listener?: (...args: SocketIOClientEvents[E]) => void): this;
  off<E extends keyof NamespaceEvents>(event: E, listener?: NamespaceEvents[E]): this;
  off<E extends EventNames<ListenEvents>>(event: ListenName<E, LifecycleEventName>, listener?: ListenEvents[E]): this;
  off(event: string, listener?: Listener): this {
    return this.route(event, 'off', listener);
  }

  /** Always an app event of the main namespace, also one named like a lifecycle event (`state`, `error`, …). */
  onEvent<E extends EventNames<ListenEvents>>(event: E, listener: ListenEvents[E]): this {
    this.main.on(event as never, listener);
    return this;
  }

  /** Removes an `onEvent` listener, or every listener of that app event. */
  offEvent<E extends EventNames<ListenEvents>>(event: E, listener?: ListenEvents[E]): this {
    this.main.off(event as never, listener);
    return this;
  }

  onAny(listener: AnyEventListener): this {
    this.main.onAny(listener);
    return this;
  }

  emit<E extends EventNames<EmitEvents>>(event: EmitName<E>, ...args: EventParams<EmitEvents, E>): Promise<boolean> {
    return this.main.emit(event, ...args);
  }

  emitWithAck<E extends EventNames<EmitEvents>>(
    event: EmitName<E>,
    ...args: AckArgs<EmitEvents, E>
  ): Promise<AckResult<EmitEvents, E>> {
    return this.main.emitWithAck(event, ...args);
  }

  timeout(timeoutMs: number): AckEmitter<EmitEvents> {
    return this.main.timeout(timeoutMs);
  }

  withOptions(options: AckOptions): AckEmitter<EmitEvents> {
    return this.main.withOptions(options);
  }

  /** A lifecycle name goes to the connection, any other to the main namespace. */
  private route(event: string, method: 'on' | 'once' | 'off', listener?: Listener): this {
    const target = (LIFECYCLE_EVENTS.has(event) ? this.connection : this.main) as unknown as Record<
      string,
      (event: string, listener?: Listener) => void
    >;
    target[method](event, listener);
    return this;
  }
}

import type { NotOneOf, PolySocketError } from '@polysocket/core';

/*
 * Typed events as socket.io-client types them (`Socket<ListenEvents, EmitEvents>`): a map of event name →
 * listener signature. For an emit with an ack, the last parameter of the signature is the server's callback.
 *
 *   interface ServerToClient { news: (item: { id: number }) => void }
 *   interface ClientToServer { add: (a: number, b: number, done: (sum: number) => void) => void }
 *   const client = new SocketIOClient<ServerToClient, ClientToServer>({ url });
 *   client.on('news', (item) => item.id);               // item: { id: number }
 *   const sum = await client.emitWithAck('add', 1, 2);  // sum: number
 */

/**
 * What an event map may be: socket.io-client's `EventsMap`. The values are listener signatures; `any` is what
 * lets an `interface` (which has no index signature) be used as a map, as with socket.io-client.
 */
export interface EventsMap {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as socket.io-client's EventsMap
  [event: string]: any;
}

/** The map when none is given: any event name, any arguments (socket.io-client's `DefaultEventsMap`). */
export interface DefaultEventsMap {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any arguments, as socket.io-client
  [event: string]: (...args: any[]) => void;
}

/** The event names of a map. */
export type EventNames<Map extends EventsMap> = keyof Map & string;

/** The arguments of an event of a map. */
export type EventParams<Map extends EventsMap, E extends EventNames<Map>> = Map[E] extends (...args: infer A) => unknown
  ? A
  : never;

/** Names Socket.IO reserves: they cannot be emitted (a type error, and INVALID at run time). */
export type ReservedEventName =
  'connect' | 'connect_error' | 'disconnect' | 'disconnecting' | 'newListener' | 'removeListener';

/** A namespace's own events (socket.io-client's `SocketReservedEvents`). */
export interface NamespaceEvents {
  connect: () => void;
  /** The server refused the namespace (middleware): `AUTH_FAILED`, the server's message, its `data` as `cause`. */
  connect_error: (error: PolySocketError) => void;
  /** socket.io-client's reason: `io client disconnect`, `io server disconnect`, `transport close`, `transport error`, `ping timeout`, `parse error`. */
  disconnect: (reason: string) => void;
}

/** An app event name that can be listened to with `on`: any of the map's but the namespace's own and `Except`. */
export type ListenName<E, Except = never> = E & NotOneOf<E, keyof NamespaceEvents | Except>;

/** An app event name that can be emitted: any of the map's but a reserved one. */
export type EmitName<E> = E & NotOneOf<E, ReservedEventName>;

type Last<T extends unknown[]> = T extends [...unknown[], infer L] ? L : unknown;
type AllButLast<T extends unknown[]> = T extends [...infer Head, unknown] ? Head : T;
type FirstArg<F> = F extends (first: infer A, ...rest: never[]) => unknown ? A : unknown;

/** The arguments of an `emitWithAck`: the event's parameters without the trailing callback. */
export type AckArgs<Map extends EventsMap, E extends EventNames<Map>> = AllButLast<EventParams<Map, E>>;

/** What an `emitWithAck` resolves with: the first argument of the event's callback (`unknown` when untyped). */
export type AckResult<Map extends EventsMap, E extends EventNames<Map>> = FirstArg<Last<EventParams<Map, E>>>;

/** `client.volatile`: emits dropped (false) rather than queued while not connected. */
export interface VolatileEmitter<EmitEvents extends EventsMap> {
  emit<E extends EventNames<EmitEvents>>(event: EmitName<E>, ...args: EventParams<EmitEvents, E>): Promise<boolean>;
}

/** `client.timeout(ms)` and `client.withOptions(options)`. */
export interface AckEmitter<EmitEvents extends EventsMap> {
  emitWithAck<E extends EventNames<EmitEvents>>(
    event: EmitName<E>,
    ...args: AckArgs<EmitEvents, E>
  ): Promise<AckResult<EmitEvents, E>>;
}

import { PolySocketError } from '@polysocket/core';
import { FoonyClient, type FoonyClientOptions } from '@polysocket/foony';
import { IgnisClient, type IgnisClientOptions } from '@polysocket/ignis';
import {
  SocketIOClient,
  type DefaultEventsMap,
  type EventsMap,
  type SocketIOClientOptions,
} from '@polysocket/socketio';
import { SockrClient, type SockrClientOptions } from '@polysocket/sockr';

export type ProtocolName = 'foony' | 'ignis' | 'sockr' | 'socketio';

/** What every protocol's options have in `createClient`. */
export interface CommonClientOptions {
  /**
   * Connect once the current task is done (listeners added right after `createClient` see `connecting`).
   * Default false for every protocol: the client stays `idle` until `connect()`. (`new SocketIOClient` and
   * `new SockrClient` keep their libraries' default, true.)
   */
  autoConnect?: boolean;
}

/** `createClient`'s options: the protocol picks the adapter and the type of the rest. */
export type ClientOptions =
  | ({ protocol: 'foony' } & FoonyClientOptions & CommonClientOptions)
  | ({ protocol: 'ignis' } & IgnisClientOptions & CommonClientOptions)
  | ({ protocol: 'sockr' } & SockrClientOptions & CommonClientOptions)
  | ({ protocol: 'socketio' } & SocketIOClientOptions & CommonClientOptions);

export interface ClientByProtocol {
  foony: FoonyClient;
  ignis: IgnisClient;
  sockr: SockrClient;
  socketio: SocketIOClient;
}

/**
 * The client of the protocol the options name, typed accordingly. Every client has the same lifecycle events
 * (`state`, `connected`, `disconnected`, `reconnecting`, `error`, `rtt`) and starts `idle` unless `autoConnect`.
 * Type parameters type the app's events: `createClient<Events, EmitEvents>({ protocol: 'ignis' })` (event →
 * data) and `createClient<ListenEvents, EmitEvents>({ protocol: 'socketio' })` (event → listener, as
 * socket.io-client's `Socket<ListenEvents, EmitEvents>`). Sockr's events are typed already.
 */
export function createClient(options: { protocol: 'foony' } & FoonyClientOptions & CommonClientOptions): FoonyClient;
export function createClient<Events extends object = Record<string, unknown>, EmitEvents extends object = Events>(
  options: { protocol: 'ignis' } & IgnisClientOptions & CommonClientOptions,
): IgnisClient<Events, EmitEvents>;
export function createClient(options: { protocol: 'sockr' } & SockrClientOptions & CommonClientOptions): SockrClient;
export function createClient<
  ListenEvents extends EventsMap = DefaultEventsMap,
  EmitEvents extends EventsMap = ListenEvents,
>(
  options: { protocol: 'socketio' } & SocketIOClientOptions & CommonClientOptions,
): SocketIOClient<ListenEvents, EmitEvents>;
export function createClient(options: ClientOptions): ClientByProtocol[ProtocolName];
export function createClient(options: ClientOptions): ClientByProtocol[ProtocolName] {
  // `rest` is a copy of the app's options: the adapters' own autoConnect is turned off in it.
  // Called from JavaScript with nothing: the same INVALID as an unknown protocol, not a TypeError.
  const { protocol, autoConnect, ...rest } = options ?? ({} as ClientOptions);
  let client: ClientByProtocol[ProtocolName];
  switch (protocol) {
    case 'foony':
      client = new FoonyClient(rest as FoonyClientOptions);
      break;
    case 'ignis':
      client = new IgnisClient(rest as IgnisClientOptions);
      break;
    case 'sockr':
      client = new SockrClient(Object.assign(rest as SockrClientOptions, { autoConnect: false }));
      break;
    case 'socketio':
      client = new SocketIOClient(Object.assign(rest as SocketIOClientOptions, { autoConnect: false }));
      break;
    default:
      throw new PolySocketError(
        'INVALID',
        `${protocol === undefined ? 'createClient needs a protocol' : `unknown protocol ${JSON.stringify(protocol)}`}: use 'foony', 'ignis', 'sockr' or 'socketio'`,
      );
  }
  if (autoConnect === true) queueMicrotask(() => connectIfIdle(client));
  return client;
}

/** `autoConnect`: unless the app connected or closed the client meanwhile. A failure is also an `error` event. */
function connectIfIdle(client: ClientByProtocol[ProtocolName]): void {
  if (client.state === 'idle') client.connect().catch(() => undefined);
}

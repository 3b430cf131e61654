/**
 * Type tests, checked by `npm run typecheck` (tsconfig.json includes `test/`), never run: each
 * `@ts-expect-error` fails the typecheck if the line under it compiles, and each `expectTypeOf` if the type
 * differs. Covers issue 15's "one API across protocols": the same lifecycle events on every client from
 * `createClient`, typed app events (Ignis, Socket.IO), Foony's single credential and reserved event names.
 */
import { expectTypeOf } from 'vitest';
import {
  createClient,
  FoonyClient,
  IgnisClient,
  SocketIOClient,
  type ConnectionState,
  type DisconnectEvent,
  type EngineSession,
  type FoonySession,
  type IgnisEnvelope,
  type IgnisSession,
  type LifecycleClient,
  type PolySocketError,
  type ReconnectingEvent,
  type SockrSession,
} from 'polysocket';

const url = 'ws://127.0.0.1:8080';

/** The same lifecycle names and payloads on the four clients `createClient` makes. */
export function sameLifecycleEverywhere(): void {
  const foony = createClient({ protocol: 'foony', url, token: 't' });
  const ignis = createClient({ protocol: 'ignis', url });
  const io = createClient({ protocol: 'socketio', url });
  const sockr = createClient({ protocol: 'sockr', url, token: 't' });
  expectTypeOf(foony).toEqualTypeOf<FoonyClient>();
  expectTypeOf(io).toEqualTypeOf<SocketIOClient>();

  // Each is a LifecycleClient: one type for code that handles a client of any protocol.
  const clients: LifecycleClient[] = [foony, ignis, io, sockr];
  for (const client of clients) {
    client.on('state', (state, previous) => {
      expectTypeOf(state).toEqualTypeOf<ConnectionState>();
      expectTypeOf(previous).toEqualTypeOf<ConnectionState>();
    });
    client.on('disconnected', (event) => expectTypeOf(event).toEqualTypeOf<DisconnectEvent>());
    client.on('reconnecting', (event) => expectTypeOf(event).toEqualTypeOf<ReconnectingEvent>());
    client.on('error', (error) => expectTypeOf(error).toEqualTypeOf<PolySocketError>());
    client.on('rtt', (ms) => expectTypeOf(ms).toEqualTypeOf<number>());
  }
  foony.on('connected', (session) => expectTypeOf(session).toEqualTypeOf<FoonySession>());
  ignis.on('connected', (session) => expectTypeOf(session).toEqualTypeOf<IgnisSession>());
  io.on('connected', (session) => expectTypeOf(session).toEqualTypeOf<EngineSession>());
  sockr.on('connected', (session) => expectTypeOf(session).toEqualTypeOf<SockrSession>());

  // A lifecycle listener of the wrong shape is an error on every client.
  // @ts-expect-error a state is a ConnectionState, not a number
  foony.on('state', (state: number) => state);
  // @ts-expect-error a state is a ConnectionState, not a number
  ignis.on('state', (state: number) => state);
  // @ts-expect-error a state is a ConnectionState, not a number
  io.on('state', (state: number) => state);
  // @ts-expect-error a state is a ConnectionState, not a number
  sockr.on('state', (state: number) => state);

  // Foony and Sockr have no app events on the client: a name that is not theirs is an error.
  // @ts-expect-error not a Foony client event
  foony.on('totally-bogus-event', () => undefined);
  // @ts-expect-error not a Sockr client event
  sockr.on('totally-bogus-event', () => undefined);

  // Socket.IO keeps socket.io-client's namespace events next to the lifecycle ones.
  io.on('connect', () => undefined);
  io.on('connect_error', (error) => expectTypeOf(error).toEqualTypeOf<PolySocketError>());
  io.on('disconnect', (reason) => expectTypeOf(reason).toEqualTypeOf<string>());
  // An app event named like a lifecycle event is reached with onEvent.
  io.onEvent('state', (...args) => expectTypeOf(args).toEqualTypeOf<any[]>()); // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** `createClient<Events>({ protocol: 'ignis' })`: event → data, for what the server sends and what the client sends. */
export function typedIgnis(): void {
  interface FromServer {
    'room-message': { text: string };
    echo: { ping: number };
  }
  interface ToServer {
    'room-message': { room: string; text: string };
    echo: { ping: number };
  }
  const ignis = createClient<FromServer, ToServer>({ protocol: 'ignis', url, auth: { token: 't' } });
  expectTypeOf(ignis).toEqualTypeOf<IgnisClient<FromServer, ToServer>>();
  ignis.on('room-message', (data, envelope) => {
    expectTypeOf(data).toEqualTypeOf<{ text: string }>();
    expectTypeOf(envelope).toEqualTypeOf<IgnisEnvelope<{ text: string }>>();
  });
  void ignis.emit('room-message', { room: 'lobby', text: 'hi' });
  void ignis.request('echo', { ping: 1 });
  expectTypeOf(ignis.request<{ ping: number }>('echo', { ping: 1 })).toEqualTypeOf<
    Promise<IgnisEnvelope<{ ping: number }>>
  >();

  // @ts-expect-error not an event of the map
  ignis.on('bogus', () => undefined);
  // @ts-expect-error wrong data
  void ignis.emit('room-message', { text: 1 });
  // @ts-expect-error not an event of the map
  void ignis.emit('bogus', {});
  // @ts-expect-error wrong data
  void ignis.request('echo', { ping: 'one' });

  // Without a map: any name, any data, but never a system event of the protocol.
  const loose = createClient({ protocol: 'ignis', url });
  loose.on('anything', (data) => expectTypeOf(data).toEqualTypeOf<unknown>());
  void loose.emit('anything', { any: 'data' });
  // @ts-expect-error reserved by the Ignis protocol
  void loose.emit('authenticate', { token: 't' });
  // @ts-expect-error reserved by the Ignis protocol
  void loose.emit('join', { rooms: ['a'] });
  // @ts-expect-error reserved by the Ignis protocol
  void loose.emit('heartbeat');
  // @ts-expect-error reserved by the Ignis protocol
  void loose.request('connected');
  // @ts-expect-error reserved by the Ignis protocol
  void new IgnisClient({ url }).emit('encrypted', {});
}

/** `SocketIOClient<ListenEvents, EmitEvents>` and `createClient<ListenEvents, EmitEvents>({ protocol: 'socketio' })`. */
export function typedSocketIO(): void {
  interface ServerToClient {
    news: (item: { id: number }) => void;
  }
  interface ClientToServer {
    hello: (who: string) => void;
    add: (a: number, b: number, done: (sum: number) => void) => void;
  }
  const io = createClient<ServerToClient, ClientToServer>({ protocol: 'socketio', url });
  expectTypeOf(io).toEqualTypeOf<SocketIOClient<ServerToClient, ClientToServer>>();
  io.on('news', (item) => expectTypeOf(item).toEqualTypeOf<{ id: number }>());
  void io.emit('hello', 'world');
  expectTypeOf(io.emitWithAck('add', 1, 2)).toEqualTypeOf<Promise<number>>();
  expectTypeOf(io.timeout(500).emitWithAck('add', 1, 2)).toEqualTypeOf<Promise<number>>();
  void io.volatile.emit('hello', 'again');

  // @ts-expect-error not an event of the map
  io.on('bogus', () => undefined);
  // @ts-expect-error wrong listener
  io.on('news', (item: string) => item);
  // @ts-expect-error wrong argument
  void io.emit('hello', 42);
  // @ts-expect-error not an event of the map
  void io.emit('bogus');
  // @ts-expect-error the callback's arguments are missing
  void io.emitWithAck('add', 1);

  const direct = new SocketIOClient<ServerToClient, ClientToServer>({ url });
  direct
    .socket<ServerToClient, ClientToServer>('/admin')
    .on('news', (item) => expectTypeOf(item.id).toEqualTypeOf<number>());

  // Without maps: any name and arguments (socket.io-client's DefaultEventsMap), an ack answer is unknown.
  const loose = createClient({ protocol: 'socketio', url });
  loose.on('anything', (a: number, b: string) => [a, b]);
  void loose.emit('anything', 1, 'two');
  expectTypeOf(loose.emitWithAck('anything')).toEqualTypeOf<Promise<unknown>>();

  // Reserved names cannot be emitted, on the client, its volatile form, acks, or another namespace.
  // @ts-expect-error reserved by Socket.IO
  void loose.emit('connect');
  // @ts-expect-error reserved by Socket.IO
  void loose.emit('disconnect');
  // @ts-expect-error reserved by Socket.IO
  void loose.emit('connect_error');
  // @ts-expect-error reserved by Socket.IO
  void loose.emit('disconnecting');
  // @ts-expect-error reserved by Socket.IO
  void loose.emit('newListener');
  // @ts-expect-error reserved by Socket.IO
  void loose.emit('removeListener');
  // @ts-expect-error reserved by Socket.IO
  void loose.volatile.emit('connect');
  // @ts-expect-error reserved by Socket.IO
  void loose.emitWithAck('disconnect');
  // @ts-expect-error reserved by Socket.IO
  void loose.timeout(100).emitWithAck('connect');
  // @ts-expect-error reserved by Socket.IO
  void loose.socket('/admin').emit('connect');
}

/** Foony takes exactly one credential. */
export function foonyCredentials(): void {
  new FoonyClient({ url, token: 't' }).close();
  new FoonyClient({ url, key: 'app.key:secret' }).close();
  new FoonyClient({ url, authCallback: () => 't' }).close();
  createClient({ protocol: 'foony', url, token: 't', autoConnect: true }).close();
  // @ts-expect-error token and key together
  new FoonyClient({ url, token: 't', key: 'app.key:secret' }).close();
  // @ts-expect-error token and key together, through createClient
  createClient({ protocol: 'foony', url, token: 't', key: 'app.key:secret' }).close();
  // @ts-expect-error key and authCallback together
  new FoonyClient({ url, key: 'app.key:secret', authCallback: () => 't' }).close();
  // @ts-expect-error no credential
  new FoonyClient({ url }).close();
}

import { Connection, describeEvent, urlSecrets, type ConnectionState, type EncodedFrame } from '@polysocket/core';
import { checkAuth, checkTransports, namespaceOf } from './checks';
import { parseServerUrl } from './engine';
import type { EngineFrame } from './frames';
import type { AuthOption, EngineSession, SocketIOClientOptions } from './options';
import { connectNamespace } from './namespace-connector';
import { INSPECT, SocketIOSocket, type Inspect } from './socket';
import type { DefaultEventsMap, EventsMap } from './typed-events';
import { SocketIOWire } from './wire';

export type { EngineFrame } from './frames';
export type {
  AuthData,
  AuthOption,
  EngineSession,
  ReadyContext,
  SocketIOClientEvents,
  SocketIOClientOptions,
  TransportName,
} from './options';

/**
 * A Socket.IO v5 client (Engine.IO v4 underneath) on the PolySocket core: the core's backoff,
 * outbox, heartbeat deadline and reconnect replace socket.io-client's Manager. The methods of the
 * main namespace (`emit`, `on`, ...) are on the client itself; `socket(nsp)` gives other namespaces. The url's
 * path names the main namespace, as in socket.io-client (`http://host/admin` is `/admin`; `/` without a path).
 *
 * `on` takes the lifecycle events every PolySocket client has (`state`, `connected`, `disconnected`,
 * `reconnecting`, `error`, `rtt`), the main namespace's own (`connect`, `connect_error`, `disconnect`) and the
 * app's events. A lifecycle name means the lifecycle event: an app event of that name is `onEvent`'s.
 * `ListenEvents` and `EmitEvents` type the app's events as socket.io-client's `Socket<ListenEvents, EmitEvents>`.
 */
export class SocketIOClient<
  ListenEvents extends EventsMap = DefaultEventsMap,
  EmitEvents extends EventsMap = ListenEvents,
> extends SocketIOWire<ListenEvents, EmitEvents> {
  readonly connection: Connection<EncodedFrame, EngineFrame, EngineSession>;
  protected readonly main: SocketIOSocket<ListenEvents, EmitEvents>;

  /** @internal Not enumerable: the app's options hold the credentials, which spreading or a JSON logger must not reach. */
  declare readonly options: SocketIOClientOptions;

  constructor(options: SocketIOClientOptions) {
    super();
    Object.defineProperty(this, 'options', { value: options });
    // The messages name the class the app constructed (Sockr builds its client on this one).
    const owner = options.clientName ?? 'SocketIOClient';
    const url = parseServerUrl(options.url, owner);
    checkAuth(options.auth, owner);
    checkTransports(options, owner);
    this.connection = new Connection<EncodedFrame, EngineFrame, EngineSession>(
      { protocol: this, transport: SocketIOWire.transportOf },
      options,
    );
    // Every credential the app hands over is a secret: query values (also the url's), in each form a log line may
    // quote them, and, when resolved, auth.
    for (const secrets of [options.url, `?${new URLSearchParams(options.query)}`]) this.addSecrets(urlSecrets(secrets));
    this.connection.listenInternally('disconnected', SocketIOWire.onDisconnected, this);
    // socket.io-client's rule: the url's path names the main namespace (`path` is the Engine.IO endpoint).
    this.main = this.socket<ListenEvents, EmitEvents>(namespaceOf(url));
    if (options.autoConnect !== false) this.connect().catch(() => undefined);
  }

  // ---- the client ----

  get state(): ConnectionState {
    return this.connection.state;
  }

  /** The Engine.IO session: sid, pingInterval, pingTimeout, maxPayload, upgrades. */
  get engine(): EngineSession | undefined {
    return this.connection.info;
  }

  /** The transport in use now: 'websocket' or 'polling' (it changes when polling is upgraded). */
  get transport(): string | undefined {
    return this.currentTransport?.name;
  }

  /**
   * Connects (or reconnects after `close()`/`failed`); resolves once every wanted namespace was answered.
   * The main namespace is wanted again, as socket.io-client's `socket.connect()` after the server
   * disconnected it or refused it: on a link that is still up its CONNECT goes at once, and this resolves
   * with its answer (rejects with its `connect_error`).
   */
  connect(): Promise<void> {
    const main = this.main;
    if (!main.wanted || main.state === 'failed') {
      main.rearm();
      const answered = connectNamespace(this, main);
      if (this.connection.isConnected)
        return answered.then(() => (main.state === 'failed' ? Promise.reject(main.error) : this.connection.connect()));
    }
    for (const socket of this.all()) if (socket.wanted && socket.state !== 'connected') socket.setConnecting();
    return this.connection.connect();
  }

  /** Closes the connection and every namespace. */
  close(): void {
    // Not a WebSocket that failed: the next connect() starts with the first transport (no polling fallback).
    this.opened = true;
    this.connection.close();
  }

  /** socket.io-client's name for `close()`. */
  disconnect(): void {
    this.close();
  }

  /**
   * The socket of a namespace (the same instance each time); connects it if the client is connected. Its
   * type parameters type that namespace's events, as the client's type its main namespace's.
   */
  socket<L extends EventsMap = DefaultEventsMap, E extends EventsMap = L>(
    nsp = '/',
    options: { auth?: AuthOption } = {},
  ): SocketIOSocket<L, E> {
    const name = nsp.startsWith('/') ? nsp : `/${nsp}`;
    let socket = this.socketsByName[name] as SocketIOSocket<L, E> | undefined;
    if (socket) return socket;
    checkAuth(options.auth, `socket(${describeEvent(name)})`);
    this.socketsByName[name] = socket = new SocketIOSocket(name, this, options.auth);
    const state = this.connection.state;
    if (state !== 'idle' && state !== 'closed' && state !== 'failed') void connectNamespace(this, socket);
    return socket;
  }

  /** What `util.inspect` and `console.log` show in Node: a summary, never the options (they hold credentials). */
  [INSPECT](_depth: number, options: object, inspect: Inspect): string {
    const url = new URL(this.options.url);
    return `SocketIOClient ${inspect({ url: url.origin + url.pathname, state: this.state, transport: this.transport, id: this.id, namespaces: Object.keys(this.socketsByName) }, options)}`;
  }
}

import {
  Connection,
  describeEvent,
  PolySocketError,
  urlSecrets,
  WebSocketTransport,
  checkSecureUrl,
  type CloseDecision,
  type CloseInfo,
  type ConnectionState,
  type DisconnectEvent,
  type EncodedFrame,
  type HandshakeContext,
  type HandshakeResult,
  type Protocol,
  type RequestId,
  type RestoreContext,
  type Transport,
  type TransportData,
  dict,
} from '@polysocket/core';
import { checkAuth, checkTransports, connectError, namespaceOf } from './checks';
import { engineUrl, parseServerUrl } from './engine';
import { CLOSE_PROTOCOL_ERROR, decodeEngineMessage, engineHeartbeat, PROBE_NSP, type EngineFrame } from './frames';
import { MainNamespace } from './main-namespace';
import { nextEvent } from './next-event';
import type { AuthOption, EngineSession, SocketIOClientOptions, TransportName } from './options';
import { connectNamespace, connectReply, settleRestore, type Restore } from './namespace-connector';
import { encodePacket, PacketDecoder, PacketType } from './parser';
import { INSPECT, SocketIOSocket, type Inspect } from './socket';
import type { DefaultEventsMap, EventsMap } from './typed-events';

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
> extends MainNamespace<ListenEvents, EmitEvents> {
  readonly connection: Connection<EncodedFrame, EngineFrame, EngineSession>;
  /** The namespaces by name (never removed). */
  private readonly socketsByName = dict<SocketIOSocket>();
  private readonly decoder = new PacketDecoder();
  protected readonly main: SocketIOSocket<ListenEvents, EmitEvents>;
  /** @internal */
  readonly transports: TransportName[];
  /** @internal With `['websocket', 'polling']`: a WebSocket attempt that failed makes the next one use polling. */
  fallBack = false;
  /** @internal The transport in use (the namespace host reads it for the long-polling size rule). */
  currentTransport: Transport | undefined;
  /** The name the current attempt started with ('websocket' or 'polling'). */
  private lastTransport: string | undefined;
  /** Whether the current attempt got as far as the Engine.IO open packet. */
  private opened = false;
  /** Why the link dropped (socket.io-client's words), from the core's `disconnected` event until the namespaces are told. */
  private dropReason: string | undefined;
  /** Ends the client once an attempt whose namespaces the server all disconnected has failed on its own (see `endAfterServerDisconnect`). */
  private endTimer: ReturnType<typeof setTimeout> | undefined;
  /**
   * The restore in progress: `connect` calls join it (from a `connect` or `connect_error` listener, or `onReady`),
   * and it waits for their answers too. A namespace's CONNECT in flight is on the socket (`connectId`, `connectCall`).
   */
  /** @internal */
  restoring: Restore | undefined;
  /** @internal Counts Engine.IO sessions: a CONNECT whose auth resolved after its session ended is not sent. */
  session = 0;
  /** @internal Aborted when the session ends: an `auth` function still running for it stops being waited for. Made on first use. */
  sessionAbort: AbortController | undefined;

  constructor(
    /** @internal */
    readonly options: SocketIOClientOptions,
  ) {
    super();
    // The messages name the class the app constructed (Sockr builds its client on this one).
    const owner = options.clientName ?? 'SocketIOClient';
    const url = parseServerUrl(options.url, owner);
    checkAuth(options.auth, owner);
    this.transports = checkTransports(options, owner);
    this.connection = new Connection<EncodedFrame, EngineFrame, EngineSession>(
      { protocol: new SocketIOClient.Wire(this), transport: SocketIOClient.Wire.transportOf },
      options,
    );
    // Every credential the app hands over is a secret: query values (also the url's) and, when resolved, auth.
    this.addSecrets(urlSecrets(options.url));
    for (const secret of Object.values(options.query ?? {}))
      this.addSecrets([secret, encodeURIComponent(secret), new URLSearchParams({ s: secret }).toString().slice(2)]);
    this.connection.listenInternally('disconnected', SocketIOClient.onDisconnected, this);
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
        return answered.then(() =>
          main.state === 'failed' && main.error ? Promise.reject(main.error) : this.connection.connect(),
        );
    }
    for (const socket of this.all()) if (socket.wanted && socket.state !== 'connected') socket.setConnecting();
    return this.connection.connect();
  }

  /** Closes the connection and every namespace. */
  close(): void {
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

  // ---- transports ----

  private makeTransport(): Transport {
    const { url, query, path = '/socket.io/', polling } = this.options;
    checkSecureUrl(url, this.options.secureOnly);
    const websocket = (sid?: string): Transport =>
      new WebSocketTransport({ url: engineUrl(url, path, 'websocket', query, sid), WebSocket: this.options.WebSocket });
    // Without the module every transport is a WebSocket (`checkTransports` refused 'polling').
    const transport = polling ? polling.open(this, websocket) : websocket();
    this.currentTransport = transport;
    this.lastTransport = transport.name;
    this.opened = false;
    return transport;
  }

  // ---- the protocol ----

  /** The client's side of the connection: one object per client, its methods on the prototype. */
  private static readonly Wire = class SocketIOWire implements Protocol<EncodedFrame, EngineFrame, EngineSession> {
    constructor(private readonly client: SocketIOClient) {}
    /** @internal The connection's TransportFactory, one function for every client: called as the connection's method. */
    static transportOf(this: { readonly protocol: object }): Transport {
      return (this.protocol as SocketIOWire).client.makeTransport();
    }
    get name(): string {
      return 'socket.io';
    }
    encode(frame: EncodedFrame): EncodedFrame {
      return frame;
    }
    decode(data: TransportData, emit: (frame: EngineFrame) => void): void {
      const client = this.client;
      decodeEngineMessage(data, client.decoder, emit, client.connection);
    }
    async handshake(
      context: HandshakeContext<EncodedFrame, EngineFrame>,
    ): Promise<HandshakeResult<EncodedFrame, EngineFrame, EngineSession>> {
      const client = this.client;
      client.decoder.reset();
      client.endSession();
      client.session++;
      const first = await context.receive();
      client.opened = true;
      if (first.kind !== 'open')
        throw new PolySocketError('PROTOCOL', 'expected the Engine.IO open packet', { retryable: true });
      return {
        info: first.handshake,
        maxMessageSize: first.handshake.maxPayload,
        heartbeat: engineHeartbeat(first.handshake),
      };
    }
    replyTo(frame: EngineFrame): RequestId | undefined {
      const client = this.client;
      if (frame.kind !== 'packet') return undefined;
      const { type, id, nsp } = frame.packet;
      // Ack ids are the core's, shared by every namespace: an ACK only answers a request made on its own namespace.
      if (type === PacketType.ACK) return id !== undefined && client.socketsByName[nsp]?.awaits(id) ? id : undefined;
      if (type === PacketType.CONNECT || type === PacketType.CONNECT_ERROR)
        return client.socketsByName[nsp] && connectReply(client, frame.packet, client.socketsByName[nsp]);
      return undefined;
    }
    replyError(frame: EngineFrame): PolySocketError | undefined {
      return frame.kind === 'packet' && frame.packet.type === PacketType.CONNECT_ERROR
        ? connectError(frame.packet)
        : undefined;
    }
    /** A close of the link: reconnect; a malformed or oversized inbound packet (polling stops reading at maxFrameSize) says so. */
    classifyClose({ code, reason }: CloseInfo): CloseDecision {
      return {
        action: 'reconnect',
        error:
          code === CLOSE_PROTOCOL_ERROR || code === 1009
            ? new PolySocketError('PROTOCOL', reason || `closed with ${code}`)
            : undefined,
      };
    }
    /**
     * Reconnects every wanted namespace, and those asked for meanwhile (in a `connect` listener, during
     * `onReady`); the outbox is flushed only after all of them were answered.
     */
    async restore(context: RestoreContext<EncodedFrame, EngineFrame>): Promise<void> {
      const client = this.client;
      const restore: Restore = (client.restoring = { context, pending: [], attempted: [] });
      try {
        await client.restoreNamespaces(context, restore);
      } finally {
        // Done, failed or abandoned: later `connect` calls go to the session or the next restore.
        if (client.restoring === restore) client.restoring = undefined;
      }
    }
    onFrame(frame: EngineFrame): void {
      const client = this.client;
      if (frame.kind === 'close') {
        client.connection.reconnect({ reason: 'the server closed the Engine.IO session' });
        return;
      }
      if (frame.kind !== 'packet') return;
      const packet = frame.packet;
      const socket = client.socketsByName[packet.nsp];
      if (!socket) {
        // A server with dynamic namespaces accepted the probe's namespace: leave it (the answer proved the link).
        if (packet.nsp === PROBE_NSP && packet.type === PacketType.CONNECT)
          void client.connection.send(encodePacket({ type: PacketType.DISCONNECT, nsp: PROBE_NSP }));
        return;
      }
      switch (packet.type) {
        case PacketType.EVENT:
          if (socket.connected) socket.deliver(packet);
          return;
        case PacketType.DISCONNECT:
          socket.onServerDisconnect();
          client.connection.flush();
          if (!client.all().some((s) => s.wanted)) client.endAfterServerDisconnect();
          return;
        default:
          return; // an unmatched ACK/CONNECT (its request timed out): nothing to do
      }
    }
    onState(state: ConnectionState, previous: ConnectionState): void {
      const client = this.client;
      // Ready: the namespaces asked for after the restore ended are connected now.
      if (state === 'connected')
        for (const socket of client.all())
          if (socket.wanted && socket.state === 'connecting' && !socket.connectCall)
            void connectNamespace(client, socket);
      if (state === 'connected' || state === 'connecting') return;
      client.endSession();
      if (state === 'reconnecting' && client.transports[0] === 'websocket') {
        // A WebSocket that never opened is likely blocked: try polling next, then WebSocket again.
        client.fallBack = client.lastTransport === 'websocket' && !client.opened;
      }
      if (state === 'closed' || state === 'failed') {
        clearTimeout(client.endTimer);
        client.endTimer = undefined;
        const error = new PolySocketError(state === 'closed' ? 'CLOSED' : 'DISCONNECTED', `the client is ${state}`, {
          retryable: false,
        });
        for (const socket of client.all()) socket.onClientEnd(error);
      } else {
        for (const socket of client.all()) socket.onTransportDown();
      }
      // The reason comes with the core's `disconnected` event, emitted before `reconnecting` but after
      // `closed`/`failed` (then `onDisconnected` announces); a link lost before it was ready has none.
      if (client.dropReason !== undefined || previous !== 'connected') client.announceDown();
    }
  };

  private async restoreNamespaces(context: RestoreContext<EncodedFrame, EngineFrame>, restore: Restore): Promise<void> {
    for (const socket of this.all())
      if (socket.wanted && socket.state !== 'failed') void connectNamespace(this, socket);
    const wanted = await settleRestore(restore);
    if (wanted.length > 0 && wanted.every((socket) => socket.state === 'failed')) {
      // Every namespace was refused (middleware): stop instead of retrying the same refusal forever.
      throw wanted[0].error ?? new PolySocketError('AUTH_FAILED', 'connection refused', { retryable: false });
    }
    const options = this.options;
    if (options.onReady && this.main.connected) {
      // Called as the options' method: Sockr's reads its client from them (no closure per client).
      await options.onReady({
        emit: (event, ...args) =>
          context.send(encodePacket({ type: PacketType.EVENT, nsp: this.main.nsp, data: [event, ...args] })),
        next: (events, timeoutMs, hint) => nextEvent(this.main, events, timeoutMs, context.signal, hint),
        reconnect: context.reconnect,
        signal: context.signal,
      });
      await settleRestore(restore);
    }
  }

  /** The session is over (the link dropped, the client ended): what ran for it is let go. */
  private endSession(): void {
    this.restoring = undefined;
    this.sessionAbort?.abort();
    this.sessionAbort = undefined;
  }

  /** @internal Registers every string in `value` (nested in objects and arrays too) as a secret. */
  addSecrets(value: unknown, depth = 0): void {
    if (typeof value === 'string') this.connection.logger.addSecret(value);
    else if (value !== null && typeof value === 'object' && depth < 8)
      for (const item of Object.values(value)) this.addSecrets(item, depth + 1);
  }

  /** What `util.inspect` and `console.log` show in Node: a summary, never the options (they hold credentials). */
  [INSPECT](_depth: number, options: object, inspect: Inspect): string {
    const url = new URL(this.options.url);
    return `SocketIOClient ${inspect({ url: url.origin + url.pathname, state: this.state, transport: this.transport, id: this.id, namespaces: Object.keys(this.socketsByName) }, options)}`;
  }

  /**
   * No namespace is left. Connected: close. Still connecting (the server refused something during
   * `onReady`, e.g. Sockr's auth_error followed by a disconnect in the same chunk): let the attempt
   * fail with its own, more precise error first, and only then end the client.
   */
  private endAfterServerDisconnect(): void {
    if (this.connection.isConnected) {
      this.connection.close();
      return;
    }
    // The timer belongs to this attempt: a client that ended meanwhile releases it (`onState`), and a
    // later session (a `connect()` from an `error` listener) is not failed by it.
    const session = this.session;
    clearTimeout(this.endTimer);
    this.endTimer = setTimeout(() => {
      this.endTimer = undefined;
      const state = this.connection.state;
      if (session === this.session && state !== 'closed' && state !== 'failed') {
        this.connection.fail(
          new PolySocketError('DISCONNECTED', 'the server disconnected the client while connecting', {
            retryable: false,
          }),
        );
      }
    }, 0);
  }

  /** The core's `disconnected` event: socket.io-client's reason for the drop. */
  private static onDisconnected(this: SocketIOClient, event: DisconnectEvent): void {
    this.dropReason =
      !event.willReconnect && !event.error
        ? 'io client disconnect' // close()
        : event.reason.startsWith('dead link')
          ? 'ping timeout'
          : event.error?.code === 'PROTOCOL'
            ? 'parse error'
            : // A transport that failed (a polling request without an answer, or with an HTTP error) rather than closed.
              (this.currentTransport as { error?: Error } | undefined)?.error
              ? 'transport error'
              : 'transport close';
    if (this.connection.state !== 'connected') this.announceDown();
  }

  /** Tells every namespace that was up why it is down. */
  private announceDown(): void {
    const reason = this.dropReason ?? (this.connection.state === 'closed' ? 'io client disconnect' : 'transport close');
    this.dropReason = undefined;
    for (const socket of this.all()) socket.announceDown(reason);
  }

  /** Every namespace socket, in the order they were made. */
  private all(): SocketIOSocket[] {
    return Object.values(this.socketsByName) as SocketIOSocket[];
  }
}

import {
  PolySocketError,
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
import { clientEnded, connectError } from './checks';
import { engineUrl } from './engine';
import { CLOSE_PROTOCOL_ERROR, decodeEngineMessage, engineHeartbeat, PROBE_NSP, type EngineFrame } from './frames';
import { MainNamespace } from './main-namespace';
import { connectNamespace, connectReply, settleRestore, type Restore } from './namespace-connector';
import { nextEvent } from './next-event';
import type { EngineSession, SocketIOClientOptions } from './options';
import { encodePacket, PacketDecoder, PacketType } from './parser';
import type { SocketIOSocket } from './socket';
import type { DefaultEventsMap, EventsMap } from './typed-events';

/**
 * The client's side of the Engine.IO connection: the client is its own connection's protocol (no object per
 * client for it). Its members are the client's internals (`@internal`): the public API is `SocketIOClient`'s.
 */
export abstract class SocketIOWire<
  ListenEvents extends EventsMap = DefaultEventsMap,
  EmitEvents extends EventsMap = ListenEvents,
>
  extends MainNamespace<ListenEvents, EmitEvents>
  implements Protocol<EncodedFrame, EngineFrame, EngineSession>
{
  /** @internal */
  abstract readonly options: SocketIOClientOptions;
  /** @internal The namespaces by name (never removed). */
  readonly socketsByName = dict<SocketIOSocket>();
  private readonly decoder = new PacketDecoder();
  /** @internal The transport in use (the namespace host reads it for the long-polling size rule). */
  currentTransport: Transport | undefined;
  /** @internal Whether the current attempt got as far as the Engine.IO open packet (the polling module's fallback reads it). */
  opened = false;
  /** Why the link dropped (socket.io-client's words), from the core's `disconnected` event until the namespaces are told. */
  private dropReason: string | undefined;
  /** Ends the client once an attempt whose namespaces the server all disconnected has failed on its own (see `endAfterServerDisconnect`). */
  private endTimer: ReturnType<typeof setTimeout> | undefined;
  /**
   * @internal The restore in progress: `connect` calls join it (from a `connect` or `connect_error` listener, or
   * `onReady`), and it waits for their answers too. A namespace's CONNECT in flight is on the socket.
   */
  restoring: Restore | undefined;
  /** @internal Counts Engine.IO sessions: a CONNECT whose auth resolved after its session ended is not sent. */
  session = 0;
  /** @internal Aborted when the session ends: an `auth` function still running for it stops being waited for. Made on first use. */
  sessionAbort: AbortController | undefined;

  /** @internal The connection's TransportFactory, one function for every client: called as the connection's method. */
  static transportOf(this: { readonly protocol: SocketIOWire }): Transport {
    return this.protocol.makeTransport();
  }

  /** @internal */
  get name(): string {
    return 'socket.io';
  }

  /** @internal */
  encode(frame: EncodedFrame): EncodedFrame {
    return frame;
  }

  /** @internal */
  decode(data: TransportData, emit: (frame: EngineFrame) => void): void {
    decodeEngineMessage(data, this.decoder, emit, this.connection);
  }

  /** @internal */
  async handshake(
    context: HandshakeContext<EncodedFrame, EngineFrame>,
  ): Promise<HandshakeResult<EncodedFrame, EngineFrame, EngineSession>> {
    this.decoder.reset();
    this.endSession();
    this.session++;
    const first = await context.receive();
    this.opened = true;
    if (first.kind !== 'open')
      throw new PolySocketError('PROTOCOL', 'expected the Engine.IO open packet', { retryable: true });
    const handshake = first.handshake;
    return { info: handshake, maxMessageSize: handshake.maxPayload, heartbeat: engineHeartbeat(handshake) };
  }

  /** @internal */
  replyTo(frame: EngineFrame): RequestId | undefined {
    if (frame.kind !== 'packet') return undefined;
    const packet = frame.packet;
    const type = packet.type;
    // An EVENT answers nothing: no lookup on the hot path.
    if (type === PacketType.EVENT || type === PacketType.DISCONNECT) return undefined;
    const socket = this.socketsByName[packet.nsp];
    const id = packet.id;
    // Ack ids are the core's, shared by every namespace: an ACK only answers a request made on its own namespace.
    if (type === PacketType.ACK) return id !== undefined && socket?.awaits(id) ? id : undefined;
    return socket && connectReply(this, packet, socket); // CONNECT or CONNECT_ERROR
  }

  /** @internal */
  replyError(frame: EngineFrame): PolySocketError | undefined {
    return frame.kind === 'packet' && frame.packet.type === PacketType.CONNECT_ERROR
      ? connectError(frame.packet)
      : undefined;
  }

  /** @internal A close of the link: reconnect; a malformed or oversized inbound packet (polling stops reading at maxFrameSize) says so. */
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
   * @internal Reconnects every wanted namespace, and those asked for meanwhile (in a `connect` listener, during
   * `onReady`); the outbox is flushed only after all of them were answered.
   */
  async restore(context: RestoreContext<EncodedFrame, EngineFrame>): Promise<void> {
    const restore: Restore = (this.restoring = { context, pending: [], attempted: [] });
    try {
      for (const socket of this.all())
        if (socket.wanted && socket.state !== 'failed') void connectNamespace(this, socket);
      const wanted = await settleRestore(restore);
      if (wanted.length > 0 && wanted.every((socket) => socket.state === 'failed')) {
        // Every namespace was refused (middleware): stop instead of retrying the same refusal forever.
        throw wanted[0].error!; // set with the state 'failed'
      }
      const options = this.options;
      const main = this.main;
      if (options.onReady && main.connected) {
        // Called as the options' method: Sockr's reads its client from them (no closure per client).
        await options.onReady({
          emit: (event, ...args) =>
            context.send(encodePacket({ type: PacketType.EVENT, nsp: main.nsp, data: [event, ...args] })),
          next: (events, timeoutMs, hint) => nextEvent(main, events, timeoutMs, context.signal, hint),
          reconnect: context.reconnect,
          signal: context.signal,
        });
        await settleRestore(restore);
      }
    } finally {
      // Done, failed or abandoned: later `connect` calls go to the session or the next restore.
      if (this.restoring === restore) this.restoring = undefined;
    }
  }

  /** @internal */
  onFrame(frame: EngineFrame): void {
    if (frame.kind === 'close') {
      this.connection.reconnect({ reason: 'the server closed the Engine.IO session' });
      return;
    }
    if (frame.kind !== 'packet') return;
    const packet = frame.packet;
    const socket = this.socketsByName[packet.nsp];
    if (!socket) {
      // A server with dynamic namespaces accepted the probe's namespace: leave it (the answer proved the link).
      if (packet.nsp === PROBE_NSP && packet.type === PacketType.CONNECT)
        void this.connection.send(encodePacket({ type: PacketType.DISCONNECT, nsp: PROBE_NSP }));
    } else if (packet.type === PacketType.EVENT) {
      if (socket.connected) socket.deliver(packet);
    } else if (packet.type === PacketType.DISCONNECT) {
      socket.onServerDisconnect();
      this.connection.flush();
      if (!this.all().some((s) => s.wanted)) this.endAfterServerDisconnect();
    }
    // An unmatched ACK/CONNECT (its request timed out): nothing to do.
  }

  /** @internal */
  onState(state: ConnectionState, previous: ConnectionState): void {
    // Ready: the namespaces asked for after the restore ended are connected now.
    if (state === 'connected')
      for (const socket of this.all())
        if (socket.wanted && socket.state === 'connecting' && !socket.connectCall) void connectNamespace(this, socket);
    if (state === 'connected' || state === 'connecting') return;
    this.endSession();
    const end = state === 'closed' || state === 'failed' ? clientEnded(state) : undefined;
    if (end) {
      clearTimeout(this.endTimer);
      this.endTimer = undefined;
    }
    for (const socket of this.all()) socket.onLinkDown(end);
    // The reason comes with the core's `disconnected` event, emitted before `reconnecting` but after
    // `closed`/`failed` (then `onDisconnected` announces); a link lost before it was ready has none.
    if (this.dropReason !== undefined || previous !== 'connected') this.announceDown();
  }

  /** The transport of the next attempt. */
  private makeTransport(): Transport {
    const { url, query, path = '/socket.io/', polling, WebSocket } = this.options;
    checkSecureUrl(url, this.options.secureOnly);
    const websocket = (sid?: string): Transport =>
      new WebSocketTransport({ url: engineUrl(url, path, 'websocket', query, sid), WebSocket });
    // Without the module every transport is a WebSocket (`checkTransports` refused 'polling').
    const transport = polling ? polling.open(this, websocket) : websocket();
    this.currentTransport = transport;
    this.opened = false;
    return transport;
  }

  /** The session is over (the link dropped, the client ended): what ran for it is let go. */
  private endSession(): void {
    this.restoring = undefined;
    this.sessionAbort?.abort();
    this.sessionAbort = undefined;
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
      if (session === this.session && state !== 'closed' && state !== 'failed')
        this.connection.fail(
          new PolySocketError('DISCONNECTED', 'the server disconnected the client while connecting', {
            retryable: false,
          }),
        );
    }, 0);
  }

  /** @internal The core's `disconnected` event (listened to internally): socket.io-client's reason for the drop. */
  static onDisconnected(this: SocketIOWire, event: DisconnectEvent): void {
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

  /** @internal Every namespace socket, in the order they were made. */
  all(): SocketIOSocket[] {
    return Object.values(this.socketsByName) as SocketIOSocket[];
  }

  /** @internal Registers every string in `value` (nested in objects and arrays too) as a secret. */
  addSecrets(value: unknown, depth = 0): void {
    if (typeof value === 'string') this.connection.logger.addSecret(value);
    else if (value !== null && typeof value === 'object' && depth < 8)
      for (const item of Object.values(value)) this.addSecrets(item, depth + 1);
  }
}

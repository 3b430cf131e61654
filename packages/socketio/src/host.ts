import type { Connection, EncodedFrame, Gate, PolySocketError, Transport } from '@polysocket/core';
import type { EngineHandshake } from './engine';
import type { EngineFrame } from './frames';
import type { NamespaceConnector } from './namespace-connector';
import type { SocketIOClientOptions } from './options';
import { encodePacket, type Packet } from './parser';
import type { HostRequestOptions } from './socket';

/**
 * What the namespaces of a client may ask of it (one per client): sends and acks on the shared connection,
 * with the long-polling size rule for binary when the `polling` module is in use.
 */
export class NamespaceHost {
  constructor(
    /** @internal */
    readonly connection: Connection<EncodedFrame, EngineFrame, EngineHandshake>,
    /** @internal */
    readonly namespaces: NamespaceConnector,
    private readonly options: SocketIOClientOptions,
    /** The transport in use. */
    private readonly transport: () => Transport | undefined,
  ) {}

  send(packet: Packet, options: { volatile?: boolean; gate?: Gate }): Promise<boolean> {
    const connection = this.connection;
    // Volatile, but its namespace is connected and the client is finishing its connect (a `connect`
    // listener): socket.io-client writes it at once; here it goes with the flush that ends the connect.
    if (options.volatile && connection.state === 'connecting' && options.gate?.() === true) options.volatile = false;
    const data = encodePacket(packet);
    if (this.options.polling && typeof data !== 'string') {
      // Binary: its size depends on the transport that writes it.
      const tooLarge = this.oversize(data);
      if (tooLarge) {
        connection.report(tooLarge);
        const refused = Promise.reject(tooLarge);
        refused.catch(() => undefined);
        return refused;
      }
      options.gate = this.sizeGate(() => data, options.gate);
    }
    return connection.send(data, options);
  }

  request(build: (id: number) => Packet, options: HostRequestOptions): Promise<unknown[]> {
    options.timeoutMs ??= this.options.ackTimeoutMs ?? 10_000;
    let data: EncodedFrame | undefined;
    if (this.options.polling) options.gate = this.sizeGate(() => data, options.gate);
    const encode = (id: number): EncodedFrame => {
      data = encodePacket(build(id));
      const tooLarge = this.oversize(data);
      if (tooLarge) throw tooLarge;
      return data;
    };
    return this.connection.request<EngineFrame>(encode, options).then(ackArguments);
  }

  /**
   * TOO_LARGE when a binary attachment of `data`, as long-polling carries it (base64, 4/3 larger), is over the
   * server's maxPayload while the session is on polling. (The core checks text, and the raw size of binary.)
   */
  private oversize(data: EncodedFrame): PolySocketError | undefined {
    const limit = this.connection.info?.maxPayload;
    return limit !== undefined && this.transport()?.name === 'polling'
      ? this.options.polling?.oversize(data, limit)
      : undefined;
  }

  /** The namespace's gate, plus the polling size rule when the frame is written later (after a reconnect, on polling). */
  private sizeGate(data: () => EncodedFrame | undefined, gate: Gate | undefined): Gate {
    return () => {
      const open = gate ? gate() : true;
      const frame = data();
      return open === true && frame !== undefined ? (this.oversize(frame) ?? true) : open;
    };
  }
}

const ackArguments = (reply: EngineFrame): unknown[] =>
  reply.kind === 'packet' && Array.isArray(reply.packet.data) ? (reply.packet.data as unknown[]) : [];

import type { Connection, EncodedFrame, Gate, Transport } from '@polysocket/core';
import type { EngineHandshake } from './engine';
import type { EngineFrame } from './frames';
import type { NamespaceConnector } from './namespace-connector';
import type { SocketIOClientOptions } from './options';
import { encodePacket, type Packet } from './parser';
import type { HostRequestOptions } from './socket';

/**
 * What the namespaces of a client may ask of it (one per client): sends and acks on the shared connection,
 * with the long-polling size rule for binary when the `polling` module is in use (the module has the rule).
 */
export class NamespaceHost {
  constructor(
    /** @internal */
    readonly connection: Connection<EncodedFrame, EngineFrame, EngineHandshake>,
    /** @internal */
    readonly namespaces: NamespaceConnector,
    private readonly options: SocketIOClientOptions,
    /** The client, whose `currentTransport` is the transport in use (no closure per client). */
    private readonly owner: { readonly currentTransport: Transport | undefined },
  ) {}

  /** @internal The transport in use. */
  transport(): Transport | undefined {
    return this.owner.currentTransport;
  }

  send(packet: Packet, options: { volatile?: boolean; gate?: Gate }): Promise<boolean> {
    const connection = this.connection;
    const polling = this.options.polling;
    // Volatile, but its namespace is connected and the client is finishing its connect (a `connect`
    // listener): socket.io-client writes it at once; here it goes with the flush that ends the connect.
    if (options.volatile && connection.state === 'connecting' && options.gate?.() === true) options.volatile = false;
    const data = encodePacket(packet);
    if (polling && typeof data !== 'string') {
      // Binary: its size depends on the transport that writes it.
      const tooLarge = polling.oversize(this, data);
      if (tooLarge) {
        connection.report(tooLarge);
        const refused = Promise.reject(tooLarge);
        refused.catch(() => undefined);
        return refused;
      }
      options.gate = polling.sizeGate(this, () => data, options.gate);
    }
    return connection.send(data, options);
  }

  request(build: (id: number) => Packet, options: HostRequestOptions): Promise<unknown[]> {
    const polling = this.options.polling;
    options.timeoutMs ??= this.options.ackTimeoutMs ?? 10_000;
    let data: EncodedFrame | undefined;
    if (polling) options.gate = polling.sizeGate(this, () => data, options.gate);
    const encode = (id: number): EncodedFrame => {
      data = encodePacket(build(id));
      const tooLarge = polling?.oversize(this, data);
      if (tooLarge) throw tooLarge;
      return data;
    };
    return this.connection.request<EngineFrame>(encode, options).then(ackArguments);
  }
}

const ackArguments = (reply: EngineFrame): unknown[] =>
  reply.kind === 'packet' && Array.isArray(reply.packet.data) ? (reply.packet.data as unknown[]) : [];

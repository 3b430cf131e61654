import type { EncodedFrame, Gate } from '@polysocket/core';
import type { SocketIOWire } from './wire';
import type { EngineFrame } from './frames';
import { encodePacket, type Packet } from './parser';
import type { HostRequestOptions } from './socket';

/**
 * What the namespaces of a client ask of it, on the client itself (no object per client): sends and acks on the
 * shared connection, with the long-polling size rule for binary when the `polling` module is in use (the module
 * has the rule).
 */
export type NamespaceHost = SocketIOWire;

export function hostSend(
  host: NamespaceHost,
  packet: Packet,
  options: { volatile?: boolean; gate?: Gate },
): Promise<boolean> {
  const connection = host.connection;
  // Volatile, but its namespace is connected and the client is finishing its connect (a `connect`
  // listener): socket.io-client writes it at once; here it goes with the flush that ends the connect.
  if (options.volatile && connection.state === 'connecting' && options.gate?.() === true) options.volatile = false;
  const data = encodePacket(packet);
  // With the polling module, binary is held to the long-polling size rule by the gate (the core checks it before
  // the write, now or after a reconnect: refused with an `error` event, as any gate's error).
  host.options.polling?.guard(host, options, () => data);
  return connection.send(data, options);
}

export function hostRequest(
  host: NamespaceHost,
  build: (id: number) => Packet,
  options: HostRequestOptions,
): Promise<unknown[]> {
  const polling = host.options.polling;
  options.timeoutMs ??= host.options.ackTimeoutMs ?? 10_000;
  let data: EncodedFrame | undefined;
  polling?.guard(host, options, () => data); // the frame is made with its id, below
  const encode = (id: number): EncodedFrame => {
    data = encodePacket(build(id));
    const tooLarge = polling?.oversize(host, data);
    if (tooLarge) throw tooLarge;
    return data;
  };
  return host.connection
    .request<EngineFrame>(encode, options)
    .then((reply) => (reply.kind === 'packet' && Array.isArray(reply.packet.data) ? reply.packet.data : []));
}

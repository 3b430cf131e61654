import { PolySocketError, type EncodedFrame, type HeartbeatPolicy, type TransportData } from '@polysocket/core';
import { parseHandshake, type EngineHandshake } from './engine';
import { bad, PacketType, type Packet, type PacketDecoder } from './parser';

/** What the protocol hands the client: an Engine.IO control packet, or a complete Socket.IO packet. */
export type EngineFrame =
  | { kind: 'open'; handshake: EngineHandshake }
  | { kind: 'ping' }
  | { kind: 'pong' }
  | { kind: 'close' }
  | { kind: 'noop' }
  | { kind: 'upgrade' }
  | { kind: 'packet'; packet: Packet };

/** The control frames by Engine.IO type (`1` close … `6` noop), shared by every message (`4` and `0` carry data: decoded above). */
const CONTROL = (['close', 'ping', 'pong', 'packet', 'upgrade', 'noop'] as const).map(
  (kind) => ({ kind }) as EngineFrame,
);

/**
 * Decodes one Engine.IO message into frames: a text packet by its type, a binary message as the next
 * attachment of the pending binary Socket.IO packet. Throws PROTOCOL on garbage.
 */
export function decodeEngineMessage(
  data: TransportData,
  decoder: PacketDecoder,
  emit: (frame: EngineFrame) => void,
  errors: { report(error: PolySocketError): void },
): void {
  let packet: Packet | undefined;
  if (typeof data !== 'string') packet = decoder.addBinary(data instanceof Uint8Array ? data : new Uint8Array(data));
  else {
    const type = data.charCodeAt(0) - 48;
    if (type === 0) return emit({ kind: 'open', handshake: parseHandshake(data.slice(1)) });
    if (type !== 4) {
      const frame = CONTROL[type - 1];
      if (!frame) throw new PolySocketError('PROTOCOL', 'unknown Engine.IO packet type');
      return emit(frame);
    }
    packet = decoder.addText(data, 1); // the Engine.IO type is the first character
    if (decoder.takeAbandoned()) errors.report(bad('attachments lost'));
  }
  if (packet) emit({ kind: 'packet', packet });
}

/** Close code of a link dropped for a malformed or oversized inbound packet (WebSocket's "protocol error"). */
export const CLOSE_PROTOCOL_ERROR = 1002;

/** The liveness probe's namespace: one no server should have (a dynamic one that accepts it is left at once). */
export const PROBE_NSP = '/~polysocket-probe';
/** Nothing heard this long after a probe: the link is dead. */
const PROBE_TIMEOUT_MS = 3000;

// The heartbeat's functions are shared by every session.
const isPing = (frame: EngineFrame): boolean => frame.kind === 'ping';
const pong = (): EncodedFrame => '3';
const probe = (): EncodedFrame => `40${PROBE_NSP},`;
const isProbeAnswer = (frame: EngineFrame): boolean =>
  frame.kind === 'packet' && frame.packet.nsp === PROBE_NSP && frame.packet.type === PacketType.CONNECT_ERROR;

/**
 * Engine.IO v4's heartbeat: the server pings every pingInterval and the client answers; silent for
 * pingInterval + pingTimeout = dead. A liveness check (page visible again, back online) cannot wait for the
 * server's next ping, and a client ping makes engine.io v4 close the link ("invalid heartbeat direction");
 * every Socket.IO server answers a CONNECT at once, though: to a namespace it does not have, with CONNECT_ERROR.
 */
export function engineHeartbeat({
  pingInterval,
  pingTimeout,
}: EngineHandshake): HeartbeatPolicy<EncodedFrame, EngineFrame> {
  const silenceTimeoutMs = pingInterval + pingTimeout;
  // Sessions with the same deadline share one (read-only) policy object.
  if (lastPolicy?.silenceTimeoutMs !== silenceTimeoutMs)
    lastPolicy = {
      intervalMs: 0,
      isPing,
      pong,
      silenceTimeoutMs,
      ping: probe,
      isPong: isProbeAnswer,
      probeTimeoutMs: PROBE_TIMEOUT_MS,
    };
  return lastPolicy;
}

let lastPolicy: HeartbeatPolicy<EncodedFrame, EngineFrame> | undefined;

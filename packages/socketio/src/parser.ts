import { PolySocketError } from '@polysocket/core';

/** Socket.IO v5 packet types (an enum: the bundler writes each use as its number). */
export enum PacketType {
  CONNECT = 0,
  DISCONNECT = 1,
  EVENT = 2,
  ACK = 3,
  CONNECT_ERROR = 4,
  BINARY_EVENT = 5,
  BINARY_ACK = 6,
}

export interface Packet {
  type: PacketType;
  nsp: string;
  id?: number;
  data?: unknown;
}

/** Names Socket.IO reserves for lifecycle events; they cannot be emitted (`ReservedEventName` makes them a type error too). */
export const RESERVED_EVENTS: ReadonlySet<string> = new Set([
  'connect',
  'connect_error',
  'disconnect',
  'disconnecting',
  'newListener',
  'removeListener',
]);

/** Binary attachments and nesting are bounded, so a hostile packet cannot make the decoder allocate without limit. */
const MAX_ATTACHMENTS = 64;
const MAX_DEPTH = 32;

const isBinary = (value: unknown): value is ArrayBuffer | ArrayBufferView =>
  value instanceof ArrayBuffer || ArrayBuffer.isView(value);

/** @internal A malformed Socket.IO packet. */
export const bad = (what: string): PolySocketError =>
  new PolySocketError('PROTOCOL', `malformed Socket.IO packet: ${what}`);

export function hasBinary(value: unknown, depth = 0): boolean {
  return (
    depth <= MAX_DEPTH &&
    typeof value === 'object' &&
    value !== null &&
    (isBinary(value) || Object.values(value).some((item) => hasBinary(item, depth + 1)))
  );
}

/**
 * `value` with each binary part replaced by a placeholder (pushed to `buffers`); objects and arrays are copied
 * only on the way to a binary part, so data without binary comes back as it is. Deeper than MAX_DEPTH: as it is.
 */
function deconstruct(value: unknown, buffers: Uint8Array[], depth: number): unknown {
  if (isBinary(value))
    return {
      _placeholder: true,
      num:
        buffers.push(
          ArrayBuffer.isView(value)
            ? new Uint8Array(value.buffer, value.byteOffset, value.byteLength)
            : new Uint8Array(value),
        ) - 1,
    };
  if (typeof value !== 'object' || value === null || depth > MAX_DEPTH) return value;
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(value)) {
    const item = (value as Record<string, unknown>)[key];
    const next = deconstruct(item, buffers, depth + 1);
    if (next !== item)
      (copy ??= (Array.isArray(value) ? [...value] : { ...value }) as Record<string, unknown>)[key] = next;
  }
  return copy ?? value;
}

/**
 * Encodes a packet as Engine.IO message packets: one text packet (`4` + Socket.IO encoding), then
 * one binary packet per attachment.
 */
export function encodePacket(packet: Packet): string | (string | Uint8Array)[] {
  const buffers: Uint8Array[] = [];
  const type = packet.type;
  const data =
    type === PacketType.EVENT || type === PacketType.ACK ? deconstruct(packet.data, buffers, 0) : packet.data;
  const count = buffers.length;
  const nsp = packet.nsp;
  const text = `4${count ? `${type + 3}${count}-` : type}${nsp && nsp !== '/' ? `${nsp},` : ''}${packet.id ?? ''}${data === undefined ? '' : JSON.stringify(data)}`;
  return count ? [text, ...buffers] : text;
}

/** Whether `payload` fits packet `type` (0 … 6): what a Socket.IO server could send. */
function isValidPayload(type: PacketType, payload: unknown): boolean {
  const object = typeof payload === 'object' && payload !== null;
  return type === PacketType.CONNECT
    ? payload === undefined || (object && !Array.isArray(payload))
    : type === PacketType.DISCONNECT
      ? payload === undefined
      : type === PacketType.CONNECT_ERROR
        ? typeof payload === 'string' || object
        : // ACK and BINARY_ACK: any array; EVENT and BINARY_EVENT: one that starts with the event's name, not a
          // reserved one (socket.io-parser's rule: a server's `disconnect` event must not reach `on('disconnect')`)
          Array.isArray(payload) &&
          (type % 3 === 0 ||
            (typeof payload[0] === 'string' && !RESERVED_EVENTS.has(payload[0])) ||
            typeof payload[0] === 'number');
}

/** Decodes the Socket.IO part of a message packet (after the Engine.IO `4`), collecting binary attachments. */
export class PacketDecoder {
  /** A binary packet waiting for its attachments: the packet, how many, those that came. */
  private pending: { packet: Packet; needed: number; buffers: Uint8Array[] } | undefined;
  private abandoned = false;

  reset(): void {
    this.pending = undefined;
  }

  /**
   * Whether a binary packet was abandoned (a text packet came before all its attachments) since the
   * last call. The text packet itself is still decoded: one bad packet must not cost the next good one.
   */
  takeAbandoned(): boolean {
    const abandoned = this.abandoned;
    this.abandoned = false;
    return abandoned;
  }

  /** A text message (from `start`). Returns the packet if complete, undefined if it waits for attachments. */
  addText(text: string, start = 0): Packet | undefined {
    if (this.pending) {
      this.pending = undefined;
      this.abandoned = true;
    }
    const type = text.charCodeAt(start) - 48;
    let i = start + 1;
    let needed = 0;
    if (!(type >= 0 && type <= 6)) throw bad('type');
    if (type > PacketType.CONNECT_ERROR) {
      const dash = text.indexOf('-', i);
      const count = text.slice(i, dash);
      if (dash < 0 || !/^\d{1,3}$/.test(count) || (needed = +count) > MAX_ATTACHMENTS) throw bad('attachments');
      i = dash + 1;
    }
    let nsp = '/';
    if (text.charCodeAt(i) === 47 /* / */) {
      let comma = text.indexOf(',', i);
      if (comma < 0) comma = text.length;
      nsp = text.slice(i, comma);
      i = comma + 1;
    }
    let id: number | undefined;
    const idStart = i;
    while (text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
    if (i > idStart) {
      if (i - idStart > 15) throw bad('id');
      id = +text.slice(idStart, i);
    }
    let data: unknown;
    if (i < text.length) {
      try {
        data = JSON.parse(text.slice(i));
      } catch {
        throw bad('JSON');
      }
    }
    if (!isValidPayload(type, data)) throw bad('payload');
    // One shape for every packet (absent fields are undefined): cheaper than spreading optional fields.
    const packet: Packet = { type: type > PacketType.CONNECT_ERROR ? type - 3 : type, nsp, id, data };
    if (!needed) return packet;
    this.pending = { packet, needed, buffers: [] };
    return undefined;
  }

  /** A binary message: the next attachment of the pending packet. */
  addBinary(bytes: Uint8Array): Packet | undefined {
    const pending = this.pending;
    if (!pending) throw bad('binary data without a binary packet');
    if (pending.buffers.push(bytes) < pending.needed) return undefined;
    this.pending = undefined;
    const packet = pending.packet;
    packet.data = reconstruct(packet.data, pending.buffers, 0);
    return packet;
  }
}

/** `value` with its placeholders replaced by their attachments (in place). */
function reconstruct(value: unknown, buffers: Uint8Array[], depth: number): unknown {
  if (depth > MAX_DEPTH) throw bad('nested too deeply');
  if (typeof value !== 'object' || value === null) return value;
  const record = value as Record<string, unknown>;
  if (record._placeholder === true) {
    const num = record.num as number;
    if (!Number.isInteger(num) || num < 0 || num >= buffers.length) throw bad('placeholder index');
    return buffers[num];
  }
  for (const key of Object.keys(record)) {
    const next = reconstruct(record[key], buffers, depth + 1);
    // defineProperty, not assignment: a `__proto__` key from JSON.parse must stay a plain property.
    if (next !== record[key])
      Object.defineProperty(record, key, { value: next, writable: true, enumerable: true, configurable: true });
  }
  return record;
}

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

/** Binary attachments and nesting are bounded, so a hostile packet cannot make the decoder allocate without limit. */
const MAX_ATTACHMENTS = 64;
const MAX_DEPTH = 32;

type Binary = ArrayBuffer | Uint8Array;

function isBinary(value: unknown): value is Binary | ArrayBufferView {
  return value instanceof ArrayBuffer || ArrayBuffer.isView(value);
}

function toBytes(value: Binary | ArrayBufferView): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
}

export function hasBinary(value: unknown, depth = 0): boolean {
  if (depth > MAX_DEPTH || value === null || typeof value !== 'object') return false;
  if (isBinary(value)) return true;
  if (Array.isArray(value)) return value.some((item) => hasBinary(item, depth + 1));
  for (const key in value as Record<string, unknown>) {
    if (
      Object.prototype.hasOwnProperty.call(value, key) &&
      hasBinary((value as Record<string, unknown>)[key], depth + 1)
    )
      return true;
  }
  return false;
}

/**
 * `value` with each binary part replaced by a placeholder (pushed to `buffers`); objects and arrays are copied
 * only on the way to a binary part, so data without binary comes back as it is.
 */
function deconstruct(value: unknown, buffers: Uint8Array[], depth: number): unknown {
  if (isBinary(value)) {
    buffers.push(toBytes(value));
    return { _placeholder: true, num: buffers.length - 1 };
  }
  // Deeper than MAX_DEPTH: sent as it is (JSON), as a payload without binary.
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return value;
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
  let type: number = packet.type;
  const buffers: Uint8Array[] = [];
  const data =
    type === PacketType.EVENT || type === PacketType.ACK ? deconstruct(packet.data, buffers, 0) : packet.data;
  let text = '4';
  if (buffers.length > 0) text += `${(type += 3)}${buffers.length}-`;
  else text += type;
  if (packet.nsp && packet.nsp !== '/') text += `${packet.nsp},`;
  if (packet.id !== undefined) text += packet.id;
  if (data !== undefined) text += JSON.stringify(data);
  return buffers.length > 0 ? [text, ...buffers] : text;
}

function bad(what: string): PolySocketError {
  return new PolySocketError('PROTOCOL', `malformed Socket.IO packet: ${what}`);
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
        : // ACK and BINARY_ACK: any array; EVENT and BINARY_EVENT: one that starts with the event's name
          Array.isArray(payload) &&
          (type % 3 === 0 || typeof payload[0] === 'string' || typeof payload[0] === 'number');
}

/** Decodes the Socket.IO part of a message packet (after the Engine.IO `4`), collecting binary attachments. */
export class PacketDecoder {
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
    if (!(type >= 0 && type <= 6)) throw bad('unknown type');
    let i = start + 1;
    let attachments = 0;
    if (type === PacketType.BINARY_EVENT || type === PacketType.BINARY_ACK) {
      const dash = text.indexOf('-', i);
      const count = text.slice(i, dash);
      if (dash < 0 || !/^\d{1,3}$/.test(count)) throw bad('attachment count');
      attachments = Number(count);
      if (attachments > MAX_ATTACHMENTS) throw bad(`more than ${MAX_ATTACHMENTS} attachments`);
      i = dash + 1;
    }
    let nsp = '/';
    if (text.charAt(i) === '/') {
      const comma = text.indexOf(',', i);
      const end = comma < 0 ? text.length : comma;
      nsp = text.slice(i, end);
      i = comma < 0 ? end : end + 1;
    }
    let id: number | undefined;
    const idStart = i;
    while (i < text.length && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
    if (i > idStart) {
      if (i - idStart > 15) throw bad('ack id too long');
      id = Number(text.slice(idStart, i));
    }
    let data: unknown;
    if (i < text.length) {
      try {
        data = JSON.parse(text.slice(i));
      } catch {
        throw bad('payload is not JSON');
      }
    }
    if (!isValidPayload(type as PacketType, data)) throw bad(`invalid payload for type ${type}`);
    // One shape for every packet (absent fields are undefined): cheaper than spreading optional fields.
    const packet: Packet = { type: type as PacketType, nsp, id, data };
    if (attachments === 0) {
      if (type > PacketType.CONNECT_ERROR) packet.type -= 3; // BINARY_EVENT → EVENT, BINARY_ACK → ACK
      return packet;
    }
    this.pending = { packet, needed: attachments, buffers: [] };
    return undefined;
  }

  /** A binary message: the next attachment of the pending packet. */
  addBinary(bytes: Uint8Array): Packet | undefined {
    const pending = this.pending;
    if (!pending) throw bad('binary data without a binary packet');
    pending.buffers.push(bytes);
    if (pending.buffers.length < pending.needed) return undefined;
    this.pending = undefined;
    const packet = pending.packet;
    packet.data = reconstruct(packet.data, pending.buffers, 0);
    packet.type -= 3; // BINARY_EVENT → EVENT, BINARY_ACK → ACK
    return packet;
  }
}

function reconstruct(value: unknown, buffers: Uint8Array[], depth: number): unknown {
  if (depth > MAX_DEPTH) throw bad('nested too deeply');
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = reconstruct(value[i], buffers, depth + 1);
    return value;
  }
  // defineProperty, not assignment: a `__proto__` key from JSON.parse must stay a plain property.
  const record = value as Record<string, unknown>;
  if (record._placeholder === true) {
    const num = record.num;
    if (typeof num !== 'number' || !Number.isInteger(num) || num < 0 || num >= buffers.length)
      throw bad('placeholder index');
    return buffers[num];
  }
  for (const key of Object.keys(record)) {
    const next = reconstruct(record[key], buffers, depth + 1);
    if (next !== record[key])
      Object.defineProperty(record, key, { value: next, writable: true, enumerable: true, configurable: true });
  }
  return record;
}

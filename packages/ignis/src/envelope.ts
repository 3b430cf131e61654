import { PolySocketError, type TransportData } from '@polysocket/core';

/** The Ignis WebSocket helper's envelope. The server never sends `id` itself; apps may echo it. */
export interface IgnisEnvelope<Data = unknown> {
  readonly event: string;
  readonly data?: Data;
  readonly id?: string | number;
}

/** Events the helper itself understands or sends: the client refuses to send them as app events (a type error, and INVALID at run time). */
export type SystemEventName =
  'authenticate' | 'connected' | 'error' | 'join' | 'leave' | 'heartbeat' | 'encrypted' | 'disconnect';

/** The names of `SystemEventName`. */
export const SYSTEM_EVENTS: ReadonlySet<string> = /* @__PURE__ */ new Set<SystemEventName>([
  'authenticate',
  'connected',
  'error',
  'join',
  'leave',
  'heartbeat',
  'encrypted',
  'disconnect',
]);

export const HEARTBEAT_FRAME = '{"event":"heartbeat"}';

const decoder = /* @__PURE__ */ new TextDecoder();
const encoder = /* @__PURE__ */ new TextEncoder();

/** Parses one server frame; anything but a JSON object with a non-empty string `event` is a PROTOCOL error. */
export function decodeEnvelope(data: TransportData): IgnisEnvelope {
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof data === 'string' ? data : decoder.decode(data));
  } catch {
    // Not JSON: refused below, as any other malformed frame.
  }
  return checkEnvelope(parsed);
}

/** The value as an envelope: an object with a non-empty string `event` and, if any, a string or number `id`. */
export function checkEnvelope(parsed: unknown): IgnisEnvelope {
  const frame = parsed as { event?: unknown; id?: unknown } | null | undefined;
  const id = frame?.id;
  // A JSON array or primitive has no `event` property.
  if (
    typeof frame?.event !== 'string' ||
    !frame.event ||
    (id !== undefined && typeof id !== 'string' && typeof id !== 'number')
  )
    throw new PolySocketError('PROTOCOL', 'malformed Ignis frame: not {event, data?, id?}');
  return frame as IgnisEnvelope;
}

/** UTF-8 length of a string, without allocating when it is clearly under `limit`. */
export function utf8Length(text: string, limit: number): number {
  if (text.length * 3 <= limit) return text.length; // even all-BMP multi-byte text fits: skip the exact count
  return encoder.encode(text).byteLength;
}

/**
 * Encodes an app envelope, refusing system event names (INVALID). The size rule is the core's
 * (`maxMessageSize`, TOO_LARGE), applied when the frame is sent.
 */
export function encodeAppEnvelope(event: string, data: unknown, id?: string): string {
  if (typeof event !== 'string' || !event || SYSTEM_EVENTS.has(event))
    throw new PolySocketError('INVALID', `can't send ${JSON.stringify(event)}: empty, or a system event`);
  return encodeJson({ event, data, id }); // JSON leaves out undefined `data` and `id`
}

/**
 * Adds `id` to an envelope encoded without one: the same text as encoding `{event, data, id}` (the id is
 * the last key either way), without serialising `data` a second time.
 */
export function withId(encoded: string, id: string): string {
  return `${encoded.slice(0, -1)},"id":${JSON.stringify(id)}}`;
}

/** JSON of an envelope; INVALID when the data cannot be serialised. */
export function encodeJson(envelope: IgnisEnvelope): string {
  try {
    return JSON.stringify(envelope);
  } catch (error) {
    throw new PolySocketError('INVALID', 'the data is not JSON-serialisable', { cause: error });
  }
}

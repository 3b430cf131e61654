import { PolySocketError, type TransportData } from '@polysocket/core';
import { notJson } from './errors';
import type { ClientFrame, ServerFrame } from './wire';

const decoder = /* @__PURE__ */ new TextDecoder();

export function encodeFrame(frame: ClientFrame): string {
  try {
    return JSON.stringify(frame);
  } catch (error) {
    throw notJson(error, frame.t === 'pres' ? 'presence' : 'publish');
  }
}

type Json = Record<string, unknown>;

const isString = (v: unknown): v is string => typeof v === 'string';
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Whether `f` is exactly a seed frame of type `t` (a `connected` frame's bad keepAliveMs becomes NaN). */
function valid(f: Json, t: unknown): boolean {
  switch (t) {
    case 'msg':
      return (
        isString(f.channel) &&
        isString(f.name) &&
        isString(f.messageId) &&
        isNumber(f.timestamp) &&
        (f.clientId === undefined || isString(f.clientId))
      );
    case 'ack':
      return isNumber(f.id);
    case 'pong':
      return true;
    case 'connected':
      // A keep-alive that is not a finite number must not refuse the session: NaN, and the client falls back to 15 s.
      if (!isNumber(f.keepAliveMs)) f.keepAliveMs = NaN;
      return isString(f.connectionId) && isString(f.clientId);
    case 'presEvt':
      return (
        isString(f.channel) &&
        (f.action === 'enter' || f.action === 'leave' || f.action === 'update') &&
        isString(f.clientId) &&
        isString(f.connectionId) &&
        isNumber(f.timestamp)
      );
    case 'err':
      return isNumber(f.code) && isString(f.message) && (f.id === undefined || isNumber(f.id));
    case 'histRes':
      return (
        isNumber(f.id) &&
        isString(f.channel) &&
        (f.more === undefined || typeof f.more === 'boolean') &&
        Array.isArray(f.messages) &&
        f.messages.every((m: unknown) => m !== null && typeof m === 'object' && valid(m as Json, 'msg'))
      );
    default:
      return false;
  }
}

/**
 * Parses and validates one server frame. Anything that is not exactly a seed frame throws a
 * PROTOCOL error, so the adapter only ever sees well-typed frames. `JSON.parse` makes `__proto__`
 * an ordinary own key, and frames are never merged into other objects, so such keys stay inert.
 */
export function decodeFrame(data: TransportData): ServerFrame {
  let f: Json | undefined;
  try {
    f = JSON.parse(typeof data === 'string' ? data : decoder.decode(data)) as Json;
  } catch {
    // Not JSON: reported below.
  }
  if (f !== null && typeof f === 'object' && !Array.isArray(f) && valid(f, f.t)) return f as unknown as ServerFrame;
  const t = f?.t;
  // Never String() a hostile value: `{"toString":null}` makes String() itself throw.
  throw new PolySocketError(
    'PROTOCOL',
    `malformed Foony frame${isString(t) ? ` ${JSON.stringify(t.slice(0, 40))}` : ''}`,
  );
}

import { PolySocketError, type TransportData } from '@polysocket/core';
import type { ClientFrame, MessageFrame, PresenceAction, ServerFrame } from './wire';

const decoder = /* @__PURE__ */ new TextDecoder();

export function encodeFrame(frame: ClientFrame): string {
  return JSON.stringify(frame);
}

function bad(what: string): PolySocketError {
  return new PolySocketError('PROTOCOL', `malformed Foony frame: ${what}`);
}

type Json = Record<string, unknown>;

const isString = (v: unknown): v is string => typeof v === 'string';
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isAction = (v: unknown): v is PresenceAction => v === 'enter' || v === 'leave' || v === 'update';

function checkMessage(f: Json): MessageFrame {
  if (!isString(f.channel) || !isString(f.name) || !isString(f.messageId) || !isNumber(f.timestamp))
    throw bad('msg fields');
  if (f.clientId !== undefined && !isString(f.clientId)) throw bad('msg clientId');
  return f as unknown as MessageFrame;
}

/**
 * Parses and validates one server frame. Anything that is not exactly a seed frame throws a
 * PROTOCOL error, so the adapter only ever sees well-typed frames. `JSON.parse` makes `__proto__`
 * an ordinary own key, and frames are never merged into other objects, so such keys stay inert.
 */
export function decodeFrame(data: TransportData): ServerFrame {
  const text = typeof data === 'string' ? data : decoder.decode(data);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw bad('not JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw bad('not an object');
  const f = parsed as Json;
  switch (f.t) {
    case 'msg':
      return checkMessage(f);
    case 'ack':
      if (!isNumber(f.id)) throw bad('ack id');
      return f as unknown as ServerFrame;
    case 'pong':
      return f as unknown as ServerFrame;
    case 'connected':
      if (!isString(f.connectionId) || !isString(f.clientId)) throw bad('connected fields');
      // A keep-alive that is not a finite number must not refuse the session: NaN, and the client falls back to 15 s.
      if (!isNumber(f.keepAliveMs)) f.keepAliveMs = NaN;
      return f as unknown as ServerFrame;
    case 'presEvt':
      if (
        !isString(f.channel) ||
        !isAction(f.action) ||
        !isString(f.clientId) ||
        !isString(f.connectionId) ||
        !isNumber(f.timestamp)
      ) {
        throw bad('presEvt fields');
      }
      return f as unknown as ServerFrame;
    case 'err':
      if (!isNumber(f.code) || !isString(f.message) || (f.id !== undefined && !isNumber(f.id))) throw bad('err fields');
      return f as unknown as ServerFrame;
    case 'histRes': {
      if (!isNumber(f.id) || !isString(f.channel) || !Array.isArray(f.messages)) throw bad('histRes fields');
      if (f.more !== undefined && typeof f.more !== 'boolean') throw bad('histRes more');
      for (const m of f.messages) {
        if (m === null || typeof m !== 'object') throw bad('histRes message');
        checkMessage(m as Json);
      }
      return f as unknown as ServerFrame;
    }
    default:
      // Never String() a hostile value: `{"toString":null}` makes String() itself throw.
      throw bad(`unknown type ${typeof f.t === 'string' ? JSON.stringify(f.t.slice(0, 40)) : typeof f.t}`);
  }
}

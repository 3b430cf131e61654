/**
 * The binary records of the Foony service's current wire (written from `../shared/protocols/foony.md` §3 and the
 * field orders of the service's `internal/wire`). A WebSocket message (or a long-poll body) is a series of
 * records, each `uvarint length ‖ record`; a record is a 1-byte opcode, then uvarints, length-prefixed UTF-8
 * strings and length-prefixed JSON (empty = undefined). Absent numbers go as 0, absent strings as ''.
 */
import { PolySocketError, type TransportData } from '@polysocket/core';
import type { PresenceAction } from '../wire';
import type { BatchPart, BinaryClientFrame, BinaryMessage, BinaryServerFrame } from './frames';

/** Opcodes: client requests 1–10, server frames 11–19. */
const enum Op {
  Auth = 1,
  Sub,
  Unsub,
  Pub,
  Pres,
  PresSub,
  PresUnsub,
  Hist,
  Fetch,
  Ping,
  Connected,
  Ack,
  Msg,
  PresEvt,
  Err,
  Pong,
  HistRes,
  FetchRes,
  Batch,
}

const EPHEMERAL = 1;
/** In a message member's flags: the member is a client batch. */
const BATCH = 2;
/** The byte after the auth opcode: the protocol version, 0 today. */
const AUTH_VERSION = 0;
const ACTIONS: readonly PresenceAction[] = ['enter', 'leave', 'update'];

const encoder = /* @__PURE__ */ new TextEncoder();
const decoder = /* @__PURE__ */ new TextDecoder();

// ---- writing ----

function uvarint(out: number[], value: number): void {
  for (; value >= 0x80; value = Math.floor(value / 0x80)) out.push((value % 0x80) | 0x80);
  out.push(value);
}

function text(out: number[], value: string | undefined): void {
  const s = value ?? '';
  // Most fields are short ASCII (ids, names): no encoder call for them.
  if (/^[\0-\x7f]*$/.test(s)) {
    uvarint(out, s.length);
    for (let i = 0; i < s.length; i++) out.push(s.charCodeAt(i));
  } else {
    const bytes = encoder.encode(s);
    uvarint(out, bytes.length);
    for (const byte of bytes) out.push(byte);
  }
}

const json = (out: number[], data: unknown): void => text(out, data === undefined ? '' : JSON.stringify(data));

function parts(out: number[], messages: readonly BatchPart[] | undefined): void {
  uvarint(out, messages?.length ?? 0);
  for (const part of messages ?? []) {
    text(out, part.name);
    json(out, part.data);
    text(out, part.encoding);
  }
}

/** One client frame as a length-prefixed record, ready to be a WebSocket message or a long-poll body. */
export function encodeBinary(frame: BinaryClientFrame): Uint8Array {
  const out: number[] = [];
  switch (frame.t) {
    case 'auth':
      out.push(Op.Auth, AUTH_VERSION);
      text(out, frame.token);
      text(out, frame.key);
      text(out, frame.clientId);
      text(out, frame.resumeConnectionId);
      break;
    case 'sub':
      out.push(Op.Sub);
      uvarint(out, frame.id);
      uvarint(out, frame.lastSerial ?? 0);
      text(out, frame.channel);
      break;
    case 'unsub':
    case 'presSub':
    case 'presUnsub':
      out.push(frame.t === 'unsub' ? Op.Unsub : frame.t === 'presSub' ? Op.PresSub : Op.PresUnsub);
      uvarint(out, frame.id);
      text(out, frame.channel);
      break;
    case 'pub':
      out.push(Op.Pub, frame.ephemeral ? EPHEMERAL : 0);
      uvarint(out, frame.id);
      text(out, frame.channel);
      text(out, frame.name);
      json(out, frame.data);
      text(out, frame.encoding);
      text(out, frame.messageId);
      // A retired per-message TTL: the service still reads the slot.
      out.push(0);
      parts(out, frame.messages);
      break;
    case 'pres':
      out.push(Op.Pres, ACTIONS.indexOf(frame.action) + 1);
      uvarint(out, frame.id);
      text(out, frame.channel);
      json(out, frame.data);
      text(out, frame.encoding);
      break;
    case 'hist':
      out.push(Op.Hist);
      uvarint(out, frame.id);
      uvarint(out, frame.limit ?? 0);
      text(out, frame.channel);
      uvarint(out, frame.before ?? 0);
      break;
    case 'fetch':
      out.push(Op.Fetch);
      uvarint(out, frame.id);
      uvarint(out, frame.fromSerial);
      text(out, frame.channel);
      break;
    default:
      out.push(Op.Ping);
  }
  const prefix: number[] = [];
  uvarint(prefix, out.length);
  return Uint8Array.from(prefix.concat(out));
}

// ---- reading ----

/** A malformed record: thrown inside the reader, reported once per message by `decodeBinary`. */
const bad = (what: string): Error => new Error(`bad ${what}`);

/** A cursor over one message's bytes (one per message: a listener may make a nested message arrive). */
class Reader {
  pos = 0;
  constructor(
    readonly bytes: Uint8Array,
    public end: number,
  ) {}

  byte(): number {
    if (this.pos >= this.end) throw bad('length');
    return this.bytes[this.pos++];
  }

  /** At most 8 bytes: anything above 2^53 is not a number this wire carries. */
  uvarint(): number {
    let value = 0;
    for (let scale = 1; scale < 2 ** 56; scale *= 0x80) {
      const byte = this.byte();
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) {
        if (value > Number.MAX_SAFE_INTEGER) break;
        return value;
      }
    }
    throw bad('number');
  }

  /** A length-prefixed field: its start, the reader moved past it. */
  field(): number {
    const length = this.uvarint();
    const start = this.pos;
    if (length > this.end - start) throw bad('length');
    this.pos = start + length;
    return start;
  }

  str(): string {
    const start = this.field();
    const { bytes, pos } = this;
    // Short ASCII (ids, names, channels) without a decoder call.
    if (pos - start <= 32) {
      let s = '';
      for (let i = start; i < pos; i++) {
        if (bytes[i] > 0x7f) return decoder.decode(bytes.subarray(start, pos));
        s += String.fromCharCode(bytes[i]);
      }
      return s;
    }
    return decoder.decode(bytes.subarray(start, pos));
  }

  json(): unknown {
    const s = this.str();
    return s === '' ? undefined : JSON.parse(s);
  }
}

/** Present only when set: an absent optional field stays absent, as on the JSON wire. */
function message(r: Reader, flags: number): BinaryMessage {
  const batch = flags & BATCH;
  const timestamp = r.uvarint();
  const channel = r.str();
  const name = batch ? '' : r.str();
  const data = batch ? undefined : r.json();
  const messageId = r.str();
  const clientId = r.str();
  const encoding = batch ? '' : r.str();
  const seq = r.uvarint();
  let messages: BatchPart[] | undefined;
  if (batch) {
    messages = [];
    for (let n = r.uvarint(); n > 0; n--) {
      const part: { name: string; data: unknown; encoding?: string } = { name: r.str(), data: r.json() };
      const partEncoding = r.str();
      if (partEncoding) part.encoding = partEncoding;
      messages.push(part);
    }
  }
  const frame: { -readonly [K in keyof BinaryMessage]: BinaryMessage[K] } = {
    t: 'msg',
    channel,
    name,
    data,
    timestamp,
    messageId,
  };
  if (clientId) frame.clientId = clientId;
  if (encoding) frame.encoding = encoding;
  if (seq) frame.seq = seq;
  if (flags & EPHEMERAL) frame.ephemeral = true;
  if (messages) frame.messages = messages;
  return frame;
}

/** A `histRes` or `fetchRes`: its flag, id, channel and messages. */
function result(r: Reader): [boolean, number, string, BinaryMessage[]] {
  const flag = (r.byte() & 1) === 1;
  const id = r.uvarint();
  const channel = r.str();
  const messages: BinaryMessage[] = [];
  for (let n = r.uvarint(); n > 0; n--) messages.push(message(r, r.byte()));
  return [flag, id, channel, messages];
}

/** One record (the reader at its opcode, `end` at its end) to its frames; unknown opcodes are skipped. */
function record(r: Reader, emit: (frame: BinaryServerFrame) => void): void {
  switch (r.byte()) {
    case Op.Connected:
      return emit({ t: 'connected', connectionId: r.str(), keepAliveMs: r.uvarint(), clientId: r.str() });
    case Op.Ack: {
      const flags = r.byte();
      const ack: { t: 'ack'; id: number; seq?: number; resumed?: boolean } = { t: 'ack', id: r.uvarint() };
      const seq = r.uvarint();
      if (seq) ack.seq = seq;
      if (flags & 1) ack.resumed = (flags & 2) === 2;
      return emit(ack);
    }
    case Op.Msg:
      // One member, or a bundle of independent messages: each is its own frame.
      for (let n = r.uvarint(); n > 0; n--) emit(message(r, r.byte()));
      return;
    case Op.Batch:
      return emit(message(r, r.byte() | BATCH));
    case Op.PresEvt: {
      const action = ACTIONS[r.byte() - 1];
      if (!action) throw bad('presence action');
      const event: { -readonly [K in keyof BinaryPresenceEventFields]: BinaryPresenceEventFields[K] } = {
        t: 'presEvt',
        action,
        timestamp: r.uvarint(),
        channel: r.str(),
        clientId: r.str(),
        connectionId: r.str(),
      };
      const data = r.json();
      const encoding = r.str();
      if (data !== undefined) event.data = data;
      if (encoding) event.encoding = encoding;
      return emit(event);
    }
    case Op.Err: {
      const id = r.uvarint();
      return emit({ t: 'err', ...(id ? { id } : {}), code: r.uvarint(), message: r.str() });
    }
    case Op.Pong:
      return emit({ t: 'pong' });
    case Op.HistRes: {
      const [more, id, channel, messages] = result(r);
      return emit({ t: 'histRes', id, channel, messages, ...(more ? { more } : {}) });
    }
    case Op.FetchRes: {
      const [resumed, id, channel, messages] = result(r);
      return emit({ t: 'fetchRes', id, channel, messages, resumed });
    }
    default:
      // A record of a newer service: skipped, so an older client keeps working.
      r.pos = r.end;
  }
}

type BinaryPresenceEventFields = Extract<BinaryServerFrame, { t: 'presEvt' }>;

/**
 * Splits a message into records and hands each record's frames to `emit`, in order. A malformed record is
 * skipped (its length still frames the next one) and reported once, after the good ones, as a PROTOCOL error;
 * a length that runs past the message ends it there.
 */
export function decodeBinary(data: TransportData, emit: (frame: BinaryServerFrame) => void): void {
  if (typeof data === 'string') throw new PolySocketError('PROTOCOL', 'a text frame on the binary wire');
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  const r = new Reader(bytes, bytes.length);
  let failure: string | undefined;
  while (r.pos < bytes.length) {
    r.end = bytes.length;
    let end: number;
    try {
      const length = r.uvarint();
      end = r.pos + length;
      if (end > bytes.length) throw bad('record length');
    } catch (error) {
      failure ??= (error as Error).message;
      break;
    }
    r.end = end;
    // A record's frames are built whole before any is emitted: a record found malformed emits nothing.
    const frames: BinaryServerFrame[] = [];
    try {
      record(r, (frame) => frames.push(frame));
      if (r.pos !== end) throw bad('record: bytes left over');
    } catch (error) {
      failure ??= error instanceof SyntaxError ? 'bad JSON' : (error as Error).message;
      frames.length = 0;
    }
    r.pos = end;
    for (const frame of frames) emit(frame);
  }
  if (failure) throw new PolySocketError('PROTOCOL', `malformed Foony record: ${failure}`);
}

/**
 * The binary records of the Foony service's current wire (written from `../shared/protocols/foony.md` §3 and the
 * field orders of the service's `internal/wire`). A WebSocket message (or a long-poll body) is a series of
 * records, each `uvarint length ‖ record`; a record is a 1-byte opcode, then uvarints, length-prefixed UTF-8
 * strings and length-prefixed JSON (empty = undefined). Absent numbers go as 0, absent strings as ''.
 *
 * Table-driven: each record is a list of fields, `<kind><property>`, in wire order. Only a message (the hot path:
 * one object literal of one shape) has a reader of its own.
 */
import { PolySocketError, type TransportData } from '@polysocket/core';
import { notJson } from '../errors';
import type { PresenceAction } from '../wire';
import type { BatchPart, BinaryClientFrame, BinaryMessage, BinaryServerFrame } from './frames';

// Field kinds. Writing: u a number (a boolean is 0/1, absent 0), s a string, j JSON, a a presence action, p a
// batch's parts. Reading: u a number, s a string, j JSON (left out when empty), a a presence action, b a flag byte
// (bit 0), r the ack's resumed flags, m messages; in capitals (U, S, B), the same left out when 0, '' or false.

/** Client records, opcodes 1–10. `auth`'s first field is the protocol version (0 today). */
const REQUESTS = [
  'auth uv stoken skey sclientId sresumeConnectionId',
  'sub uid ulastSerial schannel',
  'unsub uid schannel',
  // `uttl`: a retired per-message TTL, whose slot the service still reads (always 0).
  'pub uephemeral uid schannel sname jdata sencoding smessageId uttl pmessages',
  'pres aaction uid schannel jdata sencoding',
  'presSub uid schannel',
  'presUnsub uid schannel',
  'hist uid ulimit schannel ubefore',
  'fetch uid ufromSerial schannel',
  'ping',
].map((spec) => spec.split(' '));

/** Server records, opcodes 11–19 (`msg` and `batch` are messages: read by `message`). */
const FRAMES = [
  'connected sconnectionId ukeepAliveMs sclientId',
  'ack rresumed uid Useq',
  'msg',
  'presEvt aaction utimestamp schannel sclientId sconnectionId jdata Sencoding',
  'err Uid ucode smessage',
  'pong',
  'histRes Bmore uid schannel mmessages',
  'fetchRes bresumed uid schannel mmessages',
  'batch',
].map((spec) => spec.split(' '));

const MSG = 13;
const BATCH_OP = 19;
const EPHEMERAL = 1;
/** In a message member's flags: the member is a client batch. */
const BATCH = 2;
const ACTIONS: readonly PresenceAction[] = ['enter', 'leave', 'update'];

const encoder = /* @__PURE__ */ new TextEncoder();
const decoder = /* @__PURE__ */ new TextDecoder();

// ---- writing ----

function uvarint(out: number[], value: number): void {
  for (; value >= 0x80; value = Math.floor(value / 0x80)) out.push((value % 0x80) | 0x80);
  out.push(value);
}

function text(out: number[], value: string | undefined): void {
  const bytes = encoder.encode(value ?? '');
  uvarint(out, bytes.length);
  for (const byte of bytes) out.push(byte);
}

const jsonText = (out: number[], data: unknown): void => text(out, data === undefined ? '' : JSON.stringify(data));

/** One client frame as a length-prefixed record, ready to be a WebSocket message or a long-poll body. */
export function encodeBinary(frame: BinaryClientFrame): Uint8Array {
  const op = REQUESTS.findIndex((spec) => spec[0] === frame.t);
  const out: number[] = [op + 1];
  const fields = REQUESTS[op];
  try {
    for (let i = 1; i < fields.length; i++) {
      const value = (frame as unknown as Record<string, never>)[fields[i].slice(1)];
      const kind = fields[i][0];
      if (kind === 'u') uvarint(out, +(value ?? 0));
      else if (kind === 's') text(out, value);
      else if (kind === 'j') jsonText(out, value);
      else if (kind === 'a') out.push(ACTIONS.indexOf(value) + 1);
      else {
        const parts: readonly BatchPart[] = value ?? [];
        uvarint(out, parts.length);
        for (const part of parts) {
          text(out, part.name);
          jsonText(out, part.data);
          text(out, part.encoding);
        }
      }
    }
  } catch (error) {
    // Only JSON.stringify throws here: the app's data (a BigInt, a cyclic object).
    throw notJson(error, frame.t === 'pres' ? 'presence' : 'messages' in frame ? 'publishBatch' : 'publish');
  }
  const prefix: number[] = [];
  uvarint(prefix, out.length);
  return Uint8Array.from(prefix.concat(out));
}

// ---- reading ----

type NodeBuffer = Uint8Array & { toString(encoding: 'utf8', start: number, end: number): string; readUInt8: unknown };

/** A malformed record: thrown inside the reader, reported once per message by `decodeBinary`. */
const bad = (what: string): Error => new Error(`bad ${what}`);

// The message being read: its bytes, the position and the end of the record. One per message (a listener may make
// a nested message arrive), handed to every reader.
interface Reader {
  input: Uint8Array;
  at: number;
  end: number;
  /** `input` is a Node Buffer: ranges decode with its own `toString`. */
  nodeBuffer: boolean;
}

function byte(r: Reader): number {
  if (r.at >= r.end) throw bad('length');
  return r.input[r.at++];
}

/** At most 8 bytes: anything above 2^53 is not a number this wire carries. */
function num(r: Reader): number {
  let value = 0;
  for (let scale = 1; scale < 2 ** 56; scale *= 0x80) {
    const next = byte(r);
    value += (next & 0x7f) * scale;
    if (next < 0x80) {
      if (value > Number.MAX_SAFE_INTEGER) break;
      return value;
    }
  }
  throw bad('number');
}

function str(r: Reader): string {
  const length = num(r);
  const start = r.at;
  if (length > r.end - start) throw bad('length');
  const stop = (r.at = start + length);
  if (length === 0) return '';
  // Node's Buffer (what `ws` hands over) decodes a range in place: no view, no decoder call.
  if (r.nodeBuffer) return (r.input as NodeBuffer).toString('utf8', start, stop);
  // Elsewhere, short ASCII (ids, names, channels) without a decoder call.
  if (length <= 32) {
    let s = '';
    for (let i = start; i < stop; i++) {
      if (r.input[i] > 0x7f) return decoder.decode(r.input.subarray(start, stop));
      s += String.fromCharCode(r.input[i]);
    }
    return s;
  }
  return decoder.decode(r.input.subarray(start, stop));
}

function json(r: Reader): unknown {
  const s = str(r);
  return s === '' ? undefined : JSON.parse(s);
}

/** A message member: its flags byte, then its fields (a batch has parts in place of name, data and encoding). */
function message(r: Reader, flags = byte(r)): BinaryMessage {
  const batch = flags & BATCH;
  const timestamp = num(r);
  const channel = str(r);
  const name = batch ? '' : str(r);
  const data = batch ? undefined : json(r);
  const messageId = str(r);
  const clientId = str(r);
  const encoding = batch ? '' : str(r);
  const seq = num(r);
  let messages: BatchPart[] | undefined;
  if (batch) {
    messages = [];
    for (let n = num(r); n > 0; n--) {
      const part: { name: string; data: unknown; encoding?: string } = { name: str(r), data: json(r) };
      const partEncoding = str(r);
      if (partEncoding) part.encoding = partEncoding;
      messages.push(part);
    }
  }
  // One shape for every message (absent fields undefined): the hot path builds one literal, no transitions.
  return {
    t: 'msg',
    channel,
    name,
    data,
    timestamp,
    messageId,
    clientId: clientId || undefined,
    encoding: encoding || undefined,
    seq: seq || undefined,
    ephemeral: flags & EPHEMERAL ? true : undefined,
    messages,
  };
}

/** `count` messages. */
function messages(r: Reader, count: number): BinaryMessage[] {
  const list: BinaryMessage[] = [];
  for (; count > 0; count--) list.push(message(r));
  return list;
}

/** One field of a server record (kind in lower case); undefined: left out of the frame. */
function field(r: Reader, kind: string): unknown {
  if (kind === 'u') return num(r);
  if (kind === 's') return str(r);
  if (kind === 'j') return json(r);
  if (kind === 'm') return messages(r, num(r));
  const flags = byte(r);
  if (kind === 'b') return (flags & 1) === 1;
  // The ack's `resumed`: bit 0, the flag is set; bit 1, its value.
  if (kind === 'r') return flags & 1 ? (flags & 2) === 2 : undefined;
  const action = ACTIONS[flags - 1];
  if (!action) throw bad('presence action');
  return action;
}

/**
 * One record (from its opcode to `r.end`): its frame, or a bundle's frames, built whole before any is emitted;
 * undefined for an unknown opcode (a record of a newer service, skipped).
 */
function record(r: Reader): BinaryServerFrame | BinaryServerFrame[] | undefined {
  const op = byte(r);
  if (op === BATCH_OP) return message(r, byte(r) | BATCH);
  if (op === MSG) {
    // One member (the usual case: no array), or a bundle of independent messages, each its own frame.
    const count = num(r);
    return count === 1 ? message(r) : messages(r, count);
  }
  const fields = FRAMES[op - 11];
  if (!fields) {
    r.at = r.end;
    return undefined;
  }
  const frame: Record<string, unknown> = { t: fields[0] };
  for (let i = 1; i < fields.length; i++) {
    const kind = fields[i][0];
    const lower = kind.toLowerCase();
    const value = field(r, lower);
    // A capital kind leaves out 0, '' and false.
    if (value !== undefined && (kind === lower || value)) frame[fields[i].slice(1)] = value;
  }
  return frame as unknown as BinaryServerFrame;
}

/**
 * Splits a message into records and hands each record's frames to `emit`, in order. A malformed record is
 * skipped (its length still frames the next one) and reported once, after the good ones, as a PROTOCOL error;
 * a length that runs past the message ends it there.
 */
export function decodeBinary(data: TransportData, emit: (frame: BinaryServerFrame) => void): void {
  if (typeof data === 'string') throw new PolySocketError('PROTOCOL', 'a text frame on the binary wire');
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  const length = bytes.length;
  const r: Reader = {
    input: bytes,
    at: 0,
    end: length,
    nodeBuffer: typeof (bytes as Partial<NodeBuffer>).readUInt8 === 'function',
  };
  let failure: string | undefined;
  for (let next = 0; next < length;) {
    const start = next;
    r.at = next;
    r.end = length;
    // A record found malformed emits nothing.
    let frames: BinaryServerFrame | BinaryServerFrame[] | undefined;
    try {
      r.end = num(r) + r.at;
      if (r.end > length) throw bad('record length');
      next = r.end;
      frames = record(r);
      if (r.at !== r.end) throw bad('record: bytes left over');
    } catch (error) {
      failure ??= error instanceof SyntaxError ? 'bad JSON' : (error as Error).message;
      // A length that could not be read ends the message.
      if (next === start) break;
      frames = undefined;
    }
    if (Array.isArray(frames)) for (const frame of frames) emit(frame);
    else if (frames) emit(frames);
  }
  if (failure) throw new PolySocketError('PROTOCOL', `malformed Foony record: ${failure}`);
}

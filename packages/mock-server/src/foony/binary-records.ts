/**
 * The Foony service's current wire as the server sees it: binary records, each `uvarint length ‖ opcode ‖
 * fields` (uvarints, length-prefixed UTF-8, length-prefixed JSON with empty = undefined). Written from
 * `../shared/protocols/foony.md` §3 independently of the client package, so a codec bug on one side cannot hide
 * behind the same bug on the other; the official client's encoder checks both in the interop tests.
 */

export const Op = {
  Auth: 1,
  Sub: 2,
  Unsub: 3,
  Pub: 4,
  Pres: 5,
  PresSub: 6,
  PresUnsub: 7,
  Hist: 8,
  Fetch: 9,
  Ping: 10,
  Connected: 11,
  Ack: 12,
  Msg: 13,
  PresEvt: 14,
  Err: 15,
  Pong: 16,
  HistRes: 17,
  FetchRes: 18,
  Batch: 19,
} as const;

const ACTIONS = ['enter', 'leave', 'update'] as const;
export type Action = (typeof ACTIONS)[number];

export interface Part {
  name: string;
  data: unknown;
  encoding?: string;
}

/** A client request, as read from its record. */
export type ClientRecord =
  | { t: 'auth'; token: string; key: string; clientId: string; resumeConnectionId: string }
  | { t: 'sub'; id: number; lastSerial: number; channel: string }
  | { t: 'unsub' | 'presSub' | 'presUnsub'; id: number; channel: string }
  | {
      t: 'pub';
      id: number;
      ephemeral: boolean;
      channel: string;
      name: string;
      data: unknown;
      encoding: string;
      messageId: string;
      parts: Part[];
    }
  | { t: 'pres'; id: number; action: Action; channel: string; data: unknown; encoding: string }
  | { t: 'hist'; id: number; limit: number; channel: string; before: number }
  | { t: 'fetch'; id: number; fromSerial: number; channel: string }
  | { t: 'ping' };

/** A stored message as the binary wire carries it (a batch has `parts` and no name/data of its own). */
export interface WireMessage {
  channel: string;
  name: string;
  data: unknown;
  timestamp: number;
  messageId: string;
  clientId?: string;
  encoding?: string;
  serial: number;
  ephemeral?: boolean;
  parts?: Part[];
}

// ---- reading client records ----

class Cursor {
  at = 0;
  constructor(private readonly bytes: Buffer) {}
  get done(): boolean {
    return this.at >= this.bytes.length;
  }
  byte(): number {
    if (this.at >= this.bytes.length) throw new Error('truncated record');
    return this.bytes[this.at++];
  }
  uvarint(): number {
    let value = 0;
    for (let shift = 0; shift < 56; shift += 7) {
      const b = this.byte();
      value += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return value;
    }
    throw new Error('varint too long');
  }
  bytesField(): Buffer {
    const length = this.uvarint();
    if (this.at + length > this.bytes.length) throw new Error('field past the end');
    const out = this.bytes.subarray(this.at, this.at + length);
    this.at += length;
    return out;
  }
  str(): string {
    return this.bytesField().toString('utf8');
  }
  json(): unknown {
    const raw = this.bytesField();
    return raw.length === 0 ? undefined : JSON.parse(raw.toString('utf8'));
  }
}

/** Splits a message into records; throws on a record length past the end. */
export function splitRecords(message: Buffer): Buffer[] {
  const cursor = new Cursor(message);
  const records: Buffer[] = [];
  while (!cursor.done) records.push(cursor.bytesField());
  return records;
}

/** Reads one client record; throws on anything malformed. */
export function readClientRecord(record: Buffer): ClientRecord {
  const c = new Cursor(record);
  const op = c.byte();
  let frame: ClientRecord;
  switch (op) {
    case Op.Auth: {
      const version = c.byte();
      if (version !== 0) throw new Error(`auth version ${version}`);
      frame = { t: 'auth', token: c.str(), key: c.str(), clientId: c.str(), resumeConnectionId: c.str() };
      break;
    }
    case Op.Sub:
      frame = { t: 'sub', id: c.uvarint(), lastSerial: c.uvarint(), channel: c.str() };
      break;
    case Op.Unsub:
    case Op.PresSub:
    case Op.PresUnsub:
      frame = {
        t: op === Op.Unsub ? 'unsub' : op === Op.PresSub ? 'presSub' : 'presUnsub',
        id: c.uvarint(),
        channel: c.str(),
      };
      break;
    case Op.Pub: {
      const ephemeral = (c.byte() & 1) === 1;
      const id = c.uvarint();
      const channel = c.str();
      const name = c.str();
      const data = c.json();
      const encoding = c.str();
      const messageId = c.str();
      c.uvarint(); // the retired per-message TTL
      const parts: Part[] = [];
      for (let n = c.uvarint(); n > 0; n--) {
        const part: Part = { name: c.str(), data: c.json() };
        const partEncoding = c.str();
        if (partEncoding) part.encoding = partEncoding;
        parts.push(part);
      }
      frame = { t: 'pub', id, ephemeral, channel, name, data, encoding, messageId, parts };
      break;
    }
    case Op.Pres: {
      const action = ACTIONS[c.byte() - 1];
      if (!action) throw new Error('bad presence action');
      frame = { t: 'pres', action, id: c.uvarint(), channel: c.str(), data: c.json(), encoding: c.str() };
      break;
    }
    case Op.Hist:
      frame = { t: 'hist', id: c.uvarint(), limit: c.uvarint(), channel: c.str(), before: c.uvarint() };
      break;
    case Op.Fetch:
      frame = { t: 'fetch', id: c.uvarint(), fromSerial: c.uvarint(), channel: c.str() };
      break;
    case Op.Ping:
      frame = { t: 'ping' };
      break;
    default:
      throw new Error(`unknown opcode ${op}`);
  }
  if (!c.done) throw new Error('bytes left over in the record');
  return frame;
}

// ---- writing server records ----

class Out {
  private readonly bytes: number[] = [];
  push(...values: number[]): this {
    this.bytes.push(...values);
    return this;
  }
  uvarint(value: number): this {
    let v = value;
    while (v >= 0x80) {
      this.bytes.push((v % 0x80) + 0x80);
      v = Math.floor(v / 0x80);
    }
    this.bytes.push(v);
    return this;
  }
  str(value: string | undefined): this {
    const raw = Buffer.from(value ?? '', 'utf8');
    this.uvarint(raw.length);
    for (const b of raw) this.bytes.push(b);
    return this;
  }
  json(value: unknown): this {
    return this.str(value === undefined ? '' : JSON.stringify(value));
  }
  /** The record with its length prefix. */
  record(): Buffer {
    return Buffer.concat([new Out().uvarint(this.bytes.length).raw(), Buffer.from(this.bytes)]);
  }
  raw(): Buffer {
    return Buffer.from(this.bytes);
  }
}

function member(out: Out, message: WireMessage): void {
  const batch = message.parts !== undefined;
  out.push((message.ephemeral ? 1 : 0) | (batch ? 2 : 0));
  out.uvarint(message.timestamp).str(message.channel);
  if (!batch) out.str(message.name).json(message.data);
  out.str(message.messageId).str(message.clientId);
  if (!batch) out.str(message.encoding);
  out.uvarint(message.serial);
  if (batch) {
    out.uvarint(message.parts!.length);
    for (const part of message.parts!) out.str(part.name).json(part.data).str(part.encoding);
  }
}

export const connectedRecord = (connectionId: string, keepAliveMs: number, clientId: string): Buffer =>
  new Out().push(Op.Connected).str(connectionId).uvarint(keepAliveMs).str(clientId).record();

export const ackRecord = (id: number, options: { seq?: number; resumed?: boolean } = {}): Buffer =>
  new Out()
    .push(Op.Ack, options.resumed === undefined ? 0 : options.resumed ? 3 : 1)
    .uvarint(id)
    .uvarint(options.seq ?? 0)
    .record();

/** A `msg` record: one message, or a bundle of several (each carrying its own channel, id and serial). */
export function messageRecord(messages: WireMessage[]): Buffer {
  const out = new Out().push(Op.Msg).uvarint(messages.length);
  for (const message of messages) member(out, message);
  return out.record();
}

/** A client batch as the service sends it on its own: an OpBatch record. */
export function batchRecord(message: WireMessage): Buffer {
  const out = new Out().push(Op.Batch);
  member(out, message);
  return out.record();
}

export const presenceRecord = (event: {
  action: Action;
  timestamp: number;
  channel: string;
  clientId: string;
  connectionId: string;
  data?: unknown;
  encoding?: string;
}): Buffer =>
  new Out()
    .push(Op.PresEvt, ACTIONS.indexOf(event.action) + 1)
    .uvarint(event.timestamp)
    .str(event.channel)
    .str(event.clientId)
    .str(event.connectionId)
    .json(event.data)
    .str(event.encoding)
    .record();

export const errorRecord = (id: number | undefined, code: number, message: string): Buffer =>
  new Out()
    .push(Op.Err)
    .uvarint(id ?? 0)
    .uvarint(code)
    .str(message)
    .record();

export const pongRecord = (): Buffer => new Out().push(Op.Pong).record();

/** `histRes` (flag: more) or `fetchRes` (flag: resumed). */
export function resultRecord(
  kind: 'histRes' | 'fetchRes',
  id: number,
  channel: string,
  messages: WireMessage[],
  flag: boolean,
): Buffer {
  const out = new Out()
    .push(kind === 'histRes' ? Op.HistRes : Op.FetchRes, flag ? 1 : 0)
    .uvarint(id)
    .str(channel)
    .uvarint(messages.length);
  for (const message of messages) member(out, message);
  return out.record();
}

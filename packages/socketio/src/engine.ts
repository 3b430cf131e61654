import { clampMs, PolySocketError, type EncodedFrame } from '@polysocket/core';

/** Engine.IO v4 packet types (the first character of a text packet). */
export const EngineType = {
  open: '0',
  close: '1',
  ping: '2',
  pong: '3',
  message: '4',
  upgrade: '5',
  noop: '6',
} as const;

/** Polling payloads join packets with the record separator. */
export const RECORD_SEPARATOR = '\x1e';

export interface EngineHandshake {
  sid: string;
  upgrades: string[];
  pingInterval: number;
  pingTimeout: number;
  maxPayload: number;
}

/**
 * Bounds of the intervals a server announces: below 100 ms a timer turns into a flood (or a link dead at
 * once), above 10 min a dead link is never noticed. Anything that is not a number gets engine.io's default.
 */
const MIN_INTERVAL_MS = 100;
const MAX_INTERVAL_MS = 600_000;

const NO_UPGRADES = Object.freeze([]) as unknown as string[];

/** Parses the JSON of an `open` packet (everything after the leading `0`); intervals are clamped (see above). */
export function parseHandshake(json: string): EngineHandshake {
  let d: Partial<Record<keyof EngineHandshake, unknown>> | undefined;
  try {
    d = JSON.parse(json) as typeof d;
  } catch {
    // the same error as a packet without a sid
  }
  if (typeof d?.sid !== 'string') throw new PolySocketError('PROTOCOL', 'bad Engine.IO open packet');
  const upgrades = Array.isArray(d.upgrades) ? d.upgrades.filter((u): u is string => typeof u === 'string') : [];
  return {
    sid: d.sid,
    // A session without upgrades (every WebSocket one) shares one empty list.
    upgrades: upgrades.length ? upgrades : NO_UPGRADES,
    pingInterval: clampMs(d.pingInterval, MIN_INTERVAL_MS, MAX_INTERVAL_MS, 25_000),
    pingTimeout: clampMs(d.pingTimeout, MIN_INTERVAL_MS, MAX_INTERVAL_MS, 20_000),
    maxPayload: typeof d.maxPayload === 'number' && d.maxPayload > 0 ? d.maxPayload : 1_000_000,
  };
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** One packet as a polling payload carries it: text as is, binary as `b` + base64. */
export function encodePollingPacket(packet: string | Uint8Array | ArrayBuffer): string {
  return typeof packet === 'string'
    ? packet
    : `b${toBase64(packet instanceof Uint8Array ? packet : new Uint8Array(packet))}`;
}

/** The bytes `bytes` of binary take in a polling payload (`b` + base64). */
export function pollingBinarySize(bytes: number): number {
  return 1 + 4 * Math.ceil(bytes / 3);
}

/**
 * TOO_LARGE when a binary part of `data`, as long-polling carries it (`b` + base64, 4/3 larger), is over
 * `limit` (the server's maxPayload). Text is the same size on both transports: the core checks it.
 */
export function pollingOversize(data: EncodedFrame, limit: number): PolySocketError | undefined {
  if (typeof data === 'string' || !Array.isArray(data)) return undefined;
  for (const part of data as readonly (string | ArrayBuffer | Uint8Array)[]) {
    const size = typeof part === 'string' ? 0 : pollingBinarySize(part.byteLength);
    if (size > limit)
      return new PolySocketError(
        'TOO_LARGE',
        `a binary attachment is ${size} bytes as long-polling sends it, over the server's maxPayload of ${limit}: not sent`,
      );
  }
  return undefined;
}

/** Joins packets into a polling payload: text as is, binary as `b` + base64. */
export function encodePayload(packets: readonly (string | Uint8Array | ArrayBuffer)[]): string {
  return packets.map(encodePollingPacket).join(RECORD_SEPARATOR);
}

/** One packet of a polling payload: `b`-prefixed ones are binary messages. */
export function decodePollingPacket(packet: string): string | Uint8Array {
  if (packet.charCodeAt(0) !== 98 /* b */) return packet;
  try {
    return fromBase64(packet.slice(1));
  } catch {
    throw new PolySocketError('PROTOCOL', 'bad base64 in a polling payload');
  }
}

/** Splits a polling payload into packets; `b`-prefixed ones are binary messages. */
export function decodePayload(payload: string): (string | Uint8Array)[] {
  return payload.length === 0 ? [] : payload.split(RECORD_SEPARATOR).map(decodePollingPacket);
}

/** The server's URL, parsed; INVALID when it is not an absolute http(s):// or ws(s):// URL (the message never quotes it: it may hold credentials). */
export function parseServerUrl(url: string, owner: string): URL {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    // not a URL: the same error as another scheme
  }
  if (!parsed || !/^(http|ws)s?:$/.test(parsed.protocol))
    throw new PolySocketError(
      'INVALID',
      `${owner} needs a url: http(s) or ws(s), e.g. { url: 'http://127.0.0.1:3000' }`,
    );
  return parsed;
}

/** The HTTP(S) or WS(S) URL of an Engine.IO endpoint. */
export function engineUrl(
  base: string,
  path: string,
  transport: 'polling' | 'websocket',
  query: Record<string, string> = {},
  sid?: string,
): string {
  const url = new URL(base);
  // http(s) or ws(s), keeping the base's security.
  url.protocol = url.protocol.replace(/^(http|ws)/, transport === 'websocket' ? 'ws' : 'http');
  url.pathname = path.endsWith('/') ? path : `${path}/`;
  for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
  url.searchParams.set('EIO', '4');
  url.searchParams.set('transport', transport);
  if (sid !== undefined) url.searchParams.set('sid', sid);
  return url.toString();
}

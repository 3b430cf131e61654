import { PolySocketError } from '@polysocket/core';
import type { FoonyChannel } from './channel';
import type { FoonyMessage } from './channel-types';
import type { WireStream } from './wire-module';
import type { HistoryResponseFrame } from './wire';

export interface HistoryOptions {
  /** Messages per page (the server caps it). */
  limit?: number;
  /** Seed wire: an exclusive messageId cursor, return messages older than this one. */
  start?: string;
  /** Binary wire: an exclusive serial cursor, return messages older than this one. */
  before?: number;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface HistoryPage {
  /** Oldest first. */
  messages: readonly FoonyMessage[];
  /** More, older messages exist. */
  more: boolean;
}

/** Absent, or an integer from 1 to 2^53 − 1 (a larger one would not survive the trip: the wire writes exact integers). */
const positive = (value: number | undefined): boolean =>
  value === undefined || (Number.isSafeInteger(value) && value > 0);

/**
 * `channel.history(options)`. Each wire has its own cursor (`stream.pager`): the seed's `start` (a messageId), the
 * binary wire's `before` (a serial); the stream makes the page (decrypts, expands batches).
 */
export async function historyPage(
  channel: FoonyChannel,
  stream: WireStream,
  options: HistoryOptions,
): Promise<HistoryPage> {
  const { limit, start, before } = options;
  const pager = stream.pager;
  // Checked before anything is written: a bad value would be refused by the server (or not even encodable).
  const wrong =
    options[pager === 'before' ? 'start' : 'before'] !== undefined ||
    (start !== undefined && typeof start !== 'string');
  const bad = !positive(limit) ? 'limit' : !positive(before) ? 'before' : undefined;
  if (wrong || bad)
    throw new PolySocketError(
      'INVALID',
      wrong
        ? `history: this wire's cursor is ${pager === 'before' ? 'before (a serial)' : 'start (a messageId string)'}`
        : `history: ${bad} must be an integer from 1 to Number.MAX_SAFE_INTEGER`,
    );
  const reply = await channel.channelRequest<HistoryResponseFrame>({ t: 'hist', limit, start, before }, options);
  // An answer of another kind (an `ack` with this id) is no page.
  if (!Array.isArray(reply.messages)) throw new PolySocketError('PROTOCOL', `history: got ${reply.t}, not histRes`);
  return { messages: await stream.page(reply.messages), more: reply.more === true };
}

/** `channel.historyPages(options)`: pages back with the wire's cursor until there is no more or a page repeats. */
export async function* historyPages(
  channel: FoonyChannel,
  pager: WireStream['pager'],
  options: Omit<HistoryOptions, 'start' | 'before'>,
): AsyncGenerator<readonly FoonyMessage[], void, undefined> {
  let cursor: string | number | undefined;
  const seen = new Set<string>();
  for (;;) {
    const { messages, more } = await channel.history({ ...options, [pager]: cursor });
    const first = messages[0]?.messageId;
    if (first === undefined || seen.has(first)) return;
    seen.add(first);
    yield messages;
    if (!more) return;
    // The binary wire pages by serial, the seed wire by messageId.
    cursor = pager === 'before' ? messages[0].seq : first;
  }
}

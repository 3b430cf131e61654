import type { MockConnection } from '../mock-connection';
import type { FoonyAuth } from './auth';
import type { ChannelStore } from './channel-store';

export const MAX_NAME = 255;

/** An authenticated session on either wire, as the module tracks it. */
export interface SessionHandle {
  readonly connectionId: string;
  readonly clientId: string;
  /** The WebSocket it runs on (a long-poll session has none). */
  readonly connection?: MockConnection;
  readonly wire: 'json' | 'binary';
  readonly transport: 'websocket' | 'long-poll';
  /** A binary session whose connectionId a resuming session takes over while it is still open: it ends quietly. */
  supersede?(): void;
}

export type ChannelCheck = { ok: true; channel: string } | { ok: false; code: number; message: string };

/** What the module shares with its wire sessions. */
export interface FoonyContext {
  readonly store: ChannelStore;
  readonly auth: FoonyAuth;
  readonly keepAliveMs: number;
  /** Extra messages replayed before a seed-wire `lastMessageId` cursor. */
  readonly resumeOverlap: number;
  /**
   * The channel of a request, checked as the server does: name (40001), unknown (40400), forbidden (40300); `sub`,
   * `unsub`, `pub` and `fetch` requests are counted per channel first.
   */
  checkChannel(type: string, channel: unknown, clientId: string): ChannelCheck;
  /** An armed `failSubscribes` fault for this channel, consumed: answer with `code`, or not at all. */
  takeSubFault(channel: string): { code?: number } | undefined;
  nextConnectionId(): string;
  /** An armed `dropBeforeAck` fault for this channel, consumed. */
  takeAckDrop(channel: string): boolean;
  /** A publish acked as a resend of a retained `messageId`. */
  countResend(channel: string): void;
  /** Binary wire: whether `connectionId` can be taken over by a new session of `clientId` (see PresenceGrace). */
  resume(connectionId: string, clientId: string): boolean;
  /** A binary session ended without `leave`ing: hold its presence for the grace period (or drop it now). */
  holdPresence(connectionId: string, clientId: string): void;
  /** Binary wire: coalesce each tick's records into one WebSocket message and its messages into bundles. */
  readonly bundle: boolean;
  register(session: SessionHandle): void;
  unregister(session: SessionHandle): void;
}

/**
 * The Foony seed wire as the server sees it, written from the seed document independently of the
 * client package (a codec bug on one side cannot hide behind the same bug on the other).
 */
export const FoonyErrorCode = {
  BadFrame: 40001,
  BadAuth: 40101,
  AuthExpired: 40102,
  Forbidden: 40300,
  NotFound: 40400,
  RateLimited: 42900,
  Server: 50000,
} as const;

/**
 * A message as the mock keeps it. The seed wire sends `t` … `clientId`; `serial` (per channel, contiguous from 1),
 * `encoding` and `parts` (a batch: one stored message) are the binary wire's. An ephemeral message is never stored
 * and has serial 0.
 */
export type StoredMessage = {
  t: 'msg';
  channel: string;
  name: string;
  data: unknown;
  timestamp: number;
  messageId: string;
  clientId?: string;
  serial: number;
  encoding?: string;
  parts?: { name: string; data: unknown; encoding?: string }[];
  ephemeral?: boolean;
};

export type Member = { clientId: string; connectionId: string; data?: unknown; timestamp: number; encoding?: string };

export type PresenceAction = 'enter' | 'update' | 'leave';

/** A presence change as the channel store broadcasts it to watchers (each wire writes its own frame). */
export type PresenceEvent = Member & { channel: string; action: PresenceAction };

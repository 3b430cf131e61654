/**
 * The Foony realtime JSON frame wire, exactly as the seed (`@foony/realtime` 0.0.1 `wire.ts`) defines it,
 * plus the `hist` request the seed names but does not define: the JSON-era client's
 * `{t:'hist', id, channel, limit?, start?}`, where `start` is an exclusive messageId paging backward.
 */

export type FrameType =
  | 'auth'
  | 'sub'
  | 'unsub'
  | 'pub'
  | 'pres'
  | 'hist'
  | 'ping'
  | 'connected'
  | 'ack'
  | 'msg'
  | 'presEvt'
  | 'err'
  | 'pong'
  | 'histRes';

export type PresenceAction = 'enter' | 'leave' | 'update';

// ---- Client -> Server ----

export type AuthFrame = {
  readonly t: 'auth';
  readonly token?: string;
  readonly key?: string;
  readonly clientId?: string;
};
export type SubscribeFrame = {
  readonly t: 'sub';
  readonly channel: string;
  readonly id: number;
  readonly lastMessageId?: string;
};
export type UnsubscribeFrame = { readonly t: 'unsub'; readonly channel: string; readonly id: number };
export type PublishFrame = {
  readonly t: 'pub';
  readonly channel: string;
  readonly name: string;
  readonly data: unknown;
  readonly id: number;
};
export type PresenceFrame = {
  readonly t: 'pres';
  readonly channel: string;
  readonly action: PresenceAction;
  readonly data?: unknown;
  readonly id: number;
};
export type HistoryFrame = {
  readonly t: 'hist';
  readonly id: number;
  readonly channel: string;
  readonly limit?: number;
  readonly start?: string;
};
export type PingFrame = { readonly t: 'ping' };

// ---- Server -> Client ----

export type ConnectedFrame = {
  readonly t: 'connected';
  readonly connectionId: string;
  readonly keepAliveMs: number;
  readonly clientId: string;
};
export type AckFrame = { readonly t: 'ack'; readonly id: number };
export type MessageFrame = {
  readonly t: 'msg';
  readonly channel: string;
  readonly name: string;
  readonly data: unknown;
  readonly timestamp: number;
  readonly messageId: string;
  readonly clientId?: string;
};
export type PresenceEventFrame = {
  readonly t: 'presEvt';
  readonly channel: string;
  readonly action: PresenceAction;
  readonly clientId: string;
  readonly connectionId: string;
  readonly data?: unknown;
  readonly timestamp: number;
};
export type ErrorFrame = { readonly t: 'err'; readonly id?: number; readonly code: number; readonly message: string };
export type PongFrame = { readonly t: 'pong' };
export type HistoryResponseFrame = {
  readonly t: 'histRes';
  readonly id: number;
  readonly channel: string;
  readonly messages: readonly MessageFrame[];
  readonly more?: boolean;
};

export type ClientFrame =
  AuthFrame | SubscribeFrame | UnsubscribeFrame | PublishFrame | PresenceFrame | HistoryFrame | PingFrame;
export type ServerFrame =
  ConnectedFrame | AckFrame | MessageFrame | PresenceEventFrame | ErrorFrame | PongFrame | HistoryResponseFrame;

/** Error codes on `err` frames (the seed's, plus 42900 which the server uses for rate limiting). */
export const ErrorCode = {
  BadFrame: 40001,
  BadAuth: 40101,
  AuthExpired: 40102,
  Forbidden: 40300,
  NotFound: 40400,
  RateLimited: 42900,
  Server: 50000,
} as const;

export type ErrorCodeName = keyof typeof ErrorCode;

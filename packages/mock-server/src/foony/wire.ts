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

export type StoredMessage = {
  t: 'msg';
  channel: string;
  name: string;
  data: unknown;
  timestamp: number;
  messageId: string;
  clientId?: string;
};

export type Member = { clientId: string; connectionId: string; data?: unknown; timestamp: number };

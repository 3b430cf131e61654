import type { FoonyMessage } from './channel-types';

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

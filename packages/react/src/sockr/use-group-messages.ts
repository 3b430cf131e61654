import { useCallback, useEffect, useMemo, useRef, useSyncExternalStore } from 'react';
import { listen, useSockrClient } from './client';
import { MessageList, type SockrMessage } from './message-list';
import { ValueStore } from './store';
import type { SentMessage } from './use-messages';

/** The lists whose first page was asked for. */
const firstPage = new WeakSet<MessageList>();

export interface UseGroupMessagesOptions {
  /** Load the newest page of history once logged in. Default true. */
  fetchHistory?: boolean;
  /** A history page's size. Default 50. */
  limit?: number;
  /** How many messages `messages` keeps, the newest. Default 1000. */
  keep?: number;
}

interface HistoryState {
  readonly isLoadingHistory: boolean;
  /** A full page came back last: older messages may exist. */
  readonly hasMore: boolean;
  readonly historyError: Error | null;
}

export interface GroupMessagesView extends HistoryState {
  /** The group's messages (live, from `group_joined`, from history), oldest first, each id once. */
  messages: readonly SockrMessage[];
  /** Sends to the group; resolves once the server accepted it (its echo arrives in `messages` first). */
  sendMessage: (content: string, metadata?: Record<string, unknown>) => Promise<SentMessage>;
  markRead: (messageId: string) => void;
  /**
   * Loads the page before `before` (exclusive), or, without it, the page before the oldest message shown —
   * including that millisecond's other messages, which the exclusive cursor sockr-client uses skips.
   */
  fetchHistory: (before?: number) => Promise<readonly SockrMessage[]>;
  clearMessages: () => void;
}

/**
 * sockr-client's `useGroupMessages(groupId, { fetchHistory, limit })`: a group's messages while mounted — live,
 * the recent ones `group_joined` brings, and history pages — each id once, across reconnects. History pages
 * with the oldest timestamp as cursor (+1, de-duplicated), so messages sharing a millisecond at a page edge are
 * not lost; when a whole page falls in one millisecond the next fetch steps past it.
 */
export function useGroupMessages(groupId: string, options: UseGroupMessagesOptions = {}): GroupMessagesView {
  const client = useSockrClient();
  const { fetchHistory: loadFirst = true, limit = 50, keep = 1000 } = options;
  const list = useMemo(() => new MessageList(keep), [client, groupId, keep]);
  const history = useMemo(
    () => new ValueStore<HistoryState>({ isLoadingHistory: false, hasMore: true, historyError: null }),
    [list],
  );
  // Fetches in flight: `isLoadingHistory` stays on until the last one settles.
  const inFlight = useRef(0);
  const fetchHistory = useCallback(
    async (before?: number): Promise<readonly SockrMessage[]> => {
      inFlight.current++;
      history.update((now) => ({ ...now, isLoadingHistory: true }));
      try {
        const oldest = list.oldest;
        let cursor = before ?? (oldest === undefined ? undefined : oldest + 1);
        let page = await client.fetchGroupMessageHistory(groupId, { limit, before: cursor });
        let fresh = page.filter((message) => !list.has(message.id));
        if (before === undefined && fresh.length === 0 && page.length >= limit && oldest !== undefined) {
          // More than a page in the oldest millisecond, all shown: step past it.
          cursor = oldest;
          page = await client.fetchGroupMessageHistory(groupId, { limit, before: cursor });
          fresh = page.filter((message) => !list.has(message.id));
        }
        list.add(fresh, true);
        // A full page with nothing new (a server that repeats itself) is the end too: paging on would loop.
        history.set({
          isLoadingHistory: inFlight.current > 1,
          hasMore: page.length >= limit && fresh.length > 0,
          historyError: null,
        });
        return list.read().filter((message) => fresh.some((f) => f.id === message.id));
      } catch (error) {
        history.update((now) => ({
          ...now,
          isLoadingHistory: inFlight.current > 1,
          historyError: error instanceof Error ? error : new Error(String(error)),
        }));
        throw error;
      } finally {
        inFlight.current--;
      }
    },
    [client, groupId, limit, list, history],
  );
  useEffect(() => {
    // The first page once logged in (children mount before the provider connects), once per list: StrictMode's
    // second effect does not fetch it again.
    const load = (): void => {
      if (!loadFirst || firstPage.has(list)) return;
      firstPage.add(list);
      fetchHistory().catch(() => undefined);
    };
    if (client.isAuthenticated()) load();
    return listen(client, {
      group_message: (message) => void (message.groupId === groupId && list.add([message])),
      connected: load,
    });
  }, [client, groupId, list, loadFirst, fetchHistory]);
  const messages = useSyncExternalStore(list.subscribe, list.read, list.read);
  const state = useSyncExternalStore(history.subscribe, history.read, history.read);
  const sendMessage = useCallback(
    (content: string, metadata?: Record<string, unknown>) => client.sendGroupMessage(groupId, content, metadata),
    [client, groupId],
  );
  const markRead = useCallback(
    (messageId: string) => client.markGroupMessageRead(groupId, messageId),
    [client, groupId],
  );
  const clearMessages = useCallback(() => list.clear(), [list]);
  return { messages, ...state, sendMessage, markRead, fetchHistory, clearMessages };
}

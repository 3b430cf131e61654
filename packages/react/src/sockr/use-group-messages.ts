import type { PersistedMessage } from '@polysocket/sockr';
import { useEffect, useMemo } from '../react-api';
import { Store, toError, useStore } from '../store';
import { listen, useSockrClient } from './client';
import { MessageList, type SockrMessage } from './message-list';
import type { SentMessage } from './use-messages';

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
  // With the fetches in flight: `isLoadingHistory` stays on until the last one settles.
  const history = useMemo(
    () =>
      Object.assign(new Store<HistoryState>({ isLoadingHistory: false, hasMore: true, historyError: null }), {
        inFlight: 0,
      }),
    [list],
  );
  const view = useMemo(() => {
    const page = async (before: number | undefined): Promise<[PersistedMessage[], PersistedMessage[]]> => {
      const got = await client.fetchGroupMessageHistory(groupId, { limit, before });
      return [got, got.filter((message) => !list.has(message.id))];
    };
    const fetchHistory = async (before?: number): Promise<readonly SockrMessage[]> => {
      history.inFlight++;
      history.patch({ isLoadingHistory: true });
      try {
        const oldest = list.read()[0]?.timestamp;
        let [got, fresh] = await page(before ?? (oldest === undefined ? undefined : oldest + 1));
        // More than a page in the oldest millisecond, all shown: step past it.
        if (before === undefined && fresh.length === 0 && got.length >= limit && oldest !== undefined)
          [got, fresh] = await page(oldest);
        // A full page with nothing new (a server that repeats itself) is the end too: paging on would loop.
        history.set({
          isLoadingHistory: history.inFlight > 1,
          hasMore: got.length >= limit && fresh.length > 0,
          historyError: null,
        });
        return list.add(fresh, true);
      } catch (error) {
        history.patch({ isLoadingHistory: history.inFlight > 1, historyError: toError(error) });
        throw error;
      } finally {
        history.inFlight--;
      }
    };
    return {
      fetchHistory,
      sendMessage: (content: string, metadata?: Record<string, unknown>) =>
        client.sendGroupMessage(groupId, content, metadata),
      markRead: (messageId: string) => client.markGroupMessageRead(groupId, messageId),
      clearMessages: () => list.clear(),
    };
  }, [client, groupId, limit, list, history]);
  useEffect(() => {
    // The first page once logged in (children mount before the provider connects), once per list: StrictMode's
    // second effect does not fetch it again. A first page that failed (the link dropped meanwhile) is asked for
    // again at the next login.
    const load = (): void => {
      if (!loadFirst || list.paged) return;
      list.paged = true;
      view.fetchHistory().catch(() => (list.paged = false));
    };
    if (client.isAuthenticated()) load();
    return listen(client, {
      group_message: (message) => void (message.groupId === groupId && list.add([message])),
      connected: load,
    });
  }, [client, groupId, list, loadFirst, view]);
  return { messages: useStore(list), ...useStore(history), ...view };
}

import type { SockrEvents } from '@polysocket/sockr';
import { useCallback, useEffect, useMemo, useState, type DependencyList } from '../react-api';
import { useStore } from '../store';
import { CallStore, type CallRecord } from '../call-store';
import { useListener, type Listenable } from '../use-event';
import { useSockrClient } from './client';
import { MessageList, type MessageInput, type SockrMessage } from './message-list';

/** Any Sockr event name: the server's (`user_online`, `group_members`, …) and the client's (`message`, `typing`, `state`, …). */
export type SockrEventName = keyof SockrEvents & string;

/**
 * sockr-client's `useSocketEvent(event, handler, deps)`: `handler` on each `event` while mounted, typed by the
 * event. The latest handler is called, so `deps` is not needed (accepted for compatibility, and ignored).
 */
export function useSocketEvent<E extends SockrEventName>(
  event: E,
  handler: (...args: SockrEvents[E]) => void,
  _deps?: DependencyList,
): void {
  useListener(useSockrClient() as unknown as Listenable, event, handler as unknown as (...args: never[]) => void);
}

export interface UseMessagesOptions {
  /** How many messages `messages` keeps, the newest. Default 500. */
  limit?: number;
}

export interface MessagesView {
  /** The direct messages received while mounted, oldest first, each id once. */
  messages: readonly SockrMessage[];
  /** Adds a message (from history, an optimistic copy): ignored when its id is shown already. */
  addMessage: (message: MessageInput) => void;
  clearMessages: () => void;
}

/**
 * sockr-client's `useMessages()`: the direct messages (`message` events) received while mounted — each id once,
 * where sockr-client appends every event (a queued message flushed again, a catch-up, history added with
 * `addMessage`: twice).
 */
export function useMessages(options: UseMessagesOptions = {}): MessagesView {
  const client = useSockrClient();
  const limit = options.limit ?? 500;
  // Per client: a new one (another user, at a re-login) starts with no message.
  const list = useMemo(() => new MessageList(limit), [client]);
  useEffect(() => {
    // A new limit keeps the newest `limit` messages shown.
    list.keep = limit;
    list.add([]);
  }, [list, limit]);
  useListener(client as unknown as Listenable, 'message', (message: MessageInput) => void list.add([message]));
  const actions = useMemo(
    () => ({ addMessage: (message: MessageInput) => void list.add([message]), clearMessages: () => list.clear() }),
    [list],
  );
  return { messages: useStore(list), ...actions };
}

/** What `sendMessage` resolves with: the server's messageId and the clientMessageId receivers de-duplicate on. */
export interface SentMessage {
  messageId: string;
  clientMessageId: string;
}

export type SendArgs = [to: string, content: string, metadata: Record<string, unknown> | undefined];

export interface SendMessageView {
  /** Sends; resolves once the server accepted it. Each call has its own record in `sends`. Stable. */
  sendMessage: (to: string, content: string, metadata?: Record<string, unknown>) => Promise<SentMessage>;
  /** The latest call is in flight (sockr-client's flag; for every call, `sends`). */
  isSending: boolean;
  /** The latest call's failure, or null (sockr-client's; for every call, `sends`). */
  error: Error | null;
  /** Each call's own state: in flight, and the latest 10 settled, oldest first. */
  sends: readonly CallRecord<SendArgs, SentMessage>[];
}

/**
 * sockr-client's `useSendMessage()`, with a state per send: two sends in flight are two records, each settled by
 * its own reply (sockr-client has one flag, cleared by whichever reply comes next).
 */
export function useSendMessage(): SendMessageView {
  const client = useSockrClient();
  const [store] = useState(() => new CallStore<SendArgs, SentMessage>(10));
  const { calls, latest } = useStore(store);
  const sendMessage = useCallback(
    (to: string, content: string, metadata?: Record<string, unknown>) =>
      store.run((...args: SendArgs) => client.sendMessage(...args), [to, content, metadata]),
    [store, client],
  );
  return { sendMessage, isSending: latest?.status === 'pending', error: latest?.error ?? null, sends: calls };
}

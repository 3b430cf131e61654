import { useCallback, useEffect, useInsertionEffect, useMemo, useRef, useSyncExternalStore } from 'react';
import type { SockrClient } from '@polysocket/sockr';
import { listen, useSockrClient } from './client';
import { TypingSet } from './typing-set';

/** Remote indicators for one hook: `accept` picks the events, self excluded, each expired after `expireMs`. */
function useRemoteTyping(
  client: SockrClient,
  expireMs: number,
  start: 'typing_start' | 'group_typing_start',
  accept: (data: { from: string; groupId?: string }) => boolean,
): ReadonlySet<string> {
  const typing = useMemo(() => new TypingSet(expireMs), [expireMs]);
  const latest = useRef(accept);
  useInsertionEffect(() => {
    latest.current = accept;
  });
  useEffect(() => {
    const on =
      (value: boolean) =>
      (data: { from: string; groupId?: string }): void => {
        // Self: another device of this user typing in the group (sockr-client shows it).
        if (data.from !== client.getUserId() && latest.current(data)) typing.mark(data.from, value);
      };
    const stop = listen(client, {
      [start]: on(true),
      [start === 'typing_start' ? 'typing_stop' : 'group_typing_stop']: on(false),
      // The link dropped: a stop may never come.
      disconnected: () => typing.reset(),
    });
    return () => {
      stop();
      typing.reset();
    };
  }, [client, typing, start]);
  return useSyncExternalStore(typing.subscribe, typing.read, typing.read);
}

export interface TypingIndicatorView {
  /** Throttled (one `typing_start` per 2 s) and stopped after 3 s idle by the client's `sockrTyping` module. */
  startTyping: (to: string) => void;
  stopTyping: (to: string) => void;
  /** The users typing to this user now: never this user, each gone `timeout` ms after its last start. */
  usersTyping: ReadonlySet<string>;
}

/**
 * sockr-client's `useTypingIndicator(timeout)`: who is typing to this user, and sending one's own typing (through
 * the client's `sockrTyping` module, which `SocketProvider` adds; without it `startTyping` throws INVALID naming
 * the import). Remote indicators expire `timeout` ms (default 3000) after their last start; on unmount, whoever
 * this hook was typing to is told `stop`.
 */
export function useTypingIndicator(timeout = 3000): TypingIndicatorView {
  const client = useSockrClient();
  const usersTyping = useRemoteTyping(client, timeout, 'typing_start', () => true);
  // Whom this hook is typing to: told `stop` on unmount (the module's idle timer would tell them seconds later).
  const typingTo = useRef(new Set<string>());
  const startTyping = useCallback(
    (to: string) => {
      client.startTyping(to);
      typingTo.current.add(to);
    },
    [client],
  );
  const stopTyping = useCallback(
    (to: string) => {
      typingTo.current.delete(to);
      client.stopTyping(to);
    },
    [client],
  );
  useEffect(
    () => () => {
      const to = [...typingTo.current];
      typingTo.current.clear();
      for (const user of to)
        try {
          client.stopTyping(user);
        } catch {
          // The client is closed already: its session, and the typing, ended with it.
        }
    },
    [client],
  );
  return { startTyping, stopTyping, usersTyping };
}

export interface GroupTypingView {
  /** The members typing in the group now (userIds): never this user, each gone `2 × stopDelay` after its last start. */
  typingMembers: readonly string[];
  /** Call on each keystroke: one start goes out (throttled), and a stop `stopDelay` ms after the last call. */
  startTyping: () => void;
  stopTyping: () => void;
}

/**
 * sockr-client's `useGroupTyping(groupId, stopDelay)`: who is typing in the group — without this user, and
 * expired (sockr-client does neither, though its docs say so) — and this user's own typing, stopped `stopDelay`
 * ms (default 2000) after the last `startTyping`, and on unmount.
 */
export function useGroupTyping(groupId: string, stopDelay = 2000): GroupTypingView {
  const client = useSockrClient();
  const typing = useRemoteTyping(client, 2 * stopDelay, 'group_typing_start', (data) => data.groupId === groupId);
  const typingMembers = useMemo(() => [...typing], [typing]);
  const idle = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const stopTyping = useCallback(() => {
    if (idle.current === undefined) return;
    clearTimeout(idle.current);
    idle.current = undefined;
    client.stopGroupTyping(groupId);
  }, [client, groupId]);
  const startTyping = useCallback(() => {
    if (idle.current !== undefined) clearTimeout(idle.current);
    idle.current = setTimeout(stopTyping, stopDelay);
    client.startGroupTyping(groupId);
  }, [client, groupId, stopDelay, stopTyping]);
  useEffect(() => stopTyping, [stopTyping]);
  return { typingMembers, startTyping, stopTyping };
}

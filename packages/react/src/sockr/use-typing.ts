import { useCallback, useEffect, useMemo, useRef, useState } from '../react-api';
import { useStore } from '../store';
import type { SockrClient } from '@polysocket/sockr';
import { listen, useSockrClient } from './client';
import { TypingSet } from './typing-set';

/** Remote indicators for one hook: the events of `groupId` (none: direct), self excluded, each expired after `expireMs`. */
function useRemoteTyping(client: SockrClient, expireMs: number, groupId?: string): ReadonlySet<string> {
  const typing = useMemo(() => new TypingSet(expireMs), [expireMs]);
  useEffect(() => {
    const on =
      (value: boolean) =>
      (data: { from: string; groupId?: string }): void => {
        // Self: another device of this user typing in the group (sockr-client shows it).
        if (data.from !== client.getUserId() && data.groupId === groupId) typing.mark(data.from, value);
      };
    const prefix = groupId === undefined ? '' : 'group_';
    const stop = listen(client, {
      [`${prefix}typing_start`]: on(true),
      [`${prefix}typing_stop`]: on(false),
      // The link dropped: a stop may never come.
      disconnected: () => typing.reset(),
    });
    return () => {
      stop();
      typing.reset();
    };
  }, [client, typing, groupId]);
  return useStore(typing);
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
  const usersTyping = useRemoteTyping(client, timeout);
  // Whom this hook is typing to: told `stop` on unmount (the module's idle timer would tell them seconds later).
  const [typingTo] = useState(() => new Set<string>());
  const view = useMemo(
    () => ({
      startTyping: (to: string) => {
        client.startTyping(to);
        typingTo.add(to);
      },
      stopTyping: (to: string) => {
        typingTo.delete(to);
        client.stopTyping(to);
      },
    }),
    [client, typingTo],
  );
  useEffect(
    () => () => {
      for (const to of typingTo)
        try {
          view.stopTyping(to);
        } catch {
          // The client is closed already: its session, and the typing, ended with it.
        }
    },
    [view, typingTo],
  );
  return { ...view, usersTyping };
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
  const typing = useRemoteTyping(client, 2 * stopDelay, groupId);
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

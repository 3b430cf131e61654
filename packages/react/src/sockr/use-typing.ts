import { Typing, type SockrClient } from '@polysocket/sockr';
import { useMemo } from '../react-api';
import { Store, useModel } from '../store';
import { listen, useSockrClient } from './client';

type Remote = Store<{ typing: ReadonlySet<string> }>;

/**
 * The remote indicators of one hook: the events of `groupId` (none: direct ones), self excluded, each expired
 * `expireMs` after its last start (the client's `Typing`, as the `sockrTyping` module keeps its own). Returns the
 * store and what listens while mounted (its cleanup forgets them all).
 */
function remoteTyping(client: SockrClient, expireMs: number, groupId?: string): [Remote, () => () => void] {
  const store: Remote = new Store({ typing: new Set() });
  const noop = (): void => undefined;
  const typing = new Typing({ throttleMs: 0, idleMs: 0, expireMs }, noop, noop, () =>
    store.set({ typing: typing.typing }),
  );
  const reset = (): void => {
    typing.dispose();
    if (store.read().typing.size > 0) store.set({ typing: new Set() });
  };
  const on =
    (value: boolean) =>
    (data: { from: string; groupId?: string }): void => {
      // Self: another device of this user typing in the group (sockr-client shows it).
      if (data.from !== client.getUserId() && data.groupId === groupId) typing.remote(data.from, value);
    };
  const prefix = groupId === undefined ? '' : 'group_';
  return [
    store,
    () => {
      const stop = listen(client, {
        [`${prefix}typing_start`]: on(true),
        [`${prefix}typing_stop`]: on(false),
        // The link dropped: a stop may never come.
        disconnected: reset,
      });
      return () => {
        stop();
        reset();
      };
    },
  ];
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
  const { typing, ...view } = useModel(() => {
    const [store, attach] = remoteTyping(client, timeout);
    // Whom this hook is typing to: told `stop` on unmount (the module's idle timer would tell them seconds later).
    const typingTo = new Set<string>();
    const stopTyping = (to: string): void => {
      typingTo.delete(to);
      client.stopTyping(to);
    };
    const startTyping = (to: string): void => {
      client.startTyping(to);
      typingTo.add(to);
    };
    return [
      store,
      { startTyping, stopTyping },
      () => {
        const detach = attach();
        return () => {
          detach();
          for (const to of typingTo)
            try {
              stopTyping(to);
            } catch {
              // The client is closed already: its session, and the typing, ended with it.
            }
        };
      },
    ];
  }, [client, timeout]);
  return { ...view, usersTyping: typing };
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
  const { typing, ...view } = useModel(() => {
    const [store, attach] = remoteTyping(client, 2 * stopDelay, groupId);
    let idle: ReturnType<typeof setTimeout> | undefined;
    const stopTyping = (): void => {
      if (idle === undefined) return;
      clearTimeout(idle);
      idle = undefined;
      client.stopGroupTyping(groupId);
    };
    const startTyping = (): void => {
      // First: without the typing module it throws, and no stop timer is armed to throw again later.
      client.startGroupTyping(groupId);
      clearTimeout(idle);
      idle = setTimeout(stopTyping, stopDelay);
    };
    return [
      store,
      { startTyping, stopTyping },
      () => {
        const detach = attach();
        return () => {
          detach();
          stopTyping();
        };
      },
    ];
  }, [client, groupId, stopDelay]);
  return { ...view, typingMembers: useMemo(() => [...typing], [typing]) };
}

import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import { listen, useSockrClient } from './client';
import { ValueStore } from './store';

export interface PresenceView {
  /** The users known to be online (a new set per change). */
  onlineUsers: ReadonlySet<string>;
  isUserOnline: (userId: string) => boolean;
  /** Asks the server; resolves with `{ userId: online }` (also applied to `onlineUsers`). */
  checkOnlineStatus: (userIds: string[]) => Promise<Record<string, boolean>>;
}

/**
 * sockr-client's `usePresence()`: `user_online`/`user_offline` and every `online_status` answer while mounted.
 * After each re-login the users asked about are asked again (what changed while the link was down is not missed).
 */
export function usePresence(): PresenceView {
  const client = useSockrClient();
  const [store] = useState(() => new ValueStore<ReadonlySet<string>>(new Set()));
  const [asked] = useState(() => new Set<string>());
  const apply = useCallback(
    (statuses: Record<string, boolean>) =>
      store.update((online) => {
        const next = new Set(online);
        for (const [userId, on] of Object.entries(statuses))
          if (on) next.add(userId);
          else next.delete(userId);
        return next.size === online.size && [...next].every((id) => online.has(id)) ? online : next;
      }),
    [store],
  );
  useEffect(
    () =>
      listen(client, {
        user_online: ({ userId }) => apply({ [userId]: true }),
        user_offline: ({ userId }) => apply({ [userId]: false }),
        online_status: ({ statuses }) => apply(statuses),
        // Logged in again: what changed while the link was down.
        connected: () => void (asked.size > 0 && client.getOnlineStatus([...asked]).catch(() => undefined)),
      }),
    [client, apply, asked],
  );
  const onlineUsers = useSyncExternalStore(store.subscribe, store.read, store.read);
  const isUserOnline = useCallback((userId: string) => store.read().has(userId), [store]);
  const checkOnlineStatus = useCallback(
    async (userIds: string[]) => {
      for (const userId of userIds) asked.add(userId);
      const statuses = await client.getOnlineStatus(userIds);
      apply(statuses);
      return statuses;
    },
    [client, apply, asked],
  );
  return { onlineUsers, isUserOnline, checkOnlineStatus };
}

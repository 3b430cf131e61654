import { useState } from '../react-api';
import { Store, useModel } from '../store';
import { listen, useSockrClient } from './client';

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
  const [asked] = useState(() => new Set<string>());
  return useModel(() => {
    const store = new Store<{ onlineUsers: ReadonlySet<string> }>({ onlineUsers: new Set() });
    const apply = (statuses: Record<string, boolean>): Record<string, boolean> => {
      const online = store.read().onlineUsers;
      const next = new Set(online);
      for (const [userId, on] of Object.entries(statuses)) next[on ? 'add' : 'delete'](userId);
      if (next.size !== online.size || [...next].some((id) => !online.has(id))) store.set({ onlineUsers: next });
      return statuses;
    };
    const check = (userIds: string[]): Promise<Record<string, boolean>> => client.getOnlineStatus(userIds).then(apply);
    return [
      store,
      {
        isUserOnline: (userId: string) => store.read().onlineUsers.has(userId),
        checkOnlineStatus: (userIds: string[]) => {
          for (const userId of userIds) asked.add(userId);
          return check(userIds);
        },
      },
      () =>
        listen(client, {
          user_online: ({ userId }) => void apply({ [userId]: true }),
          user_offline: ({ userId }) => void apply({ [userId]: false }),
          online_status: ({ statuses }) => void apply(statuses),
          // Logged in again: what changed while the link was down.
          connected: () => void (asked.size > 0 && check([...asked]).catch(() => undefined)),
        }),
    ];
  }, [client, asked]);
}

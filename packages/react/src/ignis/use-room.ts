import { useCallback, useEffect, useSyncExternalStore } from '../react-api';
import type { IgnisClient } from '@polysocket/ignis';
import { useContextClient } from '../context';
import { acquire } from '../shared-use';

/** Told when a hook joins or leaves a room (the client has no event for it: the server never confirms a room). */
const roomChanges = new Set<() => void>();
const roomsChanged = (): void => {
  for (const listener of [...roomChanges]) listener();
};

export interface RoomView {
  name: string;
  /** The room is in the client's rooms: joined now if connected, and re-joined after every reconnect. */
  joined: boolean;
  /** Joined and connected: the server has the join (it never confirms one; a room validator may still refuse it). */
  active: boolean;
}

/**
 * Keeps the provider's Ignis client in room `name` while mounted. The first user joins; when the last one
 * unmounts the room is left, unless the client was in it before (the app's `rooms` option, its own `join`).
 * Room messages are the client's app events: `useEvent` from `hooksFor<IgnisClient<Events>>()`.
 */
export function useRoom(name: string): RoomView {
  const client = useContextClient() as Partial<IgnisClient>;
  if (typeof client.join !== 'function' || client.joinedRooms === undefined)
    throw new Error('@polysocket/react/ignis: the PolySocketProvider holds no Ignis client');
  const ignis = client as IgnisClient;
  useEffect(
    () =>
      acquire(ignis, `ignis-room:${name}`, () => {
        if (ignis.joinedRooms.has(name)) return undefined;
        ignis.join(name);
        roomsChanged();
        return () => {
          ignis.leave(name);
          roomsChanged();
        };
      }),
    [ignis, name],
  );
  const subscribe = useCallback(
    (changed: () => void) => {
      roomChanges.add(changed);
      ignis.on('state', changed);
      return () => {
        roomChanges.delete(changed);
        ignis.off('state', changed);
      };
    },
    [ignis],
  );
  const joined = useSyncExternalStore(
    subscribe,
    () => ignis.joinedRooms.has(name),
    () => false,
  );
  const connected = useSyncExternalStore(
    subscribe,
    () => ignis.state === 'connected',
    () => false,
  );
  return { name, joined, active: joined && connected };
}

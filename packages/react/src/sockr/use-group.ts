import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import type { Group, GroupMember } from '@polysocket/sockr';
import { listen, useSockrClient } from './client';
import { ValueStore } from './store';

interface GroupSnapshot {
  readonly group: Group | null;
  readonly members: readonly GroupMember[];
  readonly isJoined: boolean;
  readonly error: Error | null;
}

export interface GroupView extends GroupSnapshot {
  /** Joins; resolves with the group (and loads its members). */
  join: () => Promise<Group>;
  leave: () => Promise<void>;
  /** Loads the member list again. */
  refreshMembers: () => Promise<readonly GroupMember[]>;
}

const toError = (value: unknown): Error => (value instanceof Error ? value : new Error(String(value)));

/**
 * sockr-client's `useGroup(groupId)`: the group, its members and whether this user is in it, from the group events
 * while mounted (`group_joined` — also the client's own re-join after each reconnect —, `group_left`,
 * `group_members`, `group_member_joined`/`left`). `error` is the latest action's failure (e.g. "Group not found").
 */
export function useGroup(groupId: string): GroupView {
  const client = useSockrClient();
  const [store] = useState(
    () => new ValueStore<GroupSnapshot>({ group: null, members: [], isJoined: false, error: null }),
  );
  useEffect(() => {
    store.set({ group: null, members: [], isJoined: false, error: null });
    // Each event of this group changes the snapshot.
    const mine =
      <D extends { groupId: string }>(change: (now: GroupSnapshot, data: D) => Partial<GroupSnapshot>) =>
      (data: D): void => {
        if (data.groupId === groupId) store.update((now) => ({ ...now, ...change(now, data) }));
      };
    return listen(client, {
      group_joined: mine((_, { group }) => ({ group, isJoined: true, error: null })),
      group_left: mine(() => ({ isJoined: false })),
      group_members: mine((_, { members }) => ({ members })),
      group_member_joined: mine((now, { member }) => ({
        members: [...now.members.filter((m) => m.userId !== member.userId), member],
      })),
      group_member_left: mine((now, { userId }) => ({
        members: now.members.filter((m) => m.userId !== userId),
        isJoined: now.isJoined && userId !== client.getUserId(),
      })),
    });
  }, [client, store, groupId]);
  const snapshot = useSyncExternalStore(store.subscribe, store.read, store.read);
  const failed = useCallback(
    (error: unknown): never => {
      store.update((now) => ({ ...now, error: toError(error) }));
      throw error;
    },
    [store],
  );
  const refreshMembers = useCallback(() => client.getGroupMembers(groupId).catch(failed), [client, groupId, failed]);
  const join = useCallback(async () => {
    const { group } = await client.joinGroup(groupId).catch(failed);
    await refreshMembers();
    return group;
  }, [client, groupId, failed, refreshMembers]);
  const leave = useCallback(() => client.leaveGroup(groupId).catch(failed), [client, groupId, failed]);
  return { ...snapshot, join, leave, refreshMembers };
}

interface UserGroupsSnapshot {
  readonly groups: readonly Group[];
  readonly isLoading: boolean;
  readonly error: Error | null;
}

export interface UserGroupsView extends UserGroupsSnapshot {
  /** Loads this user's groups again. */
  refresh: () => Promise<readonly Group[]>;
  /** Creates a group (this user its admin); it is added to `groups`. */
  createGroup: (name: string, members?: string[], metadata?: Record<string, unknown>) => Promise<Group>;
}

/**
 * sockr-client's `useUserGroups()`: this user's groups, loaded on each login (so after a reconnect too) and kept
 * up to date by `group_created`, `group_joined` and `group_left` while mounted.
 */
export function useUserGroups(): UserGroupsView {
  const client = useSockrClient();
  const [store] = useState(() => new ValueStore<UserGroupsSnapshot>({ groups: [], isLoading: false, error: null }));
  const put = useCallback(
    (group: Group) =>
      store.update((now) => ({ ...now, groups: [...now.groups.filter((g) => g.id !== group.id), group] })),
    [store],
  );
  const refresh = useCallback(async () => {
    store.update((now) => ({ ...now, isLoading: true }));
    try {
      const groups = await client.getUserGroups();
      store.set({ groups, isLoading: false, error: null });
      return groups;
    } catch (error) {
      store.update((now) => ({ ...now, isLoading: false, error: toError(error) }));
      throw error;
    }
  }, [client, store]);
  useEffect(() => {
    const load = (): void => void refresh().catch(() => undefined);
    if (client.isAuthenticated()) load();
    return listen(client, {
      connected: load,
      group_created: ({ group }) => put(group),
      group_joined: ({ group }) => put(group),
      group_left: ({ groupId }) =>
        store.update((now) => ({ ...now, groups: now.groups.filter((g) => g.id !== groupId) })),
    });
  }, [client, store, put, refresh]);
  const snapshot = useSyncExternalStore(store.subscribe, store.read, store.read);
  const createGroup = useCallback(
    async (name: string, members: string[] = [], metadata?: Record<string, unknown>) => {
      const group = await client.createGroup(name, members, metadata);
      put(group);
      return group;
    },
    [client, put],
  );
  return { ...snapshot, refresh, createGroup };
}

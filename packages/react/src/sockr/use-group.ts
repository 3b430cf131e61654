import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import type { Group, GroupMember, SockrEvents } from '@polysocket/sockr';
import { useSockrClient } from './client';
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
    const patch = (change: Partial<GroupSnapshot>): void => store.update((now) => ({ ...now, ...change }));
    const onJoined = (data: SockrEvents['group_joined'][0]): void => {
      if (data.groupId === groupId) patch({ group: data.group, isJoined: true, error: null });
    };
    const onLeft = (data: SockrEvents['group_left'][0]): void => {
      if (data.groupId === groupId) patch({ isJoined: false });
    };
    const onMembers = (data: SockrEvents['group_members'][0]): void => {
      if (data.groupId === groupId) patch({ members: data.members });
    };
    const onMemberJoined = ({ groupId: id, member }: SockrEvents['group_member_joined'][0]): void => {
      if (id !== groupId) return;
      store.update((now) => ({
        ...now,
        members: [...now.members.filter((m) => m.userId !== member.userId), member],
      }));
    };
    const onMemberLeft = ({ groupId: id, userId }: SockrEvents['group_member_left'][0]): void => {
      if (id !== groupId) return;
      store.update((now) => ({
        ...now,
        members: now.members.filter((m) => m.userId !== userId),
        isJoined: userId === client.getUserId() ? false : now.isJoined,
      }));
    };
    client.on('group_joined', onJoined);
    client.on('group_left', onLeft);
    client.on('group_members', onMembers);
    client.on('group_member_joined', onMemberJoined);
    client.on('group_member_left', onMemberLeft);
    return () => {
      client.off('group_joined', onJoined);
      client.off('group_left', onLeft);
      client.off('group_members', onMembers);
      client.off('group_member_joined', onMemberJoined);
      client.off('group_member_left', onMemberLeft);
    };
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
    const onCreated = ({ group }: SockrEvents['group_created'][0]): void => put(group);
    const onJoined = ({ group }: SockrEvents['group_joined'][0]): void => put(group);
    const onLeft = ({ groupId }: SockrEvents['group_left'][0]): void =>
      store.update((now) => ({ ...now, groups: now.groups.filter((g) => g.id !== groupId) }));
    if (client.isAuthenticated()) load();
    client.on('connected', load);
    client.on('group_created', onCreated);
    client.on('group_joined', onJoined);
    client.on('group_left', onLeft);
    return () => {
      client.off('connected', load);
      client.off('group_created', onCreated);
      client.off('group_joined', onJoined);
      client.off('group_left', onLeft);
    };
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

import { Store, toError, useModel } from '../store';
import type { Group, GroupMember } from '@polysocket/sockr';
import { listen, useSockrClient } from './client';

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

/** The members but `userId`, then `add`. */
const replace = (members: readonly GroupMember[], userId: string, ...add: GroupMember[]): GroupMember[] => [
  ...members.filter((m) => m.userId !== userId),
  ...add,
];

/**
 * sockr-client's `useGroup(groupId)`: the group, its members and whether this user is in it, from the group events
 * while mounted (`group_joined` — also the client's own re-join after each reconnect —, `group_left`,
 * `group_members`, `group_member_joined`/`left`). `error` is the latest action's failure (e.g. "Group not found").
 */
export function useGroup(groupId: string): GroupView {
  const client = useSockrClient();
  return useModel(() => {
    const store = new Store<GroupSnapshot>({ group: null, members: [], isJoined: false, error: null });
    // Each event of this group changes the snapshot.
    const mine =
      <D extends { groupId: string }>(change: (now: GroupSnapshot, data: D) => Partial<GroupSnapshot>) =>
      (data: D): void =>
        void (data.groupId === groupId && store.patch(change(store.read(), data)));
    const failed = (error: unknown): never => {
      store.patch({ error: toError(error) });
      throw error;
    };
    const refreshMembers = (): Promise<readonly GroupMember[]> => client.getGroupMembers(groupId).catch(failed);
    return [
      store,
      {
        refreshMembers,
        join: async () => {
          const { group } = await client.joinGroup(groupId).catch(failed);
          await refreshMembers();
          return group;
        },
        leave: () => client.leaveGroup(groupId).catch(failed),
      },
      () =>
        listen(client, {
          group_joined: mine((_, { group }) => ({ group, isJoined: true, error: null })),
          group_left: mine(() => ({ isJoined: false })),
          group_members: mine((_, { members }) => ({ members })),
          group_member_joined: mine((now, { member }) => ({ members: replace(now.members, member.userId, member) })),
          group_member_left: mine((now, { userId }) => ({
            members: replace(now.members, userId),
            isJoined: now.isJoined && userId !== client.getUserId(),
          })),
        }),
    ];
  }, [client, groupId]);
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
  return useModel(() => {
    const store = new Store<UserGroupsSnapshot>({ groups: [], isLoading: false, error: null });
    // The groups but `id`, then `add`.
    const groups = (id: string, ...add: Group[]): void =>
      store.patch({ groups: [...store.read().groups.filter((g) => g.id !== id), ...add] });
    const put = ({ group }: { group: Group }): void => groups(group.id, group);
    const refresh = async (): Promise<readonly Group[]> => {
      store.patch({ isLoading: true });
      try {
        const groups = await client.getUserGroups();
        store.set({ groups, isLoading: false, error: null });
        return groups;
      } catch (error) {
        store.patch({ isLoading: false, error: toError(error) });
        throw error;
      }
    };
    const load = (): void => void refresh().catch(() => undefined);
    return [
      store,
      {
        refresh,
        createGroup: async (name: string, members: string[] = [], metadata?: Record<string, unknown>) => {
          const group = await client.createGroup(name, members, metadata);
          put({ group });
          return group;
        },
      },
      () => {
        if (client.isAuthenticated()) load();
        return listen(client, {
          connected: load,
          group_created: put,
          group_joined: put,
          group_left: ({ groupId }) => groups(groupId),
        });
      },
    ];
  }, [client]);
}

import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import { StrictMode, useState } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SockrClient } from '@polysocket/sockr';
import { PolySocketProvider } from '@polysocket/react';
import {
  SocketProvider,
  useGroup,
  useGroupMessages,
  useGroupTyping,
  useSocket,
  useSocketEvent,
  useTypingIndicator,
  useUserGroups,
} from '@polysocket/react/sockr';
import { items, quick, sockrUser, startWorld, text, type World } from './support';

// The Sockr group and typing hooks (issue 18) against the mock's Sockr module over real sockets.

let world: World;
const others: SockrClient[] = [];
beforeEach(async () => {
  world = await startWorld();
});
afterEach(async () => {
  cleanup();
  for (const client of others.splice(0)) client.close();
  await world.close();
});

/** Another user (or another device of one), connected; typing never stops by itself. */
const user = (userId: string): Promise<SockrClient> =>
  sockrUser(world, userId, others, { typingTimes: { idleMs: 600_000 } });

const config = (): { url: string } & typeof quick => ({ url: world.server.url, ...quick });

function Status(): React.ReactNode {
  return <p data-testid="status">{useSocket().connectionState}</p>;
}

describe('useUserGroups and useGroup', () => {
  it('create, join, members and leave flow through; the groups are loaded again after a reconnect', async () => {
    let created: string | undefined;
    function Groups(): React.ReactNode {
      const { groups, createGroup, isLoading } = useUserGroups();
      const [groupId, setGroupId] = useState<string | undefined>(undefined);
      return (
        <div>
          <p data-testid="groups">{`${isLoading} ${groups.map((group) => group.name).join(',')}`}</p>
          <button
            onClick={() =>
              void createGroup('team', ['ana']).then((group) => {
                created = group.id;
                setGroupId(group.id);
              })
            }
          >
            create
          </button>
          {groupId !== undefined && <Group groupId={groupId} />}
        </div>
      );
    }
    let actions: ReturnType<typeof useGroup> | undefined;
    function Group({ groupId }: { groupId: string }): React.ReactNode {
      const group = useGroup(groupId);
      actions = group;
      const members = group.members.map((member) => `${member.userId}:${member.role}`).join(',');
      return <p data-testid="group">{`${group.group?.name ?? '-'} ${group.isJoined} ${members}`}</p>;
    }
    render(
      <StrictMode>
        <SocketProvider config={config()} token="token:ben">
          <Status />
          <Groups />
        </SocketProvider>
      </StrictMode>,
    );
    await waitFor(() => expect(text('status')).toBe('authenticated'));
    await waitFor(() => expect(text('groups')).toBe('false '));
    act(() => screen.getByText('create').click());
    await waitFor(() => expect(text('groups')).toBe('false team'));
    await waitFor(() => expect(text('group')).toBe('- false '));
    await act(() => actions!.join());
    expect(text('group')).toBe('team true ben:admin,ana:member');
    const carl = await user('carl');
    await carl.joinGroup(created!);
    await waitFor(() => expect(text('group')).toBe('team true ben:admin,ana:member,carl:member'));
    await carl.leaveGroup(created!);
    await waitFor(() => expect(text('group')).toBe('team true ben:admin,ana:member'));
    // A drop: the client re-joins the group it knows (group_joined again) and the list is loaded again.
    const asked = (): number => world.sockr.eventLog.filter(([, event]) => event === 'get_user_groups').length;
    const before = asked();
    world.sockr.dropUser('ben');
    await waitFor(() => expect(asked()).toBe(before + 1));
    await waitFor(() => expect(text('status')).toBe('authenticated'));
    expect(text('groups')).toBe('false team');
    expect(text('group')).toBe('team true ben:admin,ana:member');
    await act(() => actions!.leave());
    expect(text('group')).toMatch(/^team false /);
    await waitFor(() => expect(text('groups')).toBe('false '));
  });

  it('a join that fails is the hook’s error', async () => {
    let actions: ReturnType<typeof useGroup> | undefined;
    function Group(): React.ReactNode {
      actions = useGroup('no-such-group');
      return <p data-testid="error">{actions.error?.message ?? 'none'}</p>;
    }
    render(
      <SocketProvider config={config()} token="token:ben">
        <Status />
        <Group />
      </SocketProvider>,
    );
    await waitFor(() => expect(text('status')).toBe('authenticated'));
    await act(() => expect(actions!.join()).rejects.toMatchObject({ code: 'NOT_FOUND' }));
    expect(text('error')).toBe('Group not found');
  });
});

describe('useGroupMessages', () => {
  function Chat({ groupId, limit }: { groupId: string; limit?: number }): React.ReactNode {
    const { messages, fetchHistory, hasMore, isLoadingHistory, sendMessage } = useGroupMessages(groupId, { limit });
    return (
      <div>
        <p data-testid="history">{`${isLoadingHistory} ${hasMore}`}</p>
        <button onClick={() => void fetchHistory()}>older</button>
        <button onClick={() => void sendMessage('from ben')}>send</button>
        <ul>
          {messages.map((message) => (
            <li key={message.id}>{message.content}</li>
          ))}
        </ul>
      </div>
    );
  }

  it('pages back with the oldest timestamp (+1, de-duplicated): messages sharing a millisecond are not skipped', async () => {
    const ana = await user('ana');
    const group = await ana.createGroup('team', ['ben']);
    // Four stored messages; two share the millisecond at the first page's edge (limit 2).
    const at = (id: string, timestamp: number): void =>
      void world.sockr.messages.push({
        id,
        conversationId: group.id,
        from: 'ana',
        groupId: group.id,
        content: id,
        timestamp,
        deliveredTo: [],
        readBy: [],
      });
    at('m1', 1000);
    at('m2', 1001);
    at('m3', 1001);
    at('m4', 1002);
    render(
      <SocketProvider config={config()} token="token:ben">
        <Chat groupId={group.id} limit={2} />
      </SocketProvider>,
    );
    await waitFor(() => expect(items()).toEqual(['m3', 'm4']));
    expect(text('history')).toBe('false true');
    // sockr-client's cursor is the oldest timestamp, exclusive: `before 1001` returns m1 and m2 is lost.
    act(() => screen.getByText('older').click());
    await waitFor(() => expect(items()).toEqual(['m2', 'm3', 'm4']));
    act(() => screen.getByText('older').click());
    await waitFor(() => expect(items()).toEqual(['m1', 'm2', 'm3', 'm4']));
    await waitFor(() => expect(text('history')).toBe('false false'));
  });

  it('history, live messages, the own echo and a reconnect’s re-join: each message once', async () => {
    const ana = await user('ana');
    const group = await ana.createGroup('team', ['ben']);
    await ana.sendGroupMessage(group.id, 'stored');
    function Joined(): React.ReactNode {
      const { join, isJoined } = useGroup(group.id);
      return (
        <button onClick={() => void join()} data-testid="joined">
          {String(isJoined)}
        </button>
      );
    }
    render(
      <StrictMode>
        <SocketProvider config={config()} token="token:ben">
          <Status />
          <Joined />
          <Chat groupId={group.id} />
        </SocketProvider>
      </StrictMode>,
    );
    await waitFor(() => expect(items()).toEqual(['stored'])); // from history
    act(() => screen.getByTestId('joined').click()); // group_joined brings 'stored' again (its recent messages)
    await waitFor(() => expect(text('joined')).toBe('true'));
    await ana.sendGroupMessage(group.id, 'live');
    act(() => screen.getByText('send').click()); // the server echoes it to ben too
    await waitFor(() => expect(items()).toEqual(['stored', 'live', 'from ben']));
    const joins = (): number =>
      world.sockr.eventLog.filter(([who, event]) => who === 'ben' && event === 'group_join').length;
    expect(joins()).toBe(1);
    world.sockr.dropUser('ben');
    await waitFor(() => expect(joins()).toBe(2)); // re-joined after the re-login: group_joined with all three again
    await waitFor(() => expect(text('status')).toBe('authenticated'));
    await ana.sendGroupMessage(group.id, 'after');
    await waitFor(() => expect(items()).toEqual(['stored', 'live', 'from ben', 'after']));
  });

  it('a first page lost to a drop is asked for again after the re-login', async () => {
    const ana = await user('ana');
    const group = await ana.createGroup('team', ['ben']);
    await ana.sendGroupMessage(group.id, 'one');
    await ana.sendGroupMessage(group.id, 'two');
    const ben = await user('ben');
    world.sockr.faultsFor('ben').silence(); // the first page's request goes unanswered…
    function Team(): React.ReactNode {
      const { messages, historyError, isLoadingHistory } = useGroupMessages(group.id);
      const shown = messages.map((m) => m.content).join(',');
      return <p data-testid="team">{`${shown} ${String(isLoadingHistory)} ${historyError?.message}`}</p>;
    }
    render(
      <StrictMode>
        <PolySocketProvider client={ben}>
          <Team />
        </PolySocketProvider>
      </StrictMode>,
    );
    await waitFor(() => expect(text('team')).toBe(' true undefined'));
    world.sockr.dropUser('ben'); // …and fails with the link
    // Before: the page was asked for once per list, so it stayed empty with the drop's error.
    await waitFor(() => expect(text('team')).toBe('one,two false undefined'));
  });
});

describe('typing', () => {
  it('useGroupTyping leaves out this user’s other device and expires an indicator without a stop', async () => {
    const ana = await user('ana');
    const group = await ana.createGroup('team', ['ben']);
    const phone = await user('ben'); // ben's second device
    await phone.joinGroup(group.id);
    const raw: string[] = [];
    function Typing(): React.ReactNode {
      const { typingMembers } = useGroupTyping(group.id, 100); // remote indicators expire after 200 ms
      useSocketEvent('group_typing_start', ({ from }) => raw.push(from));
      return <p data-testid="typing">{typingMembers.join(',') || 'nobody'}</p>;
    }
    render(
      <SocketProvider config={config()} token="token:ben">
        <Status />
        <Typing />
      </SocketProvider>,
    );
    await waitFor(() => expect(text('status')).toBe('authenticated'));
    phone.startGroupTyping(group.id);
    await waitFor(() => expect(raw).toEqual(['ben'])); // the server sent ben's own typing to this socket
    expect(text('typing')).toBe('nobody'); // sockr-client would show "ben"
    ana.startGroupTyping(group.id);
    await waitFor(() => expect(text('typing')).toBe('ana'));
    await waitFor(() => expect(text('typing')).toBe('nobody')); // expired: ana never sent a stop
    expect(world.sockr.eventLog.filter(([who, event]) => who === 'ana' && event === 'group_typing_stop')).toEqual([]);
  });

  it('useGroupTyping sends one start while typing and a stop after stopDelay', async () => {
    const ana = await user('ana');
    const group = await ana.createGroup('team', ['ben']);
    const seen: string[] = [];
    ana.on('group_typing_start', () => seen.push('start'));
    ana.on('group_typing_stop', () => seen.push('stop'));
    let start: (() => void) | undefined;
    function Typing(): React.ReactNode {
      start = useGroupTyping(group.id, 50).startTyping;
      return null;
    }
    render(
      <SocketProvider config={config()} token="token:ben">
        <Status />
        <Typing />
      </SocketProvider>,
    );
    await waitFor(() => expect(text('status')).toBe('authenticated'));
    act(() => {
      start!();
      start!();
      start!();
    });
    await waitFor(() => expect(seen).toEqual(['start', 'stop']));
  });

  it('useTypingIndicator tells whom it was typing to `stop` when it unmounts', async () => {
    const ana = await user('ana');
    const seen: string[] = [];
    ana.on('typing_start', ({ from }) => seen.push(`start:${from}`));
    ana.on('typing_stop', ({ from }) => seen.push(`stop:${from}`));
    let mine: ReturnType<typeof useTypingIndicator> | undefined;
    function Typing(): React.ReactNode {
      mine = useTypingIndicator();
      return null;
    }
    function Page(): React.ReactNode {
      const [shown, setShown] = useState(true);
      return (
        <>
          <button onClick={() => setShown(false)}>leave</button>
          {shown && <Typing />}
        </>
      );
    }
    render(
      <SocketProvider config={{ ...config(), typingTimes: { idleMs: 600_000 } }} token="token:ben">
        <Status />
        <Page />
      </SocketProvider>,
    );
    await waitFor(() => expect(text('status')).toBe('authenticated'));
    act(() => mine!.startTyping('ana'));
    await waitFor(() => expect(seen).toEqual(['start:ben']));
    act(() => screen.getByText('leave').click());
    // The module's idle timer is 10 minutes here: only the unmount can have sent this stop.
    await waitFor(() => expect(seen).toEqual(['start:ben', 'stop:ben']));
  });

  it('useTypingIndicator shows who types to this user, and expires them after `timeout`', async () => {
    let mine: ReturnType<typeof useTypingIndicator> | undefined;
    function Typing(): React.ReactNode {
      mine = useTypingIndicator(150);
      return <p data-testid="typing">{[...mine.usersTyping].join(',') || 'nobody'}</p>;
    }
    render(
      <SocketProvider config={config()} token="token:ben">
        <Status />
        <Typing />
      </SocketProvider>,
    );
    // ana's module lets a start out at most every 50 ms, a stop and a new start included.
    const ana = await sockrUser(world, 'ana', others, { typingTimes: { idleMs: 600_000, throttleMs: 50 } });
    const got: string[] = [];
    ana.on('typing_start', ({ from }) => got.push(from));
    await waitFor(() => expect(text('status')).toBe('authenticated'));
    ana.startTyping('ben');
    await waitFor(() => expect(text('typing')).toBe('ana'));
    await waitFor(() => expect(text('typing')).toBe('nobody'));
    act(() => mine!.startTyping('ana')); // through the client's sockrTyping module, which SocketProvider adds
    await waitFor(() => expect(got).toEqual(['ben']));
    ana.stopTyping('ben'); // the next start goes out when ana's throttle window ends
    ana.startTyping('ben');
    await waitFor(() => expect(text('typing')).toBe('ana'));
    ana.stopTyping('ben');
    await waitFor(() => expect(text('typing')).toBe('nobody'));
  });
});

import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import { StrictMode } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PolySocketError } from '@polysocket/core';
import { PolySocketProvider } from '@polysocket/react';
import type { SockrClient } from '@polysocket/sockr';
import {
  SocketProvider,
  useGroup,
  useGroupMessages,
  useGroupTyping,
  useMessages,
  usePresence,
  useSendMessage,
  useSocket,
  useSocketEvent,
  useTypingIndicator,
  useUserGroups,
} from '@polysocket/react/sockr';
import { items, quick, sockrUser, startWorld, text, type World } from './support';

// sockr-client's React hooks, rebuilt on SockrClient (issue 18), against the mock's Sockr module over real sockets.

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

/** Another user, connected (a plain SockrClient). */
const user = (userId: string): Promise<SockrClient> => sockrUser(world, userId, others);

const config = (): { url: string } & typeof quick => ({ url: world.server.url, ...quick });

/** The hooks' view of the client, and the client itself for the test. */
let seen: SockrClient | undefined;
const states: string[] = [];
function Status(): React.ReactNode {
  const { client, connectionState, isConnected, isAuthenticated, userId } = useSocket();
  seen = client;
  if (states.at(-1) !== connectionState) states.push(connectionState);
  return <p data-testid="status">{`${connectionState} ${isConnected} ${isAuthenticated} ${userId}`}</p>;
}

function Inbox(): React.ReactNode {
  const { messages } = useMessages();
  return (
    <ul>
      {messages.map((message) => (
        <li key={message.id}>{`${message.from}: ${message.content}`}</li>
      ))}
    </ul>
  );
}

beforeEach(() => {
  seen = undefined;
  states.length = 0;
});

describe('SocketProvider and useSocket', () => {
  it('logs in once under StrictMode (one connection) and shows sockr-client’s context fields', async () => {
    render(
      <StrictMode>
        <SocketProvider config={config()} token="token:ben">
          <Status />
          <Inbox />
        </SocketProvider>
      </StrictMode>,
    );
    await waitFor(() => expect(text('status')).toBe('authenticated true true ben'));
    expect(world.sockr.authLog).toEqual(['token:ben']);
    expect(world.sockr.io?.engine.clientsCount).toBe(1);
    expect(world.sockr.socketsOf('ben')).toBe(1);
    expect(states[0]).not.toBe('authenticated'); // it went through connecting first
  });

  it('on unmount closes the client and leaves no listener on it', async () => {
    function Everything(): React.ReactNode {
      useMessages();
      useSendMessage();
      usePresence();
      useSocketEvent('user_online', () => undefined);
      useTypingIndicator(100);
      useGroup('g1');
      useGroupMessages('g1');
      useGroupTyping('g1');
      useUserGroups();
      return <Status />;
    }
    const { unmount } = render(
      <SocketProvider config={config()} token="token:ben">
        <Everything />
      </SocketProvider>,
    );
    await waitFor(() => expect(text('status')).toBe('authenticated true true ben'));
    const client = seen!;
    expect(client.listenerCount('message')).toBe(1);
    expect(client.eventNames().length).toBeGreaterThan(10);
    unmount();
    await waitFor(() => expect(client.state).toBe('closed'));
    expect(client.eventNames()).toEqual([]);
    await waitFor(() => expect(world.sockr.socketsOf('ben')).toBe(0));
  });

  it('a new token makes a new client (sockr-client keys its client on url and token)', async () => {
    const { rerender } = render(
      <SocketProvider config={config()} token="token:ben">
        <Status />
      </SocketProvider>,
    );
    await waitFor(() => expect(text('status')).toBe('authenticated true true ben'));
    const first = seen!;
    rerender(
      <SocketProvider config={config()} token="token:carl">
        <Status />
      </SocketProvider>,
    );
    await waitFor(() => expect(text('status')).toBe('authenticated true true carl'));
    expect(seen).not.toBe(first);
    await waitFor(() => expect(first.state).toBe('closed'));
    expect(world.sockr.authLog).toEqual(['token:ben', 'token:carl']);
  });
});

describe('useMessages', () => {
  it('shows a message the server delivers twice once (sockr-client appends each event)', async () => {
    render(
      <SocketProvider config={config()} token="token:ben">
        <Status />
        <Inbox />
      </SocketProvider>,
    );
    const ana = await user('ana');
    await waitFor(() => expect(text('status')).toBe('authenticated true true ben'));
    await ana.sendMessage('ben', 'hi ben');
    await waitFor(() => expect(items()).toEqual(['ana: hi ben']));
    // The same receive_message again on the wire (an offline-queue flush or a second device's copy).
    const stored = world.sockr.messages[0];
    for (const socket of world.sockr.online.get('ben') ?? [])
      socket.emit('receive_message', {
        from: 'ana',
        content: stored.content,
        timestamp: stored.timestamp,
        messageId: stored.id,
      });
    await ana.sendMessage('ben', 'second');
    await waitFor(() => expect(items()).toEqual(['ana: hi ben', 'ana: second']));
  });

  it('a new client (a PolySocketProvider’s `client` swapped at a re-login) starts with no message', async () => {
    const [ben, carl, ana] = [await user('ben'), await user('carl'), await user('ana')];
    const app = (client: SockrClient): React.ReactNode => (
      <PolySocketProvider client={client}>
        <Inbox />
      </PolySocketProvider>
    );
    const { rerender } = render(app(ben));
    await ana.sendMessage('ben', 'for ben');
    await waitFor(() => expect(items()).toEqual(['ana: for ben']));
    rerender(app(carl));
    // Before: the list was the component's, so carl was shown ben's messages.
    expect(items()).toEqual([]);
    await ana.sendMessage('carl', 'for carl');
    await waitFor(() => expect(items()).toEqual(['ana: for carl']));
  });

  it('a changed `limit` takes effect: the newest `limit` messages are kept', async () => {
    function Last({ limit }: { limit: number }): React.ReactNode {
      const { messages } = useMessages({ limit });
      return <p data-testid="last">{messages.map((message) => message.content).join(',')}</p>;
    }
    const app = (limit: number): React.ReactNode => (
      <SocketProvider config={config()} token="token:ben">
        <Status />
        <Last limit={limit} />
      </SocketProvider>
    );
    const { rerender } = render(app(3));
    const ana = await user('ana');
    await waitFor(() => expect(text('status')).toBe('authenticated true true ben'));
    for (const content of ['m1', 'm2', 'm3', 'm4']) await ana.sendMessage('ben', content);
    await waitFor(() => expect(text('last')).toBe('m2,m3,m4'));
    rerender(app(2));
    expect(text('last')).toBe('m3,m4');
    rerender(app(4));
    for (const content of ['m5', 'm6']) await ana.sendMessage('ben', content);
    await waitFor(() => expect(text('last')).toBe('m3,m4,m5,m6'));
  });

  it('history added with addMessage next to the live messages: each id once, oldest first', async () => {
    let add: ReturnType<typeof useMessages>['addMessage'] | undefined;
    function Loaded(): React.ReactNode {
      const { messages, addMessage } = useMessages();
      add = addMessage;
      return (
        <ul>
          {messages.map((message) => (
            <li key={message.id}>{message.content}</li>
          ))}
        </ul>
      );
    }
    render(
      <SocketProvider config={config()} token="token:ben">
        <Status />
        <Loaded />
      </SocketProvider>,
    );
    const ana = await user('ana');
    await waitFor(() => expect(text('status')).toBe('authenticated true true ben'));
    await ana.sendMessage('ben', 'one');
    await ana.sendMessage('ben', 'two');
    await waitFor(() => expect(items()).toEqual(['one', 'two']));
    // The app loads the conversation's history into the list, as sockr-client apps do with addMessage.
    const history = await seen!.fetchMessageHistory('ana');
    expect(history.map((message) => message.content)).toEqual(['one', 'two']);
    act(() => {
      for (const message of history) add!({ ...message });
    });
    expect(items()).toEqual(['one', 'two']);
  });

  it('goes through a drop and reconnect while mounted: states flow, each message once, none lost', async () => {
    render(
      <SocketProvider config={config()} token="token:ben">
        <Status />
        <Inbox />
      </SocketProvider>,
    );
    const ana = await user('ana');
    await waitFor(() => expect(text('status')).toBe('authenticated true true ben'));
    await ana.sendMessage('ben', 'before');
    await waitFor(() => expect(items()).toEqual(['ana: before']));
    // Lost on the wire: the server counts it delivered to a dying socket; the client's catch-up finds it.
    world.sockr.blackhole('ben');
    await ana.sendMessage('ben', 'while dying');
    expect(world.sockr.dropUser('ben')).toBe(1);
    await waitFor(() => expect(states).toContain('reconnecting'));
    await waitFor(() => expect(text('status')).toBe('authenticated true true ben'));
    await ana.sendMessage('ben', 'after');
    await waitFor(() => expect(items()).toEqual(['ana: before', 'ana: while dying', 'ana: after']));
    expect(states.slice(0, 3)).toEqual(['disconnected', 'connecting', 'authenticated']);
    expect(states.at(-1)).toBe('authenticated');
    expect(world.sockr.authLog.filter((token) => token === 'token:ben')).toHaveLength(2);
    expect(world.sockr.socketsOf('ben')).toBe(1);
  });
});

describe('useSendMessage', () => {
  const codeOf = (error: Error | null | undefined): string | undefined =>
    error instanceof PolySocketError ? error.code : error?.message;
  function Sender(): React.ReactNode {
    const { sendMessage, sends, isSending, error } = useSendMessage();
    return (
      <div>
        <button onClick={() => void sendMessage('ana', 'x'.repeat(5000))}>big</button>
        <button onClick={() => void sendMessage('ana', 'small')}>small</button>
        <button
          onClick={() => {
            void sendMessage('ana', 'first');
            void sendMessage('ana', 'second');
          }}
        >
          two
        </button>
        <p data-testid="sends">{sends.map((send) => `${send.args[1].slice(0, 5)}:${send.status}`).join(',')}</p>
        <p data-testid="errors">{sends.map((send) => codeOf(send.error) ?? '-').join(',')}</p>
        <p data-testid="latest">{`${isSending} ${codeOf(error) ?? null}`}</p>
      </div>
    );
  }

  it('two sends in flight are two records, each settled by its own reply', async () => {
    render(
      <SocketProvider config={config()} token="token:ben">
        <Status />
        <Sender />
      </SocketProvider>,
    );
    const ana = await user('ana');
    const got: string[] = [];
    ana.on('message', (message) => got.push(message.content));
    await waitFor(() => expect(text('status')).toBe('authenticated true true ben'));
    act(() => screen.getByText('two').click());
    // Both are in flight at once (no reply can have come back within this act), each with its own state.
    expect(text('sends')).toBe('first:pending,secon:pending');
    expect(text('latest')).toBe('true null');
    await waitFor(() => expect(text('sends')).toBe('first:fulfilled,secon:fulfilled'));
    expect(text('latest')).toBe('false null');
    await waitFor(() => expect(got).toEqual(['first', 'second']));
  });

  it('a failed send keeps its error when the next one succeeds (sockr-client’s one flag loses it)', async () => {
    render(
      <SocketProvider config={{ ...config(), maxMessageSize: 2000 }} token="token:ben">
        <Status />
        <Sender />
      </SocketProvider>,
    );
    await user('ana');
    await waitFor(() => expect(text('status')).toBe('authenticated true true ben'));
    act(() => screen.getByText('big').click());
    await waitFor(() => expect(text('sends')).toBe('xxxxx:rejected'));
    expect(text('latest')).toBe('false TOO_LARGE'); // the latest call failed: the top-level error is its
    act(() => screen.getByText('small').click());
    await waitFor(() => expect(text('sends')).toBe('xxxxx:rejected,small:fulfilled'));
    expect(text('errors')).toBe('TOO_LARGE,-'); // the first send's error stays with it
    expect(text('latest')).toBe('false null');
  });
});

describe('usePresence', () => {
  it('follows checkOnlineStatus, user_online and user_offline, and asks again after a reconnect', async () => {
    let check: ReturnType<typeof usePresence>['checkOnlineStatus'] | undefined;
    function Who(): React.ReactNode {
      const { onlineUsers, isUserOnline, checkOnlineStatus } = usePresence();
      check = checkOnlineStatus;
      return <p data-testid="online">{`${[...onlineUsers].sort().join(',')} ana:${isUserOnline('ana')}`}</p>;
    }
    render(
      <SocketProvider config={config()} token="token:ben">
        <Status />
        <Who />
      </SocketProvider>,
    );
    await user('ana');
    await waitFor(() => expect(text('status')).toBe('authenticated true true ben'));
    let statuses: Record<string, boolean> = {};
    await act(async () => {
      statuses = await check!(['ana', 'carl']);
    });
    expect(statuses).toEqual({ ana: true, carl: false });
    // ben's own login is a user_online too (the post-login hook broadcasts it to everyone).
    expect(text('online')).toBe('ana,ben ana:true');
    const carl = await user('carl'); // the post-login hook broadcasts user_online
    await waitFor(() => expect(text('online')).toBe('ana,ben,carl ana:true'));
    carl.close();
    await waitFor(() => expect(text('online')).toBe('ana,ben ana:true'));
    // carl comes back while ben is away: ben's re-login asks again for the users it asked about.
    world.sockr.blackhole('ben');
    await user('carl');
    expect(text('online')).toBe('ana,ben ana:true');
    world.sockr.dropUser('ben');
    await waitFor(() => expect(text('online')).toBe('ana,ben,carl ana:true'));
    expect(world.sockr.eventLog.filter(([who, event]) => who === 'ben' && event === 'get_online_status')).toHaveLength(
      2,
    );
  });
});

describe('outside a provider', () => {
  it('a Sockr hook throws naming the provider to use', () => {
    function Lost(): React.ReactNode {
      useMessages();
      return null;
    }
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      expect(() => render(<Lost />)).toThrow('<SocketProvider>');
    } finally {
      quiet.mockRestore();
    }
  });
});

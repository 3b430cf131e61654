import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import { Activity, StrictMode } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { FoonyClient } from '@polysocket/foony';
import { createClient } from 'polysocket';
import { hooksFor, PolySocketProvider, useEvent, usePublish } from '@polysocket/react';
import { usePresence } from '@polysocket/react/foony';
import { lifecycleListeners, quick, startWorld, type World } from './support';
import { Chat, foonyClient, State, texts } from './foony-support';

let world: World;
const clients: FoonyClient[] = [];
beforeEach(async () => {
  world = await startWorld();
});
afterEach(async () => {
  cleanup();
  for (const client of clients.splice(0)) client.close();
  await world.close();
});

const makeClient = (clientId?: string): FoonyClient => foonyClient(world, clients, clientId);

const { useClient } = hooksFor<FoonyClient>();

describe('PolySocketProvider', () => {
  it('connects a client from createClient on mount and shows its state through useConnectionState', async () => {
    render(
      <PolySocketProvider
        create={() => createClient({ protocol: 'foony', url: world.foonyUrl, token: 'valid-token', ...quick })}
      >
        <State />
      </PolySocketProvider>,
    );
    await waitFor(() => expect(screen.getByTestId('state').textContent).toBe('connected'));
    expect(world.foony.authLog).toHaveLength(1);
    cleanup();
    await waitFor(() => expect(world.server.connections('/foony')).toHaveLength(0));
  });

  it('under StrictMode makes one client and exactly one connection', async () => {
    let made = 0;
    const seen = new Set<FoonyClient>();
    function Probe(): React.ReactNode {
      seen.add(useClient());
      return <State />;
    }
    render(
      <StrictMode>
        <PolySocketProvider
          create={() => {
            made++;
            return makeClient();
          }}
        >
          <Probe />
          <Chat />
        </PolySocketProvider>
      </StrictMode>,
    );
    await waitFor(() => expect(screen.getByTestId('channel-state').textContent).toBe('attached'));
    world.foony.publish('chat', 'text', 'after the double effects');
    await waitFor(() => expect(texts()).toEqual(['after the double effects']));
    expect(world.foony.authLog).toHaveLength(1);
    expect(world.server.connections('/foony')).toHaveLength(1);
    expect(seen.size).toBe(1);
    expect(made).toBeLessThanOrEqual(2); // React may run `create` in a render it throws away; that one never connects
    expect([...seen][0].state).toBe('connected');
    // One subscribe reached the server, not a subscribe, an unsubscribe and a subscribe again.
    expect(world.foony.subscriberCount('chat')).toBe(1);
    expect(world.foony.requestsFor('chat')).toMatchObject({ sub: 1, unsub: 0 });
  });

  it('on unmount closes the client and leaves no listener on it', async () => {
    let client: FoonyClient | undefined;
    let before: Record<string, number> = {};
    const { unmount } = render(
      <PolySocketProvider
        create={() => {
          client = makeClient();
          before = lifecycleListeners(client.connection);
          return client;
        }}
      >
        <State />
        <Chat />
      </PolySocketProvider>,
    );
    await waitFor(() => expect(screen.getByTestId('channel-state').textContent).toBe('attached'));
    expect(lifecycleListeners(client!.connection).state).toBeGreaterThan(before.state);
    const channel = client!.channel('chat');
    expect(channel.listenerCount('state')).toBe(1);
    unmount();
    await waitFor(() => expect(client!.state).toBe('closed'));
    expect(lifecycleListeners(client!.connection)).toEqual(before);
    expect(channel.listenerCount('state')).toBe(0);
    await waitFor(() => expect(world.server.connections('/foony')).toHaveLength(0));
  });

  it('hidden by <Activity> closes its client; shown again it makes and connects a new one', async () => {
    const made: FoonyClient[] = [];
    function Page({ mode }: { mode: 'visible' | 'hidden' }): React.ReactNode {
      return (
        <Activity mode={mode}>
          <PolySocketProvider
            create={() => {
              made.push(makeClient());
              return made.at(-1)!;
            }}
          >
            <State />
          </PolySocketProvider>
        </Activity>
      );
    }
    const { rerender } = render(<Page mode="visible" />);
    await waitFor(() => expect(screen.getByTestId('state').textContent).toBe('connected'));
    rerender(<Page mode="hidden" />);
    await waitFor(() => expect(made[0].state).toBe('closed'));
    rerender(<Page mode="visible" />);
    await waitFor(() => expect(made).toHaveLength(2));
    await waitFor(() => expect(screen.getByTestId('state').textContent).toBe('connected'));
    expect(made[1].state).toBe('connected');
    expect(made[0].state).toBe('closed');
    expect(world.foony.authLog).toHaveLength(2);
    expect(world.server.connections('/foony')).toHaveLength(1);
  });

  it('a shared client is neither connected nor closed by the provider', async () => {
    const client = makeClient();
    const { unmount } = render(
      <PolySocketProvider client={client}>
        <State />
      </PolySocketProvider>,
    );
    expect(screen.getByTestId('state').textContent).toBe('idle');
    await act(() => client.connect());
    expect(screen.getByTestId('state').textContent).toBe('connected');
    unmount();
    await Promise.resolve();
    expect(client.state).toBe('connected');
  });
});

describe('useEvent', () => {
  it('calls the latest handler with one listener for every render', async () => {
    const calls: string[] = [];
    let client: FoonyClient | undefined;
    function Listener({ label }: { label: string }): React.ReactNode {
      useEvent('state', (state) => calls.push(`${label}:${state}`));
      return <p>{label}</p>;
    }
    const create = (): FoonyClient => (client = makeClient());
    const { rerender } = render(
      <PolySocketProvider create={create} connect={false}>
        <Listener label="first" />
      </PolySocketProvider>,
    );
    const listeners = client!.connection.listenerCount('state');
    const on = vi.spyOn(client!, 'on');
    const off = vi.spyOn(client!, 'off');
    rerender(
      <PolySocketProvider create={create} connect={false}>
        <Listener label="second" />
      </PolySocketProvider>,
    );
    rerender(
      <PolySocketProvider create={create} connect={false}>
        <Listener label="third" />
      </PolySocketProvider>,
    );
    expect(client!.connection.listenerCount('state')).toBe(listeners);
    expect(on).not.toHaveBeenCalled();
    expect(off).not.toHaveBeenCalled();
    await act(() => client!.connect());
    expect(calls).toEqual(['third:connecting', 'third:connected']);
  });
});

describe('usePresence', () => {
  it('shows who is on the channel, self included, and follows enter and leave', async () => {
    const other = makeClient('other');
    function Members(): React.ReactNode {
      const { members, enter, leave, isPresent } = usePresence('room');
      return (
        <div>
          <button onClick={() => void enter({ name: 'me' })}>enter</button>
          <button onClick={() => void leave()}>leave</button>
          <p data-testid="present">{String(isPresent)}</p>
          <p data-testid="members">
            {[...members.values()]
              .map((member) => member.clientId)
              .sort()
              .join(',')}
          </p>
        </div>
      );
    }
    render(
      <PolySocketProvider create={() => makeClient('me')}>
        <Members />
      </PolySocketProvider>,
    );
    const members = (): string => screen.getByTestId('members').textContent ?? '';
    await waitFor(() => expect(world.foony.subscriberCount('room')).toBe(1));
    await other.connect();
    await other.channel('room').presence.enter({ name: 'other' });
    await waitFor(() => expect(members()).toBe('other'));
    act(() => screen.getByText('enter').click());
    await waitFor(() => expect(members()).toBe('me,other'));
    expect(screen.getByTestId('present').textContent).toBe('true');
    await other.channel('room').presence.leave();
    await waitFor(() => expect(members()).toBe('me'));
    act(() => screen.getByText('leave').click());
    await waitFor(() => expect(members()).toBe(''));
    expect(screen.getByTestId('present').textContent).toBe('false');
  });
});

describe('usePublish', () => {
  it('keeps a pending and a settled state per call', async () => {
    function Sender(): React.ReactNode {
      const { call, calls } = usePublish((client: FoonyClient, text: string) =>
        client.channel('log').publish('text', text),
      );
      return (
        <div>
          <button onClick={() => void call('one')}>one</button>
          <button onClick={() => void call('')}>two</button>
          <ol>
            {calls.map((record) => (
              <li key={record.id}>{`${record.id}:${record.args[0]}:${record.status}`}</li>
            ))}
          </ol>
        </div>
      );
    }
    render(
      <PolySocketProvider create={() => makeClient()}>
        <State />
        <Sender />
      </PolySocketProvider>,
    );
    await waitFor(() => expect(screen.getByTestId('state').textContent).toBe('connected'));
    act(() => {
      screen.getByText('one').click();
      screen.getByText('two').click();
    });
    expect(texts()).toEqual(['1:one:pending', '2::pending']);
    await waitFor(() => expect(texts()).toEqual(['1:one:fulfilled', '2::fulfilled']));
    expect(world.foony.historyOf('log').map((message) => message.data)).toEqual(['one', '']);
  });
});

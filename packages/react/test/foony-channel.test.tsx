import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FoonyClient } from '@polysocket/foony';
import { PolySocketProvider, useEvent } from '@polysocket/react';
import { useChannel } from '@polysocket/react/foony';
import { startWorld, type World } from './support';
import { Chat, foonyClient, State, texts } from './foony-support';

// useChannel against the mock server (the provider and the other Foony hooks: foony.test.tsx).
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

describe('useChannel', () => {
  it("publishes and receives the channel's messages", async () => {
    function Publisher(): React.ReactNode {
      const { publish, state } = useChannel('chat');
      return (
        <button disabled={state !== 'attached'} onClick={() => void publish('text', 'from the hook')}>
          send
        </button>
      );
    }
    render(
      <PolySocketProvider create={() => makeClient()}>
        <Publisher />
        <Chat />
      </PolySocketProvider>,
    );
    const button = screen.getByRole('button');
    await waitFor(() => expect((button as HTMLButtonElement).disabled).toBe(false));
    act(() => button.click());
    await waitFor(() => expect(texts()).toEqual(['from the hook']));
    expect(world.foony.historyOf('chat').map((message) => message.data)).toEqual(['from the hook']);
  });

  it('a new limit keeps the messages received so far (the latest of them)', async () => {
    function Limited({ limit }: { limit: number }): React.ReactNode {
      const { messages, state } = useChannel('chat', { limit });
      return (
        <div>
          <p data-testid="channel-state">{state}</p>
          <ul>
            {messages.map((message) => (
              <li key={message.messageId}>{String(message.data)}</li>
            ))}
          </ul>
        </div>
      );
    }
    const app = (limit: number) => (
      <PolySocketProvider create={() => makeClient()}>
        <Limited limit={limit} />
      </PolySocketProvider>
    );
    const { rerender } = render(app(5));
    await waitFor(() => expect(screen.getByTestId('channel-state').textContent).toBe('attached'));
    for (const text of ['a', 'b', 'c']) world.foony.publish('chat', 'text', text);
    await waitFor(() => expect(texts()).toEqual(['a', 'b', 'c']));
    rerender(app(10));
    expect(texts()).toEqual(['a', 'b', 'c']);
    rerender(app(2));
    await waitFor(() => expect(texts()).toEqual(['b', 'c']));
    world.foony.publish('chat', 'text', 'd');
    await waitFor(() => expect(texts()).toEqual(['c', 'd']));
  });

  it('unsubscribes when the last user unmounts, not before', async () => {
    function Toggle(): React.ReactNode {
      const [both, setBoth] = useState(true);
      return (
        <>
          <button onClick={() => setBoth(false)}>one</button>
          <Chat />
          {both && <Chat />}
        </>
      );
    }
    function Outer(): React.ReactNode {
      const [shown, setShown] = useState(true);
      return (
        <>
          <button onClick={() => setShown(false)}>none</button>
          {shown && <Toggle />}
        </>
      );
    }
    render(
      <PolySocketProvider create={() => makeClient()}>
        <Outer />
      </PolySocketProvider>,
    );
    await waitFor(() => expect(world.foony.subscriberCount('chat')).toBe(1));
    act(() => screen.getByText('one').click());
    world.foony.publish('chat', 'text', 'still here');
    await waitFor(() => expect(texts()).toEqual(['still here']));
    expect(world.foony.subscriberCount('chat')).toBe(1);
    act(() => screen.getByText('none').click());
    await waitFor(() => expect(world.foony.subscriberCount('chat')).toBe(0));
  });

  it('leaves the channel subscribed when the app subscribed a listener of its own while a hook had it', async () => {
    const client = makeClient();
    function Outer(): React.ReactNode {
      const [shown, setShown] = useState(true);
      return (
        <>
          <button onClick={() => setShown(false)}>none</button>
          {shown && <Chat />}
        </>
      );
    }
    render(
      <PolySocketProvider create={() => client}>
        <Outer />
      </PolySocketProvider>,
    );
    await waitFor(() => expect(world.foony.subscriberCount('chat')).toBe(1));
    const appGot: unknown[] = [];
    client.channel('chat').subscribe((message) => appGot.push(message.data));
    act(() => screen.getByText('none').click());
    world.foony.publish('chat', 'text', 'for the app');
    await waitFor(() => expect(appGot).toEqual(['for the app']));
    expect(world.foony.subscriberCount('chat')).toBe(1);
    expect(client.channel('chat').state).toBe('attached');
  });

  it('goes through a drop and reconnect while mounted: states flow, each message arrives once', async () => {
    const states: string[] = [];
    function Watch(): React.ReactNode {
      useEvent('state', (state) => states.push(state));
      return null;
    }
    render(
      <PolySocketProvider create={() => makeClient()}>
        <Watch />
        <State />
        <Chat />
      </PolySocketProvider>,
    );
    await waitFor(() => expect(screen.getByTestId('channel-state').textContent).toBe('attached'));
    world.foony.publish('chat', 'text', 'before');
    await waitFor(() => expect(texts()).toEqual(['before']));

    const dropped = world.server.faults.drop('/foony');
    expect(dropped).toBe(1);
    await waitFor(() => expect(states).toContain('reconnecting'));
    world.foony.publish('chat', 'text', 'while away'); // stored: the resume delivers it
    await waitFor(() => expect(screen.getByTestId('state').textContent).toBe('connected'));
    await waitFor(() => expect(screen.getByTestId('channel-state').textContent).toBe('attached'));
    world.foony.publish('chat', 'text', 'after');
    await waitFor(() => expect(texts()).toContain('after'));
    expect(texts()).toEqual(['before', 'while away', 'after']);
    expect(states).toEqual(['connecting', 'connected', 'reconnecting', 'connecting', 'connected']);
    expect(world.foony.authLog).toHaveLength(2);
  });
});

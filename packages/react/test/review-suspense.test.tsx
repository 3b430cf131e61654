import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import { StrictMode, Suspense, use } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FoonyClient } from '@polysocket/foony';
import type { SockrClient } from '@polysocket/sockr';
import { hooksFor, PolySocketProvider, useEvent } from '@polysocket/react';
import { useMessages, useSocketEvent } from '@polysocket/react/sockr';
import { sockrUser, startWorld, type World } from './support';
import { Chat, foonyClient, State, texts } from './foony-support';

// A Suspense boundary that shows its fallback again hides its content: React runs the hidden tree's layout-effect
// cleanups (and runs them again when it shows it), but keeps its state and passive effects.

let world: World;
const clients: FoonyClient[] = [];
const sockrClients: SockrClient[] = [];
beforeEach(async () => {
  world = await startWorld();
});
afterEach(async () => {
  cleanup();
  for (const client of [...clients.splice(0), ...sockrClients.splice(0)]) client.close();
  await world.close();
});

const { useClient } = hooksFor<FoonyClient>();
const never = new Promise<never>(() => undefined);
function MaybeSuspend({ on }: { on: boolean }): React.ReactNode {
  if (on) use(never);
  return null;
}

describe('a Suspense boundary that hides the provider or a hook', () => {
  it('keeps the provider’s client and its one connection while the fallback shows', async () => {
    const seen = new Set<FoonyClient>();
    function Probe(): React.ReactNode {
      seen.add(useClient());
      return <State />;
    }
    const app = (on: boolean): React.ReactNode => (
      <Suspense fallback={<p>loading</p>}>
        <PolySocketProvider create={() => foonyClient(world, clients)}>
          <Probe />
          <Chat />
        </PolySocketProvider>
        <MaybeSuspend on={on} />
      </Suspense>
    );
    const { rerender } = render(app(false));
    await waitFor(() => expect(screen.getByTestId('channel-state').textContent).toBe('attached'));
    const [client] = seen;
    await act(async () => rerender(app(true)));
    await act(async () => await new Promise((resolve) => setTimeout(resolve, 20)));
    expect(client.state).toBe('connected');
    await act(async () => rerender(app(false)));
    expect(screen.getByTestId('state').textContent).toBe('connected');
    world.foony.publish('chat', 'text', 'after the fallback');
    await waitFor(() => expect(texts()).toEqual(['after the fallback']));
    expect(seen.size).toBe(1);
    expect(world.foony.authLog).toHaveLength(1);
  });

  it('useEvent keeps hearing events while its boundary shows the fallback', async () => {
    const heard: string[] = [];
    let client: FoonyClient | undefined;
    function Listener(): React.ReactNode {
      client = useClient();
      useEvent('state', (state) => heard.push(state));
      return <State />;
    }
    const app = (on: boolean): React.ReactNode => (
      <PolySocketProvider create={() => foonyClient(world, clients)}>
        <Suspense fallback={<p>loading</p>}>
          <Listener />
          <MaybeSuspend on={on} />
        </Suspense>
      </PolySocketProvider>
    );
    const { rerender } = render(app(false));
    await waitFor(() => expect(screen.getByTestId('state').textContent).toBe('connected'));
    await act(async () => rerender(app(true)));
    await act(async () => client?.close());
    expect(heard.at(-1)).toBe('closed');
  });

  it('useMessages (StrictMode) gets a message that comes while hidden; unmounted, no listener is left', async () => {
    const ben = await sockrUser(world, 'ben', sockrClients);
    const ana = await sockrUser(world, 'ana', sockrClients);
    const before = Object.fromEntries(ben.eventNames().map((name) => [name, ben.listenerCount(name as 'message')]));
    function Inbox(): React.ReactNode {
      useSocketEvent('message', () => undefined);
      return (
        <p data-testid="inbox">
          {useMessages()
            .messages.map((m) => m.content)
            .join(',')}
        </p>
      );
    }
    const app = (on: boolean): React.ReactNode => (
      <StrictMode>
        <PolySocketProvider client={ben}>
          <Suspense fallback={<p>loading</p>}>
            <Inbox />
            <MaybeSuspend on={on} />
          </Suspense>
        </PolySocketProvider>
      </StrictMode>
    );
    const { rerender, unmount } = render(app(false));
    await ana.sendMessage('ben', 'shown');
    await waitFor(() => expect(screen.getByTestId('inbox').textContent).toBe('shown'));
    expect(ben.listenerCount('message')).toBe(2);
    await act(async () => rerender(app(true)));
    await ana.sendMessage('ben', 'while hidden');
    await act(async () => rerender(app(false)));
    await waitFor(() => expect(screen.getByTestId('inbox').textContent).toBe('shown,while hidden'));
    expect(ben.listenerCount('message')).toBe(2);
    unmount();
    const after = Object.fromEntries(ben.eventNames().map((name) => [name, ben.listenerCount(name as 'message')]));
    expect(after).toEqual(before);
  });

  it('useEvent moves its one listener to a new client or event name (StrictMode)', async () => {
    const [a, b] = [foonyClient(world, clients), foonyClient(world, clients)];
    const heard: string[] = [];
    function Listener({ event }: { event: 'state' | 'connected' }): React.ReactNode {
      useEvent(event, () => void heard.push(event));
      return null;
    }
    const app = (client: FoonyClient, event: 'state' | 'connected'): React.ReactNode => (
      <StrictMode>
        <PolySocketProvider client={client}>
          <Listener event={event} />
        </PolySocketProvider>
      </StrictMode>
    );
    const counts = (): number[] =>
      [a, b].flatMap((c) => [c.connection.listenerCount('state'), c.connection.listenerCount('connected')]);
    const { rerender, unmount } = render(app(a, 'state'));
    expect(counts()).toEqual([1, 0, 0, 0]);
    rerender(app(b, 'state'));
    expect(counts()).toEqual([0, 0, 1, 0]);
    rerender(app(b, 'connected'));
    expect(counts()).toEqual([0, 0, 0, 1]);
    await act(() => b.connect());
    expect(heard).toEqual(['connected']);
    unmount();
    expect(counts()).toEqual([0, 0, 0, 0]);
  });
});

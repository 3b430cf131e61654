import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import { StrictMode, useState } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IgnisClient } from '@polysocket/ignis';
import { hooksFor, PolySocketProvider } from '@polysocket/react';
import { useRoom } from '@polysocket/react/ignis';
import { items, quick, startWorld, type World } from './support';

/** The app's events, as `createClient<Events>({ protocol: 'ignis' })` types them. */
interface Events {
  'room-message': { text: string };
  echo: { n: number };
  'to-room': { room: string; data: { text: string } };
}
type Client = IgnisClient<Events>;
const { useEvent, useRequest, useConnectionState } = hooksFor<Client>();

let world: World;
beforeEach(async () => {
  world = await startWorld();
});
afterEach(async () => {
  cleanup();
  await world.close();
});

const makeClient = (): Client =>
  new IgnisClient<Events>({ url: world.ignisUrl, auth: { token: 'good-token' }, ...quick });
const serverRooms = (): string[] => world.ignis.clientList().flatMap((client) => client.rooms);

function Room({ name }: { name: string }): React.ReactNode {
  const { joined, active } = useRoom(name);
  const [texts, setTexts] = useState<string[]>([]);
  // Typed from Events: `data` is { text: string }.
  useEvent('room-message', (data) => setTexts((list) => [...list, data.text]));
  return (
    <div>
      <p data-testid="room">{`${String(joined)}/${String(active)}`}</p>
      <ul>
        {texts.map((text, index) => (
          <li key={index}>{text}</li>
        ))}
      </ul>
    </div>
  );
}

describe('useRoom', () => {
  it("joins while mounted (once under StrictMode), gets the room's events, leaves on unmount", async () => {
    function Page(): React.ReactNode {
      const [shown, setShown] = useState(true);
      return (
        <>
          <button onClick={() => setShown(false)}>hide</button>
          {shown && <Room name="lobby" />}
        </>
      );
    }
    render(
      <StrictMode>
        <PolySocketProvider create={makeClient}>
          <Page />
        </PolySocketProvider>
      </StrictMode>,
    );
    await waitFor(() => expect(serverRooms()).toContain('lobby'));
    expect(screen.getByTestId('room').textContent).toBe('true/true');
    expect(world.ignis.clientList()).toHaveLength(1);
    world.ignis.sendToRoom('lobby', 'room-message', { text: 'hi lobby' });
    world.ignis.sendToRoom('elsewhere', 'room-message', { text: 'not for us' });
    await waitFor(() => expect(items()).toEqual(['hi lobby']));
    act(() => screen.getByText('hide').click());
    await waitFor(() => expect(serverRooms()).not.toContain('lobby'));
    expect(world.ignis.clientList()).toHaveLength(1);
  });

  it('re-joins after a drop while mounted', async () => {
    render(
      <PolySocketProvider create={makeClient}>
        <Room name="lobby" />
      </PolySocketProvider>,
    );
    await waitFor(() => expect(serverRooms()).toContain('lobby'));
    const before = world.ignis.clientList()[0].clientId;
    world.server.faults.drop('/ignis');
    await waitFor(() => expect(world.ignis.clientList().map((client) => client.clientId)).not.toContain(before));
    await waitFor(() => expect(serverRooms()).toContain('lobby'));
    world.ignis.sendToRoom('lobby', 'room-message', { text: 'after the drop' });
    await waitFor(() => expect(items()).toEqual(['after the drop']));
  });
});

describe('useRequest', () => {
  it('keeps a state per call: one fulfilled with its reply, one rejected with its error', async () => {
    function Echo(): React.ReactNode {
      const state = useConnectionState();
      const { call, calls, pending } = useRequest((client: Client, n: number) =>
        // A BigInt cannot be sent: that call fails at once with INVALID, the other one is answered.
        client.request<{ n: number }>('echo', { n: n === 2 ? (BigInt(2) as unknown as number) : n }),
      );
      return (
        <div>
          <p data-testid="state">{state}</p>
          <p data-testid="pending">{String(pending)}</p>
          <button
            onClick={() => {
              void call(1);
              void call(2);
            }}
          >
            go
          </button>
          <ul>
            {calls.map((record) => (
              <li key={record.id}>
                {`${record.args[0]}:${record.status}:${record.result?.data?.n ?? ''}:${(record.error as { code?: string } | undefined)?.code ?? ''}`}
              </li>
            ))}
          </ul>
        </div>
      );
    }
    render(
      <PolySocketProvider create={makeClient}>
        <Echo />
      </PolySocketProvider>,
    );
    await waitFor(() => expect(screen.getByTestId('state').textContent).toBe('connected'));
    act(() => screen.getByText('go').click());
    expect(items()).toEqual(['1:pending::', '2:pending::']);
    expect(screen.getByTestId('pending').textContent).toBe('true');
    await waitFor(() => expect(items()).toEqual(['1:fulfilled:1:', '2:rejected::INVALID']));
    expect(screen.getByTestId('pending').textContent).toBe('false');
  });
});

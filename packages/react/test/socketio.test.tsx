import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import { StrictMode, useState } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SocketIOClient } from '@polysocket/socketio';
import { hooksFor, PolySocketProvider } from '@polysocket/react';
import { socketIOHooks } from '@polysocket/react/socketio';
import { items, quick, startWorld, type World } from './support';

/** The mock's `/demo` namespace (packages/mock-server/src/socketio-demo.ts). */
interface Listen {
  welcome: (text: string) => void;
  said: (text: string) => void;
}
interface Emit {
  say: (text: string) => void;
  add: (a: number, b: number, done: (sum: number) => void) => void;
}
type Client = SocketIOClient<Listen, Emit>;
const { useSocketEvent } = socketIOHooks<Listen>();
const { usePublish, useConnectionState } = hooksFor<Client>();

let world: World;
beforeEach(async () => {
  world = await startWorld();
});
afterEach(async () => {
  cleanup();
  await world.close();
});

function Demo(): React.ReactNode {
  const [lines, setLines] = useState<string[]>([]);
  const state = useConnectionState();
  useSocketEvent('welcome', (text) => setLines((list) => [...list, `welcome ${text.slice(0, 5)}`]));
  useSocketEvent('said', (text) => setLines((list) => [...list, `said ${text}`]));
  const { call } = usePublish((client, text: string) => client.emit('say', text));
  return (
    <div>
      <p data-testid="state">{state}</p>
      <button onClick={() => void call('hello')}>say</button>
      <ul>
        {lines.map((line, index) => (
          <li key={index}>{line}</li>
        ))}
      </ul>
    </div>
  );
}

describe('useSocketEvent', () => {
  it("receives the namespace's events, once each under StrictMode, with one connection", async () => {
    render(
      <StrictMode>
        <PolySocketProvider
          create={() =>
            new SocketIOClient<Listen, Emit>({ url: `${world.server.url}/demo`, autoConnect: false, ...quick })
          }
        >
          <Demo />
        </PolySocketProvider>
      </StrictMode>,
    );
    await waitFor(() => expect(items()).toEqual(['welcome hello']));
    act(() => screen.getByText('say').click());
    await waitFor(() => expect(items()).toEqual(['welcome hello', 'said HELLO']));
    expect(world.sockr.io?.engine.clientsCount).toBe(1);
  });
});

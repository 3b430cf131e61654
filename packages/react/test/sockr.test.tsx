import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import { StrictMode, useState } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createClient, type SockrClient } from 'polysocket';
import { hooksFor, PolySocketProvider } from '@polysocket/react';
import { items, quick, startWorld, type World } from './support';

// The generic hooks on a Sockr client from `createClient`: its typed events and requests (Sockr's own hooks, with
// sockr-client's names, are the next part of issue 18).
const { useEvent, useRequest, useConnectionState } = hooksFor<SockrClient>();

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

function Inbox(): React.ReactNode {
  const state = useConnectionState();
  const [lines, setLines] = useState<string[]>([]);
  // `message` is typed: IncomingMessage.
  useEvent('message', (message) => setLines((list) => [...list, `${message.from}: ${message.content}`]));
  const send = useRequest((client, to: string, text: string) => client.sendMessage(to, text));
  return (
    <div>
      <p data-testid="state">{state}</p>
      <button onClick={() => void send.call('ana', 'hi ana')}>reply</button>
      <p data-testid="sends">{send.calls.map((call) => call.status).join(',')}</p>
      <ul>
        {lines.map((line, index) => (
          <li key={index}>{line}</li>
        ))}
      </ul>
    </div>
  );
}

describe('the generic hooks on a Sockr client', () => {
  it('receive typed events once each (StrictMode), and send with a state per call', async () => {
    render(
      <StrictMode>
        <PolySocketProvider
          create={() => createClient({ protocol: 'sockr', url: world.server.url, token: 'token:ben', ...quick })}
        >
          <Inbox />
        </PolySocketProvider>
      </StrictMode>,
    );
    const ana = createClient({ protocol: 'sockr', url: world.server.url, token: 'token:ana', ...quick });
    others.push(ana);
    const replied = new Promise<string>((resolve) => ana.once('message', (message) => resolve(message.content)));
    await ana.connect();
    await waitFor(() => expect(screen.getByTestId('state').textContent).toBe('connected'));
    await ana.sendMessage('ben', 'hi ben');
    await waitFor(() => expect(items()).toEqual(['ana: hi ben']));
    act(() => screen.getByText('reply').click());
    expect(await replied).toBe('hi ana');
    await waitFor(() => expect(screen.getByTestId('sends').textContent).toBe('fulfilled'));
    expect(items()).toEqual(['ana: hi ben']);
    expect(world.sockr.io?.engine.clientsCount).toBe(2);
  });
});

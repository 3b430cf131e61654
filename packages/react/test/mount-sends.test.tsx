import { cleanup, render, screen, waitFor } from '@testing-library/react';
import { StrictMode, useEffect } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FoonyClient } from '@polysocket/foony';
import type { SockrClient } from '@polysocket/sockr';
import { PolySocketProvider, useEvent, usePublish } from '@polysocket/react';
import { SocketProvider, useSendMessage } from '@polysocket/react/sockr';
import { quick, sockrUser, startWorld, type World } from './support';
import { foonyClient } from './foony-support';

// A child's mount effect sends: React runs a child's effects before its parent's, so the provider connects in a
// layout effect of its last child (after the children's layout effects, before any passive effect). Before that,
// such a send was refused with INVALID "not connected: call connect() first".

let world: World;
const clients: FoonyClient[] = [];
const others: SockrClient[] = [];
beforeEach(async () => {
  world = await startWorld();
});
afterEach(async () => {
  cleanup();
  for (const client of [...clients.splice(0), ...others.splice(0)]) client.close();
  await world.close();
});

describe('a send from a child’s mount effect', () => {
  it('usePublish in a useEffect on mount (StrictMode): the message arrives, over one connection', async () => {
    const states: string[] = [];
    function Announcer(): React.ReactNode {
      useEvent('state', (state) => states.push(state));
      const { call, calls } = usePublish((client: FoonyClient, text: string) =>
        client.channel('log').publish('text', text),
      );
      useEffect(() => void call('mounted'), [call]);
      return <p data-testid="sends">{calls.map((record) => record.status).join(',')}</p>;
    }
    render(
      <StrictMode>
        <PolySocketProvider create={() => foonyClient(world, clients)}>
          <Announcer />
        </PolySocketProvider>
      </StrictMode>,
    );
    // StrictMode runs the effect twice: two sends, both accepted (none refused for being before connect()).
    await waitFor(() => expect(screen.getByTestId('sends').textContent).toBe('fulfilled,fulfilled'));
    expect(world.foony.historyOf('log').map((message) => message.data)).toEqual(['mounted', 'mounted']);
    expect(world.foony.authLog).toHaveLength(1);
    // The hooks' listeners were there before the connect: the state events from the first.
    expect(states).toEqual(['connecting', 'connected']);
  });

  it('useSendMessage in a useEffect on mount: the Sockr message reaches the other user', async () => {
    const ana = await sockrUser(world, 'ana', others);
    const got: string[] = [];
    ana.on('message', (message) => got.push(`${message.from}: ${message.content}`));
    function Greeter(): React.ReactNode {
      const { sendMessage, sends } = useSendMessage();
      useEffect(() => void sendMessage('ana', 'hello from mount'), [sendMessage]);
      return <p data-testid="sends">{sends.map((record) => record.error?.message ?? record.status).join(',')}</p>;
    }
    render(
      <SocketProvider config={{ url: world.server.url, ...quick }} token="token:ben">
        <Greeter />
      </SocketProvider>,
    );
    await waitFor(() => expect(got).toEqual(['ben: hello from mount']));
    await waitFor(() => expect(screen.getByTestId('sends').textContent).toBe('fulfilled'));
  });
});

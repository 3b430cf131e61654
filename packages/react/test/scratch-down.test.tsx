import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import { StrictMode } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FoonyClient } from '@polysocket/foony';
import { PolySocketProvider, useConnectionState, useEvent, usePublish } from '@polysocket/react';
import { SocketProvider, useSocket, useSendMessage, useUserGroups } from '@polysocket/react/sockr';
import { quick, startWorld, type World } from './support';

let world: World;
beforeEach(async () => {
  world = await startWorld();
});
afterEach(async () => {
  cleanup();
  await world.close();
});

function Show(): React.ReactNode {
  const state = useConnectionState();
  const errors: string[] = [];
  useEvent('error', (e) => { seenErrors.push(`${e.code} ${e.message}`); });
  const pub = usePublish((c: FoonyClient, t: string) => c.channel('x').publish('text', t));
  return <p data-testid="s">{state} {pub.calls.map((c) => `${c.status}:${c.error?.message ?? ''}`).join('|')}<button onClick={() => void pub.call('a')}>go</button></p>;
}
const seenErrors: string[] = [];

describe('down', () => {
  it('foony 404', async () => {
    const url = world.server.wsUrl('/nope');
    render(<StrictMode><PolySocketProvider create={() => new FoonyClient({ url, token: 'valid-token', ...quick, reconnect: { maxAttempts: 2 } } as never)}><Show /></PolySocketProvider></StrictMode>);
    await new Promise((r) => setTimeout(r, 1500));
    console.log('404:', screen.getByTestId('s').textContent, seenErrors.slice(0, 3));
    await act(async () => screen.getByText('go').click());
    await new Promise((r) => setTimeout(r, 500));
    console.log('404 after send:', screen.getByTestId('s').textContent);
  });
  it('foony down', async () => {
    await world.close();
    const url = world.foonyUrl;
    seenErrors.length = 0;
    render(<PolySocketProvider create={() => new FoonyClient({ url, token: 'valid-token', ...quick })}><Show /></PolySocketProvider>);
    await new Promise((r) => setTimeout(r, 1000));
    console.log('down:', screen.getByTestId('s').textContent, seenErrors.slice(0, 3));
    world = await startWorld();
  });
  it('sockr bad token and down', async () => {
    function S(): React.ReactNode {
      const s = useSocket();
      const g = useUserGroups();
      const send = useSendMessage();
      return <p data-testid="k">{s.connectionState} {String(s.isAuthenticated)} {String(s.userId)} g:{String(g.isLoading)}:{g.error?.message} <button onClick={() => void send.sendMessage('ana', 'hi').catch(() => undefined)}>send</button> {send.sends.map((c) => `${c.status}:${c.error?.message ?? ''}`).join('|')}</p>;
    }
    render(<SocketProvider config={{ url: world.server.url, ...quick }} token="bad"><S /></SocketProvider>);
    await new Promise((r) => setTimeout(r, 1000));
    console.log('sockr bad:', screen.getByTestId('k').textContent);
    await act(async () => screen.getByText('send').click());
    await new Promise((r) => setTimeout(r, 300));
    console.log('sockr bad send:', screen.getByTestId('k').textContent);
    cleanup();
    const url = world.server.url;
    await world.close();
    render(<SocketProvider config={{ url, ...quick }} token="token:ben"><S /></SocketProvider>);
    await new Promise((r) => setTimeout(r, 1000));
    console.log('sockr down:', screen.getByTestId('k').textContent);
    world = await startWorld();
  });
});

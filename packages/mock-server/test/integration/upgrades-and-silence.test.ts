import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  defaultModules,
  echoModule,
  foonyModule,
  MockServer,
  sockrModule,
  type FoonyMock,
  type SockrMock,
} from '@polysocket/mock-server';
import { waitFor } from '../../../../test/support/wait';

let server: MockServer | undefined;
const sockets: WebSocket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.terminate();
  await server?.close();
  server = undefined;
});

/** Opens a WebSocket; rejects on an HTTP refusal, and names a hang instead of waiting for the test timeout. */
function open(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    sockets.push(socket);
    const hung = setTimeout(() => reject(new Error('no answer to the upgrade within 5 s')), 5_000);
    socket.once('open', () => {
      clearTimeout(hung);
      resolve(socket);
    });
    socket.once('error', (error) => {
      clearTimeout(hung);
      reject(error);
    });
  });
}

/** A bare Foony peer: sends frames, keeps every frame it receives. */
class FoonyPeer {
  readonly frames: Record<string, unknown>[] = [];
  private id = 0;
  constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => this.frames.push(JSON.parse(String(data)) as Record<string, unknown>));
  }
  static async visit(url: string, clientId: string): Promise<FoonyPeer> {
    const peer = new FoonyPeer(await open(url));
    peer.send({ t: 'auth', token: `user:${clientId}` });
    await waitFor(() => peer.frames.some((f) => f.t === 'connected'), `${clientId} connected`);
    return peer;
  }
  send(frame: Record<string, unknown>): void {
    this.socket.send(JSON.stringify(frame));
  }
  /** Sends a request frame and waits for its ack. */
  async request(frame: Record<string, unknown>): Promise<void> {
    const id = ++this.id;
    this.send({ ...frame, id });
    await waitFor(() => this.frames.some((f) => f.t === 'ack' && f.id === id), `ack ${id}`);
  }
  presentMembers(): unknown[] {
    return this.frames.filter((f) => f.t === 'presEvt' && f.action === 'enter').map((f) => f.clientId);
  }
}

describe('the mock server: upgrades to unknown paths', () => {
  it('answers 404 to an upgrade on an unknown path while socket.io is mounted, and socket.io still gets its own', async () => {
    server = new MockServer({ modules: [sockrModule(), echoModule()] });
    await server.listen();
    await expect(open(server.wsUrl('/nope'))).rejects.toThrow(/404/);
    await expect(open(server.wsUrl('/socket.io-not/'))).rejects.toThrow(/404/);
    const engine = new WebSocket(`${server.wsUrl('/socket.io/')}?EIO=4&transport=websocket`);
    sockets.push(engine);
    const first = await new Promise<string>((resolve, reject) => {
      engine.once('message', (data) => resolve(String(data)));
      engine.once('error', reject);
    });
    expect(first.startsWith('0{"sid"')).toBe(true);
    await open(server.wsUrl('/echo'));
  });
});

describe('the mock server: a silenced connection ends when its client goes away', () => {
  for (const leave of ['close', 'terminate'] as const) {
    it(`Foony: a silenced client that leaves (${leave}) is no ghost presence member for the next visitor`, async () => {
      const foony: FoonyMock = foonyModule();
      server = new MockServer({ modules: [foony] });
      await server.listen();
      const url = server.wsUrl('/foony');
      const ghost = await FoonyPeer.visit(url, 'ghost');
      await ghost.request({ t: 'sub', channel: 'chat' });
      await ghost.request({ t: 'pres', channel: 'chat', action: 'enter' });
      expect(foony.membersOf('chat').map((m) => m.clientId)).toEqual(['ghost']);

      expect(server.faults.silence('foony')).toBe(1);
      // The client finds the link dead and lets it go, as a browser tab or a reconnecting client does: a close
      // frame then FIN (a browser's close()), or at once (ws.terminate()). The first left the paused socket in
      // CLOSE-WAIT with its session for ever; the second is a guard.
      ghost.socket[leave]();
      await waitFor(() => server!.connections('/foony').length === 0, 'the silenced connection to close', 5_000);

      const next = await FoonyPeer.visit(url, 'next');
      await next.request({ t: 'sub', channel: 'chat' });
      expect(next.presentMembers()).toEqual([]);
      expect(foony.membersOf('chat')).toEqual([]);
    });
  }

  it('Sockr: a silenced user who leaves goes offline at once (not after the ping timeout)', async () => {
    const sockr: SockrMock = sockrModule({ pingInterval: 60_000, pingTimeout: 60_000 });
    server = new MockServer({ modules: [sockr] });
    await server.listen();
    const socket = await open(`${server.wsUrl('/socket.io/')}?EIO=4&transport=websocket`);
    socket.on('message', (data) => {
      if (String(data).startsWith('40')) socket.send(`42${JSON.stringify(['authenticate', { token: 'token:bob' }])}`);
    });
    socket.send('40');
    await waitFor(() => sockr.isOnline('bob'), 'bob online');
    expect(sockr.faultsFor('bob').silence()).toBe(1);
    socket.terminate();
    await waitFor(() => !sockr.isOnline('bob'), 'bob offline', 5_000);
  });

  it('a live connection still answers WebSocket pings; a silenced one does not', async () => {
    server = new MockServer({ modules: [echoModule()] });
    await server.listen();
    const socket = await open(server.wsUrl('/echo'));
    const pongs: string[] = [];
    socket.on('pong', (data) => pongs.push(String(data)));
    socket.ping('before');
    await waitFor(() => pongs.length === 1, 'the pong');
    server.faults.silence();
    socket.ping('after');
    socket.send('anyone?');
    const echoed = new Promise((resolve) => socket.once('message', resolve));
    const quiet = new Promise((resolve) => setTimeout(() => resolve('quiet'), 150));
    expect(await Promise.race([echoed, quiet])).toBe('quiet');
    expect(pongs).toEqual(['before']);
    expect(socket.readyState).toBe(WebSocket.OPEN);
  });
});

describe('the mock server: fault targets', () => {
  it('POST /_mock/faults/…?module=nope is a 400 that lists the modules, ignis-secure included', async () => {
    server = new MockServer({ modules: defaultModules() });
    await server.listen();
    const modules = ['foony', 'ignis', 'ignis-secure', 'sockr', 'echo'];
    expect(server.faults.targetNames()).toEqual(modules);
    for (const fault of ['drop', 'silence', 'delay?ms=5&']) {
      const response = await fetch(
        `${server.url}/_mock/faults/${fault.includes('?') ? fault : `${fault}?`}module=nope`,
        { method: 'POST' },
      );
      expect(response.status).toBe(400);
      const body = (await response.json()) as { error: string; modules: string[] };
      expect(body.modules).toEqual(modules);
      expect(body.error).toBe('unknown module "nope": use one of foony, ignis, ignis-secure, sockr, echo');
    }
    expect((await fetch(`${server.url}/_mock/faults/drop?module=ignis-secure`, { method: 'POST' })).status).toBe(200);
    expect((await fetch(`${server.url}/_mock/faults/delay?ms=soon`, { method: 'POST' })).status).toBe(400);
  });

  it('the CLI --help says how to aim a fault at a module, and lists ignis-secure', async () => {
    const cli = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));
    const tsx = fileURLToPath(new URL('../../../../node_modules/.bin/tsx', import.meta.url));
    const child = spawn(tsx, [cli, '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += String(chunk)));
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(0);
    expect(output).toContain('?module=foony|ignis|ignis-secure|sockr|echo');
  });
});

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { echoModule, MockServer, type ProtocolModule } from '@polysocket/mock-server';

let server: MockServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function open(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
}

function nextMessage(socket: WebSocket): Promise<string> {
  return new Promise((resolve) => socket.once('message', (data) => resolve(String(data))));
}

function closed(socket: WebSocket): Promise<number> {
  return new Promise((resolve) => socket.once('close', (code) => resolve(code)));
}

describe('MockServer', () => {
  it('listens on 127.0.0.1 on a free port and mounts module endpoints', async () => {
    server = new MockServer({ modules: [echoModule()] });
    const { port, url } = await server.listen();
    expect(port).toBeGreaterThan(0);
    expect(url).toBe(`http://127.0.0.1:${port}`);
    expect(server.endpoints()).toEqual([{ name: 'echo', url: `ws://127.0.0.1:${port}/echo` }]);
    const socket = await open(server.wsUrl('/echo'));
    const reply = nextMessage(socket);
    socket.send('hi');
    expect(await reply).toBe('hi');
    socket.close();
  });

  it('refuses unknown paths with 404', async () => {
    server = new MockServer({ modules: [echoModule()] });
    await server.listen();
    await expect(open(server.wsUrl('/nope'))).rejects.toThrow(/404/);
  });

  it('drop() ends connections abruptly: the client sees 1006', async () => {
    server = new MockServer({ modules: [echoModule()] });
    await server.listen();
    const socket = await open(server.wsUrl('/echo'));
    const code = closed(socket);
    expect(server.faults.drop()).toBe(1);
    expect(await code).toBe(1006);
  });

  it('silence() goes half-open: no replies, pings unanswered, the TCP link stays up', async () => {
    server = new MockServer({ modules: [echoModule()] });
    await server.listen();
    const socket = await open(server.wsUrl('/echo'));
    server.faults.silence();
    let heard = false;
    socket.on('message', () => (heard = true));
    socket.on('pong', () => (heard = true));
    socket.send('anyone?');
    socket.ping();
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(heard).toBe(false);
    expect(socket.readyState).toBe(WebSocket.OPEN);
    socket.terminate();
  });

  it('refuse(ms) answers upgrades with 503 for that long, then accepts again', async () => {
    server = new MockServer({ modules: [echoModule()] });
    await server.listen();
    server.faults.refuse(200);
    await expect(open(server.wsUrl('/echo'))).rejects.toThrow(/503/);
    await new Promise((resolve) => setTimeout(resolve, 220));
    const socket = await open(server.wsUrl('/echo'));
    socket.close();
  });

  it('delay(ms) holds every outbound frame, in order', async () => {
    server = new MockServer({ modules: [echoModule()] });
    await server.listen();
    const socket = await open(server.wsUrl('/echo'));
    server.faults.delay(80);
    const got: string[] = [];
    const all = new Promise<void>((resolve) =>
      socket.on('message', (data) => {
        got.push(String(data));
        if (got.length === 3) resolve();
      }),
    );
    const started = Date.now();
    for (const text of ['a', 'b', 'c']) socket.send(text);
    await all;
    expect(got).toEqual(['a', 'b', 'c']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(75);
    socket.close();
  });

  it('a frame sent after the delay is lowered never overtakes a held one (one TCP stream keeps order)', async () => {
    server = new MockServer({ modules: [echoModule()] });
    await server.listen();
    const socket = await open(server.wsUrl('/echo'));
    const got: string[] = [];
    const all = new Promise<void>((resolve) =>
      socket.on('message', (data) => {
        got.push(String(data));
        if (got.length === 4) resolve();
      }),
    );
    server.faults.delay(80);
    socket.send('a');
    socket.send('b');
    await new Promise((resolve) => setTimeout(resolve, 20));
    server.faults.delay(10);
    socket.send('c');
    await new Promise((resolve) => setTimeout(resolve, 20));
    server.faults.delay(0);
    socket.send('d');
    await all;
    expect(got).toEqual(['a', 'b', 'c', 'd']);
    socket.close();
  });

  it('inject() sends raw frames to every connection', async () => {
    server = new MockServer({ modules: [echoModule()] });
    await server.listen();
    const socket = await open(server.wsUrl('/echo'));
    const message = nextMessage(socket);
    expect(server.faults.inject('{garbage')).toBe(1);
    expect(await message).toBe('{garbage');
    socket.close();
  });

  it('restart() drops everyone and listens again on the same port, keeping module state', async () => {
    let connections = 0; // module state: it must survive the restart
    const counting: ProtocolModule = { name: 'count', path: '/echo', onConnection: () => void connections++ };
    server = new MockServer({ modules: [counting] });
    const { port } = await server.listen();
    const socket = await open(server.wsUrl('/echo'));
    const code = closed(socket);
    await server.faults.restart(50);
    expect(await code).toBe(1006);
    expect(server.port).toBe(port);
    const again = await open(server.wsUrl('/echo'));
    expect(connections).toBe(2);
    again.close();
  });

  it('exposes the faults over HTTP for the playground and scripts', async () => {
    server = new MockServer({ modules: [echoModule()] });
    await server.listen();
    const socket = await open(server.wsUrl('/echo'));
    const code = closed(socket);
    const response = await fetch(`${server.url}/_mock/faults/drop`, { method: 'POST' });
    expect(await response.json()).toEqual({ dropped: 1 });
    expect(await code).toBe(1006);
    const endpoints = await (await fetch(`${server.url}/_mock/endpoints`)).json();
    expect(endpoints).toEqual(server.endpoints());
    expect((await fetch(`${server.url}/_mock/faults/drop`)).status).toBe(405);
    expect((await fetch(`${server.url}/_mock/faults/nonsense`, { method: 'POST' })).status).toBe(404);
  });

  it('the CLI starts it and prints the endpoints', async () => {
    const cli = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));
    const tsx = fileURLToPath(new URL('../../../../node_modules/.bin/tsx', import.meta.url));
    const child = spawn(tsx, [cli, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let output = '';
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`CLI printed: ${output}`)), 15_000);
        child.stdout.on('data', (chunk) => {
          output += String(chunk);
          if (/echo\s+ws:\/\/127\.0\.0\.1:\d+\/echo/.test(output)) {
            clearTimeout(timer);
            resolve();
          }
        });
        child.once('exit', (code) => reject(new Error(`CLI exited with ${code}: ${output}`)));
      });
      const url = /(ws:\/\/127\.0\.0\.1:\d+\/echo)/.exec(output)![1];
      const socket = await open(url);
      socket.close();
    } finally {
      child.kill('SIGTERM');
    }
  });
});

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { MockServer, sockrModule, type SockrMock } from '@polysocket/mock-server';
import { waitFor } from '../../../../test/support/wait';

/**
 * The mock server's faults on the Sockr module, whose connections belong to the `socket.io` library:
 * checked with a bare Engine.IO/Socket.IO peer over `ws`, so no client library is involved.
 */

let server: MockServer;
let sockr: SockrMock;
const peers: Peer[] = [];

beforeAll(async () => {
  sockr = sockrModule({ pingInterval: 60_000, pingTimeout: 60_000 });
  server = new MockServer({ modules: [sockr] });
  await server.listen();
});
afterEach(async () => {
  server.faults.reset();
  for (const user of ['alice', 'bob']) sockr.faultsFor(user).delay(0);
  for (const peer of peers.splice(0)) peer.socket.terminate();
  // From the server's side too (a silenced link notices its peer going away, but drop() makes it certain).
  server.faults.drop('sockr');
  await waitFor(() => sockr.online.size === 0, 'every Sockr user offline');
});
afterAll(async () => {
  await server.close();
});

/** A bare Socket.IO peer on the WebSocket transport; records the events it receives. */
class Peer {
  readonly events: [string, Record<string, unknown>][] = [];
  closeCode: number | undefined;

  constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const text = String(data);
      if (text === '2') return socket.send('3'); // Engine.IO ping → pong
      if (!text.startsWith('42')) return;
      const [event, payload] = JSON.parse(text.slice(2)) as [string, Record<string, unknown>];
      this.events.push([event, payload]);
    });
    socket.on('close', (code) => (this.closeCode = code));
  }

  emit(event: string, data: Record<string, unknown>): void {
    this.socket.send(`42${JSON.stringify([event, data])}`);
  }

  received(event: string): Record<string, unknown>[] {
    return this.events.filter(([name]) => name === event).map(([, payload]) => payload);
  }

  contents(): string[] {
    return this.received('receive_message').map((m) => String(m.content));
  }

  async next(event: string, count = this.received(event).length + 1): Promise<Record<string, unknown>> {
    await waitFor(() => this.received(event).length >= count, `${event} #${count}`);
    return this.received(event)[count - 1];
  }
}

function handshake(): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${server.wsUrl('/socket.io/')}?EIO=4&transport=websocket`);
    socket.once('message', (data) => {
      if (String(data).startsWith('0')) resolve(socket);
      else reject(new Error(`unexpected first packet ${String(data)}`));
    });
    socket.once('error', reject);
  });
}

/** Engine.IO handshake, Socket.IO CONNECT, `authenticate`, and the post-login echo. */
async function login(user: string): Promise<Peer> {
  const socket = await handshake();
  const peer = new Peer(socket);
  peers.push(peer);
  const connected = new Promise<void>((resolve) =>
    socket.on('message', (data) => String(data).startsWith('40') && resolve()),
  );
  socket.send('40');
  await connected;
  peer.emit('authenticate', { token: `token:${user}` });
  const authenticated = await peer.next('authenticated');
  peer.emit('authenticated', authenticated);
  await waitFor(
    () => sockr.eventLog.some(([uid, event]) => uid === user && event === 'authenticated'),
    `${user}'s echo`,
  );
  return peer;
}

/** Sends direct messages from alice to bob, each once alice has its receipt (so the server wrote them in this order). */
async function send(alice: Peer, ...contents: string[]): Promise<void> {
  for (const content of contents) {
    const receipts = alice.received('message_delivered').length;
    alice.emit('send_message', { to: 'bob', content });
    await alice.next('message_delivered', receipts + 1);
  }
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('Sockr faults in the mock server', () => {
  it('server.faults.delay() holds Socket.IO packets, and a lowered delay never lets one overtake a held one', async () => {
    const [alice, bob] = [await login('alice'), await login('bob')];
    const started = Date.now();
    server.faults.delay(200);
    await send(alice, 'a', 'b');
    server.faults.delay(10);
    await send(alice, 'c');
    server.faults.delay(0);
    await send(alice, 'd');
    await waitFor(() => bob.contents().length === 4, 'four messages');
    expect(bob.contents()).toEqual(['a', 'b', 'c', 'd']);
    // Even alice's receipt for 'a' was held, so bob's copy came at least the delay after the send.
    expect(Date.now() - started).toBeGreaterThanOrEqual(195);
  });

  it('POST /_mock/faults/delay reaches Sockr packets too', async () => {
    const [alice, bob] = [await login('alice'), await login('bob')];
    expect((await fetch(`${server.url}/_mock/faults/delay?ms=150`, { method: 'POST' })).status).toBe(200);
    const started = Date.now();
    alice.emit('send_message', { to: 'bob', content: 'late' });
    await waitFor(() => bob.contents().includes('late'), 'the delayed message');
    expect(Date.now() - started).toBeGreaterThanOrEqual(145);
  });

  it('server.faults.refuse() fails Engine.IO handshakes (WebSocket and polling) while it lasts; open links stay', async () => {
    const [alice, bob] = [await login('alice'), await login('bob')];
    server.faults.refuse(60_000);
    // 503, as from an overloaded server: a client must retry it, where 4xx would be a configuration error.
    await expect(handshake()).rejects.toThrow(/503/);
    expect((await fetch(`${server.url}/socket.io/?EIO=4&transport=polling`)).status).toBe(503);
    await send(alice, 'still here');
    await waitFor(() => bob.contents().includes('still here'), 'a message on a link opened before the refusal');
    server.faults.reset();
    (await handshake()).terminate();
  });

  it('POST /_mock/faults/refuse refuses Sockr handshakes, and they succeed again once it ends', async () => {
    expect((await fetch(`${server.url}/_mock/faults/refuse?ms=300`, { method: 'POST' })).status).toBe(200);
    expect((await fetch(`${server.url}/socket.io/?EIO=4&transport=polling`)).status).toBe(503);
    let status = 503;
    for (const deadline = Date.now() + 10_000; status === 503 && Date.now() < deadline; await pause(50)) {
      status = (await fetch(`${server.url}/socket.io/?EIO=4&transport=polling`)).status;
    }
    expect(status).toBe(200);
  });

  it("faultsFor(user).silence() makes only that user's current link half-open; the module keeps working", async () => {
    const [alice, bob] = [await login('alice'), await login('bob')];
    expect(sockr.faultsFor('bob').silence()).toBe(1);
    let pong = false;
    bob.socket.on('pong', () => (pong = true));
    bob.socket.ping();
    bob.emit('typing_start', { to: 'alice' });
    const bobAgain = await login('bob'); // a new link of the same user is not silenced
    await send(alice, 'after');
    await waitFor(() => bobAgain.contents().includes('after'), 'the message on the new link');
    expect(bob.contents()).toEqual([]);
    expect(pong).toBe(false); // nothing answered: not even a WebSocket ping
    expect(alice.received('typing_start')).toEqual([]);
    expect(bob.socket.readyState).toBe(WebSocket.OPEN);
    expect(bob.closeCode).toBeUndefined();
  });

  it('server.faults.silence("sockr") silences the current links only; a new link works', async () => {
    const alice = await login('alice');
    const heard = alice.events.length;
    server.faults.silence('sockr');
    const [carol, bob] = [await login('carol'), await login('bob')];
    carol.emit('send_message', { to: 'bob', content: 'fresh' });
    await waitFor(() => bob.contents().includes('fresh'), 'a message between links opened after the silence');
    expect(alice.events.slice(heard)).toEqual([]); // not even the broadcast user_online of carol and bob
  });

  it("faultsFor(user).delay() holds only that user's packets, in order, across a lowered delay and a reconnect", async () => {
    const [alice, bob] = [await login('alice'), await login('bob')];
    const bobFaults = sockr.faultsFor('bob');
    const started = Date.now();
    bobFaults.delay(200);
    await send(alice, 'a', 'b'); // alice's receipts are not held
    bobFaults.delay(10);
    await send(alice, 'c');
    bobFaults.delay(0);
    await send(alice, 'd');
    await waitFor(() => bob.contents().length === 4, 'four messages');
    expect(bob.contents()).toEqual(['a', 'b', 'c', 'd']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(195);

    bobFaults.delay(150);
    bob.socket.terminate();
    const bobAgain = await login('bob');
    const again = Date.now();
    await send(alice, 'e');
    await waitFor(() => bobAgain.contents().includes('e'), 'the message on the new link');
    expect(Date.now() - again).toBeGreaterThanOrEqual(145);
  });

  it("faultsFor(user).drop() resets only that user's links", async () => {
    const [alice, bob] = [await login('alice'), await login('bob')];
    expect(sockr.faultsFor('bob').drop()).toBe(1);
    await waitFor(() => bob.closeCode !== undefined, "bob's link closed");
    expect(bob.closeCode).toBe(1006);
    await waitFor(() => !sockr.isOnline('bob'), 'bob offline on the server');
    expect(alice.socket.readyState).toBe(WebSocket.OPEN);
    expect(alice.closeCode).toBeUndefined();
  });

  it("faultsFor(user).refuse() and .restart() are the server's refusal and restart", async () => {
    const bob = await login('bob');
    sockr.faultsFor('bob').refuse(60_000);
    expect((await fetch(`${server.url}/socket.io/?EIO=4&transport=polling`)).status).toBe(503);
    server.faults.reset();
    await sockr.faultsFor('bob').restart(20);
    await waitFor(() => bob.closeCode !== undefined, "bob's link gone with the restart");
    (await login('bob')).socket.terminate();
  });
});

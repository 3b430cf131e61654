// The mock's binary wire record by record, driven through the official 0.16 codec over a raw `ws` socket.
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import WebSocket from 'ws';
import { foonyModule, MockServer, type FoonyMock, type FoonyMockOptions } from '@polysocket/mock-server';
import {
  decodeServerFrames,
  encodeClientFrame,
  frameBinaryRecord,
} from '../../../../node_modules/@foony/realtime/lib/binary.js';
import { waitFor } from '../../../../test/support/wait';

type ClientFrame = Parameters<typeof encodeClientFrame>[0];
type ServerFrame = ReturnType<typeof decodeServerFrames>[number];

let server: MockServer | undefined;
let foony: FoonyMock;
const sockets: WebSocket[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.terminate();
  await server?.close();
  server = undefined;
});

async function start(options: FoonyMockOptions = {}): Promise<void> {
  foony = foonyModule(options);
  server = new MockServer({ modules: [foony] });
  await server.listen();
}

/** A raw binary-wire connection: every server frame in arrival order, and how many WebSocket messages carried them. */
class Raw {
  readonly frames: ServerFrame[] = [];
  messages = 0;
  closeCode: number | undefined;
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      this.messages++;
      this.frames.push(...decodeServerFrames(new Uint8Array(data).buffer));
    });
    ws.on('close', (code) => (this.closeCode = code));
  }

  static async open(auth: Omit<Extract<ClientFrame, { t: 'auth' }>, 't'>): Promise<Raw> {
    const ws = new WebSocket(server!.wsUrl('/foony'));
    sockets.push(ws);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const raw = new Raw(ws);
    raw.send({ t: 'auth', ...auth });
    await raw.next((f) => f.t === 'connected' || f.t === 'err');
    return raw;
  }

  send(frame: ClientFrame): void {
    this.ws.send(frameBinaryRecord(encodeClientFrame(frame)));
  }

  /** Waits for a frame matching `match` that has not been returned before. */
  private taken = 0;
  async next(match: (f: ServerFrame) => boolean): Promise<ServerFrame> {
    let found: ServerFrame | undefined;
    await waitFor(() => {
      const index = this.frames.findIndex((f, i) => i >= this.taken && match(f));
      if (index < 0) return false;
      found = this.frames[index];
      this.taken = index + 1;
      return true;
    }, 'a server frame');
    return found!;
  }

  /** The answer (ack, err, histRes, fetchRes) to request `id`. */
  reply(id: number): Promise<ServerFrame> {
    return this.next((f) => 'id' in f && f.id === id);
  }
}

describe('the mock’s Foony binary wire', () => {
  it('a resend with the same messageId is acked with the original serial and stored once; ephemeral gets none', async () => {
    await start();
    const pub = await Raw.open({ token: 'user:pub' });
    const sub = await Raw.open({ token: 'user:sub' });
    sub.send({ t: 'sub', id: 1, channel: 'c' });
    expect(await sub.reply(1)).toEqual({ t: 'ack', id: 1 }); // no cursor: no `resumed`
    pub.send({ t: 'pub', id: 1, channel: 'c', name: 'n', data: 1, messageId: 'm-1' });
    expect(await pub.reply(1)).toEqual({ t: 'ack', id: 1, seq: 1 });
    pub.send({ t: 'pub', id: 2, channel: 'c', name: 'n', data: 1, messageId: 'm-1' }); // the resend after a drop
    expect(await pub.reply(2)).toEqual({ t: 'ack', id: 2, seq: 1 });
    pub.send({ t: 'pub', id: 3, channel: 'c', name: 'e', data: 2, messageId: 'm-2', ephemeral: true });
    expect(await pub.reply(3)).toEqual({ t: 'ack', id: 3 });
    pub.send({
      t: 'pub',
      id: 4,
      channel: 'c',
      name: '',
      data: null,
      messageId: 'm-3',
      messages: [
        { name: 'a', data: 1 },
        { name: 'b', data: 2 },
      ],
    });
    expect(await pub.reply(4)).toEqual({ t: 'ack', id: 4, seq: 2 });
    await sub.next((f) => f.t === 'msg' && f.seq === 2);
    const msgs = sub.frames.filter((f) => f.t === 'msg');
    expect(msgs).toMatchObject([
      { name: 'n', data: 1, seq: 1, messageId: 'm-1', clientId: 'pub' },
      { name: 'e', data: 2, ephemeral: true, messageId: 'm-2' },
      {
        messageId: 'm-3',
        seq: 2,
        messages: [
          { name: 'a', data: 1 },
          { name: 'b', data: 2 },
        ],
      },
    ]);
    expect(msgs[1]).not.toHaveProperty('seq');
    expect(foony.historyOf('c').map((m) => m.messageId)).toEqual(['m-1', 'm-3']);
    expect(foony.requestsFor('c')).toMatchObject({ pub: 4, resent: 1 });
  });

  it('resume by serial: replay then `resumed: true`; past retention `resumed: false` and no replay; fetch likewise', async () => {
    await start({ historyLimit: 3 });
    for (let i = 1; i <= 6; i++) foony.publish('r', 'n', i); // retained: 4, 5, 6
    const raw = await Raw.open({ token: 'user:r' });
    raw.send({ t: 'sub', id: 1, channel: 'r', lastSerial: 4 });
    const ack = await raw.reply(1);
    expect(raw.frames.filter((f) => f.t === 'msg').map((f) => f.t === 'msg' && f.seq)).toEqual([5, 6]);
    expect(ack).toEqual({ t: 'ack', id: 1, resumed: true });

    raw.send({ t: 'sub', id: 2, channel: 'r', lastSerial: 1 }); // 2 and 3 are gone
    expect(await raw.reply(2)).toEqual({ t: 'ack', id: 2, resumed: false });
    expect(raw.frames.filter((f) => f.t === 'msg')).toHaveLength(2); // nothing replayed

    raw.send({ t: 'fetch', id: 3, channel: 'r', fromSerial: 4 });
    expect(await raw.reply(3)).toMatchObject({ t: 'fetchRes', resumed: true, messages: [{ seq: 5 }, { seq: 6 }] });
    raw.send({ t: 'fetch', id: 4, channel: 'r', fromSerial: 1 });
    expect(await raw.reply(4)).toMatchObject({
      t: 'fetchRes',
      resumed: false,
      messages: [{ seq: 4 }, { seq: 5 }, { seq: 6 }],
    });
    raw.send({ t: 'sub', id: 5, channel: 'r', lastSerial: 9 }); // ahead of the channel: not a resume either
    expect(await raw.reply(5)).toEqual({ t: 'ack', id: 5, resumed: false });
  });

  it('answers errors as the JSON wire does, and a malformed record does not end the session', async () => {
    await start();
    const refused = await Raw.open({ token: 'nope' });
    expect(refused.frames[0]).toMatchObject({ t: 'err', code: 40101 });
    await waitFor(() => refused.closeCode !== undefined, 'the close');
    expect(refused.closeCode).toBe(4001);

    const raw = await Raw.open({ token: 'valid-token' });
    raw.ws.send(Buffer.from([3, 99, 1, 2])); // opcode 99
    expect(await raw.next((f) => f.t === 'err')).toMatchObject({ code: 40001 });
    raw.ws.send('{"t":"ping"}'); // text on a binary connection
    expect(await raw.next((f) => f.t === 'err')).toMatchObject({ code: 40001 });
    raw.send({ t: 'ping' });
    await raw.next((f) => f.t === 'pong');
    raw.send({ t: 'sub', id: 7, channel: 'forbidden:x' });
    expect(await raw.reply(7)).toMatchObject({ t: 'err', code: 40300 });
    raw.send({ t: 'presSub', id: 8, channel: 'unknown:x' });
    expect(await raw.reply(8)).toMatchObject({ t: 'err', code: 40400 });

    const expiring = await Raw.open({ token: foony.issueToken('temp', 50) });
    expect(expiring.frames[0]).toMatchObject({ t: 'connected', clientId: 'temp' });
    expect(await expiring.next((f) => f.t === 'err')).toMatchObject({ code: 40102 });
    await waitFor(() => expiring.closeCode !== undefined, 'the close');
    expect(expiring.closeCode).toBe(4001);
  });

  it('hostile bytes never end a binary session: each bad message is an `err 40001`, and the session still answers', async () => {
    await start();
    const raw = await Raw.open({ token: 'user:h' });
    const inputs = fc.sample(fc.uint8Array({ minLength: 1, maxLength: 64 }), { numRuns: 500, seed: 17 });
    for (const bytes of inputs) raw.ws.send(bytes);
    raw.send({ t: 'ping' });
    await raw.next((f) => f.t === 'pong');
    expect(raw.closeCode).toBeUndefined();
    expect(foony.sessionList()).toHaveLength(1);
  });

  it('an ended session’s presence leaves after the grace period unless resumed (same clientId only)', async () => {
    await start({ resumeGraceMs: 100 });
    const watcher = await Raw.open({ token: 'user:w' });
    watcher.send({ t: 'presSub', id: 1, channel: 'p' });
    await watcher.reply(1);
    const member = await Raw.open({ token: 'user:m' });
    const connectionId = (member.frames[0] as { connectionId: string }).connectionId;
    member.send({ t: 'pres', id: 1, channel: 'p', action: 'enter', data: 'hi' });
    await member.reply(1);
    await watcher.next((f) => f.t === 'presEvt' && f.action === 'enter');
    member.ws.terminate();
    await waitFor(() => foony.heldPresence === 1, 'the presence held');
    const stranger = await Raw.open({ token: 'user:other', resumeConnectionId: connectionId });
    expect(stranger.frames[0]).toMatchObject({ t: 'connected' });
    expect((stranger.frames[0] as { connectionId: string }).connectionId).not.toBe(connectionId);
    const leave = await watcher.next((f) => f.t === 'presEvt');
    expect(leave).toMatchObject({ action: 'leave', clientId: 'm', connectionId, data: 'hi' });
    expect(foony.heldPresence).toBe(0);
    expect(foony.membersOf('p')).toEqual([]);
  });

  it('bundle: a tick’s messages go to a subscriber as one record in one WebSocket message', async () => {
    await start({ bundle: true });
    const raw = await Raw.open({ token: 'user:b' });
    raw.send({ t: 'sub', id: 1, channel: 'b' });
    await raw.reply(1);
    const before = raw.messages;
    for (let i = 1; i <= 3; i++) foony.publish('b', 'n', i);
    const bundle = await raw.next((f) => f.t === 'msg');
    expect(bundle).toMatchObject({ bundle: [{ seq: 1 }, { seq: 2 }, { seq: 3 }] });
    expect(raw.messages).toBe(before + 1);
  });

  it('the JSON wire on the same path sends no serials', async () => {
    await start();
    const ws = new WebSocket(server!.wsUrl('/foony'));
    sockets.push(ws);
    const texts: string[] = [];
    ws.on('message', (data) => texts.push(String(data)));
    await new Promise((resolve) => ws.once('open', resolve));
    ws.send(JSON.stringify({ t: 'auth', token: 'valid-token' }));
    ws.send(JSON.stringify({ t: 'sub', id: 1, channel: 'j' }));
    await waitFor(() => texts.length === 2, 'connected and ack');
    foony.publish('j', 'n', 1);
    await waitFor(() => texts.length === 3, 'the message');
    expect(Object.keys(JSON.parse(texts[2]) as object).sort()).toEqual([
      'channel',
      'data',
      'messageId',
      'name',
      't',
      'timestamp',
    ]);
    expect(foony.historyOf('j')[0].serial).toBe(1);
  });

  it('long-poll: connect (session header), send, held poll, disconnect, then 410', async () => {
    await start({ longPoll: { holdMs: 200 } });
    const base = `${server!.url}/foony/lp`;
    const post = (route: string, body?: ClientFrame, session?: string): Promise<Response> =>
      fetch(`${base}/${route}`, {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream', ...(session ? { 'foony-lp-session': session } : {}) },
        body: body ? frameBinaryRecord(encodeClientFrame(body)) : null,
      });
    const frames = async (response: Response): Promise<ServerFrame[]> =>
      decodeServerFrames(await response.arrayBuffer());

    const refused = await post('connect', { t: 'auth', token: 'nope' });
    expect(refused.status).toBe(200);
    expect(refused.headers.get('foony-lp-session')).toBeNull();
    expect(await frames(refused)).toMatchObject([{ t: 'err', code: 40101 }]);

    const connected = await post('connect', { t: 'auth', token: 'user:lp' });
    const session = connected.headers.get('foony-lp-session')!;
    expect(session).toMatch(/^[0-9a-f]{32}$/);
    expect(await frames(connected)).toMatchObject([{ t: 'connected', clientId: 'lp' }]);
    expect(foony.sessionList()).toMatchObject([{ clientId: 'lp', wire: 'binary', transport: 'long-poll' }]);
    expect((await post('poll', undefined, 'no-such-session')).status).toBe(410);

    const empty = await post('poll', undefined, session); // held, then answered empty
    expect(empty.status).toBe(200);
    expect((await empty.arrayBuffer()).byteLength).toBe(0);
    const held = post('poll', undefined, session);
    expect((await post('send', { t: 'ping' }, session)).status).toBe(204);
    expect(await frames(await held)).toEqual([{ t: 'pong' }]);

    expect((await post('disconnect', undefined, session)).status).toBe(204);
    expect((await post('poll', undefined, session)).status).toBe(410);
    expect(foony.sessionList()).toEqual([]);
  });
});

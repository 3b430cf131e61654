import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PolySocketError } from '@polysocket/core';
import { harness } from '../helpers/client';
import { advance, flush } from '../helpers/flush';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('requests', () => {
  it('allocates ids and resolves each request with its own reply, in any order', async () => {
    const { client, echo } = harness({ server: { holdRequests: true } });
    await client.connect();
    const replies = [1, 2, 3].map((n) => client.request((id) => ({ t: 'req', id, body: n })));
    await flush();
    const sent = echo.frames().filter((f) => f.t === 'req') as { id: number; body: number }[];
    expect(new Set(sent.map((f) => f.id)).size).toBe(3);
    for (const frame of [...sent].reverse())
      echo.sendTo(echo.server.last!, { t: 'res', id: frame.id, body: frame.body * 10 });
    await flush();
    expect(await Promise.all(replies)).toEqual([
      { t: 'res', id: sent[0].id, body: 10 },
      { t: 'res', id: sent[1].id, body: 20 },
      { t: 'res', id: sent[2].id, body: 30 },
    ]);
    expect(client.pendingRequests).toBe(0);
    client.close();
  });

  it('rejects with the error the reply carries', async () => {
    const { client, echo } = harness({ server: { holdRequests: true } });
    await client.connect();
    const reply = client.request((id) => ({ t: 'req', id, body: 'x' }));
    await flush();
    const { id } = echo.frames()[1] as { id: number };
    echo.sendTo(echo.server.last!, { t: 'res', id, error: 'no such thing' });
    await expect(reply).rejects.toMatchObject({ code: 'SERVER', message: 'no such thing' });
    client.close();
  });

  it('times out after 10 s by default, and a late reply goes to onFrame harmlessly', async () => {
    const { client, echo, frames } = harness({ server: { holdRequests: true } });
    await client.connect();
    const reply = client.request((id) => ({ t: 'req', id, body: 1 }));
    const outcome = expect(reply).rejects.toMatchObject({ code: 'TIMEOUT', retryable: true, maybeDelivered: true });
    await advance(9999);
    expect(client.pendingRequests).toBe(1);
    await advance(1);
    await outcome;
    expect(client.pendingRequests).toBe(0);
    const { id } = echo.frames()[1] as { id: number };
    echo.sendTo(echo.server.last!, { t: 'res', id, body: 'late' });
    await flush();
    expect(frames).toEqual([{ t: 'res', id, body: 'late' }]);
    client.close();
  });

  it('honours a per-request timeout and the connection default', async () => {
    const { client } = harness({ server: { holdRequests: true }, connection: { requestTimeoutMs: 300 } });
    await client.connect();
    const byDefault = client.request((id) => ({ t: 'req', id, body: 1 }));
    const explicit = client.request((id) => ({ t: 'req', id, body: 2 }), { timeoutMs: 100 });
    const both = Promise.allSettled([byDefault, explicit]);
    await advance(100);
    expect(client.pendingRequests).toBe(1);
    await advance(200);
    const [a, b] = await both;
    expect(a.status).toBe('rejected');
    expect(b.status).toBe('rejected');
    client.close();
  });

  it('aborts through an AbortSignal, before or after the write', async () => {
    const { client, echo } = harness({ server: { holdRequests: true } });
    await client.connect();
    const early = new AbortController();
    early.abort('changed my mind');
    await expect(client.request((id) => ({ t: 'req', id, body: 0 }), { signal: early.signal })).rejects.toMatchObject({
      code: 'ABORTED',
      cause: 'changed my mind',
    });
    expect(echo.frames().filter((f) => f.t === 'req')).toHaveLength(0);

    const late = new AbortController();
    const reply = client.request((id) => ({ t: 'req', id, body: 1 }), { signal: late.signal });
    await flush();
    late.abort();
    await expect(reply).rejects.toMatchObject({ code: 'ABORTED', maybeDelivered: true });
    expect(client.pendingRequests).toBe(0);
    client.close();
  });

  it('a written request rejects at a drop with a retryable DISCONNECTED that says it may have been delivered', async () => {
    const { client, echo } = harness({ server: { holdRequests: true } });
    await client.connect();
    const reply = client.request((id) => ({ t: 'req', id, body: 1 }));
    await flush();
    echo.server.last!.drop();
    await expect(reply).rejects.toMatchObject({ code: 'DISCONNECTED', retryable: true, maybeDelivered: true });
    client.close();
  });

  it('its TIMEOUT, ABORTED and DISCONNECTED messages name what it waited for (label) and say what to do (hint)', async () => {
    const { client, echo } = harness({ server: { holdRequests: true } });
    await client.connect();
    const named = { label: "ack for 'add'", timeoutHint: 'raise ackTimeoutMs to wait longer' };
    const timedOut = client.request((id) => ({ t: 'req', id, body: 1 }), { ...named, timeoutMs: 100 });
    const plain = client.request((id) => ({ t: 'req', id, body: 2 }), { timeoutMs: 100 });
    const both = Promise.allSettled([timedOut, plain]);
    await advance(100);
    const [a, b] = await both;
    expect((a as PromiseRejectedResult).reason).toMatchObject({
      code: 'TIMEOUT',
      message: "no ack for 'add' within 100 ms: raise ackTimeoutMs to wait longer",
    });
    // Without a label: the request id, and no hint.
    expect((b as PromiseRejectedResult).reason.message).toMatch(/^no reply to request \d+ within 100 ms$/);

    const controller = new AbortController();
    const aborted = client.request((id) => ({ t: 'req', id, body: 3 }), { ...named, signal: controller.signal });
    await flush();
    controller.abort();
    await expect(aborted).rejects.toMatchObject({
      code: 'ABORTED',
      message: "aborted while waiting for the ack for 'add'",
    });

    const dropped = client.request((id) => ({ t: 'req', id, body: 4 }), named);
    await flush();
    echo.server.last!.drop();
    await expect(dropped).rejects.toMatchObject({
      code: 'DISCONNECTED',
      message: "link lost before the ack for 'add'; it may have been delivered",
    });
    client.close();
  });

  it('a resend-safe request is written again after the reconnect and then resolves', async () => {
    const { client, echo } = harness({ server: { holdRequests: true }, protocol: { streams: ['s'] } });
    await client.connect();
    const reply = client.request((id) => ({ t: 'req', id, body: 'idempotent' }), {
      resendSafe: true,
      timeoutMs: 30_000,
    });
    await flush();
    const firstPeer = echo.server.last!;
    firstPeer.drop();
    await flush();
    echo.behaviour.holdRequests = false;
    await advance(1000);
    expect(client.state).toBe('connected');
    const secondPeer = echo.server.last!;
    expect(secondPeer).not.toBe(firstPeer);
    // Restore's frames go first, then the resent request with its original id.
    const frames = echo.frames(secondPeer);
    expect(frames.map((f) => f.t)).toEqual(['hello', 'sub', 'req']);
    expect(await reply).toMatchObject({ t: 'res', body: 'idempotent' });
    client.close();
  });

  it('a request made while disconnected waits in the outbox and is written after restore', async () => {
    const { client, echo } = harness({ protocol: { streams: ['s'] } });
    await client.connect();
    echo.server.last!.drop();
    await flush();
    const reply = client.request((id) => ({ t: 'req', id, body: 'queued' }));
    expect(client.queued.messages).toBe(1);
    await advance(1000);
    expect(echo.frames().map((f) => f.t)).toEqual(['hello', 'sub', 'req']);
    expect(await reply).toMatchObject({ body: 'queued' });
    client.close();
  });

  it('a queued request still times out, and leaves the outbox when it does', async () => {
    const { client, echo } = harness();
    echo.server.refuse = true;
    void client.connect().catch(() => undefined);
    await flush();
    const reply = client.request((id) => ({ t: 'req', id, body: 1 }), { timeoutMs: 500 });
    const outcome = expect(reply).rejects.toMatchObject({ code: 'TIMEOUT', maybeDelivered: false });
    expect(client.queued.messages).toBe(1);
    await advance(500);
    await outcome;
    expect(client.queued.messages).toBe(0);
    client.close();
  });

  it("a TIMEOUT of a request never written says it was not sent, without the adapter's reply hint", async () => {
    const { client, echo } = harness({ server: { holdRequests: true } });
    await client.connect();
    const named = { label: "reply to 'echo'", timeoutHint: "the server app must answer with the request's id" };
    // Held by its gate while the client is connected.
    const held = client.request((id) => ({ t: 'req', id, body: 1 }), { ...named, timeoutMs: 100, gate: () => false });
    const heldOutcome = expect(held).rejects.toMatchObject({
      code: 'TIMEOUT',
      maybeDelivered: false,
      message: "no reply to 'echo' within 100 ms: not sent, it was still held in the outbox",
    });
    await advance(100);
    await heldOutcome;
    // Waiting in the outbox while the client is not connected.
    echo.server.refuse = true;
    echo.server.last!.drop();
    await flush();
    expect(client.state).toBe('reconnecting');
    const queued = client.request((id) => ({ t: 'req', id, body: 2 }), { ...named, timeoutMs: 300 });
    const outcome = expect(queued).rejects.toMatchObject({
      code: 'TIMEOUT',
      maybeDelivered: false,
      message:
        "no reply to 'echo' within 300 ms: not sent, the client was not connected (wait for 'connected', or allow a longer timeout)",
    });
    expect(client.queued.messages).toBe(1);
    await advance(300);
    await outcome;
    client.close();
  });

  it('close() rejects pending and queued requests with CLOSED', async () => {
    const { client, echo } = harness({ server: { holdRequests: true } });
    await client.connect();
    const written = client.request((id) => ({ t: 'req', id, body: 1 }));
    echo.server.last!.drop();
    await flush();
    const queued = client.request((id) => ({ t: 'req', id, body: 2 }));
    client.close();
    await expect(written).rejects.toMatchObject({ code: 'DISCONNECTED' });
    await expect(queued).rejects.toMatchObject({ code: 'CLOSED' });
    await expect(client.request((id) => ({ t: 'req', id, body: 3 }))).rejects.toMatchObject({ code: 'CLOSED' });
  });

  it('an unencodable request rejects with INVALID and sends nothing', async () => {
    const { client, echo } = harness();
    await client.connect();
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    await expect(client.request((id) => ({ t: 'req', id, body: circular }))).rejects.toBeInstanceOf(PolySocketError);
    expect(echo.frames()).toHaveLength(1);
    client.close();
  });
});

describe('multi-part frames', () => {
  it('writes every part of an encoded frame back to back', async () => {
    const { Connection, MemoryServer } = await import('@polysocket/core');
    vi.useRealTimers();
    const server = new MemoryServer();
    server.onConnection = (peer) => {
      peer.onMessage = (data) => {
        if (data === 'hello') peer.send('welcome');
      };
    };
    const client = new Connection<string[], string>({
      protocol: {
        name: 'parts',
        encode: (parts) => parts,
        decode: (data, emit) => emit(String(data)),
        async handshake(context) {
          context.send(['hello']);
          await context.receive();
          return { info: undefined };
        },
      },
      transport: server.transport,
      browser: { network: null, document: null },
    });
    await client.connect();
    await client.send(['header', 'attachment-1', 'attachment-2']);
    await flush();
    expect(server.last!.received).toEqual(['hello', 'header', 'attachment-1', 'attachment-2']);
    client.close();
  });
});

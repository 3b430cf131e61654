import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DisconnectEvent, HeartbeatPolicy } from '@polysocket/core';
import { harness } from '../helpers/client';
import { clientPingHeartbeat, type EchoIn, type EchoOut } from '../helpers/echo-protocol';
import { advance, flush } from '../helpers/flush';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

const serverPings: HeartbeatPolicy<EchoOut, EchoIn> = {
  intervalMs: 0,
  silenceTimeoutMs: 1500,
  // The echo wire has no server ping; a server `msg` with body 'ping' stands in for one.
  isPing: (frame) => frame.t === 'msg' && frame.body === 'ping',
  pong: () => ({ t: 'msg', body: 'pong' }),
};

describe('heartbeat', () => {
  it('counts a frame heard in the same millisecond as the ping, and only frames after the last ping', async () => {
    const { client, echo } = harness({
      protocol: { heartbeat: clientPingHeartbeat(1000, 500) },
      server: { ignorePings: true },
    });
    const drops: DisconnectEvent[] = [];
    client.on('disconnected', (event) => drops.push(event));
    await client.connect();
    const peer = echo.server.last!;
    await advance(1000); // ping 1
    echo.sendTo(peer, { t: 'msg', body: 'same ms' });
    await flush(); // heard, and the clock has not moved: a timestamp comparison would miss it
    await advance(500);
    expect(client.state).toBe('connected');
    await advance(500); // ping 2; what was heard before it does not count for it
    await advance(500);
    expect(client.state).toBe('reconnecting');
    expect(drops[0].reason).toMatch(/no answer to a ping within 500 ms/);
    client.close();
  });

  it('client pings: answered pings keep the session and report the round-trip time', async () => {
    const { client, echo } = harness({ protocol: { heartbeat: clientPingHeartbeat(1000, 500) } });
    const rtts: number[] = [];
    client.on('rtt', (ms) => rtts.push(ms));
    await client.connect();
    await advance(10_000);
    expect(client.state).toBe('connected');
    expect(echo.frames().filter((f) => f.t === 'ping')).toHaveLength(10);
    expect(rtts).toHaveLength(10);
    expect(client.rtt).toBe(0);
    client.close();
  });

  it('client pings: an unanswered ping is a dead link within interval + probe timeout', async () => {
    const { client, echo } = harness({
      protocol: { heartbeat: clientPingHeartbeat(1000, 500) },
      server: { ignorePings: true },
    });
    const drops: DisconnectEvent[] = [];
    client.on('disconnected', (event) => drops.push(event));
    await client.connect();
    const firstPeer = echo.server.last!;
    firstPeer.silent = true; // half-open: the TCP link stays, nothing comes back
    await advance(1499);
    expect(client.state).toBe('connected');
    await advance(1);
    expect(client.state).toBe('reconnecting');
    expect(drops[0]).toMatchObject({ willReconnect: true, wasClean: false });
    expect(drops[0].reason).toMatch(/dead link/);
    client.close();
  });

  it('client pings: any inbound frame after the ping proves the link', async () => {
    const { client, echo } = harness({
      protocol: { heartbeat: clientPingHeartbeat(1000, 500) },
      server: { ignorePings: true },
    });
    await client.connect();
    const peer = echo.server.last!;
    for (let i = 0; i < 5; i++) {
      await advance(1000); // ping goes out
      echo.sendTo(peer, { t: 'msg', body: i });
      await advance(0);
    }
    expect(client.state).toBe('connected');
    client.close();
  });

  it('server pings: answers them, and a silent server is dead after the silence timeout', async () => {
    const { client, echo } = harness({ protocol: { heartbeat: serverPings } });
    await client.connect();
    const peer = echo.server.last!;
    for (let i = 0; i < 4; i++) {
      await advance(1000);
      echo.sendTo(peer, { t: 'msg', body: 'ping' });
      await flush();
    }
    expect(echo.frames(peer).filter((f) => f.t === 'msg')).toHaveLength(4);
    expect(client.state).toBe('connected');
    await advance(1499);
    expect(client.state).toBe('connected');
    await advance(1);
    expect(client.state).toBe('reconnecting');
    client.close();
  });

  it('keep-alive only: sends the frame every interval and, with nothing to answer it, never declares the link dead', async () => {
    const keepAlive: HeartbeatPolicy<EchoOut, EchoIn> = {
      intervalMs: 1000,
      ping: () => ({ t: 'msg', body: 'heartbeat' }),
    };
    const { client, echo } = harness({ protocol: { heartbeat: keepAlive } });
    await client.connect();
    await advance(60_000);
    expect(echo.frames().filter((f) => f.t === 'msg')).toHaveLength(60);
    expect(client.state).toBe('connected');
    client.close();
  });

  it('transport pings detect a dead server where the protocol cannot, and measure the round trip', async () => {
    const policy: HeartbeatPolicy<EchoOut, EchoIn> = {
      intervalMs: 1000,
      ping: () => ({ t: 'msg', body: 'heartbeat' }),
      transportPing: true,
      probeTimeoutMs: 500,
    };
    const { client, echo } = harness({ protocol: { heartbeat: policy } });
    const rtts: number[] = [];
    client.on('rtt', (ms) => rtts.push(ms));
    await client.connect();
    await advance(3000);
    expect(rtts).toHaveLength(3);
    echo.server.last!.answerPings = false;
    await advance(1499);
    expect(client.state).toBe('connected');
    await advance(1);
    expect(client.state).toBe('reconnecting');
    client.close();
  });

  it('a send checks the deadline against the clock, so a dead link is noticed even if timers slept', async () => {
    const { client, echo } = harness({ protocol: { heartbeat: serverPings, streams: ['s'] } });
    await client.connect();
    const firstPeer = echo.server.last!;
    // The process slept: the wall clock jumped, no timer fired.
    vi.setSystemTime(Date.now() + 10_000);
    const sent = client.send({ t: 'msg', body: 'after sleep' });
    expect(client.state).toBe('reconnecting');
    expect(client.queued.messages).toBe(1);
    await advance(1000);
    expect(await sent).toBe(true);
    expect(echo.frames(firstPeer).some((f) => f.t === 'msg')).toBe(false);
    expect(echo.frames().filter((f) => f.t === 'msg')).toEqual([{ t: 'msg', body: 'after sleep' }]);
    client.close();
  });

  it('a page becoming visible checks the deadline and probes the link at once', async () => {
    const doc = Object.assign(new EventTarget(), { visibilityState: 'hidden' });
    const { client, echo } = harness({
      protocol: { heartbeat: clientPingHeartbeat(30_000, 500) },
      connection: { browser: { network: null, document: doc } },
    });
    await client.connect();
    await advance(5000);
    expect(echo.frames().filter((f) => f.t === 'ping')).toHaveLength(0);
    doc.visibilityState = 'visible';
    doc.dispatchEvent(new Event('visibilitychange'));
    await flush();
    expect(echo.frames().filter((f) => f.t === 'ping')).toHaveLength(1);
    expect(client.state).toBe('connected');
    // Hidden again, the server goes half-open; on the next wake the probe is unanswered and the
    // link is dead within the probe timeout, not after the 30 s interval.
    await advance(1000);
    echo.server.last!.silent = true;
    doc.dispatchEvent(new Event('visibilitychange'));
    await advance(499);
    expect(client.state).toBe('connected');
    await advance(1);
    expect(client.state).toBe('reconnecting');
    client.close();
  });

  it('a late timer (a throttled tab) gives data that already arrived a grace second before declaring the link dead', async () => {
    const { client, echo } = harness({ protocol: { heartbeat: serverPings } });
    await client.connect();
    const drops = vi.fn();
    client.on('disconnected', drops);
    const peer = echo.server.last!;
    vi.setSystemTime(Date.now() + 10_000); // asleep: the deadline timer will fire 10 s late
    await advance(1500);
    expect(client.state).toBe('connected'); // inside the grace period
    echo.sendTo(peer, { t: 'msg', body: 'was buffered' });
    await advance(1000);
    expect(drops).not.toHaveBeenCalled();
    await advance(500); // 1500 ms of silence since the buffered frame
    expect(drops).toHaveBeenCalledTimes(1);
    client.close();
  });

  it('stops with the session: no stale heartbeat state survives a reconnect', async () => {
    const { client, echo } = harness({ protocol: { heartbeat: clientPingHeartbeat(1000, 500) } });
    await client.connect();
    await advance(1000); // a ping is out
    echo.server.last!.drop();
    await flush();
    await advance(550);
    expect(client.state).toBe('connected');
    await advance(10_000);
    expect(client.state).toBe('connected');
    expect(vi.getTimerCount()).toBeLessThanOrEqual(3);
    client.close();
    expect(vi.getTimerCount()).toBe(0);
  });
});

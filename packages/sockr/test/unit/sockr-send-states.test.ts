import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type PolySocketError } from '@polysocket/core';
import { SockrClient, sockrCalls, sockrTyping, type ISFUClientAdapter } from '@polysocket/sockr';

const adapter: ISFUClientAdapter = {
  connect: async () => undefined,
  disconnect: async () => undefined,
  publishTracks: async () => undefined,
  onTrackSubscribed: () => undefined,
  onTrackUnsubscribed: () => undefined,
  onParticipantConnected: () => undefined,
  onParticipantDisconnected: () => undefined,
  onDisconnected: () => undefined,
};

/** Every SockrClient method that sends something and waits for the server's answer. */
function everyRequest(client: SockrClient): [string, () => Promise<unknown>][] {
  return [
    ['getOnlineStatus', () => client.getOnlineStatus(['bob'])],
    ['sendMessage', () => client.sendMessage('bob', 'hi')],
    ['fetchMessageHistory', () => client.fetchMessageHistory('bob')],
    ['getMessageHistory', () => client.getMessageHistory('bob').next()],
    ['createGroup', () => client.createGroup('team')],
    ['joinGroup', () => client.joinGroup('g1')],
    ['leaveGroup', () => client.leaveGroup('g1')],
    ['getGroupMembers', () => client.getGroupMembers('g1')],
    ['getUserGroups', () => client.getUserGroups()],
    ['sendGroupMessage', () => client.sendGroupMessage('g1', 'hi')],
    ['fetchGroupMessageHistory', () => client.fetchGroupMessageHistory('g1')],
    ['getGroupMessageHistory', () => client.getGroupMessageHistory('g1').next()],
    ['getIceServers', () => client.getIceServers()],
    ['joinConference', () => client.joinConference('g1')],
    ['joinConferenceWith', () => client.joinConferenceWith(adapter, 'g1')],
  ];
}

/** Starts every request and returns how each settled without letting any timer run. */
async function outcomes(client: SockrClient): Promise<Record<string, unknown>> {
  const results: Record<string, unknown> = {};
  for (const [name, start] of everyRequest(client)) {
    results[name] = 'pending';
    start().then(
      () => (results[name] = 'resolved'),
      (error: PolySocketError) =>
        (results[name] = { code: error.code, maybeDelivered: error.maybeDelivered, message: error.message }),
    );
  }
  await vi.advanceTimersByTimeAsync(0);
  return results;
}

describe('Sockr: a client that cannot send fails every request at once', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('idle (never connected): INVALID "call connect() first", nothing was sent', async () => {
    const client = new SockrClient({
      url: 'http://127.0.0.1:1',
      token: 'token:ana',
      autoConnect: false,
      calls: sockrCalls,
    });
    const results = await outcomes(client);
    for (const [name, result] of Object.entries(results)) {
      expect(result, name).toEqual({
        code: 'INVALID',
        maybeDelivered: false,
        message: expect.stringContaining('call connect() first'),
      });
    }
    expect(() => client.call('bob', 'offer')).toThrow(expect.objectContaining({ code: 'INVALID' }));
    expect(vi.getTimerCount()).toBe(0);
    client.close();
  });

  // joinConferenceWith({}, id) threw a raw TypeError (adapter.connect is not a function), after joining.
  it('joinConferenceWith without an SFU adapter rejects INVALID saying what to pass, before anything else', async () => {
    const client = new SockrClient({
      url: 'http://127.0.0.1:1',
      token: 'token:ana',
      autoConnect: false,
      calls: sockrCalls,
    });
    await expect(client.joinConferenceWith({} as never, 'g1')).rejects.toMatchObject({
      code: 'INVALID',
      message: expect.stringContaining('needs an SFU adapter'),
    });
    await expect(client.joinConferenceWith(undefined as never, 'g1')).rejects.toMatchObject({ code: 'INVALID' });
    client.close();
  });

  it('closed: CLOSED, nothing was sent, no timer left behind', async () => {
    const client = new SockrClient({
      url: 'http://127.0.0.1:1',
      token: 'token:ana',
      autoConnect: false,
      calls: sockrCalls,
    });
    client.close();
    const results = await outcomes(client);
    for (const [name, result] of Object.entries(results)) {
      expect(result, name).toEqual({
        code: 'CLOSED',
        maybeDelivered: false,
        message: expect.stringContaining('call connect()'),
      });
    }
    expect(() => client.call('bob', 'offer')).toThrow(expect.objectContaining({ code: 'CLOSED' }));
    expect(vi.getTimerCount()).toBe(0);
  });

  // startTyping after close() used to arm a 3 s idle timer (keeping the process alive) and emit a CLOSED error
  // when it fired.
  it('typing before connect() and after close(): skipped (no throw into a keystroke handler), no timer, no error event', async () => {
    const client = new SockrClient({
      url: 'http://127.0.0.1:1',
      token: 'token:ana',
      autoConnect: false,
      typing: sockrTyping,
    });
    const errors: PolySocketError[] = [];
    client.on('error', (error) => errors.push(error));
    for (const step of ['idle', 'closed']) {
      if (step === 'closed') client.close();
      expect(() => client.startTyping('bob'), step).not.toThrow();
      expect(() => client.startGroupTyping('g1'), step).not.toThrow();
      expect(vi.getTimerCount(), step).toBe(0);
    }
    client.stopTyping('bob');
    client.stopGroupTyping('g1');
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(5000);
    expect(errors).toEqual([]);
  });

  it('closed while requests wait for the session: each rejects with CLOSED saying what to do', async () => {
    const client = new SockrClient({
      url: 'http://127.0.0.1:1',
      token: 'token:ana',
      autoConnect: false,
      calls: sockrCalls,
      browser: { network: null, document: null },
    });
    client.connect().catch(() => undefined);
    const results = await outcomes(client);
    expect(Object.values(results).every((result) => result === 'pending')).toBe(true);
    client.close();
    await vi.advanceTimersByTimeAsync(0);
    for (const [name, result] of Object.entries(results)) {
      expect(result, name).toMatchObject({ code: 'CLOSED', message: expect.stringContaining('call connect()') });
    }
    expect(vi.getTimerCount()).toBe(0);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { SockrClient, sockrCalls, sockrTyping, type SockrClientOptions } from '@polysocket/sockr';
import { bundleOf } from '../../../../test/support/bundle';
import { record, sockrWorld, waitFor, type SockrWorld } from '../helpers/setup';

// Issue 16: calls (call signalling, SFU conferences) and typing indicators are modules the app passes in
// (`calls: sockrCalls`, `typing: sockrTyping`); the default client's bundle carries neither.

const DEFAULT = "import { SockrClient } from '@polysocket/sockr'; console.log(SockrClient);";
const MODULES = [
  // 'call_initiate' is written only by the calls module; 'throttleMs' is only the typing module's.
  { name: 'sockrCalls', marker: 'call_initiate' },
  { name: 'sockrTyping', marker: 'throttleMs' },
];

let world: SockrWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

function idle(options: Partial<SockrClientOptions> = {}): SockrClient {
  return new SockrClient({ url: 'http://127.0.0.1:1', token: 't', autoConnect: false, ...options });
}

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('Sockr optional modules', () => {
  it('neither module is in the default bundle; a bundle that imports one has it', async () => {
    const plain = await bundleOf(DEFAULT);
    for (const { name, marker } of MODULES) {
      expect(plain).not.toContain(marker);
      const withModule = await bundleOf(
        `import { SockrClient, ${name} } from '@polysocket/sockr'; console.log(SockrClient, ${name});`,
      );
      expect(withModule, name).toContain(marker);
    }
  });

  it('without sockrCalls, the call API is INVALID naming the import', async () => {
    const client = idle();
    const invalid = { code: 'INVALID', message: expect.stringContaining('calls: sockrCalls') };
    expect(thrown(() => client.call('bob', 'offer'))).toMatchObject(invalid);
    expect(thrown(() => client.activeCalls)).toMatchObject(invalid);
    expect(thrown(() => client.leaveConference('g1'))).toMatchObject(invalid);
    expect(thrown(() => client.conferenceOf('g1'))).toMatchObject(invalid);
    await expect(client.getIceServers()).rejects.toMatchObject(invalid);
    await expect(client.joinConference('g1')).rejects.toMatchObject(invalid);
    client.close();
  });

  it('without sockrTyping, the typing API is INVALID naming the import', () => {
    const client = idle();
    const invalid = { code: 'INVALID', message: expect.stringContaining('typing: sockrTyping') };
    expect(thrown(() => client.startTyping('bob'))).toMatchObject(invalid);
    expect(thrown(() => client.stopGroupTyping('g1'))).toMatchObject(invalid);
    expect(thrown(() => client.typingNow)).toMatchObject(invalid);
    client.close();
  });

  it('the options take the modules only: the old spellings are type errors', () => {
    // @ts-expect-error typing timings moved to `typingTimes`; `typing` is the module
    const old: SockrClientOptions = { url: 'http://127.0.0.1:1', token: 't', typing: { throttleMs: 100 } };
    // @ts-expect-error `calls: true` is not the module
    const flag: SockrClientOptions = { url: 'http://127.0.0.1:1', token: 't', calls: true };
    expect([old.typing, flag.calls]).toEqual([{ throttleMs: 100 }, true]);
  });

  it('from JavaScript, the old spellings are INVALID naming the import (not a TypeError)', () => {
    const make = (extra: object) => () =>
      new SockrClient({ url: 'http://127.0.0.1:1', token: 't', autoConnect: false, ...extra } as SockrClientOptions);
    expect(thrown(make({ calls: true }))).toMatchObject({
      code: 'INVALID',
      message: expect.stringContaining('sockrCalls'),
    });
    expect(thrown(make({ typing: { throttleMs: 100 } }))).toMatchObject({
      code: 'INVALID',
      message: expect.stringContaining('sockrTyping'),
    });
  });

  it('without the modules, the server events still arrive as themselves; with them, the local events too', async () => {
    world = await sockrWorld();
    const [bob, carol, alice] = await Promise.all([
      world.connected('bob'),
      world.connected('carol', { calls: sockrCalls, typing: sockrTyping }),
      world.connected('alice', { calls: sockrCalls, typing: sockrTyping }),
    ]);
    const rawTyping = record(bob, 'typing_start');
    const rawCalls = record(bob, 'call_incoming');
    const localTyping = record(carol, 'typing');
    const calls = record(carol, 'call');
    alice.startTyping('bob');
    alice.startTyping('carol');
    alice.call('bob', 'offer-1');
    await waitFor(() => rawTyping.length === 1 && rawCalls.length === 1, 'raw events on bob (no modules)');
    alice.call('carol', 'offer-2');
    await waitFor(() => localTyping.length === 1 && calls.length === 1, 'local events on carol (with the modules)');
    expect(localTyping[0]).toMatchObject({ userId: 'alice', typing: true });
    expect(calls[0].peer).toBe('alice');
    expect(carol.typingNow.has('alice')).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { MemoryServer, PolySocketError } from '@polysocket/core';
import { MemoryFoony, settle } from '../helpers/memory-foony';
import {
  FoonyClient,
  foonyBinaryWire,
  foonyPresence,
  foonySeedWire,
  looseChannelNames,
  strictChannelNames,
  webStorageCursors,
  type FoonyClientOptions,
} from '@polysocket/foony';

const base = { url: 'ws://memory/foony', token: 'secret-token-123', transport: new MemoryServer().transport };

function thrown(run: () => unknown): PolySocketError {
  try {
    run();
  } catch (error) {
    return error as PolySocketError;
  }
  throw new Error('did not throw');
}

describe('Foony optional modules: used without the module', () => {
  it('channel() with no name (a JavaScript caller) is INVALID at once, without channel-name rules', () => {
    const client = new FoonyClient(base);
    const error = thrown(() => client.channel(undefined as unknown as string));
    expect(error).toBeInstanceOf(PolySocketError);
    expect(error.code).toBe('INVALID');
    expect(error.message).toContain('needs a name');
  });

  it('channel.presence without foonyPresence is INVALID naming the import', () => {
    const channel = new FoonyClient(base).channel('a');
    const error = thrown(() => channel.presence);
    expect(error).toBeInstanceOf(PolySocketError);
    expect(error.code).toBe('INVALID');
    expect(error.message).toContain("presence needs { presence: foonyPresence } from '@polysocket/foony'");
    // A script-tag page has no import: the message names the global, and the bundle that has it.
    expect(error.message).toContain('or polysocket.full.global.js');
    expect(new FoonyClient({ ...base, presence: foonyPresence }).channel('a').presence.isPresent).toBe(false);
  });

  it('without presence, presEvt frames are ignored: no error, messages still delivered', async () => {
    const server = new MemoryFoony();
    const client = server.client({ presence: undefined });
    const errors: PolySocketError[] = [];
    client.on('error', (e) => errors.push(e));
    await client.connect();
    const got: unknown[] = [];
    client.channel('room').subscribe((m) => got.push(m.data));
    await settle();
    server.otherEnters('room', { here: true });
    server.publish('room', 'n', 1);
    await settle();
    expect(errors).toEqual([]);
    expect(got).toEqual([1]);
    client.close();
  });

  it('an old option or a value that is not the module is INVALID naming the import (JavaScript callers)', () => {
    const cases: [Record<string, unknown>, string][] = [
      [
        { cursorStorage: { getItem: () => null, setItem: () => undefined, removeItem: () => undefined } },
        'webStorageCursors',
      ],
      [{ cursorStorageKey: 'k' }, 'webStorageCursors'],
      [{ persistCursors: {} }, 'webStorageCursors'],
      [{ strictChannelNames: true }, 'strictChannelNames'],
      [{ channelNames: 'strict' }, 'strictChannelNames'],
      [{ presence: true }, 'foonyPresence'],
    ];
    for (const [extra, module] of cases) {
      const error = thrown(() => new FoonyClient({ ...base, ...extra } as unknown as FoonyClientOptions));
      expect(error.code, JSON.stringify(extra)).toBe('INVALID');
      expect(error.message).toContain(`: ${module} } from '@polysocket/foony'`);
    }
  });

  it("a wire that is not one of the two wires (a JavaScript caller's string) is INVALID naming them", () => {
    for (const wire of ['json', 'binary', {}, true]) {
      const error = thrown(() => new FoonyClient({ ...base, wire } as unknown as FoonyClientOptions));
      expect(error.code, JSON.stringify(wire)).toBe('INVALID');
      expect(error.message).toBe("wire takes foonySeedWire or foonyBinaryWire from '@polysocket/foony'");
    }
    expect(() => new FoonyClient({ ...base, wire: foonySeedWire })).not.toThrow();
    expect(() => new FoonyClient({ ...base, wire: foonyBinaryWire })).not.toThrow();
  });

  it('without channel-name rules the client takes any name (the server judges it); with them, bad names throw', () => {
    expect(() => new FoonyClient(base).channel('has space')).not.toThrow();
    expect(() => new FoonyClient({ ...base, channelNames: looseChannelNames }).channel('has space')).toThrow(
      /whitespace/,
    );
    expect(() => new FoonyClient({ ...base, channelNames: looseChannelNames }).channel('rooms/1.x')).not.toThrow();
    expect(() => new FoonyClient({ ...base, channelNames: strictChannelNames }).channel('rooms/1.x')).toThrow(
      /must match/,
    );
  });
});

/** Old spellings and wrong values are type errors (checked by `npm run typecheck`). */
export function typeErrors(): void {
  // @ts-expect-error cursorStorage is gone: persistCursors: webStorageCursors(storage)
  new FoonyClient({ ...base, cursorStorage: globalThis.localStorage });
  // @ts-expect-error cursorStorageKey is gone: webStorageCursors(storage, { key })
  new FoonyClient({ ...base, cursorStorageKey: 'k' });
  // @ts-expect-error strictChannelNames is gone: channelNames: strictChannelNames
  new FoonyClient({ ...base, strictChannelNames: true });
  // @ts-expect-error presence takes the module, not a flag
  new FoonyClient({ ...base, presence: true });
  // @ts-expect-error persistCursors takes the module, not the storage
  new FoonyClient({ ...base, persistCursors: globalThis.localStorage });
  new FoonyClient({ ...base, persistCursors: webStorageCursors(globalThis.localStorage, { key: 'k' }) });
}

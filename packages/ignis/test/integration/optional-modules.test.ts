import { afterEach, describe, expect, it } from 'vitest';
import type { PolySocketError } from '@polysocket/core';
import { DEFAULT_HKDF_INFO, IgnisClient, ignisEncryption, type IgnisClientOptions } from '@polysocket/ignis';
import { bundleOf } from '../../../../test/support/bundle';
import { ignisWorld, waitFor, type IgnisWorld } from '../helpers/setup';

let world: IgnisWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

/** Strings only the encryption module has: the HKDF info of the scheme, and the WebCrypto calls it makes. */
const ENCRYPTION_MARKERS = [DEFAULT_HKDF_INFO, 'deriveBits', 'AES-GCM'];

describe('Ignis optional module: encryption (ignisEncryption)', () => {
  it('an app that does not import it ships none of its code; one that does, ships it', async () => {
    const without = await bundleOf(
      "import { IgnisClient } from '@polysocket/ignis'; console.log(new IgnisClient({ url: 'wss://h/ws' }));",
    );
    const withIt = await bundleOf(
      "import { IgnisClient, ignisEncryption } from '@polysocket/ignis';" +
        "console.log(new IgnisClient({ url: 'wss://h/ws', encryption: ignisEncryption() }));",
    );
    expect(without).toContain('IgnisClient needs a url'); // the client itself is in it
    for (const marker of ENCRYPTION_MARKERS) {
      expect(without, marker).not.toContain(marker);
      expect(withIt, marker).toContain(marker);
    }
    expect(withIt.length - without.length).toBeGreaterThan(2000);
  });

  it('the old spellings (encryption: true, an options object) are a type error and INVALID naming the import', () => {
    const make = (encryption: unknown) => () =>
      new IgnisClient({ url: 'ws://127.0.0.1:1/ws', encryption } as IgnisClientOptions);
    for (const old of [true, { sealOutbound: true }, ignisEncryption]) {
      expect(make(old)).toThrow(
        expect.objectContaining({
          code: 'INVALID',
          message: expect.stringContaining(
            "encryption needs { encryption: ignisEncryption() } from '@polysocket/ignis'",
          ),
        }),
      );
    }
    // @ts-expect-error `encryption: true` is gone: the option takes the module
    expect(() => new IgnisClient({ url: 'ws://127.0.0.1:1/ws', encryption: true })).toThrow(/ignisEncryption/);
    expect(() => new IgnisClient({ url: 'ws://127.0.0.1:1/ws', encryption: ignisEncryption() })).not.toThrow();
  });

  it('imported, it encrypts the session; without it, a server that requires encryption stops the client naming it', async () => {
    world = await ignisWorld({ requireEncryption: true });
    const secure = world.client({ encryption: ignisEncryption() });
    await secure.connect();
    expect(secure.session?.encrypted).toBe(true);
    expect(world.ignis.client(secure.session!.clientId)?.encrypted).toBe(true);

    const plain = world.client();
    const errors: PolySocketError[] = [];
    plain.on('error', (error) => errors.push(error));
    await expect(plain.connect()).rejects.toMatchObject({ code: 'INVALID' });
    await waitFor(() => plain.state === 'failed', 'failed');
    expect(errors.map((e) => `${e.code}:${e.message}`).join('\n')).toMatch(/INVALID:.*ignisEncryption\(\)/);
  });
});

import { describe, expect, it } from 'vitest';
import { bundleOf } from '../../../../test/support/bundle';

// What an app ships: the default client, and the client with each optional module. A marker is a string only the
// module's code has (the module names themselves are in every bundle: the INVALID message names the import).
const CLIENT = "new FoonyClient({ url: 'wss://rt.example.com/foony', token: 't'";
const MODULES = {
  presence: {
    snippet: `import { FoonyClient, foonyPresence } from '@polysocket/foony'; ${CLIENT}, presence: foonyPresence }).channel('a').presence.enter();`,
    markers: ['superseded by a listener', 'isPresent'],
  },
  'channel-name rules': {
    snippet: `import { FoonyClient, strictChannelNames } from '@polysocket/foony'; ${CLIENT}, channelNames: strictChannelNames }).channel('a');`,
    markers: ['control characters', 'A-Za-z0-9:_-'],
  },
  'cursor persistence': {
    snippet: `import { FoonyClient, webStorageCursors } from '@polysocket/foony'; ${CLIENT}, persistCursors: webStorageCursors(localStorage) }).channel('a');`,
    markers: ['polysocket:foony:', 'removeItem'],
  },
  'seed wire': {
    snippet: `import { FoonyClient, foonySeedWire } from '@polysocket/foony'; ${CLIENT}, wire: foonySeedWire }).channel('a');`,
    markers: ['malformed Foony frame', 'this server speaks binary records'],
  },
  encryption: {
    snippet: `import { FoonyClient, foonyCipher } from '@polysocket/foony'; ${CLIENT}, cipher: foonyCipher({ key: 'k' }) }).channel('a');`,
    markers: ['could not decrypt', 'cipher+aes-', 'AES-GCM'],
  },
  'long-poll fallback': {
    snippet: `import { FoonyClient, foonyLongPoll } from '@polysocket/foony'; ${CLIENT}, fallback: foonyLongPoll }).channel('a');`,
    markers: ['foony-lp-session', 'moving from long-poll to WebSocket'],
  },
};

describe('Foony optional modules stay out of a bundle that does not import them', () => {
  it('the default client carries none of them', async () => {
    const bundle = await bundleOf(
      `import { FoonyClient } from '@polysocket/foony'; ${CLIENT} }).channel('a').publish('n', 1);`,
    );
    expect(bundle).toContain('FoonyClient'); // the bundle is real: the INVALID messages name the imports
    expect(bundle).toContain('foonyPresence');
    // Its one codec is the binary records' (the default wire); the seed's JSON wire is a module.
    expect(bundle).toContain('malformed Foony record');
    expect(bundle).toContain('pass wire: foonySeedWire');
    for (const { markers } of Object.values(MODULES))
      for (const marker of markers) expect(bundle).not.toContain(marker);
  });

  it('passing foonyBinaryWire is the default: the same bundle', async () => {
    const byDefault = await bundleOf(`import { FoonyClient } from '@polysocket/foony'; ${CLIENT} }).channel('a');`);
    const passed = await bundleOf(
      `import { FoonyClient, foonyBinaryWire } from '@polysocket/foony'; ${CLIENT}, wire: foonyBinaryWire }).channel('a');`,
    );
    expect(passed.length - byDefault.length).toBeLessThan(40); // the option and the import's name, nothing more
  });

  for (const [name, { snippet, markers }] of Object.entries(MODULES)) {
    it(`a client that imports ${name} carries it`, async () => {
      const bundle = await bundleOf(snippet);
      for (const marker of markers) expect(bundle).toContain(marker);
    });
  }
});

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
  encryption: {
    snippet: `import { FoonyClient, foonyBinaryWire, foonyCipher } from '@polysocket/foony'; ${CLIENT}, wire: foonyBinaryWire, cipher: foonyCipher({ key: 'k' }) }).channel('a');`,
    markers: ['could not decrypt', 'cipher+aes-', 'AES-GCM'],
  },
  'long-poll fallback': {
    snippet: `import { FoonyClient, foonyBinaryWire, foonyLongPoll } from '@polysocket/foony'; ${CLIENT}, wire: foonyBinaryWire, fallback: foonyLongPoll }).channel('a');`,
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
    for (const { markers } of Object.values(MODULES))
      for (const marker of markers) expect(bundle).not.toContain(marker);
  });

  it('the binary wire without foonyCipher carries no encryption', async () => {
    const bundle = await bundleOf(
      `import { FoonyClient, foonyBinaryWire } from '@polysocket/foony'; ${CLIENT}, wire: foonyBinaryWire }).channel('a');`,
    );
    expect(bundle).toContain('fetchRes'); // the bundle is real: it has the binary wire
    for (const marker of MODULES.encryption.markers) expect(bundle).not.toContain(marker);
  });

  for (const [name, { snippet, markers }] of Object.entries(MODULES)) {
    it(`a client that imports ${name} carries it`, async () => {
      const bundle = await bundleOf(snippet);
      for (const marker of markers) expect(bundle).toContain(marker);
    });
  }
});

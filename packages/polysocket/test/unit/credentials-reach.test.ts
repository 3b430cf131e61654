import { describe, expect, it } from 'vitest';
import { FoonyClient } from '@polysocket/foony';
import { SocketIOClient } from '@polysocket/socketio';
import { SockrClient } from '@polysocket/sockr';

const SECRET = 'tok_enumerable-secret';

/** Every string reachable from `root` through `Object.values`: what spreading, `Object.entries` and JSON loggers see. */
function reachableStrings(root: object): string[] {
  const seen = new Set<unknown>();
  const strings: string[] = [];
  const walk = (value: unknown): void => {
    if (typeof value === 'string') strings.push(value);
    if (value === null || (typeof value !== 'object' && typeof value !== 'function') || seen.has(value)) return;
    seen.add(value);
    for (const item of Object.values(value)) walk(item);
  };
  walk(root);
  return strings;
}

// Ignis has its own test (packages/ignis/test/unit/credentials-reach.test.ts). The clients kept the app's options
// (url with a key, token, auth) as an enumerable field: `{ ...client }` or a JSON logger reached the credentials.
describe("a client's credentials are out of reach of enumeration", () => {
  const clients: [string, () => { close(): void }][] = [
    ['FoonyClient', () => new FoonyClient({ url: `ws://127.0.0.1:1/foony?key=${SECRET}`, token: SECRET })],
    [
      'SocketIOClient',
      () => new SocketIOClient({ url: `http://127.0.0.1:1/?k=${SECRET}`, auth: { token: SECRET }, autoConnect: false }),
    ],
    [
      'SockrClient',
      () => new SockrClient({ url: `http://127.0.0.1:1/?k=${SECRET}`, token: SECRET, autoConnect: false }),
    ],
  ];
  for (const [name, make] of clients)
    it(`${name}: no string reachable through Object.values holds one`, () => {
      const client = make();
      const strings = reachableStrings(client);
      expect(strings.length).toBeGreaterThan(0);
      expect(strings.filter((text) => text.includes(SECRET))).toEqual([]);
      client.close();
    });
});

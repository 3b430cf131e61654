import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import type { Logger } from '@polysocket/core';
import { foonySeedWire } from '@polysocket/foony';
import { foonyWorld, waitFor, type FoonyWorld } from '../helpers/setup';

let world: FoonyWorld;
afterEach(async () => {
  await world?.close();
});

function recording(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const record = (...args: unknown[]): void =>
    void lines.push(args.map((a) => (typeof a === 'string' ? a : inspect(a))).join(' '));
  return { logger: { debug: record, info: record, warn: record, error: record }, lines };
}

// A server that echoes a secret in an error: injected as a JSON `err`, so these clients speak the seed wire (the
// redaction is the client's logger's, the same on both wires).
const wire = foonySeedWire;

describe('Foony secrets', () => {
  for (const [what, options, secret] of [
    ['a static token', { token: 'valid-token' }, 'valid-token'],
    ['a key', { token: undefined, key: 'app.key:secret' }, 'app.key:secret'],
  ] as const) {
    it(`${what} never reaches the logger, an error event or util.inspect(client)`, async () => {
      world = await foonyWorld();
      const { logger, lines } = recording();
      const client = world.client({ ...options, logger, wire });
      const messages: string[] = [];
      client.on('error', (e) => messages.push(e.message));
      await client.connect();
      world.server.faults.inject(JSON.stringify({ t: 'err', code: 50000, message: `bad credential ${secret}` }));
      await waitFor(() => messages.length > 0, 'the error event');
      const all = [
        ...lines,
        ...messages,
        inspect(client, { depth: 10, showHidden: true }),
        inspect(client.channel('a'), { depth: 10, showHidden: true }),
      ].join('\n');
      expect(all).not.toContain(secret);
      expect(messages).toEqual(['bad credential [redacted]']);
    });
  }

  it('the private part of a key alone is redacted too', async () => {
    world = await foonyWorld({ keys: { 'app.key:s3cret-part': 'server' } });
    const client = world.client({ token: undefined, key: 'app.key:s3cret-part', wire });
    const messages: string[] = [];
    client.on('error', (e) => messages.push(e.message));
    await client.connect();
    world.server.faults.inject(JSON.stringify({ t: 'err', code: 50000, message: 'key part s3cret-part' }));
    await waitFor(() => messages.length > 0, 'the error event');
    expect(messages).toEqual(['key part [redacted]']);
  });

  it('every authCallback token is redacted, and util.inspect(client) is a short summary', async () => {
    world = await foonyWorld();
    const tokens: string[] = [];
    const client = world.client({
      token: undefined,
      wire,
      authCallback: () => {
        const token = world.foony.issueToken('alice');
        tokens.push(token);
        return token;
      },
    });
    const messages: string[] = [];
    client.on('error', (e) => messages.push(e.message));
    await client.connect();
    world.server.faults.drop('/foony');
    await waitFor(() => tokens.length === 2 && client.state === 'connected', 'a second token');
    for (const token of tokens)
      world.server.faults.inject(JSON.stringify({ t: 'err', code: 50000, message: `echo ${token}` }));
    await waitFor(() => messages.length === 2, 'two error events');
    expect(messages).toEqual(['echo [redacted]', 'echo [redacted]']);
    const text = inspect(client, { depth: 10, showHidden: true });
    expect(text).toMatch(/^FoonyClient \{/);
    expect(text).toContain("state: 'connected'");
    for (const token of tokens) expect(text).not.toContain(token);
  });
});

import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import type { Logger } from '@polysocket/core';
import { ignisWorld, waitFor, type IgnisWorld } from '../helpers/setup';

let world: IgnisWorld;
afterEach(async () => {
  await world?.close();
});

const NESTED = 'nested-s3cret-token';
const IN_ARRAY = 'array-s3cret-value';

function recording(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const record = (...args: unknown[]): void =>
    void lines.push(args.map((a) => (typeof a === 'string' ? a : inspect(a))).join(' '));
  return { logger: { debug: record, info: record, warn: record, error: record }, lines };
}

/** The server echoes every secret back in an error frame, as a careless server app might. */
async function echoSecrets(world: IgnisWorld, seen: () => number): Promise<void> {
  world.server.faults.inject(
    JSON.stringify({ event: 'error', data: { message: `refused ${NESTED} and ${IN_ARRAY}` } }),
  );
  await waitFor(() => seen() > 0, 'the error event');
}

describe('Ignis secrets: every string in the auth payload, however nested', () => {
  it('static auth: nested values never reach the logger, an error event or util.inspect(client)', async () => {
    world = await ignisWorld({ authenticate: () => ({ userId: 'u1' }) });
    const { logger, lines } = recording();
    const client = world.client({
      auth: { credentials: { bearer: { token: NESTED } }, scopes: ['read', IN_ARRAY] },
      logger,
    });
    const messages: string[] = [];
    client.on('error', (e) => messages.push(e.message));
    await client.connect();
    await echoSecrets(world, () => messages.length);
    expect(messages).toEqual(['refused [redacted] and [redacted]']);
    const all = [
      ...lines,
      ...messages,
      inspect(client, { depth: 10, showHidden: true }),
      inspect(client),
      String(client),
    ].join('\n');
    expect(all).not.toContain(NESTED);
    expect(all).not.toContain(IN_ARRAY);
    expect(lines.some((line) => line.includes('[redacted]'))).toBe(true);
  });

  it('authProvider: what it returns is registered the same way', async () => {
    world = await ignisWorld({ authenticate: () => ({ userId: 'u1' }) });
    const { logger, lines } = recording();
    const client = world.client({ authProvider: () => ({ nested: [{ token: NESTED }, IN_ARRAY] }), logger });
    const messages: string[] = [];
    client.on('error', (e) => messages.push(e.message));
    await client.connect();
    await echoSecrets(world, () => messages.length);
    const all = [...lines, ...messages, inspect(client, { depth: 10, showHidden: true })].join('\n');
    expect(all).not.toContain(NESTED);
    expect(all).not.toContain(IN_ARRAY);
  });

  it('over a real WebSocket, an Object.values walk of the client reaches no credential (nor its JSON, nor a spread)', async () => {
    world = await ignisWorld({ authenticate: () => ({ userId: 'u1' }) });
    const client = world.client({ auth: { credentials: { bearer: { token: NESTED } }, scopes: ['read', IN_ARRAY] } });
    await client.connect();
    const seen = new Set<unknown>();
    const texts: string[] = [inspect({ ...client }, { depth: 10 })];
    const walk = (value: unknown): void => {
      if (typeof value === 'string') texts.push(value);
      if (value === null || (typeof value !== 'object' && typeof value !== 'function') || seen.has(value)) return;
      seen.add(value);
      try {
        texts.push(JSON.stringify(value) ?? '');
      } catch {
        // cyclic: its parts are walked
      }
      for (const item of Object.values(value as object)) walk(item);
    };
    walk(client);
    expect(seen.size).toBeGreaterThan(20); // into the connection, its link and the WebSocket
    const all = texts.join('\n');
    expect(all).not.toContain(NESTED);
    expect(all).not.toContain(IN_ARRAY);
  });

  it('util.inspect(client) is a short summary', async () => {
    world = await ignisWorld();
    const client = world.client();
    await client.connect();
    const text = inspect(client, { depth: 10, showHidden: true });
    expect(text).toMatch(/^IgnisClient \{/);
    expect(text).toContain("state: 'connected'");
    expect(text).not.toContain('good-token');
  });

  it('a cyclic, wide or very deep auth payload is registered without hanging or throwing', async () => {
    world = await ignisWorld();
    const cyclic: Record<string, unknown> = { token: NESTED };
    cyclic.a = cyclic;
    cyclic.b = cyclic;
    let deep: Record<string, unknown> = { token: IN_ARRAY };
    for (let i = 0; i < 10_000; i++) deep = { next: deep };
    expect(() => world.client({ auth: cyclic })).not.toThrow();
    expect(() => world.client({ auth: deep })).not.toThrow();
  });
});

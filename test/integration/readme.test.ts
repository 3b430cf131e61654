import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { defaultModules, MockServer } from '@polysocket/mock-server';

const repo = fileURLToPath(new URL('../../', import.meta.url));

/** The README's code blocks that follow a `<!-- readme:name -->` marker. */
export function readmeBlocks(): Record<string, string> {
  const text = readFileSync(`${repo}README.md`, 'utf8');
  const blocks: Record<string, string> = {};
  for (const match of text.matchAll(/<!-- readme:([\w-]+) -->\n```\w+\n([\s\S]*?)```/g)) blocks[match[1]] = match[2];
  return blocks;
}

let server: MockServer;
beforeAll(async () => {
  server = new MockServer({ modules: defaultModules() });
  await server.listen();
});
afterAll(async () => {
  await server.close();
});

describe('the README code blocks run as printed (against the mock server, port rewritten)', () => {
  it('has one block per backend and the script tag', () => {
    expect(Object.keys(readmeBlocks()).sort()).toEqual(['foony', 'ignis', 'one-adapter', 'script-tag', 'socketio', 'sockr']);
  });

  for (const name of ['foony', 'ignis', 'sockr', 'socketio', 'one-adapter']) {
    it(`README: ${name}`, async () => {
      const code = readmeBlocks()[name].split('127.0.0.1:8080').join(`127.0.0.1:${server.port}`);
      const dir = `${repo}node_modules/.cache/readme-blocks`;
      mkdirSync(dir, { recursive: true });
      const file = `${dir}/${name}.ts`;
      writeFileSync(file, `${code}\nexport {};\n`);
      const logged: unknown[][] = [];
      const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void logged.push(args));
      try {
        await import(/* @vite-ignore */ `${file}?t=${Date.now()}`);
      } finally {
        spy.mockRestore();
      }
      expect(logged.length).toBeGreaterThan(0);
      if (name === 'ignis') expect(logged[logged.length - 1]).toEqual(['echoed', { ping: 1 }, 'encrypted:', true]);
      if (name === 'sockr') expect(String((logged[0][3] as { content: string }).content)).toBe('hi ben');
      if (name === 'one-adapter') expect(logged).toEqual([['idle', '->', 'connecting'], ['connecting', '->', 'connected'], ['connected', '->', 'closed']]);
    });
  }
});

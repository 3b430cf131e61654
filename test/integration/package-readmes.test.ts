import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { defaultModules, MockServer } from '@polysocket/mock-server';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const packages = ['core', 'foony', 'ignis', 'socketio', 'sockr', 'polysocket', 'mock-server'];

/** The `ts` code blocks of a package's README (the one shown on the registry's page). */
function tsBlocks(name: string): string[] {
  const text = readFileSync(`${repo}packages/${name}/README.md`, 'utf8');
  return [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]);
}

/** Runs a README block against the mock server (port rewritten) and returns what it logged. */
async function run(name: string, code: string, port: number): Promise<unknown[][]> {
  const dir = `${repo}node_modules/.cache/package-readmes`;
  mkdirSync(dir, { recursive: true });
  const file = `${dir}/${name}.ts`;
  writeFileSync(file, `${code.split('127.0.0.1:8080').join(`127.0.0.1:${port}`)}\nexport {};\n`);
  const logged: unknown[][] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void logged.push(args));
  try {
    await import(/* @vite-ignore */ `${file}?t=${Date.now()}`);
  } finally {
    spy.mockRestore();
  }
  return logged;
}

let server: MockServer;
beforeAll(async () => {
  server = new MockServer({ modules: defaultModules() });
  await server.listen();
});
afterAll(async () => {
  await server.close();
});

describe("each package's README example runs as printed (against the mock server, port rewritten)", () => {
  for (const name of packages) {
    it(`packages/${name}/README.md`, async () => {
      const blocks = tsBlocks(name);
      expect(blocks).toHaveLength(1);
      const logged = await run(name, blocks[0], server.port);
      const last = logged[logged.length - 1];
      switch (name) {
        case 'core':
          expect(logged).toEqual([['refused:', 'AUTH_FAILED', false]]);
          break;
        case 'foony':
        case 'polysocket':
          expect(logged[0]).toEqual(['text', 'hello']);
          expect(last[1]).toBe('in history');
          expect(last[0]).toBeGreaterThan(0);
          break;
        case 'ignis':
          expect(last).toEqual(['echoed', { ping: 1 }, 'encrypted:', true]);
          break;
        case 'socketio':
          expect(logged[0][0]).toBe('logged in as');
          break;
        case 'sockr':
          expect((logged[0][3] as { content: string }).content).toBe('hi ben');
          break;
        case 'mock-server':
          expect(logged[0][0]).toBe('mock server on');
          expect(String(logged[0][3])).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/foony$/);
          break;
      }
    });
  }
});

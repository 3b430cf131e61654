// Every fenced code block in README.md and docs/*.md either runs here, as printed, against the mock server, or
// is marked as a fragment (test/support/doc-blocks.ts has the convention). A runnable block is written to
// node_modules/.cache/doc-blocks with the port rewritten (127.0.0.1:8080 → the test server's), typechecked
// with the repository's compiler options, imported, and what it logs is checked.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { defaultModules, MockServer, SockrMock } from '@polysocket/mock-server';
import { blocksOf, docFiles, repo, runnableBlocks, type DocBlock } from '../support/doc-blocks';
import { waitFor } from '../support/wait';

type Logged = unknown[][];

/**
 * What each runnable block must log, by `file#name`. `browser`: an html block, run in Chromium by
 * test/browser/playground.test.ts. A new runnable block needs an entry here, so that what it does is checked.
 */
const EXPECTED: Record<string, ((logged: Logged) => void) | 'browser'> = {
  'README.md#script-tag': 'browser',
  'README.md#one-adapter': (logged) => expect(logged).toContainEqual(['connecting', '->', 'connected']),
  'README.md#foony': (logged) => {
    expect(logged).toContainEqual(['text', 'hello']);
    expect(logged.at(-1)).toEqual([expect.any(Number), 'in history']);
  },
  'README.md#ignis': (logged) => expect(logged.at(-1)).toEqual(['echoed', { ping: 1 }, 'encrypted:', true]),
  'README.md#sockr': (logged) => {
    expect(logged[0].slice(0, 2)).toEqual(['sent', expect.any(String)]);
    expect(logged[0][3]).toMatchObject({ from: 'ana', content: 'hi ben' });
  },
  'README.md#socketio': (logged) =>
    expect(logged).toEqual([['logged in as', expect.objectContaining({ userId: 'socketio-user' })]]),
  'docs/foony.md#tour': (logged) => {
    expect(logged).toContainEqual(['text', 'hello']);
    expect(logged).toContainEqual(['enter', expect.any(String)]);
  },
  'docs/ignis.md#tour': (logged) => {
    expect(logged).toContainEqual(['connected']);
    expect(logged).toContainEqual([expect.objectContaining({ encrypted: false, userId: expect.anything() })]);
  },
  'docs/socketio.md#demo': (logged) => {
    expect(logged).toContainEqual(['connected', expect.any(String)]);
    expect(logged).toContainEqual([expect.stringMatching(/^hello /)]);
    expect(logged.at(-1)).toEqual(['said:', 'HELLO', '2 + 3 =', 5, 'echo:', 'ping', 'namespaces:', true]);
  },
  'docs/react.md#ssr': (logged) => expect(logged).toEqual([['<p>idle, chat detached</p>', 'idle']]),
  'docs/react.md#sockr-ssr': (logged) =>
    expect(logged).toEqual([['<p>disconnected, logged in: false, 0 messages</p>']]),
  'docs/sockr.md#tour': (logged) =>
    expect(logged.at(-1)).toEqual([
      {
        messageId: expect.any(String),
        online: { bob: true, carol: false },
        sfuUrl: expect.any(String),
        call: 'ended',
        answer: 'v=0 (bob’s SDP answer)',
      },
    ]),
};

const LANGS_THAT_RUN = new Set(['ts', 'js']);
const cache = `${repo}node_modules/.cache/doc-blocks`;

let server: MockServer;
let sockr: SockrMock;
/** A block that threw leaves its clients open: later blocks then cannot be held to closing everything. */
let aBlockThrew = false;
beforeAll(async () => {
  const modules = defaultModules();
  sockr = modules.find((module): module is SockrMock => module instanceof SockrMock)!;
  server = new MockServer({ modules });
  await server.listen();
});
afterAll(async () => {
  await server.close();
});

/** `file:line (lang)` for messages. */
const where = (block: DocBlock): string => `${block.file}:${block.line} (${block.lang || 'no language'})`;

/** The block as a module on disk, pointed at the test server. */
function writeBlock(key: string, block: DocBlock): string {
  mkdirSync(cache, { recursive: true });
  const file = `${cache}/${key.replace(/[^\w-]+/g, '-')}.ts`;
  writeFileSync(file, `${block.code.split('127.0.0.1:8080').join(`127.0.0.1:${server.port}`)}\nexport {};\n`);
  return file;
}

describe('every fenced block in README.md and docs/*.md runs in the tests or says it is a fragment', () => {
  it('reads every document and finds its blocks', () => {
    expect(docFiles()).toEqual(
      expect.arrayContaining(['README.md', 'docs/architecture.md', 'docs/socketio.md', 'docs/sockr.md']),
    );
    expect(blocksOf('docs/sockr.md').length).toBeGreaterThanOrEqual(3);
  });

  it('each block carries exactly one marker (<!-- run: NAME --> or <!-- fragment -->), or is `text`', () => {
    const problems: string[] = [];
    for (const file of docFiles()) {
      for (const block of blocksOf(file)) {
        if (block.lang === '')
          problems.push(`${where(block)}: give the fence a language (\`text\` for a diagram or a tree)`);
        else if (block.lang === 'text') {
          if (block.marker) problems.push(`${where(block)}: a text block is not code; drop its marker`);
        } else if (!block.marker) {
          problems.push(
            `${where(block)}: unmarked; put <!-- run: NAME --> or <!-- fragment --> on the line before it${block.badMarker ? ` (found "${block.badMarker}")` : ''}`,
          );
        } else if (block.marker.kind === 'run' && !LANGS_THAT_RUN.has(block.lang) && block.lang !== 'html') {
          problems.push(`${where(block)}: only ts, js and html blocks can run; mark it <!-- fragment -->`);
        }
      }
      // A marker not followed by a block (a stray, or a second marker on one block).
      const lines = readFileSync(`${repo}${file}`, 'utf8').split('\n');
      lines.forEach((line, index) => {
        if (!/^\s*<!--\s*(run:|fragment)/.test(line)) return;
        let next = index + 1;
        while (next < lines.length && lines[next].trim() === '') next++;
        if (!/^ {0,3}(`{3,}|~{3,})/.test(lines[next] ?? ''))
          problems.push(`${file}:${index + 1}: "${line.trim()}" is not followed by a code block`);
      });
    }
    expect(problems).toEqual([]);
  });

  it('every runnable block has its expectation here, and every expectation its block', () => {
    expect([...runnableBlocks().keys()].sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it('runnable blocks talk to the mock server at 127.0.0.1:8080 only (a script tag may load from elsewhere)', () => {
    for (const [key, block] of runnableBlocks()) {
      const code = block.code.replace(/<script src="[^"]*">/g, '');
      const hosts = [...code.matchAll(/(?:https?|wss?):\/\/([^/'"`\s]+)/g)].map((match) => match[1]);
      expect(
        hosts.filter((host) => host !== '127.0.0.1:8080'),
        key,
      ).toEqual([]);
    }
  });

  it('the runnable ts/js blocks typecheck (strict, the repository options)', () => {
    const files = [...runnableBlocks()]
      .filter(([, block]) => LANGS_THAT_RUN.has(block.lang))
      .map(([key, block]) => writeBlock(key, block));
    const config = ts.readConfigFile(`${repo}tsconfig.json`, (path) => ts.sys.readFile(path));
    const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, repo);
    const program = ts.createProgram(files, { ...options, noEmit: true });
    const diagnostics = ts.getPreEmitDiagnostics(program).filter((d) => d.file && files.includes(d.file.fileName));
    expect(
      diagnostics.map(
        (d) => `${d.file!.fileName.slice(cache.length + 1)}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`,
      ),
    ).toEqual([]);
  });

  for (const [key, block] of runnableBlocks()) {
    const expected = EXPECTED[key];
    if (expected === 'browser' || !LANGS_THAT_RUN.has(block.lang)) continue;
    it(`${key} runs as printed and closes what it opened`, async () => {
      const file = writeBlock(key, block);
      const logged: Logged = [];
      const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void logged.push(args));
      try {
        await import(/* @vite-ignore */ `${file}?t=${Date.now()}`);
      } catch (error) {
        aBlockThrew = true;
        throw error;
      } finally {
        spy.mockRestore();
      }
      expect(expected, `no expectation for ${key}`).toBeTypeOf('function');
      (expected as (logged: Logged) => void)(logged);
      // A block a reader copies must not leave a client running: every link it opened goes away.
      if (!aBlockThrew)
        await waitFor(
          () => server.connections().length === 0 && (sockr.io?.engine.clientsCount ?? 0) === 0,
          `${key}'s connections to close`,
        );
    });
  }
});

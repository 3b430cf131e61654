// The mangled-names list (build/mangle.ts): the generator leaves out every unsafe name (fixtures), and the list
// made from today's sources passes checks that do not trust the generator (a string in a source, a property of a
// runtime object, a shared short name); the builds apply exactly that map.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import EventEmitter from 'eventemitter3';
import ts from 'typescript';
import { WebSocket } from 'ws';
import { afterAll, describe, expect, it } from 'vitest';
import { MANGLED_PACKAGES, mangleList, mangleOptions, repoInput, scanNames } from '../../build/mangle';

const repo = fileURLToPath(new URL('../..', import.meta.url));

describe('the generator', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mangle-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const base = file(
    'base.ts',
    `
    export enum Kind { enumMember = 1 }
    export interface Shape { inInterface: number; method(): void }
    export type Literal = { inTypeLiteral: number };
    export class Other { publicElsewhere = 1; }
    export const keys = { objectKey: 1, method() {} };
    export class Base {
      private safeField = 1;
      private static safeStatic = 2;
      private publicElsewhere = 0;
      private inInterface = 0;
      private inTypeLiteral = 0;
      private objectKey = 0;
      private quoted = 0;
      private retryTimer = 0;
      private builtTimer = 0;
      private prefixedName = 0;
      private enumMember = 0;
      private destructured = 0;
      private readonly viaAny = 0;
      private readyState = 0;
      private _events = 0;
      /** @internal Shared with other modules. */ internalField = 0;
      constructor(private readonly safeParam: number) {}
      /** @internal */ protected safeMethod(): number {
        return this.safeField + Base.safeStatic + this.safeParam + this.internalField;
      }
      touch(x: any, which: 'built'): unknown {
        const key = \`\${which}Timer\` as \`\${typeof which}Timer\`;
        const { destructured } = { destructured: 1 };
        return [x.viaAny, 'quoted' in x, this[key], 'prefixed' + which, destructured];
      }
    }`,
  );
  const sub = file(
    'sub.ts',
    `
    import { Base } from './base';
    export class Sub extends Base {
      /** @internal */ protected override safeMethod(): number { return super.safeMethod() + 1; }
      protected subclassHook(): void {}
    }`,
  );
  const foreign = repoInput().foreign;
  const list = scanNames({
    declaring: [base, sub],
    ours: [],
    others: [],
    foreign,
    compilerOptions: { strict: true, noEmit: true, target: ts.ScriptTarget.ES2020, lib: ['lib.es2020.d.ts'] },
  });

  it('lists the private, protected and @internal members (fields, static, parameter properties, overridden methods)', () => {
    expect(Object.keys(list.cache)).toEqual(['internalField', 'safeField', 'safeMethod', 'safeParam', 'safeStatic']);
  });

  it.each([
    ['publicElsewhere', /non-private member/],
    ['inInterface', /type property/],
    ['inTypeLiteral', /type property/],
    ['objectKey', /object-literal key/],
    ['quoted', /string/],
    ['retryTimer', /template/],
    ['builtTimer', /template/],
    ['prefixedName', /string concatenation/],
    ['enumMember', /enum member/],
    ['destructured', /object-literal key|destructured/],
    ['viaAny', /accessed on another type/],
    ['readyState', /lib\.dom\.d\.ts|@types/],
    ['_events', /eventemitter3/],
  ])('leaves out %s (%s)', (name, reason) => {
    expect(list.cache[name]).toBeUndefined();
    expect(list.excluded[name]).toMatch(reason);
  });

  it('leaves a protected member (a subclass API) alone unless it is @internal', () => {
    expect(list.cache.subclassHook).toBeUndefined();
    expect(list.cache.safeMethod).toBeDefined();
  });

  it('gives each name its own short name, the same for the same sources', () => {
    expect(Object.values(list.cache)).toEqual(['$a', '$b', '$c', '$d', '$e']);
  });
});

describe("the list made from today's sources", () => {
  const list = mangleList();
  const names = Object.keys(list.cache);
  // The text of every source without its comments (which quote member names in backticks).
  const uncommented = (text: string): string => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const sources = ['core', 'foony', 'ignis', 'socketio', 'sockr', 'polysocket', 'mock-server'].flatMap((name) =>
    ts.sys
      .readDirectory(join(repo, 'packages', name, 'src'), ['.ts'])
      .map((path) => uncommented(readFileSync(path, 'utf8'))),
  );
  const declaring = MANGLED_PACKAGES.flatMap((name) =>
    ts.sys.readDirectory(join(repo, 'packages', name, 'src'), ['.ts']).map((path) => readFileSync(path, 'utf8')),
  ).join('\n');

  it('is not empty and is sorted', () => {
    expect(names.length).toBeGreaterThan(50);
    expect(names).toEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  });

  it('holds only names declared private or @internal in the mangled packages', () => {
    const undeclared = names.filter(
      (name) =>
        !new RegExp(
          `(?:private|@internal\\b(?:[^*]|\\*(?!/))*\\*/)\\s+(?:(?:static|override|readonly|abstract|async|declare|accessor|get|set)\\s+)*\\*?\\s*${name.replace(/\$/g, '\\$')}\\b`,
        ).test(declaring),
    );
    expect(undeclared).toEqual([]);
  });

  it('holds no name that a source spells as a string', () => {
    const quoted = names.filter((name) =>
      sources.some((text) => new RegExp(`['"\`]${name.replace(/\$/g, '\\$')}['"\`]`).test(text)),
    );
    expect(quoted).toEqual([]);
  });

  it('holds no property of the runtime objects the clients touch', () => {
    const prototypes: object[] = [
      Object.prototype,
      Function.prototype,
      Array.prototype,
      Map.prototype,
      Set.prototype,
      Promise.prototype,
      Error.prototype,
      EventEmitter.prototype,
      new EventEmitter(),
      WebSocket.prototype,
      globalThis,
    ];
    const known = ['readyState', '_events', '_eventsCount', 'then', 'toJSON', 'message', 'stack', 'cause', 'code'];
    const clashing = names.filter((name) => known.includes(name) || prototypes.some((proto) => name in proto));
    expect(clashing).toEqual([]);
  });

  it('maps every name to its own short name that no source uses', () => {
    const shorts = Object.values(list.cache);
    expect(new Set(shorts).size).toBe(shorts.length);
    for (const short of shorts) expect(short).toMatch(/^\$[A-Za-z]+$/);
    const used = shorts.filter((short) =>
      sources.some((text) => new RegExp(`(?<![\\w$])\\${short}(?![\\w$])`).test(text)),
    );
    expect(used).toEqual([]);
  });

  it("esbuild's options match exactly the listed names", () => {
    const { mangleProps, mangleCache } = mangleOptions(list);
    expect(mangleCache).toEqual(list.cache);
    for (const name of names) expect(mangleProps.test(name)).toBe(true);
    for (const name of [...Object.keys(list.excluded), 'readyState', 'connect', `${names[0]}x`, `x${names[0]}`])
      expect(mangleProps.test(name)).toBe(false);
  });

  it('a bundle built with them keeps none of the listed names', async () => {
    const result = await build({
      stdin: {
        contents: "export { SockrClient } from '@polysocket/sockr'; export { FoonyClient } from '@polysocket/foony';",
        resolveDir: repo,
        loader: 'ts',
      },
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'browser',
      tsconfig: join(repo, 'tsconfig.json'),
      logLevel: 'silent',
      ...mangleOptions(list),
    });
    const code = result.outputFiles[0].text;
    const left = names.filter((name) => new RegExp(`\\.${name.replace(/\$/g, '\\$')}(?![\\w$])`).test(code));
    expect(left).toEqual([]);
    expect(code).toContain(`.${list.cache[names[0]]}`);
  });
});

describe('the packages that share the map', () => {
  it('depend on each other at exactly their own version (so a package always runs with its siblings of the same build)', () => {
    const manifests = ['core', 'foony', 'ignis', 'socketio', 'sockr', 'polysocket'].map(
      (name) =>
        JSON.parse(readFileSync(join(repo, 'packages', name, 'package.json'), 'utf8')) as {
          name: string;
          version: string;
          dependencies?: Record<string, string>;
        },
    );
    const versions = new Map(manifests.map((m) => [m.name, m.version]));
    const loose = manifests.flatMap((m) =>
      Object.entries(m.dependencies ?? {})
        .filter(([dep, range]) => versions.has(dep) && range !== versions.get(dep))
        .map(([dep, range]) => `${m.name} → ${dep}@${range}`),
    );
    expect(loose).toEqual([]);
  });
});

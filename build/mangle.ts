// Private member names mangled in production builds: the checked list, generated from the TypeScript AST, and
// the esbuild options that apply it (`mangleProps` + a fixed `mangleCache`).
//
// Generated on every build, never committed: other branches add and rename private members all the time, and a
// committed list would go stale (or unsafe) at every merge. The result is cached in node_modules/.cache, keyed
// by the hash of every file it reads, so the four build stages compute it once.
//
// A name is mangled when it is declared as a `private` class member, or one whose doc comment says `@internal` (a
// field the core's modules share: not an API; a `protected` member only then, otherwise it is a subclass's API),
// (field, method, accessor, parameter property,
// static or not) in packages/{core,foony,ignis,socketio,sockr}/src, and NOT when it is also:
// - a non-private class member, an interface/type property, an object-literal key, a destructured key or an enum
//   member anywhere in our sources (every package's src);
// - a string literal or template text anywhere in our sources (`'x' in y`, `y['x']`, `${a}Timer`, `'on' + a`);
// - read or written through anything but a private/protected member: the type checker resolves every `.x` of a
//   listed name in our sources, and an access through `any`, an index signature or another type drops it;
// - a property name, property access or string in the TypeScript libs (ES + DOM), @types/node, @types/ws,
//   eventemitter3 and isomorphic-ws (declarations and the JS that the script-tag bundles inline), or in the code
//   that drives the built bundles (playground/, test/browser/).
//
// Cross-package safety: packages build separately, but a class in one package extends a class of another (and
// calls its protected members), so every build gets the same map, made from the whole list: names sorted by
// UTF-16 code unit → `$a`, `$b`, … `$Z`, `$aa`, … (a short name any scanned file uses is skipped). Two names never
// share a short name. The packages depend on each other at exact versions and are released together, so a
// package always runs with the build of its siblings made from the same sources.
//
// `npx tsx build/mangle.ts` prints the list and every excluded candidate with the reason (`--json`: the list the
// build uses, as JSON).
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync, type Dirent } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const repo = fileURLToPath(new URL('..', import.meta.url));

/** The packages whose private members are mangled. */
export const MANGLED_PACKAGES = ['core', 'foony', 'ignis', 'socketio', 'sockr'] as const;

/** The files a scan reads. `declaring`: private members become candidates; `ours`: our other sources. */
export interface ScanInput {
  /** TypeScript sources where `private`/`protected` members are candidates (also checked by every rule). */
  declaring: string[];
  /** Our other sources built with mangling (polysocket): every rule applies; their private members are not listed. */
  ours: string[];
  /** Our sources never built with mangling (mock-server): the syntactic rules only (no type-checked accesses). */
  others: string[];
  /** Third-party declarations and JS, and code that drives the built bundles: every member name there is taken. */
  foreign: string[];
  /** Compiler options for the type-checked program over `declaring` + `ours` (paths resolve our imports). */
  compilerOptions: ts.CompilerOptions;
}

export interface MangleList {
  /** name → short name, sorted by name. */
  cache: Record<string, string>;
  /** Candidates left out, with the first reason found. */
  excluded: Record<string, string>;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/**
 * Private, or marked `@internal` (a member the core's modules share but no app may use). A `protected` member
 * is a subclass's API (`SafeEmitter.onListenerError` is documented for overriding) and stays unless `@internal`.
 */
function isPrivate(node: ts.Node): boolean {
  const flags = ts.getCombinedModifierFlags(node as ts.Declaration);
  if ((flags & ts.ModifierFlags.Private) !== 0) return true;
  return ts.getJSDocTags(node).some((tag) => tag.tagName.text === 'internal');
}

function where(file: ts.SourceFile, node: ts.Node): string {
  const { line } = file.getLineAndCharacterOfPosition(node.getStart(file));
  return `${relative(repo, file.fileName).split(sep).join('/')}:${line + 1}`;
}

/** A class member's (or parameter property's) plain name, if it has one. */
function memberName(node: ts.Node): ts.Identifier | ts.StringLiteral | ts.NumericLiteral | undefined {
  const name = (node as { name?: ts.Node }).name;
  if (name && (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name))) return name;
  return undefined;
}

function isClassMember(node: ts.Node): boolean {
  return (
    (ts.isPropertyDeclaration(node) ||
      ts.isMethodDeclaration(node) ||
      ts.isGetAccessorDeclaration(node) ||
      ts.isSetAccessorDeclaration(node)) &&
    ts.isClassLike(node.parent)
  );
}

/** What the syntactic pass found: candidates and the names taken by some other use. */
class Names {
  readonly candidates = new Map<string, string>();
  readonly taken = new Map<string, string>();
  /** Identifier fragments next to a template substitution or a `+`: names built at run time. */
  readonly prefixes = new Map<string, string>();
  readonly suffixes = new Map<string, string>();
  readonly infixes = new Map<string, string>();
  /** Every identifier and string any scanned file uses (short names avoid them). */
  readonly seen = new Set<string>();

  take(name: string, reason: string): void {
    if (!this.taken.has(name)) this.taken.set(name, reason);
  }

  /** A template type's pieces always count; a value's only from 3 characters (`c${n}`, `${n}s` build no name). */
  fragment(map: Map<string, string>, text: string, reason: string, type: boolean): void {
    if (text.length >= (type ? 1 : 3) && !map.has(text)) map.set(text, reason);
  }
}

/** The identifier run at the end (`end`) or the start of a template piece. */
function edge(text: string, end: boolean): string {
  const match = end ? /[\w$]*$/.exec(text) : /^[\w$]*/.exec(text);
  return match ? match[0] : '';
}

function scanOurs(file: ts.SourceFile, declaring: boolean, names: Names): void {
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node) || ts.isPrivateIdentifier(node)) names.seen.add(node.text);
    if (isClassMember(node) || ts.isParameterPropertyDeclaration(node, node.parent)) {
      const name = memberName(node);
      if (name && !ts.isIdentifier(name)) names.take(name.text, `quoted member at ${where(file, node)}`);
      else if (name && isPrivate(node)) {
        if (declaring && !names.candidates.has(name.text)) names.candidates.set(name.text, where(file, node));
      } else if (name) names.take(name.text, `non-private member at ${where(file, node)}`);
    } else if (ts.isPropertySignature(node) || ts.isMethodSignature(node)) {
      const name = memberName(node);
      if (name) names.take(name.text, `type property at ${where(file, node)}`);
    } else if (
      (ts.isPropertyAssignment(node) ||
        ts.isShorthandPropertyAssignment(node) ||
        ts.isMethodDeclaration(node) ||
        ts.isGetAccessorDeclaration(node) ||
        ts.isSetAccessorDeclaration(node)) &&
      ts.isObjectLiteralExpression(node.parent)
    ) {
      const name = memberName(node);
      if (name) names.take(name.text, `object-literal key at ${where(file, node)}`);
    } else if (ts.isBindingElement(node) && ts.isObjectBindingPattern(node.parent)) {
      const key = node.propertyName ?? node.name;
      if (ts.isIdentifier(key) || ts.isStringLiteral(key)) names.take(key.text, `destructured at ${where(file, node)}`);
    } else if (ts.isEnumMember(node)) {
      const name = memberName(node);
      if (name) names.take(name.text, `enum member at ${where(file, node)}`);
    } else if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
      names.seen.add(node.text);
      names.take(node.text, `string at ${where(file, node)}`);
    } else if (ts.isTemplateExpression(node) || ts.isTemplateLiteralTypeNode(node)) {
      const reason = `template at ${where(file, node)}`;
      const type = ts.isTemplateLiteralTypeNode(node);
      names.fragment(names.prefixes, edge(node.head.text, true), reason, type);
      node.templateSpans.forEach((span, i) => {
        const text = span.literal.text;
        names.fragment(names.suffixes, edge(text, false), reason, type);
        if (i < node.templateSpans.length - 1) {
          names.fragment(names.prefixes, edge(text, true), reason, type);
          if (IDENTIFIER.test(text)) names.fragment(names.infixes, text, reason, type);
        }
      });
    } else if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
      const reason = `string concatenation at ${where(file, node)}`;
      if (ts.isStringLiteralLike(node.left)) names.fragment(names.prefixes, edge(node.left.text, true), reason, false);
      if (ts.isStringLiteralLike(node.right))
        names.fragment(names.suffixes, edge(node.right.text, false), reason, false);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
}

/** Third-party code and the code driving the bundles: every name in a member position, access or string. */
function scanForeign(file: ts.SourceFile, label: string, names: Names): void {
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node) || ts.isPrivateIdentifier(node)) {
      names.seen.add(node.text);
      const parent = node.parent;
      const inMemberPosition =
        parent !== undefined &&
        ((ts.isPropertyAccessExpression(parent) && parent.name === node) ||
          ((ts.isPropertyDeclaration(parent) ||
            ts.isPropertySignature(parent) ||
            ts.isMethodDeclaration(parent) ||
            ts.isMethodSignature(parent) ||
            ts.isGetAccessorDeclaration(parent) ||
            ts.isSetAccessorDeclaration(parent) ||
            ts.isPropertyAssignment(parent) ||
            ts.isShorthandPropertyAssignment(parent) ||
            ts.isEnumMember(parent) ||
            ts.isParameter(parent)) &&
            parent.name === node) ||
          (ts.isBindingElement(parent) && (parent.propertyName ?? parent.name) === node));
      if (inMemberPosition) names.take(node.text, label);
    } else if (ts.isStringLiteralLike(node)) {
      names.seen.add(node.text);
      names.take(node.text, label);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
}

/** A member declaration the mangled name may stand for: private/protected, in a declaring file. */
function isCandidateDeclaration(declaration: ts.Declaration, declaring: Set<string>): boolean {
  if (!declaring.has(declaration.getSourceFile().fileName)) return false;
  if (!isClassMember(declaration) && !ts.isParameterPropertyDeclaration(declaration, declaration.parent)) return false;
  return isPrivate(declaration);
}

/**
 * The type-checked pass: every `.name` (and `{ name } = x`) of a candidate in our sources must resolve to
 * private/protected declarations only; an access through `any`, an index signature or a public type takes it.
 */
function checkAccesses(input: ScanInput, names: Names): void {
  const program = ts.createProgram([...input.declaring, ...input.ours], input.compilerOptions);
  const checker = program.getTypeChecker();
  const declaring = new Set(input.declaring.map((file) => program.getSourceFile(file)?.fileName ?? file));
  for (const file of [...input.declaring, ...input.ours]) {
    const source = program.getSourceFile(file);
    if (!source) continue;
    const visit = (node: ts.Node): void => {
      if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.name)) {
        const name = node.name.text;
        if (names.candidates.has(name) && !names.taken.has(name)) {
          const symbol = checker.getSymbolAtLocation(node.name);
          const declarations = symbol?.declarations ?? [];
          if (declarations.length === 0 || !declarations.every((d) => isCandidateDeclaration(d, declaring)))
            names.take(name, `accessed on another type at ${where(source, node)}`);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
}

function shortNames(count: number, seen: Set<string>): string[] {
  const letters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
  const out: string[] = [];
  for (let i = 0; out.length < count; i++) {
    let name = '';
    for (let n = i; ; n = Math.floor(n / letters.length) - 1) {
      name = letters[n % letters.length] + name;
      if (n < letters.length) break;
    }
    if (!seen.has(`$${name}`)) out.push(`$${name}`);
  }
  return out;
}

const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The list for a set of files (tests use it on fixtures; the build on the repository, through `mangleList`). */
export function scanNames(input: ScanInput): MangleList {
  const names = new Names();
  const parse = (file: string): ts.SourceFile =>
    ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true, scriptKind(file));
  for (const file of input.declaring) scanOurs(parse(file), true, names);
  for (const file of [...input.ours, ...input.others]) scanOurs(parse(file), false, names);
  for (const file of input.foreign)
    scanForeign(parse(file), `used by ${relative(repo, file).split(sep).join('/')}`, names);
  checkAccesses(input, names);

  const excluded: Record<string, string> = {};
  const kept: string[] = [];
  const fragmentReason = (name: string): string | undefined => {
    for (const [prefix, reason] of names.prefixes) if (name.startsWith(prefix)) return reason;
    for (const [suffix, reason] of names.suffixes) if (name.endsWith(suffix)) return reason;
    for (const [infix, reason] of names.infixes) if (name.includes(infix)) return reason;
    return undefined;
  };
  for (const name of [...names.candidates.keys()].sort(byCodeUnit)) {
    const reason = names.taken.get(name) ?? fragmentReason(name);
    if (reason) excluded[name] = reason;
    else kept.push(name);
  }
  const shorts = shortNames(kept.length, names.seen);
  return { cache: Object.fromEntries(kept.map((name, i) => [name, shorts[i]])), excluded };
}

function scriptKind(file: string): ts.ScriptKind {
  if (file.endsWith('.js') || file.endsWith('.mjs') || file.endsWith('.cjs')) return ts.ScriptKind.JS;
  return ts.ScriptKind.TS;
}

function filesUnder(dir: string, test: (file: string) => boolean): string[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : filesUnder(path, test);
      return test(path) ? [path] : [];
    })
    .sort(byCodeUnit);
}

/** The repository's files: every package's src, the third-party code the clients use, the bundles' drivers. */
export function repoInput(root = repo): ScanInput {
  const ts_ = (file: string): boolean => file.endsWith('.ts') && !file.endsWith('.d.ts');
  const packages = readdirSync(join(root, 'packages')).sort(byCodeUnit);
  const declaring = MANGLED_PACKAGES.flatMap((name) => filesUnder(join(root, 'packages', name, 'src'), ts_));
  const rest = packages.filter((name) => !(MANGLED_PACKAGES as readonly string[]).includes(name));
  const sources = (names: string[]): string[] =>
    names.flatMap((name) => filesUnder(join(root, 'packages', name, 'src'), ts_));
  const ours = sources(rest.filter((name) => name !== 'mock-server'));
  const others = sources(rest.filter((name) => name === 'mock-server'));
  const modules = join(root, 'node_modules');
  const foreign = [
    ...filesUnder(dirname(ts.getDefaultLibFilePath({})), (f) => /[\\/]lib\.[\w.]+\.d\.ts$/.test(f)),
    ...filesUnder(join(modules, '@types', 'node'), (f) => f.endsWith('.d.ts')),
    join(modules, '@types', 'ws', 'index.d.ts'),
    join(modules, 'eventemitter3', 'index.d.ts'),
    join(modules, 'eventemitter3', 'index.js'),
    join(modules, 'isomorphic-ws', 'index.d.ts'),
    join(modules, 'isomorphic-ws', 'browser.js'),
    ...filesUnder(join(root, 'playground'), (f) => f.endsWith('.js')),
    ...filesUnder(join(root, 'test', 'browser'), (f) => f.endsWith('.js') || f.endsWith('.ts')),
  ];
  const config = ts.readConfigFile(join(root, 'tsconfig.json'), (file) => ts.sys.readFile(file));
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  return { declaring, ours, others, foreign, compilerOptions: { ...options, noEmit: true } };
}

let memo: MangleList | undefined;

/** The repository's list (cached on disk by the hash of every file read, and in memory). */
export function mangleList(): MangleList {
  if (memo) return memo;
  const input = repoInput();
  const hash = createHash('sha256');
  hash.update(`${ts.version}\n${readFileSync(fileURLToPath(import.meta.url), 'utf8')}\n`);
  for (const file of [...input.declaring, ...input.ours, ...input.others, ...input.foreign])
    hash.update(`${file}\n${readFileSync(file, 'utf8')}\n`);
  const cacheFile = join(repo, 'node_modules', '.cache', 'polysocket-mangle', `${hash.digest('hex')}.json`);
  try {
    memo = JSON.parse(readFileSync(cacheFile, 'utf8')) as MangleList;
    return memo;
  } catch {
    // Not cached yet: scan.
  }
  memo = scanNames(input);
  mkdirSync(dirname(cacheFile), { recursive: true });
  // One list is kept: the one for the sources as they are now.
  for (const old of readdirSync(dirname(cacheFile))) rmSync(join(dirname(cacheFile), old), { force: true });
  writeFileSync(cacheFile, JSON.stringify(memo));
  return memo;
}

/** esbuild's `mangleProps` (exactly the listed names) and `mangleCache` (their fixed short names). */
export function mangleOptions(list: MangleList = mangleList()): {
  mangleProps: RegExp;
  mangleCache: Record<string, string>;
} {
  const names = Object.keys(list.cache);
  // Go's RE2 (esbuild) has no lookahead; `^$` matches no property name.
  const source = names.length === 0 ? '^$' : `^(?:${names.map((n) => n.replace(/\$/g, '\\$')).join('|')})$`;
  return { mangleProps: new RegExp(source), mangleCache: { ...list.cache } };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1] && process.argv.includes('--json')) {
  console.log(JSON.stringify(mangleList()));
} else if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const started = Date.now();
  const list = scanNames(repoInput());
  const entries = Object.entries(list.cache);
  console.log(`mangled (${entries.length}):`);
  for (const [name, short] of entries) console.log(`  ${name} → ${short}`);
  console.log(`\nexcluded (${Object.keys(list.excluded).length}):`);
  for (const [name, reason] of Object.entries(list.excluded)) console.log(`  ${name}: ${reason}`);
  console.log(`\n${((Date.now() - started) / 1000).toFixed(1)} s`);
}

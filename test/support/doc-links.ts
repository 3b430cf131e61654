// A small link checker for the repository's own documents: every relative link, and every relative path
// quoted in a code span, must name a file that is in the repository (and a `#heading` that is in it).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { repo } from './doc-blocks';

export interface BrokenLink {
  /** Relative to the repository root. */
  file: string;
  line: number;
  target: string;
  why: string;
}

/** Markdown at the top level and in docs/, each package's README, and the examples. */
export function linkedFiles(): string[] {
  const list = (dir: string, keep: (name: string) => boolean): string[] =>
    existsSync(`${repo}${dir}`)
      ? readdirSync(`${repo}${dir}`)
          .filter(keep)
          .sort()
          .map((name) => (dir ? `${dir}/${name}` : name))
      : [];
  const packages = list('packages', () => true)
    .filter((dir) => existsSync(`${repo}${dir}/README.md`))
    .map((dir) => `${dir}/README.md`);
  return [
    ...list('', (name) => name.endsWith('.md')),
    ...list('docs', (name) => name.endsWith('.md')),
    ...packages,
    ...list('examples', (name) => /\.(ts|js|mjs|md)$/.test(name)),
  ];
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
export function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^ {0,3}(`{3,}|~{3,})/.test(line)) fenced = !fenced;
    const heading = fenced ? null : /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const text = heading[1].replace(/`/g, '').replace(/\[([^\]]*)\]\([^)]*\)/g, '$1');
    const base = text
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

const LINK = /!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g;
const DEFINITION = /^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+.*)?$/;
const CODE_SPAN = /`([^`\n]+)`/g;
/** Top-level folders a path quoted in a code span may start from (a path from the repository root). */
const ROOTS = /^(packages|docs|examples|scripts|test|playground|bench|\.ci)\//;

/** Targets to check in one markdown line: links (relative to the file), and code spans that are paths. */
function targetsInMarkdown(line: string): { target: string; fromRoot: boolean }[] {
  const found: { target: string; fromRoot: boolean }[] = [];
  for (const match of line.matchAll(LINK)) found.push({ target: match[1], fromRoot: false });
  const definition = DEFINITION.exec(line);
  if (definition) found.push({ target: definition[1], fromRoot: false });
  for (const match of line.replace(LINK, '').matchAll(CODE_SPAN)) {
    const span = match[1].trim();
    if (/\s/.test(span) || /[*<>{}$|]/.test(span)) continue; // a command, a glob, a placeholder
    if (span.startsWith('./') || span.startsWith('../')) found.push({ target: span, fromRoot: false });
    else if (ROOTS.test(span)) found.push({ target: span, fromRoot: true });
  }
  return found;
}

/** Paths from the repository root mentioned in a source file's comments and strings (`examples/x.ts`, `docs/y.md`). */
function targetsInSource(line: string): { target: string; fromRoot: boolean }[] {
  return [
    ...line.matchAll(/(?:^|[\s`'"(])((?:packages|docs|examples|scripts|test|playground|bench)\/[\w./-]*\w)/g),
  ].map((match) => ({ target: match[1], fromRoot: true }));
}

/** Every broken link of the files `linkedFiles()` lists (or of `files`). */
export function brokenLinks(files = linkedFiles()): BrokenLink[] {
  return files.flatMap((file) => brokenLinksIn(file, readFileSync(`${repo}${file}`, 'utf8')));
}

/** The broken links of one file's text; `file` (relative to the repository root) is where its links start from. */
export function brokenLinksIn(file: string, text: string): BrokenLink[] {
  const broken: BrokenLink[] = [];
  const markdown = file.endsWith('.md');
  let fenced = false;
  text.split('\n').forEach((line, index) => {
    if (markdown && /^ {0,3}(`{3,}|~{3,})/.test(line)) fenced = !fenced;
    if (markdown && fenced) return; // code is checked by running it
    for (const { target, fromRoot } of markdown ? targetsInMarkdown(line) : targetsInSource(line)) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // http:, https:, mailto:…
      const [path, anchor] = target.split('#') as [string, string | undefined];
      const why =
        path === ''
          ? missingAnchor(anchorsOf(text), anchor, file)
          : problem(normalize(fromRoot ? path : join(dirname(file), path)), anchor);
      if (why) broken.push({ file, line: index + 1, target, why });
    }
  });
  return broken;
}

function missingAnchor(anchors: Set<string>, anchor: string | undefined, file: string): string | undefined {
  return anchor && !anchors.has(anchor) ? `no heading #${anchor} in ${file}` : undefined;
}

function problem(resolved: string, anchor: string | undefined): string | undefined {
  if (resolved.startsWith('..') || relative(repo, join(repo, resolved)).startsWith('..'))
    return 'points outside the repository';
  // generated, not committed: `npm run build`, `npm install`, `npm run docs`, `npm run pack`
  if (/(^|\/)(dist|node_modules)(\/|$)|^(docs\/api|packs)(\/|$)/.test(resolved)) return undefined;
  if (!existsSync(`${repo}${resolved}`)) return 'no such file in the repository';
  if (!anchor || !resolved.endsWith('.md') || !statSync(`${repo}${resolved}`).isFile()) return undefined;
  return missingAnchor(anchorsOf(readFileSync(`${repo}${resolved}`, 'utf8')), anchor, resolved);
}

// The fenced code blocks of the README and docs/*.md, with the marker that says what each one is.
//
// The convention (docs/architecture.md, "Tests"): the line before every fenced block is
//   <!-- run: NAME -->      the block runs as printed in the test suite, against the mock server
//                           (test/integration/docs-blocks.test.ts; the html one in test/browser)
//   <!-- fragment -->       the block cannot run alone (an optional reason: <!-- fragment: needs a browser -->)
// and a block that is not code (a diagram, a file tree) says so with the language `text`.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const repo = fileURLToPath(new URL('../../', import.meta.url));

export type Marker = { kind: 'run'; name: string } | { kind: 'fragment'; reason?: string };

export interface DocBlock {
  /** Relative to the repository root, e.g. `docs/sockr.md`. */
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** The fence's language (`ts`, `sh`, `text`…), '' when it has none. */
  lang: string;
  code: string;
  /** The marker on the line before the fence (blank lines between are allowed); undefined when there is none. */
  marker: Marker | undefined;
  /** A line before the fence that looks like a marker but is not one (a typo), for the error message. */
  badMarker?: string;
}

/** The markdown files whose blocks follow the convention. */
export function docFiles(): string[] {
  const docs = readdirSync(`${repo}docs`)
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`);
  return ['README.md', ...docs];
}

const FENCE = /^( {0,3})(`{3,}|~{3,})\s*([^`\s]*)[^`]*$/;
const RUN = /^<!--\s*run:\s*([\w-]+)\s*-->$/;
const FRAGMENT = /^<!--\s*fragment(?::\s*(.*?))?\s*-->$/;

/** Every fenced block of one markdown file (CommonMark fences: ``` or ~~~, closed by the same kind, at least as long). */
export function blocksOf(file: string, text = readFileSync(`${repo}${file}`, 'utf8')): DocBlock[] {
  const lines = text.split('\n');
  const blocks: DocBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]);
    if (!open) continue;
    const [, indent, fence, lang] = open;
    let end = i + 1;
    const close = new RegExp(`^ {0,3}${fence[0] === '`' ? '`' : '~'}{${fence.length},}\\s*$`);
    while (end < lines.length && !close.test(lines[end])) end++;
    const body = lines.slice(i + 1, end).map((line) => (line.startsWith(indent) ? line.slice(indent.length) : line));
    let before = i - 1;
    while (before >= 0 && lines[before].trim() === '') before--;
    const previous = before >= 0 ? lines[before].trim() : '';
    const run = RUN.exec(previous);
    const fragment = FRAGMENT.exec(previous);
    const marker: Marker | undefined = run
      ? { kind: 'run', name: run[1] }
      : fragment
        ? { kind: 'fragment', ...(fragment[1] ? { reason: fragment[1] } : {}) }
        : undefined;
    blocks.push({
      file,
      line: i + 1,
      lang,
      code: body.join('\n') + '\n',
      marker,
      ...(!marker && /^<!--\s*(run|fragment|readme)/.test(previous) ? { badMarker: previous } : {}),
    });
    i = end;
  }
  return blocks;
}

/** The blocks marked `<!-- run: NAME -->`, by `file#NAME`. */
export function runnableBlocks(): Map<string, DocBlock> {
  const found = new Map<string, DocBlock>();
  for (const file of docFiles()) {
    for (const block of blocksOf(file)) {
      if (block.marker?.kind !== 'run') continue;
      const key = `${file}#${block.marker.name}`;
      if (found.has(key))
        throw new Error(
          `${key} is marked twice (line ${found.get(key)!.line} and ${block.line}): names are unique per file`,
        );
      found.set(key, block);
    }
  }
  return found;
}

import { describe, expect, it } from 'vitest';
import { anchorsOf, brokenLinks, brokenLinksIn, linkedFiles } from '../support/doc-links';

describe('the documents link only to what is in the repository', () => {
  it('checks the README, the top-level and docs/ markdown, the package READMEs and the examples', () => {
    const files = linkedFiles();
    for (const file of ['README.md', 'CHANGELOG.md', 'docs/architecture.md', 'docs/sockr.md', 'examples/socketio.ts'])
      expect(files).toContain(file);
  });

  it('has no broken relative link, quoted path or #heading', () => {
    expect(brokenLinks()).toEqual([]);
  });

  // The checker itself, on a document written to break it.
  it('finds a missing file, a path outside the repository, a missing heading; passes what exists', () => {
    const text = [
      '# Title',
      '## Run it `now`',
      'See [arch](architecture.md), [its tests](architecture.md#tests), [here](#run-it-now), [web](https://example.com/x.md).',
      'This is the living version of `../shared/DESIGN.md` and `../../outside.md`; [gone](missing.md), [bad](#nowhere).',
      '`test/support/doc-links.ts` exists, `scripts/nope.mjs` does not, `packages/polysocket/dist/browser/` is built.',
      '```ts',
      "import x from './not-checked-in-code.md';",
      '```',
      '[old]: ./sockr.md#no-such-heading',
    ].join('\n');
    const found = brokenLinksIn('docs/fake.md', text).map(({ line, target, why }) => [line, target, why]);
    expect(found).toEqual([
      [4, 'missing.md', 'no such file in the repository'],
      [4, '#nowhere', 'no heading #nowhere in docs/fake.md'],
      [4, '../shared/DESIGN.md', 'no such file in the repository'],
      [4, '../../outside.md', 'points outside the repository'],
      [5, 'scripts/nope.mjs', 'no such file in the repository'],
      [9, './sockr.md#no-such-heading', 'no heading #no-such-heading in docs/sockr.md'],
    ]);
    expect(brokenLinksIn('examples/fake.ts', '// see docs/sockr.md and docs/nope.md\n').map((b) => b.target)).toEqual([
      'docs/nope.md',
    ]);
  });

  it('numbers repeated headings as GitHub does', () => {
    expect([...anchorsOf('# A b\n## A b\n### `C`: d/e?\n')]).toEqual(['a-b', 'a-b-1', 'c-de']);
  });
});

// `npm run size`: what an app ships (issue 16), gzip -9 of an esbuild browser bundle (minified, tree-shaken,
// ES2020) of one client class, and of the all-in-one script tag; KB = 1,000 bytes. Measured by build/size.ts,
// which `npm run bench` shares: our rows bundle the SOURCES with the production mangle options (build/mangle.ts,
// the very list and map tsup applies to dist), so the numbers are the dist's without a build first and a change
// shows at once; `--dist` bundles the built packages and reads the built script-tag file instead (after
// `npm run build`) as a cross-check. The peers (@foony/realtime, socket.io-client) are measured in the same run.
//
// A size budget, like size-limit: size-budget.json holds, per row of the issue's table, the "must" and "stretch"
// targets and the `limit` enforced now; the script exits 1 when a row is over its limit, so CI (.ci/run) fails.
// The musts are not met yet, so a row's limit is a ratchet: the last measurement + 2 % slack. Once a row meets its
// must, the must is its limit. `npm run size -- --update-limits` rewrites the limits that way (it only lowers a
// ratchet; raising one is a deliberate edit of size-budget.json).
//
// `--compare`: also the sizes without mangling. `--modules`: what each source module costs core + Foony (the
// bundle rebuilt with that module replaced by an empty stand-in; a module's cost includes what only it pulls in).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Plugin } from 'esbuild';
import {
  BUDGET_FILE,
  BUDGET_ROWS,
  kb,
  measure,
  nextLimit,
  OTHER_ROWS,
  MODULE_ROWS,
  PEER_ROWS,
  readBudget,
  SLACK,
  type BudgetEntry,
  type Size,
  type SizeRow,
} from '../build/size';

const args = process.argv.slice(2);
const from = args.includes('--dist') ? 'dist' : 'src';

/** Replaces the module at `path` with stand-ins of its exports, so the bundle shows what the module costs. */
function without(path: string): Plugin {
  return {
    name: 'without',
    setup(plugin) {
      plugin.onLoad({ filter: /\.ts$/ }, (loaded) => {
        if (!loaded.path.endsWith(path)) return undefined;
        const names = [
          ...readFileSync(loaded.path, 'utf8').matchAll(
            /^export (?:abstract |async )?(?:class|function\*?|const|let)\s+([A-Za-z_$][\w$]*)/gm,
          ),
        ].map((m) => m[1]);
        return {
          contents: `${names.map((name) => `export const ${name}: any = class {};`).join('\n')}\nexport {};`,
          loader: 'ts',
        };
      });
    },
  };
}

async function modules(): Promise<void> {
  const row = BUDGET_ROWS.find((r) => r.id === 'foony')!;
  const full = await measure(row);
  console.log(`${row.label}: ${full.min.toLocaleString('en')} min, ${full.gzip.toLocaleString('en')} gzip -9`);
  console.log(`${'module'.padEnd(34)}  ${'min'.padStart(7)}  ${'gzip'.padStart(6)}`);
  const names = (pkg: string): string[] =>
    readdirSync(`packages/${pkg}/src`)
      .filter((file) => file.endsWith('.ts') && file !== 'index.ts')
      .map((file) => `${pkg}/src/${file}`);
  for (const module of [...names('core'), ...names('foony')]) {
    const size = await measure(row, { plugins: [without(`packages/${module}`)] });
    if (size.gzip === full.gzip && size.min === full.min) continue; // not in this bundle
    console.log(
      `${module.padEnd(34)}  ${(full.min - size.min).toLocaleString('en').padStart(7)}  ${(full.gzip - size.gzip).toLocaleString('en').padStart(6)}`,
    );
  }
}

async function main(): Promise<number> {
  const budget = readBudget();
  const compare = args.includes('--compare');
  const measured = new Map<SizeRow, { size: Size; plain?: Size }>();
  for (const row of [...BUDGET_ROWS, ...PEER_ROWS, ...OTHER_ROWS]) {
    const size = await measure(row, { from });
    const plain = compare && !row.peer && from === 'src' ? await measure(row, { mangle: false }) : undefined;
    measured.set(row, { size, plain });
  }

  const width = Math.max(...[...measured.keys()].map((row) => row.label.length));
  const cells = (row: SizeRow): string[] => {
    const { size, plain } = measured.get(row)!;
    const out = [row.label.padEnd(width), size.min.toLocaleString('en').padStart(9), kb(size.gzip).padStart(9)];
    if (compare)
      out.push((plain ? kb(plain.gzip) : '').padStart(9), (plain ? kb(plain.gzip - size.gzip) : '').padStart(8));
    return out;
  };
  const header = ['bundle'.padEnd(width), 'min bytes'.padStart(9), 'gzip -9'.padStart(9)];
  if (compare) header.push('unmangled'.padStart(9), 'saved'.padStart(8));
  console.log(
    `gzip -9 of an esbuild browser bundle (minified, ES2020), from the ${from === 'src' ? 'sources with the dist mangle map' : 'built dist'}; KB = 1,000 bytes\n`,
  );
  console.log(
    [...header, 'must'.padStart(8), 'stretch'.padStart(8), 'target ', 'limit'.padStart(9), 'budget'].join('  '),
  );
  let failed = 0;
  const next: Record<string, BudgetEntry> = {};
  for (const row of BUDGET_ROWS) {
    const gzip = measured.get(row)!.size.gzip;
    const entry = budget[row.id];
    if (!entry) {
      console.log([...cells(row), `no entry "${row.id}" in size-budget.json`].join('  '));
      failed++;
      continue;
    }
    const target = gzip <= entry.stretch ? 'STRETCH' : gzip <= entry.must ? 'PASS' : 'OVER';
    const over = gzip > entry.limit;
    if (over) failed++;
    const slackLeft = entry.limit - Math.max(gzip, 0);
    const note = over
      ? `FAIL (+${(gzip - entry.limit).toLocaleString('en')} bytes over the limit)`
      : gzip <= entry.must && entry.limit > entry.must
        ? 'ok (must met: --update-limits makes it the limit)'
        : slackLeft > gzip * SLACK * 2
          ? 'ok (--update-limits lowers the limit)'
          : 'ok';
    console.log(
      [
        ...cells(row),
        kb(entry.must).padStart(8),
        kb(entry.stretch).padStart(8),
        target.padEnd(7),
        kb(entry.limit).padStart(9),
        note,
      ].join('  '),
    );
    next[row.id] = { ...entry, limit: nextLimit(entry, gzip) };
  }
  console.log('\npeers, measured in the same run');
  for (const row of PEER_ROWS) console.log(cells(row).join('  '));
  console.log('\nother bundles (no budget)');
  for (const row of OTHER_ROWS) console.log(cells(row).join('  '));
  if (from === 'src') {
    console.log('\noptional modules: what each adds to its client when imported');
    for (const module of MODULE_ROWS) {
      const [client, withIt] = await Promise.all([measure(module.client), measure(module.with)]);
      console.log(
        [
          module.label.padEnd(width),
          `+${(withIt.min - client.min).toLocaleString('en')}`.padStart(9),
          `+${kb(withIt.gzip - client.gzip)}`.padStart(9),
        ].join('  '),
      );
    }
  }

  if (args.includes('--update-limits')) {
    const file = JSON.parse(readFileSync(BUDGET_FILE, 'utf8')) as { rows: Record<string, BudgetEntry> };
    file.rows = { ...file.rows, ...next };
    writeFileSync(BUDGET_FILE, `${JSON.stringify(file, null, 2)}\n`);
    console.log(
      `\nsize-budget.json: limits ${BUDGET_ROWS.map((row) => `${row.id} ${kb(next[row.id]?.limit ?? 0)}`).join(', ')}`,
    );
    return 0;
  }
  if (failed > 0) {
    console.error(
      `\n${failed} bundle(s) over the size budget (size-budget.json). Make it smaller; raising a limit is a deliberate edit.`,
    );
    return 1;
  }
  return 0;
}

if (args.includes('--modules')) await modules();
else process.exitCode = await main();

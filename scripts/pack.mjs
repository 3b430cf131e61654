// `npm run pack`: builds if the dist is missing or older than the sources, then writes the tarball of every
// publishable package into one folder (default `packs/`), so `npm install ./packs/*.tgz` works in any
// project before anything is on the registry. The packages depend on each other at exact versions, so
// they are installed together: the umbrella tarball alone would ask the registry for @polysocket/core.
//
//   node scripts/pack.mjs [--out DIR] [--build | --no-build]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

export const repo = fileURLToPath(new URL('..', import.meta.url));

/** The workspaces that are published (every one not marked private), with their manifests. */
export function publishablePackages() {
  const root = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
  return root.workspaces
    .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(repo, dir, 'package.json'), 'utf8')) }))
    .filter(({ manifest }) => manifest.private !== true);
}

/** Newest modification time of the files under a directory (0 when it does not exist). */
function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** Why a build is needed (a missing dist file, or a source newer than the dist), or undefined. */
export function buildNeeded() {
  const inputs = Math.max(
    newestMtime(join(repo, 'tsup.config.ts')),
    ...publishablePackages().map(({ dir }) => newestMtime(join(repo, dir, 'src'))),
  );
  for (const { dir, manifest } of publishablePackages()) {
    const outputs = [
      './dist/index.js',
      './dist/index.cjs',
      './dist/index.d.ts',
      './dist/index.d.cts',
      ...Object.values(manifest.bin ?? {}),
    ];
    if (manifest.name === 'polysocket') outputs.push('./dist/browser/polysocket.global.js');
    for (const output of outputs) {
      const file = join(repo, dir, output);
      if (!existsSync(file)) return `${relative(repo, file)} is missing`;
      if (statSync(file).mtimeMs < inputs) return `${relative(repo, file)} is older than the sources`;
    }
  }
  return undefined;
}

/**
 * Builds when needed (or when `build` is true; never when false: then a missing dist is an error), then packs
 * every package into `out`. Returns [{ name, version, file, files }], `file` the tarball's absolute path.
 */
export function packAll({ out = join(repo, 'packs'), build, quiet = false } = {}) {
  const reason = build === true ? 'asked to' : buildNeeded();
  if (reason !== undefined && build === false) {
    if (reason.endsWith('is missing')) throw new Error(`${reason}: run \`npm run build\` first`);
  } else if (reason !== undefined) {
    console.log(`building (${reason}): npm run build`);
    execFileSync('npm', ['run', 'build', '--silent'], { cwd: repo, stdio: 'inherit' });
  }
  mkdirSync(out, { recursive: true });
  for (const old of readdirSync(out)) if (old.endsWith('.tgz')) rmSync(join(out, old));
  const packages = publishablePackages();
  const workspaces = packages.flatMap(({ dir }) => ['--workspace', dir]);
  const json = execFileSync('npm', ['pack', '--json', '--pack-destination', out, ...workspaces], {
    cwd: repo,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const tarballs = JSON.parse(json).map((packed) => {
    const file = join(out, packed.filename);
    if (!quiet) {
      const shown = relative(process.cwd(), file).startsWith('..') ? file : relative(process.cwd(), file);
      console.log(
        `  ${packed.name}@${packed.version}`.padEnd(36) +
          `${shown}  (${packed.entryCount} files, ${(packed.size / 1024).toFixed(1)} KB)`,
      );
    }
    return { name: packed.name, version: packed.version, file, files: packed.files.map((entry) => entry.path) };
  });
  if (tarballs.length !== packages.length)
    throw new Error(`npm pack wrote ${tarballs.length} tarballs for ${packages.length} packages`);
  return tarballs;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: { out: { type: 'string' }, build: { type: 'boolean' }, 'no-build': { type: 'boolean' } },
  });
  const out = resolve(values.out ?? join(repo, 'packs'));
  const tarballs = packAll({ out, build: values['no-build'] ? false : values.build });
  const folder = relative(process.cwd(), out) || '.';
  console.log(`\n${tarballs.length} tarballs in ${out}. In any project, install them together:\n`);
  console.log(`  npm install ${folder.startsWith('.') || folder.startsWith('/') ? folder : `./${folder}`}/*.tgz`);
  console.log(`  npm install ${out}/*.tgz   # from another directory\n`);
}

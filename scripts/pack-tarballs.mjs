// Packs every publishable workspace package with `npm pack` into one folder, as a registry would receive
// them. Used by check-consumer.mjs and check-packages.mjs; run after `npm run build` (the tarballs carry dist/).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const root = resolve(import.meta.dirname, '..');

/** Packs every workspace into `destination`; returns [{ name, version, file }] with absolute tarball paths. */
export function packWorkspaces(destination) {
  const unbuilt = readdirSync(join(root, 'packages')).filter(
    (dir) => !existsSync(join(root, 'packages', dir, 'dist/index.js')),
  );
  if (unbuilt.length > 0)
    throw new Error(`no dist/ in packages/${unbuilt.join(', packages/')}: run \`npm run build\` first`);
  mkdirSync(destination, { recursive: true });
  const out = execFileSync('npm', ['pack', '--workspaces', '--json', '--pack-destination', destination], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return JSON.parse(out).map((entry) => ({
    name: entry.name,
    version: entry.version,
    file: join(destination, entry.filename),
    files: entry.files.map((f) => f.path),
  }));
}

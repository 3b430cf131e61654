// After `npm run build`: packs every package as a registry would receive it and checks each tarball:
//  - publint (every message, suggestions included, is a failure),
//  - @arethetypeswrong/cli with its default ("strict") profile: types resolve and match the JavaScript under
//    node10, node16 from CJS, node16 from ESM and bundler,
//  - the manifest a registry page needs (repository with directory, homepage, bugs, keywords, engines as the
//    root's, "./package.json" exported) and README.md + LICENSE (the root's, unchanged) in the tarball,
//  - every `bin` is in the tarball and starts with a node shebang.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { packAll, repo as root } from './pack.mjs';

const attw = join(root, 'node_modules/@arethetypeswrong/cli/dist/index.js');
const rootManifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const license = readFileSync(join(root, 'LICENSE'), 'utf8');
const repositoryUrl = 'git+https://github.com/polysocket/polysocket.git';

let failures = 0;
const fail = (message) => {
  console.error(`✗ ${message}`);
  failures++;
};

/** The file at `path` inside a tarball, as text (tar prints it to stdout). */
function fileInTarball(tarball, path) {
  const result = spawnSync('tar', ['-xzOf', tarball, `package/${path}`], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout : undefined;
}

function checkManifest(manifest, dir, files, tarball) {
  const problems = [];
  const want = (ok, what) => ok || problems.push(what);
  want(manifest.repository?.url === repositoryUrl, `repository.url is ${repositoryUrl}`);
  want(manifest.repository?.directory === dir, `repository.directory is ${dir}`);
  want(typeof manifest.homepage === 'string' && manifest.homepage.startsWith('https://'), 'homepage');
  want(typeof manifest.bugs?.url === 'string', 'bugs.url');
  want(Array.isArray(manifest.keywords) && manifest.keywords.length > 0, 'keywords');
  want(manifest.license === 'MIT', 'license MIT');
  want(
    manifest.engines?.node === rootManifest.engines.node,
    `engines.node ${rootManifest.engines.node} (as the root's)`,
  );
  want(manifest.exports?.['./package.json'] === './package.json', '"./package.json" in exports');
  want(files.includes('README.md'), 'README.md in the tarball');
  want(fileInTarball(tarball, 'LICENSE') === license, "LICENSE in the tarball, the root's unchanged");
  for (const [bin, path] of Object.entries(manifest.bin ?? {})) {
    const file = path.replace(/^\.\//, '');
    const text = files.includes(file) ? fileInTarball(tarball, file) : undefined;
    want(text?.startsWith('#!/usr/bin/env node\n'), `bin ${bin}: ${file} in the tarball with a node shebang`);
  }
  return problems;
}

const work = mkdtempSync(join(tmpdir(), 'polysocket-packages-'));
try {
  const tarballs = packAll({ out: work, build: false, quiet: true });
  for (const { name, file, files } of tarballs) {
    const manifest = JSON.parse(fileInTarball(file, 'package.json'));
    const dir = `packages/${name.replace(/^@polysocket\//, '')}`;

    const problems = checkManifest(manifest, dir, files, file);
    if (problems.length > 0) fail(`${name}: manifest or tarball lacks ${problems.join('; ')}`);

    const { messages, pkg } = await publint({
      pack: { tarball: new Uint8Array(readFileSync(file)).buffer },
      level: 'suggestion',
      strict: true,
    });
    for (const message of messages)
      fail(`${name}: publint ${message.type}: ${formatMessage(message, pkg, { color: false })}`);

    // No rule is ignored: every entry point must resolve to types that match its JavaScript.
    const result = spawnSync(process.execPath, [attw, file, '--format', 'table-flipped', '--no-color', '--no-emoji'], {
      encoding: 'utf8',
    });
    if (result.status !== 0) fail(`${name}: attw found problems:\n${result.stdout}${result.stderr}`);

    if (problems.length === 0 && messages.length === 0 && result.status === 0) {
      console.log(
        `✓ ${name}: manifest complete, README and LICENSE packed, publint clean, attw clean (node10, node16 CJS/ESM, bundler)`,
      );
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
if (failures > 0) process.exit(1);

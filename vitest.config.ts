import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (name: string, entry = 'index'): string =>
  fileURLToPath(new URL(`./packages/${name}/src/${entry}.ts`, import.meta.url));

// Tests import packages by name and run against their sources; the built packages are checked
// separately (build + package import tests).
const alias = {
  '@polysocket/core': src('core'),
  '@polysocket/foony': src('foony'),
  '@polysocket/ignis': src('ignis'),
  '@polysocket/socketio': src('socketio'),
  '@polysocket/sockr': src('sockr'),
  '@polysocket/mock-server': src('mock-server'),
  polysocket: src('polysocket'),
  // The subpaths before the package itself: an alias matches a prefix too.
  '@polysocket/react/foony': src('react', 'foony'),
  '@polysocket/react/ignis': src('react', 'ignis'),
  '@polysocket/react/socketio': src('react', 'socketio'),
  '@polysocket/react/sockr': src('react', 'sockr'),
  '@polysocket/react/livekit': src('react', 'livekit'),
  '@polysocket/react': src('react'),
};

export default defineConfig({
  resolve: { alias },
  test: {
    maxWorkers: 2,
    // Every test file runs under the secrets audit (test/support/secrets-audit.ts).
    setupFiles: ['test/support/secrets-audit.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['packages/*/test/unit/**/*.test.ts', 'test/build/**/*.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['packages/*/test/integration/**/*.test.ts', 'test/integration/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          // React hooks (packages/react) in jsdom, against the mock server over real sockets.
          name: 'react',
          include: ['packages/react/test/**/*.test.{ts,tsx}'],
          environment: 'jsdom',
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'reliability',
          include: ['test/reliability/**/*.test.ts'],
          testTimeout: 300_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});

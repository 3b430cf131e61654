import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { ProtocolModule } from './protocol-module';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
};

/**
 * Serves files over plain HTTP (the playground page and the script-tag bundle): `root` for every
 * path, plus exact `files` (URL path → file) that take precedence. No directory listing; paths
 * cannot leave `root`. Responses carry `cache-control: no-store` unless `cacheControl` says otherwise
 * (Chromium keeps no page that used a WebSocket in its back/forward cache if it came with `no-store`).
 */
export function staticModule(options: {
  root: string;
  files?: Record<string, string>;
  cacheControl?: string;
}): ProtocolModule {
  const cacheControl = options.cacheControl ?? 'no-store';
  const root = normalize(options.root);
  return {
    name: 'static',
    handleHttp(request, response) {
      if (request.method !== 'GET' && request.method !== 'HEAD') return false;
      const pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
      if (pathname.startsWith('/_mock/') || pathname.startsWith('/socket.io/')) return false;
      const exact = options.files?.[pathname];
      const file = exact ?? normalize(join(root, pathname.endsWith('/') ? `${pathname}index.html` : pathname));
      if (!exact && file !== root && !file.startsWith(root + sep)) return false;
      readFile(file).then(
        (body) => {
          response.writeHead(200, {
            'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
            'cache-control': cacheControl,
          });
          response.end(request.method === 'HEAD' ? undefined : body);
        },
        () => {
          response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        },
      );
      return true;
    },
  };
}

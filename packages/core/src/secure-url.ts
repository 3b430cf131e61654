import { PolySocketError } from './errors';

/** 127.0.0.0/8, ::1 and localhost: traffic that never leaves the machine. */
export function isLoopbackHost(hostname: string): boolean {
  return /^\[?(localhost|.*\.localhost|::1|127(\.\d{1,3}){3})\]?$/i.test(hostname);
}

/**
 * With `secureOnly`, refuses an unencrypted URL (`ws:`, `http:`) to anything but loopback, so a token
 * is never sent in clear text by a configuration mistake. Throws a (non-retryable) INVALID error.
 */
export function checkSecureUrl(url: string, secureOnly: boolean | undefined): void {
  if (!secureOnly) return;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new PolySocketError('INVALID', `not a URL: ${url}`);
  }
  const { protocol, hostname } = parsed;
  if (/^(ws|http):$/.test(protocol) && !isLoopbackHost(hostname))
    throw new PolySocketError(
      'INVALID',
      `refusing unencrypted ${protocol}// to ${hostname} (secureOnly): use ${protocol.slice(0, -1)}s://`,
    );
}

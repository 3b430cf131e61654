import { PolySocketError } from './errors';

/** 127.0.0.0/8, ::1 and localhost: traffic that never leaves the machine. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * With `secureOnly`, refuses an unencrypted URL (`ws:`, `http:`) to anything but loopback, so a token
 * is never sent in clear text by a configuration mistake. Throws a non-retryable INVALID error.
 */
export function checkSecureUrl(url: string, secureOnly: boolean | undefined): void {
  if (!secureOnly) return;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new PolySocketError('INVALID', `not a URL: ${url}`, { retryable: false });
  }
  if ((parsed.protocol === 'ws:' || parsed.protocol === 'http:') && !isLoopbackHost(parsed.hostname)) {
    throw new PolySocketError(
      'INVALID',
      `refusing unencrypted ${parsed.protocol}// to ${parsed.hostname} (secureOnly): use wss:// or https://`,
      {
        retryable: false,
      },
    );
  }
}

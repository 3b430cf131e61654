import { describe, expect, it } from 'vitest';
import { checkSecureUrl, isLoopbackHost, type PolySocketError } from '@polysocket/core';
import { createClient } from 'polysocket';

// Nothing here opens a socket: the refusal happens before any transport exists, so no traffic leaves the machine.
describe('secureOnly: no credentials in clear text to a non-loopback host', () => {
  it('knows loopback when it sees it', () => {
    for (const host of ['127.0.0.1', '127.8.9.10', 'localhost', 'api.localhost', '::1', '[::1]'])
      expect(isLoopbackHost(host), host).toBe(true);
    for (const host of ['example.com', '10.0.0.1', '192.168.1.2', '128.0.0.1', '::2', 'localhost.example.com'])
      expect(isLoopbackHost(host), host).toBe(false);
  });

  it('refuses ws:// and http:// beyond loopback, allows wss://, https:// and loopback', () => {
    expect(() => checkSecureUrl('ws://example.invalid/x', true)).toThrow(/refusing unencrypted ws:\/\//);
    expect(() => checkSecureUrl('http://example.invalid', true)).toThrow(/refusing unencrypted http:\/\//);
    expect(() => checkSecureUrl('ws://example.invalid/x', false)).not.toThrow();
    for (const ok of [
      'wss://example.invalid/x',
      'https://example.invalid',
      'ws://127.0.0.1:8080/foony',
      'http://localhost:3000',
    ]) {
      expect(() => checkSecureUrl(ok, true), ok).not.toThrow();
    }
  });

  const cases = [
    { protocol: 'foony', url: 'ws://example.invalid/foony', token: 'secret-token' },
    { protocol: 'ignis', url: 'ws://example.invalid/ws', auth: { token: 'secret-token' } },
    { protocol: 'socketio', url: 'http://example.invalid', auth: { token: 'secret-token' }, autoConnect: false },
    { protocol: 'sockr', url: 'http://example.invalid', token: 'secret-token', autoConnect: false },
  ] as const;
  for (const options of cases) {
    it(`${options.protocol}: fails with INVALID, once, without sending anything`, async () => {
      const client = createClient({
        ...options,
        secureOnly: true,
        browser: { network: null, document: null },
      } as never) as {
        connect(): Promise<void>;
        close(): void;
        state: string;
      };
      const error = (await client.connect().catch((e: unknown) => e)) as PolySocketError;
      expect(error).toMatchObject({ code: 'INVALID', retryable: false });
      expect(error.message).not.toContain('secret-token');
      expect(client.state).toBe('failed');
      client.close();
    });
  }
});

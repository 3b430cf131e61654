import { describe, expect, it } from 'vitest';
import { Connection, webSocketTransport } from '@polysocket/core';
import { echoProtocol } from '../helpers/echo-protocol';

// A URL the WebSocket constructor refuses was retried for ever (19–132 attempts in 3 s).
describe('a URL that is not a WebSocket URL', () => {
  it.each(['localhost:8080/foony', 'ftp://127.0.0.1:8080/x', '127.0.0.1:8080/ignis', 'not a url'])(
    '%s: failed after one attempt with INVALID',
    async (url) => {
      const client = new Connection({
        protocol: echoProtocol(),
        transport: webSocketTransport({ url }),
        browser: { network: null, document: null },
      });
      let attempts = 0;
      client.on('state', (state) => state === 'connecting' && attempts++);
      await expect(client.connect()).rejects.toMatchObject({
        code: 'INVALID',
        retryable: false,
        message: expect.stringContaining('invalid URL'),
      });
      expect(client.state).toBe('failed');
      expect(attempts).toBe(1);
    },
  );
});

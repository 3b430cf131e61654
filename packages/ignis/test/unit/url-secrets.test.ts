import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { MemoryServer } from '@polysocket/core';
import { IgnisClient } from '@polysocket/ignis';

const QUERY_SECRET = 'q-s3cret-value/+=';
const PASSWORD = 'pw-s3cret';
const URL_WITH_SECRETS = `wss://ana:${PASSWORD}@ws.example.com/ws?token=${encodeURIComponent(QUERY_SECRET)}`;

describe('Ignis: credentials in the URL (query values, userinfo password) are secrets', () => {
  it('util.inspect(client) does not show them, and the logger redacts them in every form', () => {
    const client = new IgnisClient({
      url: URL_WITH_SECRETS,
      auth: { token: 'x-token' },
      transport: new MemoryServer().transport,
    });
    const text = inspect(client, { depth: 10, showHidden: true });
    const redacted = client.connection.logger.redact(`refused ${URL_WITH_SECRETS} (${QUERY_SECRET}, ${PASSWORD})`);
    for (const secret of [QUERY_SECRET, encodeURIComponent(QUERY_SECRET), PASSWORD]) {
      expect(text).not.toContain(secret);
      expect(redacted).not.toContain(secret);
    }
    expect(text).toContain('ws.example.com/ws');
    client.close();
  });
});

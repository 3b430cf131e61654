import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { harness } from '../helpers/client';

// Issue 14, item 20: `util.inspect(client.connection)` and `console.log` walked the app's options (the
// credentials among them) and the logger's set of secrets.
describe('inspecting a connection', () => {
  it('shows neither the options nor the secrets the logger hides', async () => {
    const { client } = harness({ connection: { logger: console, outbox: { maxMessages: 5 } } });
    (client as unknown as { tuning: Record<string, unknown> }).tuning.token = 'tok_inspect_me';
    client.logger.addSecret('tok_inspect_me');
    await client.connect();
    for (const text of [
      inspect(client),
      inspect(client, { depth: 10, showHidden: true }),
      inspect({ nested: { client } }, { depth: 10 }),
    ]) {
      expect(text).not.toContain('tok_inspect_me');
      expect(text).toContain('Connection');
    }
    client.close();
  });
});

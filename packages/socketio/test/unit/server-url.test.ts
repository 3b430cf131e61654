import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { SocketIOClient } from '@polysocket/socketio';

// A malformed url or an unsupported scheme was retried for ever (and `util.inspect(client)` threw "Invalid URL").
describe('the server url', () => {
  for (const url of [
    'not a url',
    'localhost:8080',
    '127.0.0.1:8080/path',
    'ftp://127.0.0.1:8080',
    'file:///tmp/socket',
    'mailto:someone@example.com',
  ]) {
    it(`${JSON.stringify(url)} is a configuration error: the constructor throws INVALID`, () => {
      expect(() => new SocketIOClient({ url, autoConnect: false })).toThrow(
        expect.objectContaining({ code: 'INVALID' }),
      );
    });
  }

  it('the error never quotes the url (it may hold credentials)', () => {
    let error: unknown;
    try {
      new SocketIOClient({ url: 'ftp://user:hunter2@127.0.0.1/?token=abc', autoConnect: false });
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({ code: 'INVALID' });
    expect((error as Error).message).not.toMatch(/hunter2|abc/);
  });

  for (const url of ['http://127.0.0.1:3000', 'https://example.com', 'ws://127.0.0.1:3000', 'wss://example.com/app/']) {
    it(`${url} is taken, and util.inspect shows it without query or credentials`, () => {
      const client = new SocketIOClient({ url: url.replace('//', '//me:pw@') + '?token=s3cret', autoConnect: false });
      const shown = inspect(client);
      expect(shown).toContain(new URL(url).host);
      expect(shown).not.toMatch(/s3cret|pw@/);
      client.close();
    });
  }
});

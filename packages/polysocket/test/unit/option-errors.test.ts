import { describe, expect, it } from 'vitest';
import { FoonyClient } from '@polysocket/foony';
import { IgnisClient } from '@polysocket/ignis';
import { SocketIOClient } from '@polysocket/socketio';
import { SockrClient } from '@polysocket/sockr';
import { createClient } from 'polysocket';

/** The INVALID error the constructor throws. */
function thrown(make: () => unknown): { code: string; message: string } {
  try {
    make();
  } catch (error) {
    return error as { code: string; message: string };
  }
  throw new Error('the constructor did not throw');
}

// The url is left out on purpose (`as never`), as a JavaScript app or a typo would: the error must name the class the
// app constructed — a Sockr client used to say "SocketIOClient needs a url", the name of a class it never used.

describe('a bad option is an INVALID error naming the class the app constructed', () => {
  const cases: [string, () => unknown][] = [
    ['FoonyClient', () => new FoonyClient({ token: 't' } as never)],
    ['IgnisClient', () => new IgnisClient({} as never)],
    ['SocketIOClient', () => new SocketIOClient({ autoConnect: false } as never)],
    ['SockrClient', () => new SockrClient({ token: 'token:ana', autoConnect: false } as never)],
    ['FoonyClient', () => createClient({ protocol: 'foony', token: 't' } as never)],
    ['IgnisClient', () => createClient({ protocol: 'ignis' } as never)],
    ['SocketIOClient', () => createClient({ protocol: 'socketio', autoConnect: false } as never)],
    ['SockrClient', () => createClient({ protocol: 'sockr', token: 'token:ana', autoConnect: false } as never)],
  ];
  for (const [name, make] of cases) {
    it(`${name} without a url says so, with an example`, () => {
      const error = thrown(make);
      expect(error.code).toBe('INVALID');
      expect(error.message).toMatch(new RegExp(`^${name} needs a url: .*e\\.g\\. \\{ url: '`));
    });
  }

  for (const [name, make] of [
    ['SocketIOClient', (options: object) => new SocketIOClient({ autoConnect: false, ...options } as never)],
    [
      'SockrClient',
      (options: object) => new SockrClient({ token: 'token:ana', autoConnect: false, ...options } as never),
    ],
  ] as const) {
    it(`${name}: a url that is not one, another scheme, an unknown transport`, () => {
      expect(thrown(() => make({ url: 'localhost:8080' }))).toMatchObject({
        code: 'INVALID',
        message: expect.stringMatching(new RegExp(`^${name} needs a url: http\\(s\\) or ws\\(s\\)`)),
      });
      expect(thrown(() => make({ url: 'not a url' }))).toMatchObject({
        code: 'INVALID',
        message: expect.stringMatching(new RegExp(`^${name} needs a url: http\\(s\\) or ws\\(s\\)`)),
      });
      expect(thrown(() => make({ url: 'http://127.0.0.1:1', transports: ['carrier-pigeon'] }))).toMatchObject({
        code: 'INVALID',
        message: `${name}: transports are 'websocket' and/or 'polling'`,
      });
    });
  }

  it('createClient() without options is INVALID naming the protocols, not a TypeError', () => {
    for (const make of [() => createClient(undefined as never), () => createClient({} as never)])
      expect(thrown(make)).toMatchObject({
        code: 'INVALID',
        message: "createClient needs a protocol: use 'foony', 'ignis', 'sockr' or 'socketio'",
      });
  });

  it('SocketIOClient: an auth that is neither a plain object nor a function', () => {
    expect(
      thrown(() => new SocketIOClient({ url: 'http://127.0.0.1:1', auth: 'token' as never, autoConnect: false })),
    ).toMatchObject({
      code: 'INVALID',
      message: 'SocketIOClient: auth must be a plain object or a function',
    });
  });
});

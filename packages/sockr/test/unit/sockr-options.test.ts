import { describe, expect, it } from 'vitest';
import { SockrClient } from '@polysocket/sockr';

describe('SockrClient options', () => {
  for (const url of ['not a url', 'localhost:8080', 'ftp://127.0.0.1:8080']) {
    it(`url ${JSON.stringify(url)} throws INVALID from the constructor`, () => {
      expect(() => new SockrClient({ url, token: 't', autoConnect: false })).toThrow(expect.objectContaining({ code: 'INVALID' }));
    });
  }
});

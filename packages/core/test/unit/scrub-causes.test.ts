import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { PolySocketError } from '@polysocket/core';
import { harness } from '../helpers/client';

// Review finding (issue 16): the error's message was redacted, but the transport's error kept as its `cause`
// (a URL with a token in it, and fetch's own error under that) reached `console.error(err)` whole.
describe('secrets in an error cause chain', () => {
  it('are redacted at every depth, keeping each cause’s name and fields', async () => {
    const secret = 'tok_cause_SECRET_123';
    const inner = Object.assign(new TypeError(`fetch failed for http://u:${secret}@h/`), { code: 'E_INNER' });
    const outer = Object.assign(new SyntaxError(`Invalid URL: ws://h/?token=${secret}`), { cause: inner });
    const { client, errors } = harness({
      connection: {
        transport: () => {
          throw outer;
        },
      },
    });
    client.logger.addSecret(secret);
    await client.connect().catch(() => undefined);
    expect(errors.length).toBeGreaterThan(0);
    for (const error of errors) {
      const text = inspect(error, { depth: 10 });
      expect(text).not.toContain(secret);
    }
    const cause = (errors[0] as Error & { cause?: unknown }).cause as Error & { cause?: Error & { code?: string } };
    expect(cause.name).toBe('SyntaxError');
    expect(cause.message).toContain('[redacted]');
    expect(cause.cause?.name).toBe('TypeError');
    expect(cause.cause?.code).toBe('E_INNER');
    client.close();
  });

  it('leave an error without secrets as it was (same cause object)', async () => {
    const plain = new Error('nothing secret here');
    const { client, errors } = harness({
      connection: {
        transport: () => {
          throw plain;
        },
      },
    });
    client.logger.addSecret('tok_unused_SECRET');
    await client.connect().catch(() => undefined);
    expect((errors[0] as Error & { cause?: unknown }).cause).toBe(plain);
    client.close();
  });

  it('keep a PolySocketError’s class, code and fields, its string backendCode redacted too', () => {
    const secret = 'tok_code_SECRET_456';
    const { client, errors } = harness();
    client.logger.addSecret(secret);
    client.report(
      new PolySocketError('AUTH_FAILED', `refused ${secret}`, {
        retryable: true,
        backendCode: `E:${secret}`,
        maybeDelivered: true,
      }),
    );
    const error = errors[0] as PolySocketError;
    expect(error).toBeInstanceOf(PolySocketError);
    expect(error).toMatchObject({
      name: 'PolySocketError',
      code: 'AUTH_FAILED',
      message: 'refused [redacted]',
      retryable: true,
      backendCode: 'E:[redacted]',
      maybeDelivered: true,
    });
    client.close();
  });
});

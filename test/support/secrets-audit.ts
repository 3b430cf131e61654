// Loaded before every test file (vitest setupFiles): records every log line (as redacted), every
// `error` event message and every `disconnected` reason of every Connection, and fails the file if a
// test credential appears in any of them. Test-only: it patches prototypes, it changes no behaviour.
import { afterAll, expect } from 'vitest';
import { Connection, RedactingLogger } from '@polysocket/core';

const SECRETS = ['valid-token', 'good-token', 'secret-token', 'app.key:secret', 'coturn-secret', 's3cret', 'tok_'];
const seen: string[] = [];

const write = (RedactingLogger.prototype as unknown as { write: (level: string, message: string, details: unknown[]) => void }).write;
(RedactingLogger.prototype as unknown as { write: typeof write }).write = function (this: RedactingLogger, level, message, details) {
  seen.push(this.redact(message));
  return write.call(this, level, message, details);
};

type Emit = (this: unknown, event: string, ...args: unknown[]) => boolean;
const emit = Connection.prototype.emit as unknown as Emit;
(Connection.prototype as unknown as { emit: Emit }).emit = function (this: unknown, event: string, ...args: unknown[]) {
  const first = args[0] as { message?: unknown; reason?: unknown; error?: { message?: unknown } } | undefined;
  if (event === 'error' && typeof first?.message === 'string') seen.push(first.message);
  if (event === 'disconnected') {
    if (typeof first?.reason === 'string') seen.push(first.reason);
    if (typeof first?.error?.message === 'string') seen.push(first.error.message);
  }
  return emit.call(this, event, ...args);
};

afterAll(() => {
  const leaks = seen.filter((text) => SECRETS.some((secret) => text.includes(secret)));
  expect(leaks, 'a credential reached a log line, an error event or a disconnect reason').toEqual([]);
});

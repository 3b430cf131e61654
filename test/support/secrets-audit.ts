// Loaded before every test file (vitest setupFiles): checks every log line (as redacted), every
// `error` event message and every `disconnected` reason of every Connection, and fails the file if a
// test credential appears in any of them. Test-only: it patches prototypes, it changes no behaviour.
// Only offending lines are kept, so the audit's memory stays flat in the long-life runs that measure heap.
import { afterAll, expect } from 'vitest';
import { Connection, RedactingLogger } from '@polysocket/core';

const SECRETS = ['valid-token', 'good-token', 'secret-token', 'app.key:secret', 'coturn-secret', 's3cret', 'tok_'];
const leaks: string[] = [];

function check(text: string): void {
  if (SECRETS.some((secret) => text.includes(secret))) leaks.push(text);
}

const write = (
  RedactingLogger.prototype as unknown as { write: (level: string, message: string, details: unknown[]) => void }
).write;
(RedactingLogger.prototype as unknown as { write: typeof write }).write = function (
  this: RedactingLogger,
  level,
  message,
  details,
) {
  check(this.redact(message));
  return write.call(this, level, message, details);
};

type Emit = (this: unknown, event: string, ...args: unknown[]) => boolean;
const emit = Connection.prototype.emit as unknown as Emit;
(Connection.prototype as unknown as { emit: Emit }).emit = function (this: unknown, event: string, ...args: unknown[]) {
  const first = args[0] as { message?: unknown; reason?: unknown; error?: { message?: unknown } } | undefined;
  if (event === 'error' && typeof first?.message === 'string') check(first.message);
  if (event === 'disconnected') {
    if (typeof first?.reason === 'string') check(first.reason);
    if (typeof first?.error?.message === 'string') check(first.error.message);
  }
  return emit.call(this, event, ...args);
};

afterAll(() => {
  expect(leaks, 'a credential reached a log line, an error event or a disconnect reason').toEqual([]);
});

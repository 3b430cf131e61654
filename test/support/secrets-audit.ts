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

// What reaches the app's logger (the sink): every argument, as `writeLevel` hands it over after redaction.
type Sink = Record<string, (...args: unknown[]) => void>;
type Writer = { logSink?: Sink; writeLevel: (level: string, message: string, details: unknown[]) => void };
const proto = RedactingLogger.prototype as unknown as Writer;
const writeLevel = proto.writeLevel;
if (typeof writeLevel !== 'function')
  throw new Error('secrets audit: RedactingLogger has no writeLevel any more; update test/support/secrets-audit.ts');
proto.writeLevel = function (this: Writer, level, message, details) {
  const sink = this.logSink;
  // A sink of our own for this one line (the app's, if any, still gets it), so lines are audited with or without one.
  this.logSink = {
    [level]: (...args: unknown[]) => {
      for (const arg of args) check(typeof arg === 'string' ? arg : (JSON.stringify(arg) ?? String(arg)));
      sink?.[level]?.(...args);
    },
  };
  try {
    writeLevel.call(this, level, message, details);
  } finally {
    this.logSink = sink;
  }
};

// The audit audits: a line with a credential in it must be caught (it once patched a method that no longer existed,
// and checked nothing).
new RedactingLogger(undefined).info('canary tok_canary', { token: 'tok_canary' });
if (leaks.splice(0).length !== 2) throw new Error('secrets audit: a log line with a credential was not seen');

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

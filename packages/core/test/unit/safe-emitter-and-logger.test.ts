import { describe, expect, it, vi } from 'vitest';
import { RedactingLogger, SafeEmitter, type Logger } from '@polysocket/core';

type Events = { tick: [n: number] };

describe('SafeEmitter', () => {
  it('runs every listener even when one throws, and reports the exception', () => {
    const errors: unknown[] = [];
    const emitter = new SafeEmitter<Events>({ reportListenerError: (error) => errors.push(error) });
    const seen: number[] = [];
    emitter.on('tick', () => {
      throw new Error('first');
    });
    emitter.on('tick', (n) => seen.push(n));
    expect(() => emitter.emit('tick', 1)).not.toThrow();
    expect(seen).toEqual([1]);
    expect((errors[0] as Error).message).toBe('first');
  });

  it('supports once and off with the listener the app registered', () => {
    const emitter = new SafeEmitter<Events>({ reportListenerError: () => undefined });
    const once = vi.fn();
    const always = vi.fn();
    emitter.once('tick', once);
    emitter.on('tick', always);
    emitter.emit('tick', 1);
    emitter.emit('tick', 2);
    expect(once).toHaveBeenCalledTimes(1);
    emitter.off('tick', always);
    emitter.emit('tick', 3);
    expect(always).toHaveBeenCalledTimes(2);
    expect(emitter.listenerCount('tick')).toBe(0);
  });

  it('reports through an overridden onListenerError, and allocates no guard map until a listener is added', () => {
    class Reporting extends SafeEmitter<Events> {
      readonly errors: unknown[] = [];
      protected override onListenerError(error: unknown): void {
        this.errors.push(error);
      }
    }
    const emitter = new Reporting();
    expect((emitter as unknown as { guards?: unknown }).guards).toBeUndefined();
    emitter.on('tick', () => {
      throw new Error('boom');
    });
    emitter.emit('tick', 1);
    expect((emitter.errors[0] as Error).message).toBe('boom');
  });

  it('listenInternally registers the function itself with its context, unguarded, and off removes it', () => {
    const emitter = new SafeEmitter<Events>({ reportListenerError: () => undefined });
    const owner = { seen: [] as number[] };
    function record(this: typeof owner, n: number): void {
      this.seen.push(n);
    }
    emitter.listenInternally('tick', record, owner);
    expect(emitter.listeners('tick')).toEqual([record]);
    emitter.emit('tick', 7);
    expect(owner.seen).toEqual([7]);
    emitter.off('tick', record, owner);
    expect(emitter.listenerCount('tick')).toBe(0);
  });
  it("off(event) without a listener removes the app's listeners (on and once) and keeps the library's own", () => {
    const emitter = new SafeEmitter<Events>();
    const seen: string[] = [];
    const owner = { name: 'internal' };
    emitter.listenInternally(
      'tick',
      function (this: typeof owner) {
        seen.push(this.name);
      },
      owner,
    );
    emitter.on('tick', () => seen.push('app'));
    emitter.once('tick', () => seen.push('app once'));
    emitter.off('tick');
    emitter.emit('tick', 1);
    expect(seen).toEqual(['internal']);
  });
});

describe('RedactingLogger', () => {
  function spy(): { logger: Logger; lines: string[] } {
    const lines: string[] = [];
    const record = (...args: unknown[]): void => {
      lines.push(
        args.map((a) => (a instanceof Error ? a.message : typeof a === 'string' ? a : JSON.stringify(a))).join(' '),
      );
    };
    return { logger: { debug: record, info: record, warn: record, error: record }, lines };
  }

  it('never lets a registered secret through, in messages, errors or objects', () => {
    const { logger, lines } = spy();
    const log = new RedactingLogger(logger);
    log.addSecret('tok_ABCDEF123456');
    log.info('auth with tok_ABCDEF123456 failed');
    log.warn('detail', new Error('bad token tok_ABCDEF123456'), {
      token: 'tok_ABCDEF123456',
      nested: ['tok_ABCDEF123456'],
    });
    expect(lines.join('\n')).not.toContain('tok_ABCDEF123456');
    expect(lines[0]).toBe('auth with [redacted] failed');
  });

  it('is silent without a sink and survives a throwing sink', () => {
    expect(() => new RedactingLogger(undefined).error('x')).not.toThrow();
    const throwing: Logger = {
      debug: () => {
        throw new Error('sink');
      },
      info: () => undefined,
      warn: () => undefined,
      error: () => undefined,
    };
    expect(() => new RedactingLogger(throwing).debug('x')).not.toThrow();
  });
});

import { describe, expect, it } from 'vitest';
import { CursorStore } from '@polysocket/core';

describe('CursorStore', () => {
  it('keeps the last cursor per stream', () => {
    const store = new CursorStore();
    store.set('a', '1');
    store.set('b', '9');
    store.set('a', '2');
    expect(store.get('a')).toBe('2');
    expect(store.get('b')).toBe('9');
    expect(store.get('c')).toBeUndefined();
    expect(store.cursors()).toEqual({ a: '2', b: '9' });
    store.delete('a');
    expect(store.get('a')).toBeUndefined();
    expect(store.cursors()).toEqual({ b: '9' });
  });

  it('keeps a numeric cursor (a serial) and tells it as text', () => {
    const store = new CursorStore();
    let changes = 0;
    store.onChange = () => changes++;
    store.set('a', 41);
    store.set('a', 42);
    store.set('a', 42);
    expect(store.get('a')).toBe('42');
    expect(store.cursors()).toEqual({ a: '42' });
    expect(changes).toBe(2);
  });

  it('accepts each id once per stream and moves the cursor only on the first', () => {
    const store = new CursorStore();
    expect(store.accept('a', 'm1')).toBe(true);
    expect(store.accept('a', 'm2')).toBe(true);
    expect(store.accept('a', 'm1')).toBe(false);
    expect(store.get('a')).toBe('m2');
    expect(store.accept('b', 'm1')).toBe(true); // streams are independent
    expect(store.get('b')).toBe('m1');
  });

  it('bounds the recent-id set per stream, forgetting the oldest first', () => {
    const store = new CursorStore({ recentIds: 3 });
    for (const id of ['1', '2', '3', '4']) store.accept('a', id);
    expect(store.accept('a', '4')).toBe(false);
    expect(store.accept('a', '2')).toBe(false);
    expect(store.accept('a', '1')).toBe(true); // beyond the window: the cursor-based resume is what protects here
  });

  it('calls onChange when a cursor moves or goes, not for a duplicate or an unchanged cursor', () => {
    const store = new CursorStore();
    let changes = 0;
    store.onChange = () => changes++;
    store.accept('a', 'm1');
    store.accept('a', 'm1'); // duplicate
    store.set('a', 'm1'); // unchanged
    expect(changes).toBe(1);
    store.set('b', 'x');
    store.delete('b');
    store.delete('never');
    expect(changes).toBe(3);
  });

  it('keeps a stream named __proto__ as an ordinary key', () => {
    const store = new CursorStore();
    store.set('__proto__', 'p1');
    const cursors = store.cursors();
    expect(Object.getPrototypeOf(cursors)).toBe(Object.prototype);
    expect(JSON.parse(JSON.stringify(cursors))).toEqual(JSON.parse('{"__proto__":"p1"}'));
  });
});

import { describe, expect, it } from 'vitest';
import { main as foony } from '../../examples/foony';
import { main as ignis } from '../../examples/ignis';
import { main as socketio } from '../../examples/socketio';
import { main as sockr } from '../../examples/sockr';

describe('examples run as documented', () => {
  it('examples/foony.ts', async () => {
    const lines: string[] = [];
    const received = await foony(undefined, (line) => lines.push(line));
    expect(received).toEqual(['hello', 'world', 'sent while reconnecting']);
    expect(lines).toContain('presence enter: user-1');
    expect(lines.some((l) => l.startsWith('history: "hello", "world"'))).toBe(true);
    expect(lines.filter((l) => l === 'state: connected')).toHaveLength(2);
  });

  it('examples/ignis.ts', async () => {
    const lines: string[] = [];
    const seen = await ignis(undefined, (line) => lines.push(line));
    expect(seen).toEqual(['before the drop', 'after the drop']);
    expect(lines.some((l) => /encrypted true/.test(l))).toBe(true);
    expect(lines).toContain('reply: {"question":"ping?"}');
    expect(lines.filter((l) => l.startsWith('error:'))).toEqual([]);
  });

  it('examples/socketio.ts', async () => {
    const lines: string[] = [];
    const results = await socketio(undefined, (line) => lines.push(line));
    expect(results).toEqual([5, 'NAMESPACES SHARE ONE CONNECTION']);
    expect(lines.some((l) => l.startsWith('welcome: hello '))).toBe(true);
    expect(lines).toContain('transport now: websocket');
  });

  it('examples/sockr.ts', async () => {
    const lines: string[] = [];
    const seen = await sockr(undefined, (line) => lines.push(line));
    expect(seen).toEqual(['hello bob', 'who is in?']);
    expect(lines).toContain('bob read it');
    expect(lines.some((l) => l.startsWith('alice: call active'))).toBe(true);
  });
});

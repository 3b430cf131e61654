import { describe, expect, it } from 'vitest';
import { main as foony } from '../../examples/foony';

describe('examples run as documented', () => {
  it('examples/foony.ts', async () => {
    const lines: string[] = [];
    const received = await foony(undefined, (line) => lines.push(line));
    expect(received).toEqual(['hello', 'world', 'sent while reconnecting']);
    expect(lines).toContain('presence enter: user-1');
    expect(lines.some((l) => l.startsWith('history: "hello", "world"'))).toBe(true);
    expect(lines.filter((l) => l === 'state: connected')).toHaveLength(2);
  });
});

import { act, cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SockrClient } from '@polysocket/sockr';
import { PolySocketProvider } from '@polysocket/react';
import { useGroupTyping, type GroupTypingView } from '@polysocket/react/sockr';

// The typing hooks on a client without the `sockrTyping` module (a PolySocketProvider's own SockrClient): sending
// throws INVALID naming the import, and nothing is left behind to throw later. No connection is needed.

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

describe('useGroupTyping without the typing module', () => {
  it('startTyping throws INVALID once; no stop timer is left to throw from a timer later', () => {
    vi.useFakeTimers();
    const client = new SockrClient({ url: 'http://127.0.0.1:9', token: 'token:ben', autoConnect: false });
    let view: GroupTypingView | undefined;
    function Composer(): React.ReactNode {
      view = useGroupTyping('g1', 100);
      return null;
    }
    render(
      <PolySocketProvider client={client}>
        <Composer />
      </PolySocketProvider>,
    );
    expect(() => act(() => view!.startTyping())).toThrow('sockrTyping');
    // Before: the hook's stop timer was armed before the send threw, and its stop threw INVALID from the timer.
    expect(() => vi.advanceTimersByTime(500)).not.toThrow();
    expect(vi.getTimerCount()).toBe(0);
    client.close();
  });
});

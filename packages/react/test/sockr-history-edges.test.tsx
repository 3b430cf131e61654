import { act, cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { SockrClient, type PersistedMessage } from '@polysocket/sockr';
import { PolySocketProvider } from '@polysocket/react';
import { useGroupMessages } from '@polysocket/react/sockr';
import { quick } from './support';

// useGroupMessages against a server whose history answers misbehave (the client's fetch stubbed; no socket).
afterEach(() => cleanup());

const message = (id: string, timestamp: number): PersistedMessage => ({
  id,
  conversationId: 'g1',
  from: 'ana',
  groupId: 'g1',
  content: id,
  timestamp,
  deliveredTo: [],
  readBy: [],
});

function mount(fetch: SockrClient['fetchGroupMessageHistory']): { view: () => ReturnType<typeof useGroupMessages> } {
  const client = new SockrClient({ url: 'http://127.0.0.1:9', token: 'token:ben', autoConnect: false, ...quick });
  client.fetchGroupMessageHistory = fetch;
  let view: ReturnType<typeof useGroupMessages> | undefined;
  function History(): React.ReactNode {
    view = useGroupMessages('g1', { fetchHistory: false, limit: 2 });
    return null;
  }
  render(
    <PolySocketProvider client={client}>
      <History />
    </PolySocketProvider>,
  );
  return { view: () => view! };
}

describe('useGroupMessages paging against a misbehaving server', () => {
  it('a full page with nothing new ends the paging (hasMore false) instead of looping', async () => {
    const { view } = mount(() => Promise.resolve([message('m3', 3), message('m1', 1)]));
    await act(() => view().fetchHistory());
    expect(view().hasMore).toBe(true);
    await act(() => view().fetchHistory());
    expect(view().messages.map((m) => m.id)).toEqual(['m1', 'm3']);
    expect(view().hasMore).toBe(false);
  });

  it('isLoadingHistory stays on until the last of overlapping fetches settles', async () => {
    const pending: ((page: PersistedMessage[]) => void)[] = [];
    const { view } = mount(() => new Promise((resolve) => pending.push(resolve)));
    let slow!: Promise<unknown>;
    let fast!: Promise<unknown>;
    act(() => {
      slow = view().fetchHistory();
      fast = view().fetchHistory(999);
    });
    expect(view().isLoadingHistory).toBe(true);
    await act(async () => {
      pending[1]([message('m9', 9)]);
      await fast;
    });
    expect(view().isLoadingHistory).toBe(true);
    await act(async () => {
      pending[0]([message('m1', 1)]);
      await slow;
    });
    expect(view().isLoadingHistory).toBe(false);
  });
});

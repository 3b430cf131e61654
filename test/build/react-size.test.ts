// Issue 18: @polysocket/react adds at most 3 KB gzip over the client it wraps — measured as `npm run size` does
// (build/size.ts: the sources with the dist mangle map, React left out as the app has it).
import { describe, expect, it } from 'vitest';
import { BUDGET_ROWS, measure, OTHER_ROWS } from '../../build/size';

describe('@polysocket/react size', () => {
  it('the provider, useConnectionState and useChannel add at most 3 KB gzip over FoonyClient', async () => {
    const client = await measure(BUDGET_ROWS.find((row) => row.id === 'foony')!);
    const withReact = await measure(OTHER_ROWS.find((row) => row.id === 'react-foony')!);
    const added = withReact.gzip - client.gzip;
    expect(added).toBeGreaterThan(300); // the hooks are in the bundle (React is not)
    expect(added).toBeLessThanOrEqual(3000);
  });
});

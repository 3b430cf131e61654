import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startPlayground } from '../../scripts/playground';
import { chromiumAvailable, launchChromium } from './support/chromium';

const available = chromiumAvailable();

describe.skipIf(!available)('the playground in headless Chromium', () => {
  let playground: Awaited<ReturnType<typeof startPlayground>>;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  /** Every HTTP answer ≥ 400 and every console error the pages had (a missing favicon shows up as both). */
  const failedLoads: string[] = [];
  const watch = (tab: Page): void => {
    tab.on('pageerror', (error) => pageErrors.push(error.message));
    tab.on('response', (response) => {
      if (response.status() >= 400) failedLoads.push(`${response.status()} ${response.url()}`);
    });
    tab.on('console', (message) => {
      if (message.type() === 'error') failedLoads.push(`console: ${message.text()}`);
    });
  };

  beforeAll(async () => {
    playground = await startPlayground();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    watch(page);
    await page.goto(playground.url);
  }, 60_000);

  afterAll(async () => {
    if (process.env.PLAYGROUND_SCREENSHOT && page)
      await page.screenshot({ path: process.env.PLAYGROUND_SCREENSHOT, fullPage: true });
    await browser?.close();
    await playground?.close();
  });

  const text = (selector: string): Promise<string> => page.locator(selector).innerText();
  const waitState = (panel: string, state: string): Promise<unknown> =>
    page.waitForFunction(([p, s]) => document.getElementById(p)?.dataset.state === s, [panel, state], {
      timeout: 15_000,
    });
  /** How often a log line containing `line` was written in a panel's log. */
  /** The Foony tick stream goes on (3 more ticks) with nothing missing or repeated: the ticker started with this
   * subscription at 1, so every tick up to the last one arrived, once. */
  const expectTicksResumeExactly = async (): Promise<void> => {
    const before = Number(await text('#foony-last-tick'));
    await page.waitForFunction(
      (n) => Number(document.getElementById('foony-last-tick')?.textContent) >= n + 3,
      before,
      { timeout: 10_000 },
    );
    expect(await text('#foony-ticks-missing')).toBe('0');
    expect(await text('#foony-ticks-dupes')).toBe('0');
    expect(await text('#foony-ticks-count')).toBe(await text('#foony-last-tick'));
  };
  const logCount = (log: string, line: string): Promise<number> =>
    page.evaluate(
      ([id, l]) =>
        Array.from(document.getElementById(id)!.children).filter((item) => item.textContent!.includes(l)).length,
      [log, line],
    );
  /** Waits (polling the page, up to 15 s) for a panel's log to show `line` more often than `before`. */
  const waitLog = (log: string, line: string, before: number): Promise<unknown> =>
    page.waitForFunction(
      ([id, l, n]) =>
        Array.from(document.getElementById(id as string)!.children).filter((item) =>
          item.textContent!.includes(l as string),
        ).length > (n as number),
      [log, line, before] as const,
      { timeout: 15_000 },
    );
  /**
   * From now on the page samples the Sockr "missing" figure every 20 ms and keeps the largest it saw (and
   * whether it was ever not shown as good), so a figure that rises during a drop and falls again is caught.
   */
  const recordSockrMissing = (): Promise<void> =>
    page.evaluate(() => {
      const w = window as unknown as { maxMissing: number; missingShownBad: boolean; missingSampler?: number };
      w.maxMissing = 0;
      w.missingShownBad = false;
      clearInterval(w.missingSampler);
      w.missingSampler = window.setInterval(() => {
        const figure = document.getElementById('sockr-missing')!;
        w.maxMissing = Math.max(w.maxMissing, Number(figure.textContent));
        if (figure.className !== 'good') w.missingShownBad = true;
      }, 20);
    });
  const sockrMissingSeen = (): Promise<{ max: number; bad: boolean }> =>
    page.evaluate(() => {
      const w = window as unknown as { maxMissing: number; missingShownBad: boolean };
      return { max: w.maxMissing, bad: w.missingShownBad };
    });

  it('loads the bundle from a plain script tag: window.PolySocket', async () => {
    const exported = await page.evaluate(() =>
      Object.keys((window as unknown as { PolySocket: object }).PolySocket).sort(),
    );
    expect(exported).toEqual(
      expect.arrayContaining([
        'createClient',
        'FoonyClient',
        'IgnisClient',
        'SockrClient',
        'SocketIOClient',
        'PolySocketError',
      ]),
    );
  });

  it('Foony: connects, publishes, shows presence, and resumes the tick stream across a drop with nothing missing or repeated', async () => {
    await page.click('#foony-connect');
    await waitState('foony', 'connected');
    await page.fill('#foony-text', 'hello from chromium');
    await page.click('#foony-send');
    await page.waitForFunction(() =>
      document.getElementById('foony-messages')?.textContent?.includes('hello from chromium'),
    );
    await page.click('#foony-enter');
    const me = await text('#tab-user');
    expect(me).toMatch(/^guest-[a-z0-9]{4}$/);
    await page.waitForFunction((name) => document.getElementById('foony-members')?.textContent?.includes(name), me);

    await page.check('#foony-ticks');
    await page.waitForFunction(
      () => Number(document.getElementById('foony-ticks-count')?.textContent) >= 3,
      undefined,
      { timeout: 10_000 },
    );
    await page.click('#foony-drop');
    await page.waitForFunction(() =>
      document.getElementById('foony-log')?.textContent?.includes('state → reconnecting'),
    );
    await waitState('foony', 'connected');
    await expectTicksResumeExactly();
  });

  it('Foony: "Go silent" is found by the client\'s ping, and the tick stream resumes with nothing missing or repeated', async () => {
    const reconnects = await logCount('foony-log', 'state → reconnecting');
    await page.click('#foony-silence');
    await waitLog('foony-log', 'state → reconnecting', reconnects);
    await waitState('foony', 'connected');
    await expectTicksResumeExactly();
  });

  it('Ignis: the panel says plainly that a silent server cannot be found from a browser', async () => {
    expect(await text('#ignis-silence-note')).toContain('Go silent is not detected here.');
  });

  it('Ignis: an encrypted session (WebCrypto in the browser), rooms re-joined after a drop', async () => {
    await page.check('#ignis-encrypted');
    await page.click('#ignis-connect');
    await waitState('ignis', 'connected');
    expect(await text('#ignis-session')).toContain('encrypted: yes');
    await page.fill('#ignis-room', 'game-7');
    await page.click('#ignis-join');
    await page.fill('#ignis-text', 'first move');
    await page.click('#ignis-send');
    await page.waitForFunction(() => document.getElementById('ignis-messages')?.textContent?.includes('first move'));
    await page.click('#ignis-echo');
    await page.waitForFunction(() => /\d+ ms/.test(document.getElementById('ignis-echo-ms')?.textContent ?? ''));

    await page.click('#ignis-drop');
    await page.waitForFunction(() =>
      document.getElementById('ignis-log')?.textContent?.includes('state → reconnecting'),
    );
    await waitState('ignis', 'connected');
    await page.fill('#ignis-text', 'after the drop');
    await page.click('#ignis-send');
    await page.waitForFunction(() =>
      document.getElementById('ignis-messages')?.textContent?.includes('after the drop'),
    );
    expect(await text('#ignis-rooms')).toContain('game-7');
  });

  it('Sockr: ana streams to ben through a forced drop; every message arrives once', async () => {
    await page.click('#sockr-connect');
    await waitState('sockr', 'connected');
    await page.fill('#sockr-text', 'hi ben');
    await page.click('#sockr-send');
    await page.waitForFunction(() => document.getElementById('sockr-inbox')?.textContent?.includes('hi ben'));
    await page.check('#sockr-stream');
    await page.waitForFunction(() => Number(document.getElementById('sockr-received')?.textContent) >= 5);
    await recordSockrMissing();
    const reconnects = await logCount('sockr-log', 'ben: reconnecting');
    await page.click('#sockr-drop');
    await waitLog('sockr-log', 'ben: reconnecting', reconnects);
    await waitState('sockr', 'connected');
    await page.waitForFunction(() => Number(document.getElementById('sockr-received')?.textContent) >= 15, undefined, {
      timeout: 15_000,
    });
    await page.uncheck('#sockr-stream');
    await page.waitForFunction(
      () =>
        document.getElementById('sockr-sent')?.textContent === document.getElementById('sockr-received')?.textContent,
      undefined,
      { timeout: 15_000 },
    );
    // Messages in flight during the drop are "in flight", never "missing": the figure stayed 0 the whole time.
    expect(await sockrMissingSeen()).toEqual({ max: 0, bad: false });
    expect(await text('#sockr-missing')).toBe('0');
    expect(await text('#sockr-inflight')).toBe('0');
    expect(await text('#sockr-dupes')).toBe('0');
  });

  it('Sockr: "Go silent" is found from the server\'s missing pings; the stream goes on and "missing" stays 0', async () => {
    await page.check('#sockr-stream');
    const received = Number(await text('#sockr-received'));
    await page.waitForFunction(
      (n) => Number(document.getElementById('sockr-received')?.textContent) >= n + 3,
      received,
    );
    await recordSockrMissing();
    const reconnects = await logCount('sockr-log', 'ben: reconnecting');
    await page.click('#sockr-silence');
    await waitLog('sockr-log', 'ben: reconnecting', reconnects);
    await waitState('sockr', 'connected');
    const after = Number(await text('#sockr-received'));
    await page.waitForFunction((n) => Number(document.getElementById('sockr-received')?.textContent) >= n + 5, after, {
      timeout: 15_000,
    });
    await page.uncheck('#sockr-stream');
    await page.waitForFunction(
      () =>
        document.getElementById('sockr-sent')?.textContent === document.getElementById('sockr-received')?.textContent,
      undefined,
      { timeout: 15_000 },
    );
    expect(await sockrMissingSeen()).toEqual({ max: 0, bad: false });
    expect(await text('#sockr-dupes')).toBe('0');
  });

  it('each tab is its own user (kept across a reload of that tab)', async () => {
    const tab = await browser.newPage();
    watch(tab);
    await tab.goto(playground.url);
    const other = await tab.locator('#tab-user').innerText();
    expect(other).toMatch(/^guest-[a-z0-9]{4}$/);
    expect(other).not.toBe(await text('#tab-user'));
    await tab.reload();
    expect(await tab.locator('#tab-user').innerText()).toBe(other);
    await tab.close();
  });

  it('the footer shows the polysocket version; the page loads with no failed request (favicon included)', async () => {
    const { version } = JSON.parse(
      readFileSync(new URL('../../packages/polysocket/package.json', import.meta.url), 'utf8'),
    ) as { version: string };
    await page.waitForFunction(
      (v) => document.getElementById('version')?.textContent?.includes(`polysocket ${v}`),
      version,
    );
    expect(failedLoads).toEqual([]);
  });

  it('the README script-tag example runs in the browser as printed', async () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const block = /<!-- run: script-tag -->\n```html\n([\s\S]*?)```/.exec(readme)![1];
    const port = new URL(playground.url).port;
    const html = block
      .replace(
        'https://unpkg.com/polysocket/dist/browser/polysocket.global.js',
        `${playground.url}polysocket.global.js`,
      )
      .split('127.0.0.1:8080')
      .join(`127.0.0.1:${port}`);
    const tab = await browser.newPage();
    const errors: string[] = [];
    tab.on('pageerror', (error) => errors.push(error.message));
    await tab.setContent(`<!doctype html><html><head></head><body>${html}</body></html>`);
    await tab.waitForFunction(() => document.body.textContent?.includes('text: hello from a script tag'), undefined, {
      timeout: 15_000,
    });
    await tab.close();
    expect(errors).toEqual([]);
  });

  it('raised no page errors', () => {
    expect(pageErrors).toEqual([]);
  });
});

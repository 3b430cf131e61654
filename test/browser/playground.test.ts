import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startPlayground } from '../../scripts/playground';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available) {
  const message = `Chromium not found at ${CHROMIUM}: the browser tests cannot run (apt-get install chromium).`;
  // In CI a missing browser is a failure, never a silent skip.
  if (process.env.CI) throw new Error(message);
  console.warn(`\n⚠️  ${message} SKIPPING the browser tests on this machine.\n`);
}

describe.skipIf(!available)('the playground in headless Chromium', () => {
  let playground: Awaited<ReturnType<typeof startPlayground>>;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    playground = await startPlayground();
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(playground.url);
  }, 60_000);

  afterAll(async () => {
    if (process.env.PLAYGROUND_SCREENSHOT && page) await page.screenshot({ path: process.env.PLAYGROUND_SCREENSHOT, fullPage: true });
    await browser?.close();
    await playground?.close();
  });

  const text = (selector: string): Promise<string> => page.locator(selector).innerText();
  const waitState = (panel: string, state: string): Promise<unknown> =>
    page.waitForFunction(([p, s]) => document.getElementById(p)?.dataset.state === s, [panel, state], { timeout: 15_000 });

  it('loads the bundle from a plain script tag: window.PolySocket', async () => {
    const exported = await page.evaluate(() => Object.keys((window as unknown as { PolySocket: object }).PolySocket).sort());
    expect(exported).toEqual(expect.arrayContaining(['createClient', 'FoonyClient', 'IgnisClient', 'SockrClient', 'SocketIOClient', 'PolySocketError']));
  });

  it('Foony: connects, publishes, shows presence, and resumes the tick stream across a drop with nothing missing or repeated', async () => {
    await page.click('#foony-connect');
    await waitState('foony', 'connected');
    await page.fill('#foony-text', 'hello from chromium');
    await page.click('#foony-send');
    await page.waitForFunction(() => document.getElementById('foony-messages')?.textContent?.includes('hello from chromium'));
    await page.click('#foony-enter');
    await page.waitForFunction(() => document.getElementById('foony-members')?.textContent?.includes('user-1'));

    await page.check('#foony-ticks');
    await page.waitForFunction(() => Number(document.getElementById('foony-ticks-count')?.textContent) >= 3, undefined, { timeout: 10_000 });
    await page.click('#foony-drop');
    await page.waitForFunction(() => document.getElementById('foony-log')?.textContent?.includes('state → reconnecting'));
    await waitState('foony', 'connected');
    const before = Number(await text('#foony-last-tick'));
    await page.waitForFunction((n) => Number(document.getElementById('foony-last-tick')?.textContent) >= n + 3, before, { timeout: 10_000 });
    expect(await text('#foony-ticks-missing')).toBe('0');
    expect(await text('#foony-ticks-dupes')).toBe('0');
    // The ticker started with this subscription at 1: every tick up to the last one arrived, once.
    expect(await text('#foony-ticks-count')).toBe(await text('#foony-last-tick'));
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
    await page.waitForFunction(() => document.getElementById('ignis-log')?.textContent?.includes('state → reconnecting'));
    await waitState('ignis', 'connected');
    await page.fill('#ignis-text', 'after the drop');
    await page.click('#ignis-send');
    await page.waitForFunction(() => document.getElementById('ignis-messages')?.textContent?.includes('after the drop'));
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
    await page.click('#sockr-drop');
    await page.waitForFunction(() => document.getElementById('sockr-log')?.textContent?.includes('ben: reconnecting'));
    await waitState('sockr', 'connected');
    await page.waitForFunction(() => Number(document.getElementById('sockr-received')?.textContent) >= 15, undefined, { timeout: 15_000 });
    await page.uncheck('#sockr-stream');
    await page.waitForFunction(
      () => document.getElementById('sockr-sent')?.textContent === document.getElementById('sockr-received')?.textContent,
      undefined,
      { timeout: 15_000 },
    );
    expect(await text('#sockr-missing')).toBe('0');
    expect(await text('#sockr-dupes')).toBe('0');
  });

  it('the README script-tag example runs in the browser as printed', async () => {
    const { readFileSync } = await import('node:fs');
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const block = /<!-- run: script-tag -->\n```html\n([\s\S]*?)```/.exec(readme)![1];
    const port = new URL(playground.url).port;
    const html = block
      .replace('https://unpkg.com/polysocket/dist/browser/polysocket.global.js', `${playground.url}polysocket.global.js`)
      .split('127.0.0.1:8080').join(`127.0.0.1:${port}`);
    const tab = await browser.newPage();
    const errors: string[] = [];
    tab.on('pageerror', (error) => errors.push(error.message));
    await tab.setContent(`<!doctype html><html><head></head><body>${html}</body></html>`);
    await tab.waitForFunction(() => document.body.textContent?.includes('text: hello from a script tag'), undefined, { timeout: 15_000 });
    await tab.close();
    expect(errors).toEqual([]);
  });

  it('raised no page errors', () => {
    expect(pageErrors).toEqual([]);
  });
});

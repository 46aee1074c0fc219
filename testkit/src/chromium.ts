import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';

/** Debian's chromium; the test setup (scripts/setup-test-deps.mjs) installs it. */
export const CHROMIUM_PATH = process.env.LOOPSCOPE_CHROMIUM ?? '/usr/bin/chromium';

/** Flags for a quiet, offline-friendly headless run in containers and CI. */
export const CHROMIUM_FLAGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export interface Chromium {
  readonly context: BrowserContext;
  /** A new page whose console errors, page errors and failed requests are collected in `problems`. */
  newPage(): Promise<Page>;
  /** Console errors, uncaught page errors and failed or 4xx/5xx requests seen so far, as text. */
  readonly problems: string[];
  close(): Promise<void>;
}

export interface ChromiumOptions {
  viewport?: { width: number; height: number };
  colorScheme?: 'light' | 'dark';
}

/**
 * The real headless Chromium, driven by playwright-core, with a fresh
 * profile directory removed on close. playwright-core is loaded only here,
 * so suites that do not use a browser do not pay for it.
 */
export async function launchChromium(opts: ChromiumOptions = {}): Promise<Chromium> {
  const { chromium } = await import('playwright-core');
  const profile = await mkdtemp(join(tmpdir(), 'loopscope-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_FLAGS],
    viewport: opts.viewport ?? { width: 1440, height: 900 },
    colorScheme: opts.colorScheme ?? 'dark',
  });
  const problems: string[] = [];
  return {
    context,
    problems,
    async newPage() {
      const page = await context.newPage();
      page.on('console', (m) => {
        if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
      });
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      page.on('requestfailed', (r) => {
        // A navigation away cancels in-flight polls; that is not a failure of the page.
        if (r.failure()?.errorText !== 'net::ERR_ABORTED') {
          problems.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`);
        }
      });
      page.on('response', (r) => {
        if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
      });
      return page;
    },
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

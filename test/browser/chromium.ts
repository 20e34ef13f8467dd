/**
 * Headless Debian Chromium for browser tests, driven by playwright-core (which never downloads a
 * browser of its own). Flags: a closed network refuses Chromium's background connections, so they
 * are turned off; a fresh, empty profile per launch keeps runs independent. On CI a missing
 * chromium fails the suite; elsewhere it is skipped with the install command.
 */
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { describe, it } from 'vitest';
import { isCi } from '../support/external-binaries.js';

export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export function chromiumAvailable(): boolean {
  try {
    accessSync(CHROMIUM_PATH, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function describeWithChromium(title: string, body: () => void): void {
  const reason = `${CHROMIUM_PATH} not found (apt-get install -y --no-install-recommends chromium)`;
  if (chromiumAvailable()) describe(title, body);
  else if (isCi())
    describe(title, () => {
      it('has chromium', () => {
        throw new Error(`CI=true but ${reason}`);
      });
    });
  else describe.skip(`${title} [skipped: ${reason}]`, body);
}

export interface Chromium {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

export async function launchChromium(): Promise<Chromium> {
  const userDataDir = await mkdtemp(join(tmpdir(), 'rollback-drill-chromium-'));
  try {
    const context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1200, height: 900 },
      timeout: 60_000,
    });
    return {
      context,
      close: async () => {
        await context.close();
        await rm(userDataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(userDataDir, { recursive: true, force: true });
    throw error;
  }
}

/** What a page did that a self-contained, script-free report must never do. */
export interface PageWatch {
  readonly consoleErrors: string[];
  readonly pageErrors: string[];
  readonly dialogs: string[];
  /** Requests for anything but the file itself and data: URLs. */
  readonly externalRequests: string[];
}

export function watchPage(page: Page, ownUrl: string): PageWatch {
  const watch: PageWatch = { consoleErrors: [], pageErrors: [], dialogs: [], externalRequests: [] };
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') watch.consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => watch.pageErrors.push(error.message));
  page.on('dialog', (dialog) => {
    watch.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on('request', (request) => {
    const url = request.url();
    if (url !== ownUrl && !url.startsWith('data:')) watch.externalRequests.push(url);
  });
  return watch;
}

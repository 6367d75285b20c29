import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

/** Debian's chromium (never a downloaded browser). */
export const CHROMIUM = '/usr/bin/chromium';

/** True when Debian's chromium is installed. */
export const hasChromium = existsSync(CHROMIUM);

/**
 * Flags for headless Debian chromium (156): no sandbox (CI runs as root), nothing that reaches
 * the network. WebGL 2 runs on ANGLE over SwiftShader (Vulkan) with float32 render targets with or
 * without --disable-gpu (measured both); it is left out since it only says what is not wanted.
 */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Opens a fresh-profile headless chromium, runs `fn`, and closes it and removes the profile. */
export async function withChromium<T>(
  fn: (context: BrowserContext) => Promise<T>,
  args = CHROMIUM_FLAGS,
): Promise<T> {
  const profile = mkdtempSync(join(tmpdir(), 'odeflow-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args,
  });
  try {
    return await fn(context);
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

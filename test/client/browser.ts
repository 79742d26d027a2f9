/**
 * Browser test helpers: the client built once (when client/dist is missing or older than its
 * sources), Debian's Chromium driven by playwright-core, screenshots, and an axe-core audit.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { chromium } from "playwright-core";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { expect } from "chai";
import { startStack } from "../api/harness";
import type { Stack } from "../api/harness";

export const REPO = path.resolve(__dirname, "../..");
export const CLIENT_DIST = path.join(REPO, "client/dist");
export const SCREENSHOTS = path.join(REPO, ".veche/test-artifacts/screenshots");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

function newestMtime(target: string): number {
  const stat = fs.statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return fs
    .readdirSync(target)
    .reduce((newest, name) => Math.max(newest, newestMtime(path.join(target, name))), stat.mtimeMs);
}

/** Builds client/dist unless it is newer than every source it is made from. */
export function ensureClientBuilt(): void {
  const built = path.join(CLIENT_DIST, "index.html");
  const sources = ["client/src", "client/index.html", "client/vite.config.mts", "contracts/protocol"].map((p) =>
    path.join(REPO, p),
  );
  const sourceTime = Math.max(...sources.map(newestMtime));
  if (fs.existsSync(built) && fs.statSync(built).mtimeMs > sourceTime) return;
  execFileSync("npx", ["vite", "build", "-c", "client/vite.config.mts", "--logLevel", "warn"], {
    cwd: REPO,
    stdio: "inherit",
  });
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}

export interface Tab {
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught exceptions seen so far. */
  errors: string[];
  /** Dialogs (alert, confirm, prompt) the page opened. */
  dialogs: string[];
}

/** A fresh browser profile (its own storage) with one page, English unless told otherwise. */
export async function openTab(
  browser: Browser,
  baseURL: string,
  options: { viewport?: { width: number; height: number }; locale?: string } = {},
): Promise<Tab> {
  const context = await browser.newContext({
    baseURL,
    viewport: options.viewport ?? { width: 1200, height: 900 },
    locale: options.locale ?? "en-GB",
    acceptDownloads: true,
  });
  const page = await context.newPage();
  const errors: string[] = [];
  const dialogs: string[] = [];
  page.on("console", (msg) => {
    if (msg.type() === "error") errors.push(msg.text());
  });
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("dialog", (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  return { context, page, errors, dialogs };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  const file = path.join(SCREENSHOTS, `${name}.png`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await page.screenshot({ path: file, fullPage: true });
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

const AXE_SOURCE = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

/** Runs axe-core in the page; fails on any serious or critical violation. */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  // Evaluated through the DevTools protocol: the site's CSP (rightly) refuses inline scripts.
  await page.evaluate(`${AXE_SOURCE}\n;void 0;`);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document) => Promise<{ violations: unknown[] }> } }).axe;
    const result = await axe.run(document);
    return result.violations;
  });
  const severe = (violations as AxeViolation[]).filter((v) => v.impact === "serious" || v.impact === "critical");
  const summary = severe.map(
    (v) => `${v.id} (${v.impact}): ${v.help} at ${JSON.stringify(v.nodes.map((n) => n.target))}`,
  );
  expect(summary, `accessibility of ${what}`).to.deep.equal([]);
}

export interface ClientStack {
  stack: Stack;
  browser: Browser;
  baseUrl: string;
}

/** A real chain and API serving the built client, and a browser to drive it. */
export async function startClientStack(): Promise<ClientStack> {
  ensureClientBuilt();
  const stack = await startStack({ withApi: false });
  const baseUrl = (await stack.startApi({ CLIENT_DIR: CLIENT_DIST })).url;
  return { stack, browser: await launchBrowser(), baseUrl };
}

export async function stopClientStack(env: Partial<ClientStack>): Promise<void> {
  await env.browser?.close();
  await env.stack?.stop();
}

/** A suite's stack and browser: started before its tests, handed to `take`, stopped after them. */
export function useClientStack(take: (env: ClientStack) => void): void {
  let env: ClientStack | undefined;
  before(async () => {
    env = await startClientStack();
    take(env);
  });
  after(async () => {
    if (env) await stopClientStack(env);
  });
}

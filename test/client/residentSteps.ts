/** What a resident does in the browser, shared by the client tests. */
import type { Page } from "playwright-core";
import { registerResident } from "../api/residentHelpers";
import type { Stack } from "../api/harness";

export const BROWSER_PASSWORD = "a long password for the browser";

/** Staff import a resident; the resident activates in the browser, which creates and enrols a key. */
export async function activateInBrowser(page: Page, stack: Stack, district = 1): Promise<{ residentId: string }> {
  const { residentId, code } = await registerResident(stack, district);
  await page.goto("/activate");
  await page.getByLabel("Resident id").fill(residentId);
  await page.getByLabel("Activation code").fill(code);
  await page.getByLabel("New password").fill(BROWSER_PASSWORD);
  await page.getByRole("button", { name: "Activate" }).click();
  await page.waitForURL("**/me", { timeout: 60_000 });
  await page.getByRole("heading", { level: 1, name: "My polls" }).waitFor();
  return { residentId };
}

export async function signInInBrowser(page: Page, residentId: string): Promise<void> {
  await page.goto("/signin");
  await page.getByLabel("Resident id").fill(residentId);
  await page.getByLabel("Password", { exact: true }).fill(BROWSER_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).last().click();
}

/**
 * Opens the poll from "My polls", ticks `choices` (option labels per question, by fieldset legend)
 * and casts the ballot; resolves when its receipt shows the ballot mined.
 */
export async function voteInBrowser(page: Page, pollId: number, choices: string[][], button: RegExp): Promise<void> {
  await page.goto(`/me/polls/${pollId}`);
  for (const [q, options] of choices.entries()) {
    const fieldset = page.getByRole("group", { name: `Question ${q + 1}` });
    for (const option of options) await fieldset.getByLabel(option, { exact: true }).check();
  }
  const password = page.getByLabel("Your password", { exact: true });
  if (await password.count()) await password.fill(BROWSER_PASSWORD);
  await page.getByRole("button", { name: button }).click();
  await page.waitForURL("**/me/ballots/**");
  await page.locator('[data-status="mined"]').waitFor({ timeout: 60_000 });
  await page.getByTestId("receipt-json").waitFor({ state: "attached" });
}

/** The raw receipt, kept under "Technical details" on the receipt page. */
export async function shownReceipt(page: Page): Promise<Record<string, unknown>> {
  return JSON.parse((await page.getByTestId("receipt-json").textContent()) ?? "") as Record<string, unknown>;
}

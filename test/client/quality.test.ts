/**
 * Qualities every page must have, checked in a real browser: no serious accessibility violations
 * (axe-core), poll texts shown as text even when they hold markup, a phone-sized layout, and the
 * Russian language remembered across visits.
 */
import { expect } from "chai";
import type { Browser, Page } from "playwright-core";
import { createPoll } from "../api/harness";
import type { Stack } from "../api/harness";
import { expectAccessible, openTab, screenshot, useClientStack } from "./browser";
import { castBallots } from "./chainHelpers";
import { activateInBrowser, voteInBrowser } from "./residentSteps";

const XSS_TITLE = '<img src=x onerror=alert(1)><script>alert("veche")</script>';

describe("client: accessibility, escaping, phones and languages", function () {
  this.timeout(240_000);
  let stack: Stack;
  let browser: Browser;
  let baseUrl: string;
  useClientStack((env) => ({ stack, browser, baseUrl } = env));

  async function visit(page: Page, path: string, ready: string): Promise<void> {
    await page.goto(path);
    await page.getByRole("heading", { level: 1, name: ready }).waitFor();
  }

  it("has no serious or critical axe violations on the main pages", async () => {
    const questions = [{ options: 3, maxChoices: 2 }];
    const pollId = await createPoll(stack, { questions, title: "New playground" });
    await castBallots(stack, pollId, questions, [[[0, 1]], [[2]]]);
    const tab = await openTab(browser, baseUrl);

    await visit(tab.page, "/", "City polls");
    await expectAccessible(tab.page, "the poll list");
    await visit(tab.page, `/polls/${pollId}`, "New playground");
    await tab.page.getByRole("region", { name: "Ballots on the ledger" }).locator("tbody tr").first().waitFor();
    await tab.page.getByRole("button", { name: "Recount from the ledger" }).click();
    await tab.page.getByText("Match: the recount agrees with the ledger.").waitFor({ timeout: 60_000 });
    await expectAccessible(tab.page, "a poll in the explorer");
    await visit(tab.page, "/receipt", "Check a receipt");
    await expectAccessible(tab.page, "the receipt check");
    await visit(tab.page, "/signin", "Sign in");
    await expectAccessible(tab.page, "sign-in");
    await visit(tab.page, "/activate", "Activate your account");
    await expectAccessible(tab.page, "activation");

    await activateInBrowser(tab.page, stack, 2);
    await expectAccessible(tab.page, "my polls");
    await visit(tab.page, `/me/polls/${pollId}`, "New playground");
    await expectAccessible(tab.page, "the voting page");
    await voteInBrowser(tab.page, pollId, [["Option 3"]], /Sign and cast my vote/);
    await expectAccessible(tab.page, "the receipt");
    await visit(tab.page, "/me/key", "Your voter key");
    await expectAccessible(tab.page, "the voter key page");
    await visit(tab.page, "/me/points", "Points and rewards");
    await tab.page.getByTestId("points-balance").waitFor();
    await expectAccessible(tab.page, "points");
    await tab.context.close();
  });

  it("shows a poll title holding markup and script as plain text", async () => {
    const pollId = await createPoll(stack, { title: XSS_TITLE, districts: [8] });
    const tab = await openTab(browser, baseUrl);
    for (const path of ["/", `/polls/${pollId}`]) {
      await tab.page.goto(path);
      await tab.page.getByText(XSS_TITLE, { exact: true }).first().waitFor();
      expect(await tab.page.locator("main img, main script").count(), path).to.equal(0);
    }
    await activateInBrowser(tab.page, stack, 8);
    await tab.page.getByRole("link", { name: XSS_TITLE }).waitFor();
    await tab.page.goto(`/me/polls/${pollId}`);
    expect(await tab.page.getByRole("heading", { level: 1 }).innerText()).to.equal(XSS_TITLE);
    expect(await tab.page.locator("img, main script").count()).to.equal(0);
    expect(await tab.page.title()).to.not.include("<");
    await tab.page.waitForTimeout(300);
    expect(tab.dialogs).to.deep.equal([]);
    await screenshot(tab.page, "escaped-title");
    await tab.context.close();
  });

  it("fits a phone-sized screen without sideways scrolling", async () => {
    const questions = [{ options: 2, maxChoices: 1 }];
    const pollId = await createPoll(stack, {
      questions,
      title: "Should Tverskaya get a bike lane along its whole length?",
    });
    await castBallots(stack, pollId, questions, [[[1]]]);
    const tab = await openTab(browser, baseUrl, { viewport: { width: 375, height: 740 } });
    for (const [path, title, shot] of [
      ["/", "City polls", "phone-list"],
      [`/polls/${pollId}`, "Should Tverskaya get a bike lane along its whole length?", "phone-poll"],
      ["/receipt", "Check a receipt", "phone-receipt"],
    ] as const) {
      await visit(tab.page, path, title);
      const overflow = await tab.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, `horizontal overflow on ${path}`).to.be.at.most(0);
      await screenshot(tab.page, shot);
    }
    await tab.context.close();
  });

  it("switches to Russian, localises dates and numbers, and remembers the choice", async () => {
    const pollId = await createPoll(stack, { title: "Language poll" });
    const tab = await openTab(browser, baseUrl);
    await visit(tab.page, `/polls/${pollId}`, "Language poll");
    await tab.page.getByRole("combobox", { name: "Language" }).selectOption("ru");
    await tab.page.getByRole("heading", { level: 2, name: "Текущие результаты" }).waitFor();
    expect(await tab.page.locator("html").getAttribute("lang")).to.equal("ru");
    // Focus stays on the language switch for keyboard users.
    expect(await tab.page.evaluate(() => document.activeElement?.id)).to.equal("lang");
    const schedule = await tab.page.locator("p.meta").innerText();
    expect(schedule).to.match(/^Открыт До .* г\., \d{2}:\d{2}/);
    await tab.page.reload();
    await tab.page.getByRole("heading", { level: 2, name: "Текущие результаты" }).waitFor();
    await tab.page.getByRole("link", { name: "Проверить квитанцию" }).click();
    await tab.page.getByRole("heading", { level: 1, name: "Проверить квитанцию" }).waitFor();
    await screenshot(tab.page, "receipt-check-ru");
    await tab.context.close();
  });

  it("can be driven with the keyboard alone", async () => {
    const tab = await openTab(browser, baseUrl);
    await visit(tab.page, "/", "City polls");
    await tab.page.keyboard.press("Tab");
    expect(await tab.page.evaluate(() => document.activeElement?.textContent)).to.equal("Skip to content");
    // Tab through the header to "Check a receipt" and follow it with Enter.
    for (let i = 0; i < 10; i++) {
      await tab.page.keyboard.press("Tab");
      if ((await tab.page.evaluate(() => document.activeElement?.textContent)) === "Check a receipt") break;
    }
    await tab.page.keyboard.press("Enter");
    await tab.page.getByRole("heading", { level: 1, name: "Check a receipt" }).waitFor();
    expect(await tab.page.evaluate(() => document.activeElement?.tagName)).to.equal("H1");
    await tab.context.close();
  });
});

/**
 * Every page of the site, public and resident, in English and Russian, on a desktop and a 375 px
 * phone: no serious accessibility violation (axe-core), no sideways scrolling, no untranslated key,
 * and a screenshot of each in .veche/test-artifacts/screenshots/pages/.
 */
import { expect } from "chai";
import type { Browser, Page } from "playwright-core";
import type { Stack } from "../api/harness";
import { expectAccessible, openTab, screenshot, useClientStack } from "./browser";
import { castBallots, indexed } from "./chainHelpers";
import { createPollFrom, finishPoll, shapes } from "./pollHelpers";
import { BROWSER_PASSWORD, activateInBrowser } from "./residentSteps";

const SIZES = [
  { name: "desktop", width: 1200, height: 900 },
  { name: "phone", width: 375, height: 740 },
] as const;

/** Waits until the page has drawn what it loads (no "Loading…" left, the network quiet). */
async function settled(page: Page): Promise<void> {
  await page.locator("main h1").first().waitFor();
  await page.waitForLoadState("networkidle");
  await page.waitForFunction(() => !/Loading…|Загрузка…/.test(document.querySelector("main")?.textContent ?? ""));
}

describe("client: every page in both languages, on a desktop and a phone", function () {
  this.timeout(600_000);
  let stack: Stack;
  let browser: Browser;
  let baseUrl: string;
  useClientStack((env) => ({ stack, browser, baseUrl } = env));

  it("renders every page accessibly, translated and without sideways scrolling", async () => {
    const spec = {
      title: "Which bus routes need more buses?",
      questions: [
        { text: "Routes", options: ["B (Garden Ring)", "M2", "144"], maxChoices: 2 },
        { text: "When?", options: ["Mornings", "Evenings"] },
      ],
      districts: [41],
      revote: true,
      points: 15,
    };
    const active = await createPollFrom(stack, spec);
    await castBallots(
      stack,
      active,
      shapes(spec),
      [
        [[0, 1], [0]],
        [[2], [1]],
      ],
      41,
    );
    const final = await createPollFrom(stack, { ...spec, title: "Courtyard benches", revote: false });
    await castBallots(stack, final, shapes(spec), [[[0], [1]]], 41);
    await indexed(stack, final, 1, 1);
    await finishPoll(stack, final, "New benches arrive in May.");
    const upcoming = await createPollFrom(stack, { ...spec, title: "Summer festival", startsIn: 7200 });

    const tab = await openTab(browser, baseUrl);
    await activateInBrowser(tab.page, stack, 41);
    await tab.page.goto(`/me/polls/${active}`);
    await tab.page.getByLabel("M2", { exact: true }).check();
    await tab.page.getByLabel("Evenings", { exact: true }).check();
    await tab.page.getByLabel("Your password", { exact: true }).fill(BROWSER_PASSWORD);
    await tab.page.getByRole("button", { name: "Sign and cast my vote" }).click();
    await tab.page.waitForURL("**/me/ballots/**");
    await tab.page.locator('[data-status="mined"]').waitFor({ timeout: 60_000 });
    const ballotPath = new URL(tab.page.url()).pathname;
    const leaf = await tab.page.evaluate(() => {
      const saved = Object.keys(localStorage).find((k) => k.startsWith("veche.receipts."));
      return (JSON.parse(localStorage.getItem(saved ?? "") ?? "[]") as { leaf: string }[])[0]?.leaf ?? "";
    });

    const pages: [string, string][] = [
      ["polls", "/"],
      ["poll-open", `/polls/${active}`],
      ["poll-final", `/polls/${final}`],
      ["poll-upcoming", `/polls/${upcoming}`],
      ["receipt-check", "/receipt"],
      ["sign-in", "/signin"],
      ["activate", "/activate"],
      ["password-reset", "/reset"],
      ["glossary", "/help"],
      ["my-polls", "/me"],
      ["vote", `/me/polls/${active}`],
      ["vote-final", `/me/polls/${final}`],
      ["ballot", ballotPath],
      ["saved-receipt", `/me/receipts/${leaf}`],
      ["voter-key", "/me/key"],
      ["points", "/me/points"],
    ];
    for (const lang of ["en", "ru"] as const) {
      await tab.page.evaluate((l) => localStorage.setItem("veche.lang", l), lang);
      for (const size of SIZES) {
        await tab.page.setViewportSize({ width: size.width, height: size.height });
        for (const [name, path] of pages) {
          const what = `${name} (${lang}, ${size.name})`;
          await tab.page.goto(path);
          await settled(tab.page);
          expect(await tab.page.locator("html").getAttribute("lang"), what).to.equal(lang);
          const text = await tab.page.locator("body").innerText();
          // A key shown instead of its text would read like "poll.title".
          expect(text, what).to.not.match(/\b(nav|poll|vote|me|key|points|results|ledger|tech|error)\.[a-zA-Z]+\b/);
          if (lang === "ru") expect(text, what).to.not.match(/\b(Veche|Sign in|Polls|Your ballot)\b/);
          const overflow = await tab.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
          expect(overflow, `sideways scrolling on ${what}`).to.be.at.most(0);
          await expectAccessible(tab.page, what);
          await screenshot(tab.page, `pages/${name}-${lang}-${size.name}`);
        }
      }
    }
    expect(tab.errors, "console errors").to.deep.equal([]);
    await tab.context.close();
  });
});

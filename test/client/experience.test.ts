/**
 * The defects residents and observers met, each checked fixed in a real browser against the real
 * stack: reward names, replaced receipts, choices in words, shares of residents, residents apart from
 * ballots, the locked key after a reload, the current vote preselected, the demo path, the time axis,
 * each poll state's words, who may vote, and Russian with one glossary.
 */
import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import type { Browser, Page } from "playwright-core";
import { encodeChoices, encodeRewardContent } from "../../contracts/protocol";
import { http, signedBallot, enrolVoter } from "../api/harness";
import type { Stack } from "../api/harness";
import { registerResident, resyncStaffNonce } from "../api/residentHelpers";
import { seedDemoCity } from "../../scripts/demo/seed";
import { cliEnv, tempDir } from "../scripts/cliHarness";
import { TECHNICAL_WORDS } from "../../client/src/messages/glossary";
import { openTab, screenshot, useClientStack } from "./browser";
import { castBallots, indexed } from "./chainHelpers";
import { createPollFrom, finishPoll, shapes } from "./pollHelpers";
import { BROWSER_PASSWORD, activateInBrowser, shownReceipt } from "./residentSteps";

/** A 1×1 PNG, as a reward's picture. */
const PIXEL =
  "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

/** Ticks the options labelled `labels` on the vote page, signs and waits for the mined receipt. */
async function castInBrowser(page: Page, pollId: number, labels: string[], button: RegExp): Promise<void> {
  if (!page.url().endsWith(`/me/polls/${pollId}`)) await page.goto(`/me/polls/${pollId}`);
  for (const label of labels) await page.getByLabel(label, { exact: true }).check();
  const password = page.getByLabel("Your password", { exact: true });
  if (await password.count()) await password.fill(BROWSER_PASSWORD);
  await page.getByRole("button", { name: button }).click();
  await page.waitForURL("**/me/ballots/**");
  await page.locator('[data-status="mined"]').waitFor({ timeout: 60_000 });
  await page.getByTestId("receipt-json").waitFor({ state: "attached" });
}

/** The page's main text without what "Technical details" hold. */
async function plainText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const main = document.querySelector("main")?.cloneNode(true) as HTMLElement | undefined;
    main?.querySelectorAll("details.tech").forEach((d) => d.remove());
    return main?.textContent ?? "";
  });
}

describe("client: the resident's and the observer's experience", function () {
  this.timeout(300_000);
  let stack: Stack;
  let browser: Browser;
  let baseUrl: string;
  useClientStack((env) => ({ stack, browser, baseUrl } = env));

  it("names rewards from their on-chain text, asks before redeeming, and gives a voucher with a history", async () => {
    const pollId = await createPollFrom(stack, {
      title: "Courtyard lights",
      questions: [{ text: "More lights?", options: ["Yes", "No"] }],
      districts: [21],
      points: 40,
    });
    resyncStaffNonce(stack);
    const uri = encodeRewardContent({
      title: { en: "Bolshoi Theatre ticket", ru: "Билет в Большой театр" },
      description: { en: "One evening seat.", ru: "Одно место на вечер." },
      image: PIXEL,
    });
    await (await stack.staff.listReward(30, 3, uri)).wait();
    const tab = await openTab(browser, baseUrl);
    await activateInBrowser(tab.page, stack, 21);
    await tab.page.goto(`/me/polls/${pollId}`);
    expect(await tab.page.getByTestId("poll-points").innerText()).to.equal("Voting in this poll earns you 40 points.");
    await castInBrowser(tab.page, pollId, ["Yes"], /Sign and cast my vote/);

    await tab.page.goto("/me/points");
    await tab.page.getByTestId("points-balance").filter({ hasText: "40 points" }).waitFor({ timeout: 20_000 });
    const card = tab.page.getByRole("listitem").filter({ hasText: "Bolshoi Theatre ticket" });
    expect(await card.getByText("One evening seat.").count()).to.equal(1);
    expect(await card.locator("img").getAttribute("src")).to.equal(PIXEL);
    expect(await tab.page.locator("main").innerText()).to.not.include("data:");

    // Nothing is signed before the resident confirms; cancelling leaves everything as it was.
    await card.getByRole("button", { name: "Redeem…" }).click();
    expect(await card.getByRole("status").innerText()).to.equal(
      "Redeem Bolshoi Theatre ticket for 30 points? You will have 10 points left.",
    );
    await card.getByRole("button", { name: "Cancel" }).click();
    expect(await card.getByRole("button", { name: "Yes, redeem" }).count()).to.equal(0);
    await card.getByRole("button", { name: "Redeem…" }).click();
    await card.getByLabel(/Your password/).fill(BROWSER_PASSWORD);
    await card.getByRole("button", { name: "Yes, redeem" }).click();
    await tab.page.getByText("Redeemed: Bolshoi Theatre ticket.").waitFor({ timeout: 60_000 });
    const voucher = await tab.page.getByTestId("voucher").innerText();
    expect(voucher).to.match(/^[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}$/);
    expect(await tab.page.getByTestId("points-balance").innerText()).to.equal("10 points");
    const history = tab.page.getByTestId("redemptions");
    expect(await history.locator("tbody tr").first().innerText())
      .to.include("Bolshoi Theatre ticket")
      .and.include(voucher);
    expect(await tab.page.getByTestId("earned").innerText()).to.include("Courtyard lights — +40 points");
    await screenshot(tab.page, "points-redeemed");

    await tab.page.getByRole("combobox", { name: "Language" }).selectOption("ru");
    await tab.page.getByText("Билет в Большой театр").first().waitFor();
    expect(await tab.page.locator("main").innerText()).to.include("Одно место на вечер.");
    expect(tab.errors).to.deep.equal([]);
    await tab.context.close();
  });

  it("shows the current vote, preselects it, and marks a replaced receipt with the one that counts", async () => {
    const pollId = await createPollFrom(stack, {
      title: "Route 15",
      questions: [{ text: "How should route 15 run?", options: ["Tram", "Bus", "Bike lane"] }],
      districts: [22],
      revote: true,
    });
    const tab = await openTab(browser, baseUrl);
    await activateInBrowser(tab.page, stack, 22);
    await castInBrowser(tab.page, pollId, ["Tram"], /Sign and cast my vote/);
    // The receipt says what was chosen in words; the raw receipt waits under "Technical details".
    expect(await tab.page.getByTestId("choices").innerText()).to.match(/How should route 15 run\?\s+Tram/);
    expect(await tab.page.getByTestId("receipt-json").isVisible()).to.equal(false);
    const first = await shownReceipt(tab.page);

    await tab.page.goto(`/me/polls/${pollId}`);
    expect(await tab.page.getByTestId("my-vote").innerText()).to.match(/^Your vote:/);
    expect(await tab.page.locator("main").getByTestId("choices").innerText()).to.include("Tram");
    expect(await tab.page.getByLabel("Tram", { exact: true }).isChecked()).to.equal(true);
    expect(await tab.page.getByLabel("Bus", { exact: true }).isChecked()).to.equal(false);
    await screenshot(tab.page, "revote-preselected");
    await castInBrowser(tab.page, pollId, ["Bus"], /Sign and change my vote/);
    expect(await tab.page.getByText("This is your ballot no. 2 in this poll: you changed your vote.").count()).to.equal(
      1,
    );

    await tab.page.goto("/me");
    const receipts = tab.page.getByRole("region", { name: "Receipts on this device" });
    const items = receipts.locator("li[data-counts]");
    expect(await items.allInnerTexts()).to.deep.equal([
      "Ballot no. 2 — counts",
      "Ballot no. 1 — replaced by a later ballot",
    ]);
    await items.nth(1).getByRole("link").click();
    await tab.page.getByRole("button", { name: "Check my vote" }).click();
    const replaced = tab.page.getByRole("status").filter({ hasText: "Replaced." });
    await replaced.waitFor({ timeout: 30_000 });
    expect(await replaced.innerText()).to.include(
      "it was replaced by your later ballot (your ballot no. 2): that one counts.",
    );
    await screenshot(tab.page, "receipt-replaced");
    await replaced.getByRole("link", { name: "Open the receipt of the ballot that counts" }).click();
    await tab.page.getByRole("button", { name: "Check my vote" }).click();
    await tab.page.getByRole("status").filter({ hasText: "Counted." }).waitFor({ timeout: 30_000 });

    // Anyone checking the replaced receipt learns the same from the ledger.
    await tab.page.goto("/receipt");
    await tab.page.getByLabel("Receipt (JSON)").fill(JSON.stringify(first));
    await tab.page.getByRole("button", { name: "Verify" }).click();
    await tab.page.getByTestId("replaced").waitFor({ timeout: 30_000 });
    expect(await tab.page.locator(".verify-output").innerText()).to.include(
      "the same resident replaced it with a later ballot (no. 2): that one counts.",
    );
    await tab.context.close();
  });

  it("shows each option of a pick-several question as a share of the residents who answered", async () => {
    const spec = {
      title: "Playground equipment",
      questions: [{ text: "Which equipment?", options: ["Swings", "Slide", "Sandpit"], maxChoices: 2 }],
    };
    const pollId = await createPollFrom(stack, spec);
    await castBallots(stack, pollId, shapes(spec), [[[0, 1]], [[0]], [[2]]]);
    await indexed(stack, pollId, 3, 3);
    const tab = await openTab(browser, baseUrl);
    await tab.page.goto(`/polls/${pollId}`);
    const chart = tab.page.locator("figure.tally");
    await chart.waitFor();
    expect(await chart.locator("li").allInnerTexts()).to.deep.equal([
      "Swings\n2 (66.7%)",
      "Slide\n1 (33.3%)",
      "Sandpit\n1 (33.3%)",
    ]);
    expect(await chart.locator("figcaption .hint").innerText()).to.equal(
      "Shares of the 3 residents who answered; each could choose up to 2, so the shares add up to more than 100%.",
    );
    await tab.context.close();
  });

  it("counts residents who voted apart from ballots on the ledger, and marks replaced ballots", async () => {
    const spec = { title: "Weekend market", questions: [{ text: "Keep it?", options: ["Yes", "No"] }], revote: true };
    const pollId = await createPollFrom(stack, spec);
    const changer = await enrolVoter(stack);
    const other = await enrolVoter(stack);
    const post = async (key: typeof changer, choice: number, revision: bigint) => {
      const body = await signedBallot(stack, key, {
        pollId: BigInt(pollId),
        choices: encodeChoices(shapes(spec), [[choice]]),
        revision,
      });
      expect((await http(stack, "POST", "/api/ballots", body)).status).to.equal(202);
    };
    await post(changer, 0, 1n);
    await indexed(stack, pollId, 1, 1);
    await post(changer, 1, 2n);
    await post(other, 1, 1n);
    await indexed(stack, pollId, 3, 2);

    const tab = await openTab(browser, baseUrl);
    await tab.page.goto(`/polls/${pollId}`);
    expect(await tab.page.getByTestId("voter-count").innerText()).to.equal("2");
    expect(await tab.page.getByTestId("ballot-count").innerText()).to.equal("3");
    await tab.page.getByText("(1 of them replaced by the same resident's later ballot)").waitFor();
    const rows = tab.page.getByRole("region", { name: "Ballots on the ledger" }).locator("tbody tr");
    await rows.first().waitFor();
    expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-replaced")))).to.deep.equal([
      "yes",
      "no",
      "no",
    ]);
    expect(await rows.first().innerText()).to.include("replaced by a later ballot");
    // The bars add up to the residents, not to the ballots.
    expect(await tab.page.locator("figure.tally li").allInnerTexts()).to.deep.equal(["Yes\n0 (0%)", "No\n2 (100%)"]);
    await tab.context.close();
  });

  it("after a reload, says the voter key is locked and asks for the password by name", async () => {
    const pollId = await createPollFrom(stack, {
      title: "Bench colour",
      questions: [{ text: "Which colour?", options: ["Green", "Grey"] }],
      districts: [23],
    });
    const tab = await openTab(browser, baseUrl);
    await activateInBrowser(tab.page, stack, 23);
    await tab.page.goto(`/me/polls/${pollId}`);
    await tab.page.getByText("Your voter key is locked: the page was reloaded").waitFor();
    await tab.page.getByLabel("Green", { exact: true }).check();
    await tab.page.getByRole("button", { name: "Sign and cast my vote" }).click();
    const alert = tab.page.getByRole("alert");
    expect(await alert.innerText()).to.equal("Enter your password: it unlocks your voter key on this device.");
    expect(await tab.page.evaluate(() => document.activeElement?.getAttribute("name"))).to.equal("password");
    await screenshot(tab.page, "vote-locked-key");
    await castInBrowser(tab.page, pollId, ["Green"], /Sign and cast my vote/);
    // Words agree with their numbers.
    await indexed(stack, pollId, 1, 1);
    await tab.page.goto(`/me/polls/${pollId}`);
    expect(await tab.page.locator("figure.tally .hint").innerText()).to.equal("Shares of the 1 resident who answered.");
    expect(await tab.page.getByTestId("poll-points").innerText()).to.equal(
      "Your vote in this poll earned you 10 points.",
    );
    await tab.context.close();
  });

  it("lets a newcomer take the first demo code, and a demo voter vote from a new browser with their key", async () => {
    const demoDir = tempDir("veche-demo-browser-");
    try {
      const seeded = await seedDemoCity({ env: cliEnv(stack), demoDir, residents: 10, voters: 2 });
      const [, firstRow] = fs.readFileSync(seeded.codesFile, "utf8").trim().split("\n");
      const [residentId, , , code] = (firstRow ?? "").split(",");
      const newcomer = await openTab(browser, baseUrl);
      await newcomer.page.goto("/activate");
      await newcomer.page.getByLabel("Resident id").fill(residentId ?? "");
      await newcomer.page.getByLabel("Activation code").fill(code ?? "");
      await newcomer.page.getByLabel("New password").fill(BROWSER_PASSWORD);
      await newcomer.page.getByRole("button", { name: "Activate" }).click();
      await newcomer.page.getByRole("heading", { level: 1, name: "My polls" }).waitFor({ timeout: 60_000 });
      await newcomer.context.close();

      const [, voterRow] = fs.readFileSync(seeded.votersFile, "utf8").trim().split("\n");
      const [voterId, password, address, backup] = (voterRow ?? "").split(",");
      const demo = await openTab(browser, baseUrl);
      await demo.page.goto("/signin");
      await demo.page.getByLabel("Resident id").fill(voterId ?? "");
      await demo.page.getByLabel("Password", { exact: true }).fill(password ?? "");
      await demo.page.getByRole("button", { name: "Sign in" }).last().click();
      await demo.page.waitForURL("**/me/key");
      await demo.page.getByRole("heading", { name: "Restore your key from a backup" }).waitFor();
      await demo.page.getByLabel("Backup file").setInputFiles(path.join(demoDir, backup ?? ""));
      await demo.page.getByLabel("The password the backup was locked with").fill(password ?? "");
      await demo.page.getByRole("button", { name: "Restore my key" }).click();
      await demo.page.getByText("This device holds your voter key and it is unlocked").waitFor({ timeout: 30_000 });
      expect(await demo.page.getByTestId("key-address").locator("code").getAttribute("title")).to.equal(address);

      // The pedestrian-street poll allows changing a vote: the demo voter does so from this browser.
      const pollId = seeded.polls["pyatnitskaya-pedestrian"] ?? 0;
      await demo.page.goto(`/me/polls/${pollId}`);
      await demo.page.getByRole("button", { name: "Sign and change my vote" }).waitFor();
      await demo.page.getByLabel(/Only in June/).check();
      const unlock = demo.page.getByLabel("Your password", { exact: true });
      if (await unlock.count()) await unlock.fill(password ?? "");
      await demo.page.getByRole("button", { name: "Sign and change my vote" }).click();
      await demo.page.locator('[data-status="mined"]').waitFor({ timeout: 60_000 });
      // The demo voter's key was kept, not replaced.
      expect((await stack.registrar.voter(address ?? ""))[2]).to.equal(true);

      // The renovation poll says who votes as its scope does: the whole district.
      await demo.page.goto(`/polls/${seeded.polls["renovation-tverskoy"] ?? 0}`);
      expect(await demo.page.locator(".description").innerText()).to.include(
        "Every resident of the Tverskoy district may vote",
      );
      expect(await demo.page.getByTestId("scope").innerText()).to.equal("Residents of district 2 may vote.");
      await demo.context.close();
    } finally {
      fs.rmSync(demoDir, { recursive: true, force: true });
    }
  });

  it("gives each poll state its own words: upcoming, empty, closed and skipped, final with an outcome", async () => {
    const question = [{ text: "Agree?", options: ["Yes", "No"] }];
    const upcoming = await createPollFrom(stack, {
      title: "Upcoming fair",
      questions: question,
      districts: [24],
      startsIn: 3600,
    });
    const empty = await createPollFrom(stack, { title: "Empty so far", questions: question, districts: [24] });
    const skipped = await createPollFrom(stack, { title: "Skipped vote", questions: question, districts: [24] });
    const decided = await createPollFrom(stack, { title: "Decided vote", questions: question, districts: [24] });
    await finishPoll(stack, skipped);
    await finishPoll(stack, decided, "The fountain reopens in May.");

    const tab = await openTab(browser, baseUrl);
    await tab.page.goto(`/polls/${empty}`);
    await tab.page.getByTestId("no-ballots").waitFor();
    expect(await tab.page.getByRole("heading", { level: 2, name: "Live results" }).count()).to.equal(1);
    await tab.page.getByText("No ballots on the ledger yet.").waitFor();
    expect(await tab.page.locator("figure.tally, .pager, table").count()).to.equal(0);
    await tab.page.locator("details.tech summary").click();
    expect(await tab.page.locator("details.tech").innerText()).to.not.include("Ballot Merkle root");

    await tab.page.goto(`/polls/${upcoming}`);
    await tab.page.getByText("Voting has not started yet.").waitFor();
    expect(await tab.page.getByRole("heading", { level: 2 }).allInnerTexts()).to.deep.equal(["Results"]);

    await tab.page.goto(`/polls/${decided}`);
    await tab.page.getByRole("heading", { level: 2, name: "Final results" }).waitFor();
    expect(await tab.page.getByTestId("outcome").innerText()).to.equal("The fountain reopens in May.");
    expect(await tab.page.getByRole("heading", { level: 2, name: "What the city decided" }).count()).to.equal(1);

    await activateInBrowser(tab.page, stack, 24);
    const upcomingSection = tab.page.getByRole("region", { name: "Upcoming" });
    expect(await upcomingSection.getByRole("listitem").filter({ hasText: "Upcoming fair" }).innerText()).to.include(
      "Voting has not started yet.",
    );
    const finished = tab.page.getByRole("region", { name: "Finished" });
    expect(await finished.getByRole("listitem").filter({ hasText: "Skipped vote" }).innerText()).to.include(
      "You did not vote in this poll.",
    );
    await screenshot(tab.page, "my-polls-states");
    await tab.page.goto(`/me/polls/${skipped}`);
    await tab.page.getByText("You did not vote in this poll; voting has closed.").waitFor();
    expect(await tab.page.getByText("You have not voted yet.").count()).to.equal(0);
    await tab.page.goto(`/me/polls/${decided}`);
    expect(await tab.page.getByTestId("outcome").innerText()).to.equal("The fountain reopens in May.");
    await tab.context.close();
  });

  it("says who may vote, with the eligible count and the turnout", async () => {
    const pollId = await createPollFrom(stack, {
      title: "District 25 library hours",
      questions: [{ text: "Longer hours?", options: ["Yes", "No"] }],
      districts: [25],
    });
    await registerResident(stack, 25);
    await registerResident(stack, 25);
    const tab = await openTab(browser, baseUrl);
    await activateInBrowser(tab.page, stack, 25);
    await castInBrowser(tab.page, pollId, ["Yes"], /Sign and cast my vote/);
    await indexed(stack, pollId, 1, 1);
    await tab.page.goto(`/polls/${pollId}`);
    expect(await tab.page.getByTestId("scope").innerText()).to.equal("Residents of district 25 may vote.");
    expect(await tab.page.getByTestId("turnout").innerText()).to.equal(
      "1 of 3 registered residents have voted (33.3%).",
    );
    await tab.page.goto("/");
    const card = tab.page.getByRole("listitem").filter({ hasText: "District 25 library hours" });
    expect(await card.getByTestId("card-turnout").innerText()).to.equal("1 of 3 voted (33.3%)");
    expect(await card.innerText())
      .to.include("Residents of district 25 may vote.")
      .and.match(/closes in \d+ minutes/);
    await tab.context.close();
  });

  it("speaks Russian with one name for each thing, technical words only in the observers' details", async () => {
    const pollId = await createPollFrom(stack, {
      title: "Park benches",
      questions: [{ text: "New benches?", options: ["Yes", "No"] }],
      districts: [26],
      revote: true,
    });
    const tab = await openTab(browser, baseUrl);
    await activateInBrowser(tab.page, stack, 26);
    await castInBrowser(tab.page, pollId, ["Yes"], /Sign and cast my vote/);
    await tab.page.getByRole("combobox", { name: "Language" }).selectOption("ru");
    await tab.page.getByRole("heading", { level: 1, name: "Ваш бюллетень" }).waitFor();
    const brand = await tab.page.locator("header .brand").innerText();
    expect(brand).to.equal("Вече");
    expect(await tab.page.locator("footer").innerText()).to.match(/^Вече:/);
    expect(await tab.page.locator("header nav").innerText()).to.include("Ключ голосования");
    await indexed(stack, pollId, 1, 1);
    const pages = ["/me", `/me/polls/${pollId}`, tab.page.url().replace(baseUrl, ""), "/me/key", "/me/points"];
    for (const page of pages) {
      await tab.page.goto(page);
      await tab.page.waitForLoadState("networkidle");
      const text = await plainText(tab.page);
      expect(text, page).to.not.match(TECHNICAL_WORDS.ru);
      expect(text, page).to.not.match(/ключ избирателя|Veche/i);
    }
    await tab.page.goto(`/me/polls/${pollId}`);
    expect(await tab.page.locator("figure.tally .hint").innerText()).to.equal("Доли от 1 ответившего жителя.");
    expect(await tab.page.getByTestId("poll-points").innerText()).to.equal(
      "За голос в этом опросе вам начислено 10 баллов.",
    );
    // Observers' details keep the exact terms.
    await tab.page.goto(`/polls/${pollId}`);
    await tab.page.locator("details.tech summary").click();
    expect(await tab.page.locator("details.tech").innerText()).to.include("Корень дерева Меркла бюллетеней");
    await screenshot(tab.page, "explorer-poll-ru");
    await tab.context.close();
  });

  it("opens the API docs as a readable page", async () => {
    const tab = await openTab(browser, baseUrl);
    await tab.page.goto("/api/docs");
    await tab.page.getByRole("heading", { level: 1, name: /^Veche API/ }).waitFor();
    expect(await tab.page.getByRole("cell", { name: "/api/auth/reset", exact: true }).count()).to.equal(1);
    await tab.context.close();
  });
});

/**
 * What residents of real civic apps expect, in a real browser against the real stack: results shown
 * when the poll says, finding polls by title, state and district, getting back in after a forgotten
 * password without losing the voter key, and each poll's privacy in one plain sentence.
 */
import { expect } from "chai";
import type { Browser } from "playwright-core";
import { STAFF_TOKEN, http } from "../api/harness";
import type { Stack } from "../api/harness";
import { openTab, screenshot, useClientStack } from "./browser";
import { castBallots, indexed } from "./chainHelpers";
import { createPollFrom, finishPoll, shapes } from "./pollHelpers";
import { BROWSER_PASSWORD, activateInBrowser } from "./residentSteps";

const YES_NO = [{ text: "Agree?", options: ["Yes", "No"] }];

describe("client: beyond the defects", function () {
  this.timeout(300_000);
  let stack: Stack;
  let browser: Browser;
  let baseUrl: string;
  useClientStack((env) => ({ stack, browser, baseUrl } = env));

  it("shows results only once voting closes when the poll says so, and says the ledger has them anyway", async () => {
    const spec = { title: "Binding renovation vote", questions: YES_NO, results: "afterClose" as const };
    const pollId = await createPollFrom(stack, spec);
    await castBallots(stack, pollId, shapes(spec), [[[0]], [[1]], [[0]]]);
    await indexed(stack, pollId, 3, 3);
    const tab = await openTab(browser, baseUrl);
    await tab.page.goto(`/polls/${pollId}`);
    await tab.page.getByText("The results are shown when voting closes.").waitFor();
    expect(await tab.page.locator("figure.tally").count()).to.equal(0);
    expect(await tab.page.getByTestId("privacy").innerText()).to.include(
      "The site shows the counts once voting closes; they are public on the ledger all along",
    );
    const rows = tab.page.getByRole("region", { name: "Ballots on the ledger" }).locator("tbody tr");
    await rows.first().waitFor();
    expect(await rows.first().innerText())
      .to.include("shown when voting closes")
      .and.not.include("Q1: Yes");
    // Still countable: the residents who voted are not a result.
    expect(await tab.page.getByTestId("voter-count").innerText()).to.equal("3");

    await finishPoll(stack, pollId);
    await tab.page.reload();
    await tab.page.locator("figure.tally").waitFor();
    expect(await tab.page.locator("figure.tally li").allInnerTexts()).to.deep.equal([
      "Yes\n2 (66.7%)",
      "No\n1 (33.3%)",
    ]);
    await tab.context.close();
  });

  it("shows a resident the results once they have voted when the poll says so", async () => {
    const spec = { title: "Courtyard benches", questions: YES_NO, districts: [31], results: "afterVote" as const };
    const pollId = await createPollFrom(stack, spec);
    await castBallots(stack, pollId, shapes(spec), [[[1]]], 31);
    const tab = await openTab(browser, baseUrl);
    await activateInBrowser(tab.page, stack, 31);
    await tab.page.goto(`/me/polls/${pollId}`);
    await tab.page.getByText("You will see the results once you have voted.").waitFor();
    expect(await tab.page.locator("figure.tally").count()).to.equal(0);
    await tab.page.getByLabel("Yes", { exact: true }).check();
    await tab.page.getByLabel("Your password", { exact: true }).fill(BROWSER_PASSWORD);
    await tab.page.getByRole("button", { name: "Sign and cast my vote" }).click();
    await tab.page.locator('[data-status="mined"]').waitFor({ timeout: 60_000 });
    await tab.page.goto(`/me/polls/${pollId}`);
    await tab.page.locator("figure.tally").waitFor();
    expect(await tab.page.getByRole("heading", { level: 2, name: "Live results" }).count()).to.equal(1);
    // The public page keeps them hidden until voting closes, and says who sees them when.
    await tab.page.goto(`/polls/${pollId}`);
    await tab.page
      .getByText("Residents see the results once they have voted; everyone sees them when voting closes.")
      .waitFor();
    await tab.context.close();
  });

  it("finds polls by title, state and the resident's district, keeping the filters in the address", async () => {
    const tverskaya = await createPollFrom(stack, { title: "Tverskaya bike lane", questions: YES_NO, districts: [32] });
    await createPollFrom(stack, { title: "Arbat lanterns", questions: YES_NO, districts: [33] });
    await createPollFrom(stack, { title: "Metro line name", questions: YES_NO, startsIn: 7200 });
    const tab = await openTab(browser, baseUrl);
    await activateInBrowser(tab.page, stack, 32);
    await tab.page.goto("/");
    const titles = () => tab.page.locator("main .card h3").allInnerTexts();
    await tab.page.getByRole("searchbox", { name: "Search by title" }).fill("tverskaya");
    expect(await titles()).to.deep.equal(["Tverskaya bike lane"]);
    expect(new URL(tab.page.url()).search).to.equal("?q=tverskaya");
    await tab.page.getByRole("searchbox", { name: "Search by title" }).fill("");
    await tab.page.getByRole("combobox", { name: "Show" }).selectOption("Pending");
    expect(await titles())
      .to.include("Metro line name")
      .and.not.include("Arbat lanterns");
    expect(await tab.page.getByRole("heading", { level: 2 }).allInnerTexts()).to.deep.equal(["Upcoming"]);
    await tab.page.getByRole("combobox", { name: "Show" }).selectOption("");
    await tab.page.getByLabel("Only polls for my district").check();
    const mine = await titles();
    expect(mine).to.include("Tverskaya bike lane").and.include("Metro line name").and.not.include("Arbat lanterns");
    await tab.page.reload();
    await tab.page.locator("main .card").first().waitFor();
    expect(await tab.page.getByLabel("Only polls for my district").isChecked()).to.equal(true);
    expect(await titles()).to.deep.equal(mine);
    // Each card tells the turnout and the time left.
    const card = tab.page.getByRole("listitem").filter({ hasText: "Tverskaya bike lane" });
    expect(await card.innerText())
      .to.match(/closes in \d+ minutes/)
      .and.include("0 of 1 voted (0%)");
    await screenshot(tab.page, "explorer-list-filtered");
    await tab.page.getByRole("link", { name: "Tverskaya bike lane" }).click();
    await tab.page.waitForURL(`**/polls/${tverskaya}`);
    await tab.context.close();
  });

  it("lets a resident who forgot the password back in with a staff code, keeping the voter key on the device", async () => {
    const tab = await openTab(browser, baseUrl);
    const { residentId } = await activateInBrowser(tab.page, stack, 34);
    const before = await tab.page.evaluate(
      (id) => (JSON.parse(localStorage.getItem(`veche.voterKey.${id}`) ?? "{}") as { address?: string }).address,
      residentId,
    );
    await tab.page.getByRole("button", { name: "Sign out" }).click();
    const issued = await http<{ resetCode: string }>(
      stack,
      "POST",
      `/api/admin/residents/${residentId}/reset-code`,
      {},
      STAFF_TOKEN,
    );
    await tab.page.goto("/signin");
    await tab.page.getByRole("link", { name: "Forgot your password?" }).click();
    await tab.page.getByRole("heading", { level: 1, name: "Set a new password" }).waitFor();
    await tab.page.getByText("If this device holds your voter key, it is kept").waitFor();
    await screenshot(tab.page, "password-reset");
    await tab.page.getByLabel("Resident id").fill(residentId);
    await tab.page.getByLabel("Reset code").fill("WRONGCODE234");
    await tab.page.getByLabel("New password").fill("a brand new password");
    await tab.page.getByRole("button", { name: "Set my new password" }).click();
    await tab.page.getByRole("alert").filter({ hasText: "do not match, or the code was already used" }).waitFor();
    await tab.page.getByLabel("Reset code").fill(issued.body.resetCode);
    await tab.page.getByRole("button", { name: "Set my new password" }).click();

    // Signed in; the key here is still locked with the old password, and the key page offers to keep it.
    await tab.page.waitForURL("**/me/key", { timeout: 30_000 });
    await tab.page.getByRole("heading", { name: "Changed your password?" }).waitFor();
    await tab.page.getByLabel("Old password").fill(BROWSER_PASSWORD);
    await tab.page.getByLabel("Current password").fill("a brand new password");
    await tab.page.getByRole("button", { name: "Keep my key" }).click();
    await tab.page.getByText("This device holds your voter key and it is unlocked").waitFor({ timeout: 30_000 });
    expect(await tab.page.getByTestId("key-address").locator("code").getAttribute("title")).to.equal(before);

    // From now on the new password opens the key at sign-in.
    await tab.page.getByRole("button", { name: "Sign out" }).click();
    await tab.page.goto("/signin");
    await tab.page.getByLabel("Resident id").fill(residentId);
    await tab.page.getByLabel("Password", { exact: true }).fill("a brand new password");
    await tab.page.getByRole("button", { name: "Sign in" }).last().click();
    await tab.page.waitForURL("**/me");
    await tab.page.getByRole("link", { name: "Voter key" }).click();
    await tab.page.getByText("This device holds your voter key and it is unlocked").waitFor();
    // The wrong code's 401 is the only failure the browser saw.
    expect(tab.errors.filter((e) => !e.includes("status of 401"))).to.deep.equal([]);
    await tab.context.close();
  });

  it("explains each poll's privacy in one sentence, in both languages", async () => {
    const pollId = await createPollFrom(stack, { title: "Quiet hours", questions: YES_NO, districts: [35] });
    const tab = await openTab(browser, baseUrl);
    await activateInBrowser(tab.page, stack, 35);
    for (const path of [`/polls/${pollId}`, `/me/polls/${pollId}`]) {
      await tab.page.goto(path);
      expect(await tab.page.getByTestId("privacy").innerText(), path).to.equal(
        "Open vote: anyone can see each ballot's choices and time, signed with a voter key that does not show your name; " +
          "the city's server knows which key is yours. The site shows the counts as ballots come in.",
      );
    }
    await tab.page.getByRole("combobox", { name: "Language" }).selectOption("ru");
    await tab.page.getByRole("heading", { level: 2, name: "Ваш бюллетень" }).waitFor();
    expect(await tab.page.getByTestId("privacy").innerText()).to.match(
      /^Открытое голосование: выбор и время каждого бюллетеня видны всем.*Сайт показывает подсчёт по мере поступления бюллетеней\.$/,
    );
    await tab.context.close();
  });
});

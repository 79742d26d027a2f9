/**
 * The public explorer in a real browser against the real stack: live tallies, the recount straight
 * from the chain, the ballot list and timeline, and receipt checks.
 */
import { expect } from "chai";
import type { Browser } from "playwright-core";
import { createPoll, eventually, http } from "../api/harness";
import type { Stack } from "../api/harness";
import type { Question } from "../../contracts/protocol";
import { openTab, screenshot, useClientStack } from "./browser";
import { castBallots } from "./chainHelpers";

const QUESTIONS: Question[] = [
  { options: 3, maxChoices: 1 },
  { options: 4, maxChoices: 2 },
];
const VOTES = [
  [[0], [1, 2]],
  [[2], [0]],
  [[0], [3, 1]],
];

interface BallotAnswer {
  pollId: number;
  voter: string;
  choices: string;
  revision: number;
  receipt: null | { pollId: number; leafIndex: number; leaf: string; txHash: string; block: number };
}

describe("client: public explorer", function () {
  this.timeout(180_000);
  let stack: Stack;
  let browser: Browser;
  let baseUrl: string;
  useClientStack((env) => ({ stack, browser, baseUrl } = env));

  /** A poll with three mined ballots; returns its id and the ballots' ids. */
  async function votedPoll() {
    const pollId = await createPoll(stack, { questions: QUESTIONS, title: "Where should the new bus route go?" });
    const cast = await castBallots(stack, pollId, QUESTIONS, VOTES);
    return { pollId, ballotIds: cast.map((c) => c.ballotId) };
  }

  it("recounts a poll from the chain in the browser and reports a match", async () => {
    const { pollId } = await votedPoll();
    const tab = await openTab(browser, baseUrl);
    await tab.page.goto(`/polls/${pollId}`);
    await tab.page.getByRole("heading", { level: 1, name: "Where should the new bus route go?" }).waitFor();
    expect(await tab.page.getByTestId("ballot-count").innerText()).to.equal("3");
    // Live tallies: option 1 of question 1 was chosen twice out of three.
    const firstQuestion = tab.page.locator("figure.tally").first();
    expect(await firstQuestion.locator("li").first().innerText()).to.match(/Option 1\s+2 \(66\.7%\)/);
    // An open poll is broken down by the registry's public districts too: all three voted in district 1.
    const district = tab.page.getByTestId("area-results").locator('tr[data-area="1"]');
    expect(await district.locator("th").innerText()).to.equal("District 1");
    const cells = await district.locator("td").allInnerTexts();
    expect(cells[1]).to.equal("3");
    expect(cells[3]).to.match(/Option 1: 2\s+Option 2: 0\s+Option 3: 1/);

    await tab.page.getByRole("button", { name: "Recount from the ledger" }).click();
    await tab.page.getByText("Match: the recount agrees with the ledger.").waitFor({ timeout: 60_000 });
    const checks = tab.page.locator("ul.checks li");
    expect(await checks.count()).to.equal(3);
    expect(await checks.evaluateAll((items) => items.map((i) => i.getAttribute("data-match")))).to.deep.equal([
      "yes",
      "yes",
      "yes",
    ]);
    // The counts come out per question and option, recounted beside the ledger's own.
    const chainTallies = (await stack.staff.tallies(pollId)).map(Number);
    const tables = tab.page.locator("table.recount-table");
    expect(await tables.locator("caption").allInnerTexts()).to.deep.equal(["Question 1", "Question 2"]);
    const rows = await tables
      .locator("tbody tr")
      .evaluateAll((trs) => trs.map((tr) => Array.from(tr.children, (cell) => (cell as HTMLElement).innerText)));
    expect(rows.map((r) => r[0])).to.deep.equal([
      "Option 1",
      "Option 2",
      "Option 3",
      "Option 1",
      "Option 2",
      "Option 3",
      "Option 4",
    ]);
    expect(rows.map((r) => Number(r[1]))).to.deep.equal(chainTallies);
    expect(rows.map((r) => Number(r[2]))).to.deep.equal(chainTallies);
    expect(await tab.page.locator("progress").getAttribute("value")).to.equal("100");
    await screenshot(tab.page, "explorer-poll-recount");
    expect(tab.errors.filter((e) => !e.includes("404"))).to.deep.equal([]);
    await tab.context.close();
  });

  it("lists polls by state and opens one", async () => {
    const pollId = await createPoll(stack, { title: "Rename Lenin street?" });
    const tab = await openTab(browser, baseUrl);
    await tab.page.goto("/");
    const active = tab.page.getByRole("region", { name: "Open for voting" });
    await active.getByRole("link", { name: "Rename Lenin street?" }).click();
    await tab.page.waitForURL(`**/polls/${pollId}`);
    await tab.page.getByRole("heading", { level: 1, name: "Rename Lenin street?" }).waitFor();
    await screenshot(tab.page, "explorer-list");
    await tab.context.close();
  });

  it("pages through the ballot list with leaf indexes, transactions and blocks", async () => {
    const { pollId, ballotIds } = await votedPoll();
    const tab = await openTab(browser, baseUrl);
    await tab.page.goto(`/polls/${pollId}`);
    const table = tab.page.getByRole("region", { name: "Ballots on the ledger" }).locator("table");
    await table.locator("tbody tr").first().waitFor({ timeout: 20_000 });
    expect(await table.locator("caption").innerText()).to.equal("Ballots 1–3 of 3");
    const leaves = await table.locator("tbody tr td:first-child").allInnerTexts();
    expect(leaves).to.deep.equal(["0", "1", "2"]);
    const first = await http<BallotAnswer>(stack, "GET", `/api/ballots/${ballotIds[0]}`);
    const txHash = first.body.receipt?.txHash ?? "";
    expect(await table.locator("tbody tr").first().locator("code[title]").nth(1).getAttribute("title")).to.equal(
      txHash,
    );
    await tab.context.close();
  });

  it("draws the timeline of ballots per minute", async () => {
    const { pollId } = await votedPoll();
    const tab = await openTab(browser, baseUrl);
    await tab.page.goto(`/polls/${pollId}`);
    const chart = tab.page.getByRole("img", { name: /Ballots per minute/ });
    await chart.waitFor({ timeout: 20_000 });
    expect(await chart.getAttribute("aria-label")).to.match(/: 3 in all, at most 3 \(at /);
    await tab.context.close();
  });

  it("verifies a pasted receipt against the chain's root", async () => {
    const { pollId, ballotIds } = await votedPoll();
    const receipt = await eventually(async () => {
      const b = await http<BallotAnswer>(stack, "GET", `/api/ballots/${ballotIds[1]}`);
      return b.body.receipt ? { ...b.body, receipt: b.body.receipt } : null;
    });
    const config = (await http<{ chainId: number; ballotBox: string }>(stack, "GET", "/api/config")).body;
    const json = {
      pollId,
      leafIndex: receipt.receipt.leafIndex,
      leaf: receipt.receipt.leaf,
      txHash: receipt.receipt.txHash,
      block: receipt.receipt.block,
      ballotBox: config.ballotBox,
      chainId: config.chainId,
      voter: receipt.voter,
      choices: receipt.choices,
      revision: receipt.revision,
    };
    const tab = await openTab(browser, baseUrl);
    await tab.page.goto("/receipt");
    await tab.page.getByLabel("Receipt (JSON)").fill(JSON.stringify(json));
    await tab.page.getByRole("button", { name: "Verify" }).click();
    await tab.page.getByTestId("verified").waitFor({ timeout: 30_000 });
    await screenshot(tab.page, "receipt-check");
    await tab.context.close();
  });

  it("refuses an altered or misplaced receipt", async () => {
    const { pollId, ballotIds } = await votedPoll();
    const b = await eventually(async () => {
      const res = await http<BallotAnswer>(stack, "GET", `/api/ballots/${ballotIds[0]}`);
      return res.body.receipt ? { ...res.body, receipt: res.body.receipt } : null;
    });
    const config = (await http<{ chainId: number; ballotBox: string }>(stack, "GET", "/api/config")).body;
    const altered = {
      pollId,
      leafIndex: b.receipt.leafIndex,
      leaf: b.receipt.leaf,
      txHash: b.receipt.txHash,
      block: b.receipt.block,
      ballotBox: config.ballotBox,
      chainId: config.chainId,
      voter: b.voter,
      choices: String(BigInt(b.choices) ^ 0b11n),
      revision: b.revision,
    };
    const tab = await openTab(browser, baseUrl);
    await tab.page.goto("/receipt");
    await tab.page.getByLabel("Receipt (JSON)").fill(JSON.stringify(altered));
    await tab.page.getByRole("button", { name: "Verify" }).click();
    await tab.page.getByRole("alert").filter({ hasText: "this receipt was altered" }).waitFor();

    // An untouched receipt pointed at another ballot's place in the tree does not verify either.
    const moved = { ...altered, choices: b.choices, leafIndex: (b.receipt.leafIndex + 1) % VOTES.length };
    await tab.page.getByLabel("Receipt (JSON)").fill(JSON.stringify(moved));
    await tab.page.getByRole("button", { name: "Verify" }).click();
    await tab.page
      .getByRole("alert")
      .filter({ hasText: "this ballot is not in the poll's record on the ledger" })
      .waitFor({ timeout: 30_000 });

    await tab.page.getByLabel("Receipt (JSON)").fill('{"pollId": 1}');
    await tab.page.getByRole("button", { name: "Verify" }).click();
    await tab.page.getByRole("alert").filter({ hasText: "This is not a valid receipt (field leafIndex)." }).waitFor();
    await tab.context.close();
  });
});

/**
 * The resident app in a real browser against the real stack: activation with key enrolment, voting
 * with the key held in the browser, receipts and their check, re-voting, re-enrolment and points.
 */
import fs from "node:fs";
import { expect } from "chai";
import type { Browser } from "playwright-core";
import { ballotLeaf, decodeChoices } from "../../contracts/protocol";
import type { Question } from "../../contracts/protocol";
import { createPoll, http } from "../api/harness";
import type { Stack } from "../api/harness";
import { resyncStaffNonce } from "../api/residentHelpers";
import { openTab, screenshot, useClientStack } from "./browser";
import { staffSend } from "./pollHelpers";
import { BROWSER_PASSWORD, activateInBrowser, shownReceipt, signInInBrowser, voteInBrowser } from "./residentSteps";

const QUESTIONS: Question[] = [
  { options: 3, maxChoices: 1 },
  { options: 4, maxChoices: 2 },
];

interface MeAnswer {
  voterKey: null | { address: string; status: string };
}

describe("client: resident app", function () {
  this.timeout(240_000);
  let stack: Stack;
  let browser: Browser;
  let baseUrl: string;
  useClientStack((env) => ({ stack, browser, baseUrl } = env));

  it("activates, enrols a browser-made key, votes and keeps a receipt that matches the chain", async () => {
    const pollId = await createPoll(stack, { questions: QUESTIONS, districts: [7], title: "Speed limit on Arbat?" });
    const tab = await openTab(browser, baseUrl);
    await activateInBrowser(tab.page, stack, 7);
    await screenshot(tab.page, "resident-my-polls");

    await tab.page.getByRole("link", { name: "Speed limit on Arbat?" }).click();
    await tab.page.waitForURL(`**/me/polls/${pollId}`);
    const multi = tab.page.getByRole("group", { name: "Question 2" });
    await multi.getByLabel("Option 2", { exact: true }).check();
    await multi.getByLabel("Option 4", { exact: true }).check();
    // The limit of two is enforced: the remaining boxes cannot be ticked.
    expect(await multi.getByLabel("Option 1", { exact: true }).isDisabled()).to.be.true;
    expect(await multi.getByLabel("Option 3", { exact: true }).isDisabled()).to.be.true;
    await multi.getByLabel("Option 4", { exact: true }).uncheck();
    expect(await multi.getByLabel("Option 3", { exact: true }).isDisabled()).to.be.false;
    await screenshot(tab.page, "resident-vote");

    await voteInBrowser(tab.page, pollId, [["Option 3"], ["Option 1", "Option 4"]], /Sign and cast my vote/);
    const receipt = await shownReceipt(tab.page);
    await screenshot(tab.page, "resident-receipt");

    const choices = BigInt(receipt.choices as string);
    expect(decodeChoices(QUESTIONS, choices)).to.deep.equal([[2], [0, 3]]);
    expect(receipt).to.include({ pollId, revision: 1, chainId: stack.deployment.chainId });
    expect(receipt.ballotBox).to.equal(stack.deployment.ballotBox);
    const leaf = ballotLeaf({ pollId: BigInt(pollId), voter: receipt.voter as string, choices, revision: 1n });
    expect(receipt.leaf).to.equal(leaf.toLowerCase());
    // The ballot was signed by the key the browser enrolled for this resident.
    const me = await tab.page.evaluate(async () => {
      const token = (JSON.parse(sessionStorage.getItem("veche.session") ?? "{}") as { token?: string }).token ?? "";
      const res = await fetch("/api/me", { headers: { authorization: `Bearer ${token}` } });
      return (await res.json()) as MeAnswer;
    });
    expect(me.voterKey?.address).to.equal(receipt.voter);
    const tx = await stack.provider.getTransactionReceipt(receipt.txHash as string);
    expect(tx?.blockNumber).to.equal(receipt.block);
    expect((await stack.staff.tallies(pollId)).map(Number)).to.deep.equal([0, 0, 1, 1, 0, 0, 1]);

    // The private key never left the browser in the clear: only ciphertext is stored.
    const stored = await tab.page.evaluate(() =>
      Object.keys(localStorage)
        .filter((k) => k.startsWith("veche.voterKey."))
        .map((k) => localStorage.getItem(k) ?? ""),
    );
    expect(stored).to.have.length(1);
    const vault = JSON.parse(stored[0]!) as { address: string; iterations: number; ciphertext: string };
    expect(vault.address).to.equal(receipt.voter);
    expect(vault.iterations).to.be.at.least(200_000);
    expect(stored[0]).not.to.match(/0x[0-9a-f]{64}/i);

    const [download] = await Promise.all([
      tab.page.waitForEvent("download"),
      tab.page.getByRole("button", { name: "Download receipt" }).click(),
    ]);
    const file = JSON.parse(fs.readFileSync(await download.path(), "utf8")) as Record<string, unknown>;
    expect(file).to.deep.equal(receipt);
    expect(tab.errors).to.deep.equal([]);
    await tab.context.close();
  });

  it("checks my vote: the inclusion proof leads to the root read from the chain", async () => {
    const pollId = await createPoll(stack, { districts: [3] });
    const tab = await openTab(browser, baseUrl);
    await activateInBrowser(tab.page, stack, 3);
    await voteInBrowser(tab.page, pollId, [["Option 2"]], /Sign and cast my vote/);
    await tab.page.getByRole("button", { name: "Check my vote" }).click();
    await tab.page.getByTestId("verified").waitFor({ timeout: 30_000 });
    expect(await tab.page.getByRole("status").filter({ hasText: "Counted." }).innerText()).to.match(
      /Your ballot is on the public ledger exactly as you cast it, and it is the one that counts\./,
    );
    // The proof's figures are there for observers, under "Technical details".
    const details = tab.page.locator(".verify-output details.tech");
    await details.locator("summary").click();
    expect(await details.innerText()).to.match(
      /leaf 0 leads through its Merkle proof to the root of the poll's 1 ballots/,
    );
    await screenshot(tab.page, "resident-receipt-verified");
    await tab.context.close();
  });

  it("changes a vote where the poll allows it, and only the last ballot counts", async () => {
    const revotePoll = await createPoll(stack, { districts: [4], revote: true, title: "Lawn mowing schedule" });
    const fixedPoll = await createPoll(stack, { districts: [4], title: "Metro line name" });
    const tab = await openTab(browser, baseUrl);
    await activateInBrowser(tab.page, stack, 4);

    await voteInBrowser(tab.page, revotePoll, [["Option 1"]], /Sign and cast my vote/);
    expect((await shownReceipt(tab.page)).revision).to.equal(1);
    await voteInBrowser(tab.page, revotePoll, [["Option 2"]], /Sign and change my vote/);
    const second = await shownReceipt(tab.page);
    expect(second.revision).to.equal(2);
    expect(second.leafIndex).to.equal(1);
    expect((await stack.staff.tallies(revotePoll)).map(Number)).to.deep.equal([0, 1]);

    await voteInBrowser(tab.page, fixedPoll, [["Option 1"]], /Sign and cast my vote/);
    await tab.page.goto(`/me/polls/${fixedPoll}`);
    await tab.page.getByText("This poll does not allow changing a vote.").waitFor();
    expect(await tab.page.getByRole("button", { name: /Sign and/ }).count()).to.equal(0);
    await tab.context.close();
  });

  it("re-enrols on a new device after explaining it, revoking the old key", async () => {
    const first = await openTab(browser, baseUrl);
    const { residentId } = await activateInBrowser(first.page, stack, 5);
    const oldKey = await first.page.evaluate(
      (id) => (JSON.parse(localStorage.getItem(`veche.voterKey.${id}`) ?? "{}") as { address?: string }).address,
      residentId,
    );
    expect(oldKey).to.match(/^0x[0-9a-fA-F]{40}$/);

    // Signing out and in again on the same device unlocks the stored key.
    await first.page.getByRole("button", { name: "Sign out" }).click();
    await first.page.getByRole("link", { name: "Sign in" }).first().waitFor();
    await signInInBrowser(first.page, residentId);
    await first.page.waitForURL("**/me");
    // In-app navigation: a reload would forget the unlocked key, which lives only in the tab's memory.
    await first.page.getByRole("link", { name: "Voter key" }).click();
    await first.page.getByText("This device holds your voter key and it is unlocked").waitFor();

    const second = await openTab(browser, baseUrl);
    await signInInBrowser(second.page, residentId);
    await second.page.waitForURL("**/me/key");
    await second.page.getByText("Your voter key is on another device").waitFor();
    await second.page.getByText("Your current key stops working the moment").waitFor();
    await screenshot(second.page, "resident-reenrol");
    await second.page.getByLabel(/Your password \(locks the key/).fill(BROWSER_PASSWORD);
    await second.page.getByRole("button", { name: "Create a new key on this device" }).click();
    // Without the confirmation nothing is revoked.
    expect(
      await second.page
        .getByRole("checkbox", { name: /will stop working/ })
        .evaluate((el) => (el as HTMLInputElement).validity.valid),
    ).to.be.false;
    await second.page.getByRole("checkbox", { name: /will stop working/ }).check();
    await second.page.getByRole("button", { name: "Create a new key on this device" }).click();
    await second.page.getByText("Your previous key no longer works").waitFor({ timeout: 60_000 });
    await second.page.getByText("This device holds your voter key and it is unlocked").waitFor();
    const newKey = await second.page.getByTestId("key-address").locator("code").getAttribute("title");
    expect(newKey).to.not.equal(oldKey);

    // The first device now holds a revoked key and says so.
    await first.page.goto("/me/key");
    await first.page.getByText("Your voter key is on another device").waitFor();
    await first.context.close();
    await second.context.close();
  });

  it("shows points earned by voting and redeems a reward with a signature from the browser", async () => {
    const pollId = await createPoll(stack, { districts: [6], points: 25 });
    await staffSend(stack, () => stack.staff.listReward(20, 2, "data:text/plain,Museum%20ticket"));
    const tab = await openTab(browser, baseUrl);
    await activateInBrowser(tab.page, stack, 6);
    await voteInBrowser(tab.page, pollId, [["Option 1"]], /Sign and cast my vote/);
    await tab.page.goto("/me/points");
    await tab.page.getByTestId("points-balance").filter({ hasText: "25 points" }).waitFor({ timeout: 20_000 });
    // The page was reloaded since activation, so the key must be unlocked with the password again.
    const reward = tab.page.getByRole("listitem").filter({ hasText: "Museum ticket" });
    await reward.getByRole("button", { name: "Redeem…" }).click();
    await reward.getByLabel(/Your password/).fill(BROWSER_PASSWORD);
    await reward.getByRole("button", { name: "Yes, redeem" }).click();
    await tab.page.getByText("Redeemed: Museum ticket.").waitFor({ timeout: 60_000 });
    expect(await tab.page.getByTestId("points-balance").innerText()).to.equal("5 points");
    resyncStaffNonce(stack);
    const rewards = await http<{ rewards: { uri: string; stock: string | number }[] }>(stack, "GET", "/api/rewards");
    expect(rewards.body.rewards.find((r) => r.uri.includes("Museum"))?.stock).to.satisfy(
      (s: unknown) => Number(s) === 1,
    );
    await screenshot(tab.page, "resident-points");
    await tab.context.close();
  });
});

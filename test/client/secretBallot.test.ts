/**
 * Secret ballots in a real browser against the real stack: a resident makes and enrols an anonymous
 * identity, votes secretly (the proof made in the page's worker, the ballot sent with no session and
 * no cookie), changes the vote, checks the receipt, and moves the identity to another browser with the
 * key backup, where it votes again above the ballots it has no record of; a third browser that makes a
 * new identity is told the poll counts the earlier one; an observer sees results by area and recounts
 * the secret poll in the browser. Proof times in Chromium are measured and printed.
 */
import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import type { Browser, Page, Request } from "playwright-core";
import { buildingCode, proofDepthFor } from "../../contracts/protocol";
import type { Stack } from "../api/harness";
import { createSecretPoll, secretResident } from "../api/secretHelpers";
import { CLIENT_DIST, expectAccessible, openTab, screenshot, useClientStack } from "./browser";
import { BROWSER_PASSWORD, activateInBrowser, signInInBrowser } from "./residentSteps";

const RULE = { kind: "eligibleShare" as const, question: 0, option: 0, share: "2/3" };
const BUILDING = "Tverskaya 7";

/** Reloads the key page until the identity section says the registry has the identity. */
async function identityMined(page: Page): Promise<void> {
  for (let i = 0; i < 60; i++) {
    const state = await page.getByTestId("identity").getAttribute("data-state");
    if (state === "mined") return;
    await page.waitForTimeout(1000);
    await page.reload();
    await page.getByTestId("identity").waitFor();
  }
  throw new Error("the identity was never mined");
}

interface SentRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
}

/** Ticks `option`, casts, and waits until this device shows the receipt of ballot no. `revision`. */
async function castSecretly(page: Page, option: string, button: RegExp, revision: number): Promise<void> {
  await page.getByRole("group", { name: "Question 1" }).getByLabel(option, { exact: true }).check();
  const password = page.getByLabel("Your password", { exact: true });
  if (await password.count()) await password.fill(BROWSER_PASSWORD);
  await page.getByRole("button", { name: button }).click();
  await page
    .getByTestId("secret-revision")
    .filter({ hasText: new RegExp(`^${revision}$`) })
    .waitFor({ state: "attached", timeout: 180_000 });
  await page.getByTestId("secret-recorded").waitFor();
}

function proverWorkerUrl(): string {
  const file = fs.readdirSync(path.join(CLIENT_DIST, "assets")).find((f) => /^proverWorker-.*\.js$/.test(f));
  if (!file) throw new Error("no prover worker in the built client");
  return `/assets/${file}`;
}

describe("client: secret ballots", function () {
  this.timeout(600_000);
  let stack: Stack;
  let browser: Browser;
  let baseUrl: string;

  useClientStack((env) => ({ stack, browser, baseUrl } = env));

  it("enrols an identity, votes secretly with no session or cookie, re-votes, checks the receipt; an observer recounts", async () => {
    const tab = await openTab(browser, baseUrl);
    const { page } = tab;
    const { residentId } = await activateInBrowser(page, stack, 1);

    // Neighbours in the same building and one elsewhere, with identities made through the API.
    for (const [district, building] of [
      [1, BUILDING],
      [1, BUILDING],
      [2, "Lenina 1"],
    ] as const) {
      await secretResident(stack, district, building);
    }
    // A secret poll created before this resident has an identity: its census cannot hold them.
    const early = await createSecretPoll(stack, { areas: "building", revote: true });

    await page.goto("/me/key");
    const identity = page.getByTestId("identity");
    await identity.waitFor();
    expect(await identity.getAttribute("data-state")).to.equal("none");
    await identity.getByLabel("Your password (locks the identity on this device)").fill(BROWSER_PASSWORD);
    await identity.getByRole("button", { name: "Create my anonymous identity" }).click();
    await identityMined(page);
    expect(await identity.textContent()).to.include("This device holds your anonymous identity, and it is registered.");
    await screenshot(page, "secret-key-identity");

    const { pollId, census } = await createSecretPoll(stack, { areas: "building", rule: RULE, revote: true });
    const area = census.areas.find((a) => a.area === buildingCode(BUILDING))!;
    expect(area.commitments).to.have.length(3);

    // The earlier poll says at once that this identity is not on its list, and offers no ballot.
    await page.goto(`/me/polls/${early.pollId}`);
    await page.getByText("Your anonymous identity is not on this poll's list").waitFor();
    expect(await page.getByRole("button", { name: /Cast my secret vote/ }).count()).to.equal(0);

    // A cookie for the site: the secret ballot must not carry it.
    await tab.context.addCookies([{ name: "veche_probe", value: "linkable", url: baseUrl }]);
    const sent: SentRequest[] = [];
    page.on("request", (request: Request) => {
      if (!request.url().includes("/api/secret-ballots")) return;
      void request.allHeaders().then((headers) => sent.push({ method: request.method(), url: request.url(), headers }));
    });

    // A site that serves a made-up area (a group of the resident alone would name them behind the
    // nullifier) is caught before anything is proved or sent: the group must lead to the chain's root.
    const mine = (
      JSON.parse(await page.evaluate((id) => localStorage.getItem(`veche.identity.${id}`) ?? "{}", residentId)) as {
        commitment: string;
      }
    ).commitment;
    const areaPath = `**/api/polls/${pollId}/census/areas/**`;
    await tab.context.route(areaPath, async (route) => {
      const real = (await (await route.fetch()).json()) as Record<string, unknown>;
      await route.fulfill({ json: { ...real, commitments: [mine], members: 1, root: mine } });
    });
    await page.goto(`/me/polls/${pollId}`);
    await page.getByRole("group", { name: "Question 1" }).getByLabel("Option 1", { exact: true }).check();
    await page.getByLabel("Your password", { exact: true }).fill(BROWSER_PASSWORD);
    await page.getByRole("button", { name: /Cast my secret vote/ }).click();
    await page.getByText("The list of voters the site sent does not match the poll's; nothing was sent.").waitFor();
    expect(sent).to.deep.equal([]);
    await tab.context.unroute(areaPath);

    await page.goto(`/me/polls/${pollId}`);
    const section = page.getByTestId("secret-ballot");
    await section.waitFor();
    const words = (await section.textContent()) ?? "";
    expect(words).to.include("This poll is secret");
    expect(words).to.include("Secret polls earn no points");
    await screenshot(page, "secret-vote");
    await castSecretly(page, "Option 1", /Cast my secret vote/, 1);
    const firstProofMs = Number(await page.getByTestId("secret-recorded").getAttribute("data-proof-ms"));
    await screenshot(page, "secret-voted");

    const posts = sent.filter((r) => r.method === "POST");
    expect(posts).to.have.length(1);
    for (const request of sent) {
      expect(request.headers, request.url).to.not.have.property("authorization");
      expect(request.headers, request.url).to.not.have.property("cookie");
    }

    await castSecretly(page, "Option 2", /Change my secret vote/, 2);
    expect(await page.getByTestId("secret-revision").textContent()).to.equal("2");
    const receipt = JSON.parse((await page.getByTestId("receipt-json").textContent()) ?? "") as Record<string, unknown>;
    expect(receipt).to.include({ pollId, area: buildingCode(BUILDING), revision: 2 });
    expect(receipt).to.not.have.property("voter");
    expect(receipt.nullifier).to.match(/^\d+$/);
    for (const request of sent) expect(request.headers).to.not.have.property("cookie");

    await page.getByRole("button", { name: "Check my vote" }).click();
    await page.getByTestId("verified").waitFor({ timeout: 60_000 });
    // The page's own counts catch up with what the check just said, rather than contradict it.
    const leafIndex = receipt.leafIndex as number;
    await page.waitForFunction(
      (least) => Number(document.querySelector('[data-testid="ballot-count"]')?.textContent ?? "0") >= least,
      leafIndex + 1,
      { timeout: 20_000 },
    );
    expect(await page.getByTestId("turnout").textContent()).to.not.match(/^0 of/);
    await screenshot(page, "secret-receipt-checked");

    // The identity is kept locked at rest, and travels in the key backup.
    const sealedText = await page.evaluate((id) => localStorage.getItem(`veche.identity.${id}`) ?? "", residentId);
    const sealed = JSON.parse(sealedText) as Record<string, unknown>;
    expect(sealed).to.include.keys("commitment", "salt", "iv", "ciphertext");
    expect(sealed.iterations).to.be.at.least(200_000);
    await page.goto("/me/key");
    await page.getByLabel("Password", { exact: true }).fill(BROWSER_PASSWORD);
    await page.getByRole("button", { name: "Unlock" }).click();
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Download a backup of my key" }).click(),
    ]);
    const backupFile = await download.path();
    const backup = JSON.parse(fs.readFileSync(backupFile, "utf8")) as { identity?: unknown };
    expect(backup.identity).to.deep.equal(sealed);

    // Another browser restores both; knowing nothing of the ballots cast, it still votes above them.
    const other = await openTab(browser, baseUrl);
    await signInInBrowser(other.page, residentId);
    await other.page.waitForURL(/\/me(\/key)?$/);
    await other.page.goto("/me/key");
    expect(await other.page.getByTestId("identity").getAttribute("data-state")).to.equal("elsewhere");
    await other.page.getByLabel("Backup file").setInputFiles(backupFile);
    await other.page.getByLabel("The password the backup was locked with").fill(BROWSER_PASSWORD);
    await other.page.getByRole("button", { name: "Restore my key" }).click();
    await other.page.locator('[data-testid="identity"][data-state="mined"]').waitFor();
    await other.page.goto(`/me/polls/${pollId}`);
    await castSecretly(other.page, "Option 1", /Cast my secret vote/, 3);

    // A third browser makes a new identity instead: the poll, drawn before, counts the earlier one, and
    // its vote page says so at once rather than prove a ballot the census cannot hold.
    const third = await openTab(browser, baseUrl);
    const thirdPosts: string[] = [];
    third.page.on("request", (r) => {
      if (r.url().includes("/api/secret-ballots") && r.method() === "POST") thirdPosts.push(r.url());
    });
    await signInInBrowser(third.page, residentId);
    await third.page.waitForURL(/\/me(\/key)?$/);
    await third.page.goto("/me/key");
    const thirdIdentity = third.page.getByTestId("identity");
    expect(await thirdIdentity.getAttribute("data-state")).to.equal("elsewhere");
    await thirdIdentity.getByLabel("Your password (locks the identity on this device)").fill(BROWSER_PASSWORD);
    await thirdIdentity.getByRole("button", { name: "Make a new anonymous identity here" }).click();
    await identityMined(third.page);
    await third.page.goto(`/me/polls/${pollId}`);
    await third.page
      .getByText(
        "This poll counts the anonymous identity you had when it was created, and this device holds a newer one",
      )
      .waitFor();
    expect(thirdPosts).to.deep.equal([]);
    await screenshot(third.page, "secret-earlier-identity");

    // Anyone checks a receipt on the public page too: ballot no. 2 is on the ledger, replaced by no. 3.
    const observer = await openTab(browser, baseUrl);
    await observer.page.goto("/receipt");
    await observer.page.getByLabel("Receipt (JSON)").fill(JSON.stringify(receipt));
    await observer.page.getByRole("button", { name: "Verify" }).click();
    await observer.page.getByTestId("replaced").waitFor({ timeout: 60_000 });
    expect(await observer.page.locator(".verify-output").innerText()).to.include("later ballot (no. 3)");

    // The observer's view: results by building, the rule, and the recount in the browser.
    await observer.page.goto(`/polls/${pollId}`);
    const areas = observer.page.getByTestId("area-results");
    await areas.waitFor();
    expect(await observer.page.getByTestId("rule").textContent()).to.include("at least 2/3");
    const row = areas.locator(`tr[data-area="${buildingCode(BUILDING)}"]`);
    expect(await row.locator("th").textContent()).to.equal(BUILDING);
    const recount = observer.page.getByTestId("secret-recount");
    await recount.getByRole("button", { name: "Recount from the ledger" }).click();
    await recount.getByText("Match: the recount agrees with the ledger.").waitFor({ timeout: 180_000 });
    const checks = await recount
      .locator("ul.checks li")
      .evaluateAll((items) => items.map((li) => [li.getAttribute("data-match"), li.textContent ?? ""]));
    expect(
      checks.every(([match]) => match === "yes"),
      JSON.stringify(checks),
    ).to.equal(true);
    expect(checks.map(([, text]) => text).join(" ")).to.include("3 of 3 valid");
    await screenshot(observer.page, "secret-explorer-recount");
    await expectAccessible(observer.page, "a secret poll's public page after the recount");
    await expectAccessible(other.page, "the secret vote page after voting");
    for (const [name, p, ready] of [
      ["secret-explorer", observer.page, "area-results"],
      ["secret-voted", other.page, "secret-ballot"],
    ] as const) {
      await p.setViewportSize({ width: 375, height: 800 });
      if (ready === "area-results") {
        // Every row of the area results, the recount's areas and the ballots in view — counts and outcome
        // included — not behind a sideways scroll.
        const hidden = await p
          .locator(".table-scroll")
          .evaluateAll((regions) => regions.map((r) => [r.getAttribute("aria-label"), r.scrollWidth - r.clientWidth]));
        expect(hidden.length, "tables on the page").to.be.at.least(3);
        expect(
          hidden.filter(([, width]) => Number(width) > 0),
          "tables with columns hidden on a phone",
        ).to.deep.equal([]);
      }
      await screenshot(p, `${name}-375`);
      await p.getByLabel("Language").selectOption("ru");
      // Switching language draws the page again from the API's answers.
      await p.getByText("Загрузка…").waitFor({ state: "detached" });
      await p.getByTestId(ready).waitFor();
      await screenshot(p, `${name}-375-ru`);
      await p.setViewportSize({ width: 1200, height: 900 });
      await screenshot(p, `${name}-ru`);
      await p.getByLabel("Язык").selectOption("en");
    }
    expect([...tab.errors, ...other.errors, ...third.errors, ...observer.errors]).to.deep.equal([]);
    console.log(`      proof in the vote page (depth ${proofDepthFor(3)}, 3 members): ${firstProofMs} ms`);
  });

  it("proves at a census's depth and at depth 20 (a census of 1,000,000) in Chromium", async () => {
    const tab = await openTab(browser, baseUrl);
    await tab.page.goto("/");
    const times = await tab.page.evaluate(async (url) => {
      const worker = new Worker(url, { type: "module" });
      let id = 0;
      const measure = (depth: number) =>
        new Promise<{ depth: number; proving: number; verifying: number; valid: boolean }>((resolve, reject) => {
          const ask = ++id;
          worker.onmessage = (event: MessageEvent<{ id: number; type: string; result?: never; message?: string }>) => {
            if (event.data.id !== ask || event.data.type === "progress") return;
            if (event.data.type === "done") resolve(event.data.result!);
            else reject(new Error(event.data.message));
          };
          worker.postMessage({ id: ask, kind: "measure", depth });
        });
      const out = [];
      for (const depth of [2, 2, 20, 20, 20]) out.push(await measure(depth));
      worker.terminate();
      return out;
    }, proverWorkerUrl());
    for (const t of times) console.log(`      depth ${t.depth}: proof ${t.proving} ms, verify ${t.verifying} ms`);
    expect(times.every((t) => t.valid)).to.equal(true);
  });
});

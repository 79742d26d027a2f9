/**
 * Ballots over time on a real time axis. The chain's clock is moved on to leave empty minutes, so
 * this suite has a stack of its own: the API tells a poll's state by the wall clock.
 */
import { expect } from "chai";
import type { Browser } from "playwright-core";
import type { Stack } from "../api/harness";
import { openTab, screenshot, useClientStack } from "./browser";
import { castBallots, indexed } from "./chainHelpers";
import { createPollFrom, shapes } from "./pollHelpers";

describe("client: ballots over time", function () {
  this.timeout(180_000);
  let stack: Stack;
  let browser: Browser;
  let baseUrl: string;
  useClientStack((env) => ({ stack, browser, baseUrl } = env));

  it("draws ballots on a real time axis, empty minutes included, readable on a phone", async () => {
    const spec = { title: "Snow clearing", questions: [{ text: "Enough?", options: ["Yes", "No"] }] };
    const pollId = await createPollFrom(stack, spec);
    await castBallots(stack, pollId, shapes(spec), [[[0]]]);
    // Three minutes pass on the chain with no ballots, then one more.
    await stack.provider.send("evm_increaseTime", [180]);
    await castBallots(stack, pollId, shapes(spec), [[[1]]]);
    await indexed(stack, pollId, 2, 2);
    const tab = await openTab(browser, baseUrl, { viewport: { width: 375, height: 740 } });
    await tab.page.goto(`/polls/${pollId}`);
    const chart = tab.page.getByRole("img", { name: /^Ballots per minute, from / });
    await chart.waitFor({ timeout: 20_000 });
    const counts = await tab.page
      .locator("details")
      .filter({ hasText: "Show as a table" })
      .locator("tbody tr td:last-child")
      .allTextContents();
    expect(counts.length).to.be.at.least(4);
    expect(counts.filter((c) => c === "0").length).to.be.at.least(2);
    expect(counts.map(Number).reduce((a, b) => a + b, 0)).to.equal(2);
    // The axis starts at the poll's start minute; the first ballot may land in the minute after it.
    expect(counts[0] === "1" || (counts[0] === "0" && counts[1] === "1")).to.equal(true);
    expect(counts[counts.length - 1] === "1" || counts[counts.length - 2] === "1").to.equal(true);
    // An axis of counts, time labels, and the axis named, all drawn at a readable size.
    const texts = await chart.locator("text").allTextContents();
    expect(texts).to.include.members(["0", "1"]);
    expect(texts.some((t) => /^\d{1,2}:\d{2}/.test(t))).to.equal(true);
    expect(texts).to.include("Ballots per minute; times are local");
    const box = await chart.boundingBox();
    expect(box?.width).to.be.at.most(375 - 32);
    const size = await chart
      .locator("text")
      .first()
      .evaluate((t) => t.getBoundingClientRect().height);
    expect(size).to.be.at.least(11);
    expect(await tab.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).to.be.at.most(0);
    await screenshot(tab.page, "timeline-phone");
    await tab.context.close();
  });
});

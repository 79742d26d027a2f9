/**
 * Participation points: the balance, the rewards (a redemption is confirmed, then signed here with
 * the voter key, and answered with a voucher code), and the history of points earned and spent.
 */
import { REDEMPTION_TYPES, ballotDomain } from "../../../contracts/protocol/ballot";
import { api, chainConfig } from "../api";
import { el, mount } from "../dom";
import { formatDate, formatNumber, lang, t } from "../i18n";
import { unlock, unlockedWallet } from "../keys/vault";
import type { Me, PointsHistory, Reward } from "../types";
import { rewardCard, rewardName } from "../components/rewardCard";
import { errorNotice, heading, loading, notice } from "../components/ui";
import { requireSession } from "./session";

interface Points {
  resident: number | null;
  balance: number | string;
  redemptionNonce: number | string;
}

function historySection(history: PointsHistory, rewards: Reward[]): HTMLElement {
  const nameOf = (id: number) => {
    const reward = rewards.find((r) => r.rewardId === id);
    return reward ? rewardName(reward) : t("points.reward", { id });
  };
  const earned = history.earned.map((e) =>
    el(
      "li",
      {},
      el("a", { href: `/me/polls/${e.pollId}` }, e.title?.[lang()] ?? t("poll.untitled", { id: e.pollId })),
      " — ",
      t("points.earnedItem", { n: formatNumber(e.points) }),
    ),
  );
  const spent = history.redemptions.map((r) =>
    el(
      "tr",
      {},
      el("td", {}, r.time ? formatDate(r.time) : ""),
      el("td", {}, nameOf(r.rewardId)),
      el("td", {}, formatNumber(r.cost)),
      el("td", {}, el("code", { class: "voucher" }, r.voucher)),
    ),
  );
  return el(
    "section",
    { "aria-labelledby": "h-history" },
    el("h2", { id: "h-history" }, t("points.history")),
    el("h3", {}, t("points.earned")),
    earned.length === 0
      ? el("p", { class: "muted" }, t("points.noneEarned"))
      : el("ul", { "data-testid": "earned" }, ...earned),
    el("h3", {}, t("points.redemptions")),
    spent.length === 0
      ? el("p", { class: "muted" }, t("points.noneRedeemed"))
      : el(
          "div",
          { class: "table-scroll", tabindex: 0, role: "region", "aria-label": t("points.redemptions") },
          el(
            "table",
            { "data-testid": "redemptions" },
            el(
              "thead",
              {},
              el(
                "tr",
                {},
                ...["points.when", "points.what", "points.costColumn", "points.voucher"].map((k) =>
                  el("th", { scope: "col" }, t(k as Parameters<typeof t>[0])),
                ),
              ),
            ),
            el("tbody", {}, ...spent),
          ),
        ),
  );
}

/**
 * The history, waiting briefly for a redemption just answered to be indexed (the API answers once
 * its transaction is mined; the index follows within a block or two).
 */
async function historyWith(voucher: string | null): Promise<PointsHistory> {
  for (let attempt = 0; ; attempt++) {
    const history = await api<PointsHistory>("GET", "/api/me/points/history");
    if (!voucher || attempt >= 10 || history.redemptions.some((r) => r.voucher === voucher)) return history;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

export async function pointsPage(main: HTMLElement): Promise<void> {
  const s = requireSession(main);
  if (!s) return;
  main.append(heading(t("points.title")), el("p", { class: "lead" }, t("points.intro")));
  const body = el("div");
  main.append(body);
  const draw = async (message?: HTMLElement, voucher: string | null = null) => {
    mount(body, loading());
    try {
      const [points, { rewards }, me, history] = await Promise.all([
        api<Points>("GET", "/api/me/points"),
        api<{ rewards: Reward[] }>("GET", "/api/rewards"),
        api<Me>("GET", "/api/me"),
        historyWith(voucher),
      ]);
      const status = el("div", { class: "form-status" });
      const redeem = async (reward: Reward, password: string) => {
        mount(status, el("p", { role: "status", class: "muted" }, t("common.working")));
        const wallet = unlockedWallet(s.residentId) ?? (await unlock(s.residentId, password, me.voterKey?.address));
        const config = await chainConfig();
        const signature = await wallet.signTypedData(ballotDomain(config.chainId, config.ballotBox), REDEMPTION_TYPES, {
          rewardId: BigInt(reward.rewardId),
          nonce: BigInt(points.redemptionNonce),
        });
        const answer = await api<{ voucher: string | null }>("POST", `/api/rewards/${reward.rewardId}/redeem`, {
          signature,
        });
        await draw(
          notice(
            "success",
            t("points.redeemed", { name: rewardName(reward) }),
            " ",
            answer.voucher ? t("points.voucherIs") : "",
            " ",
            answer.voucher ? el("code", { class: "voucher", "data-testid": "voucher" }, answer.voucher) : "",
          ),
          answer.voucher,
        );
      };
      const balance = BigInt(points.balance);
      const cards = rewards
        .filter((r) => r.active)
        .map((reward) =>
          rewardCard({
            reward,
            balance,
            redeem,
            locked: !unlockedWallet(s.residentId),
            onError: (error) => mount(status, errorNotice(error)),
          }),
        );
      mount(
        body,
        message ?? null,
        el("p", { class: "big", "data-testid": "points-balance" }, t("points.balance", { n: formatNumber(balance) })),
        el("h2", {}, t("points.rewards")),
        cards.length === 0 ? el("p", {}, t("points.noRewards")) : el("ul", { class: "cards" }, ...cards),
        status,
        historySection(history, rewards),
      );
    } catch (error) {
      mount(body, errorNotice(error));
    }
  };
  await draw();
}

/** Participation points and the rewards they buy; a redemption is signed here with the voter key. */
import { REDEMPTION_TYPES, ballotDomain } from "../../../contracts/protocol/ballot";
import { api, chainConfig } from "../api";
import { el, mount } from "../dom";
import { formatNumber, t } from "../i18n";
import { unlock, unlockedWallet } from "../keys/vault";
import type { Me, Reward } from "../types";
import { errorNotice, field, heading, loading, notice } from "../components/ui";
import { requireSession } from "./session";

interface Points {
  resident: number | null;
  balance: number | string;
  redemptionNonce: number | string;
}

/** A reward's name: its uri may be a data: URI with text or JSON `{ name: { en, ru } }`, or a link. */
function rewardName(reward: Reward): string {
  const text = "data:text/plain,";
  if (reward.uri.startsWith(text)) return safeDecode(reward.uri.slice(text.length));
  const prefix = "data:application/json,";
  if (reward.uri.startsWith(prefix)) {
    try {
      const parsed = JSON.parse(decodeURIComponent(reward.uri.slice(prefix.length))) as {
        name?: Record<string, string>;
      };
      const name = parsed.name?.[document.documentElement.lang] ?? parsed.name?.en;
      if (name) return name;
    } catch {
      // fall through to the raw uri
    }
  }
  return reward.uri || t("points.reward", { id: reward.rewardId });
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

export async function pointsPage(main: HTMLElement): Promise<void> {
  const s = requireSession(main);
  if (!s) return;
  main.append(heading(t("points.title")));
  const body = el("div");
  main.append(body);
  const draw = async (message?: HTMLElement) => {
    mount(body, loading());
    try {
      const [points, { rewards }, me] = await Promise.all([
        api<Points>("GET", "/api/me/points"),
        api<{ rewards: Reward[] }>("GET", "/api/rewards"),
        api<Me>("GET", "/api/me"),
      ]);
      const password = el("input", { type: "password", name: "password", autocomplete: "current-password" });
      const needsUnlock = !unlockedWallet(s.residentId);
      const status = el("div");
      const redeem = async (reward: Reward) => {
        const wallet =
          unlockedWallet(s.residentId) ?? (await unlock(s.residentId, password.value, me.voterKey?.address));
        const config = await chainConfig();
        const signature = await wallet.signTypedData(ballotDomain(config.chainId, config.ballotBox), REDEMPTION_TYPES, {
          rewardId: BigInt(reward.rewardId),
          nonce: BigInt(points.redemptionNonce),
        });
        await api("POST", `/api/rewards/${reward.rewardId}/redeem`, { signature });
        await draw(notice("success", t("points.redeemed", { name: rewardName(reward) })));
      };
      const rows = rewards
        .filter((r) => r.active)
        .map((r) => {
          const affordable = BigInt(points.balance) >= BigInt(r.cost) && BigInt(r.stock) > 0n;
          const button = el("button", { type: "button", disabled: !affordable }, t("points.redeem"));
          button.addEventListener("click", () => {
            button.disabled = true;
            mount(status, el("p", { role: "status", class: "muted" }, t("common.working")));
            redeem(r)
              .catch((error: unknown) => mount(status, errorNotice(error)))
              .finally(() => (button.disabled = false));
          });
          return el(
            "li",
            { class: "card" },
            el("h3", {}, rewardName(r)),
            el("p", {}, t("points.cost", { cost: formatNumber(BigInt(r.cost)), stock: formatNumber(BigInt(r.stock)) })),
            button,
          );
        });
      mount(
        body,
        message ?? null,
        el(
          "p",
          { class: "big", "data-testid": "points-balance" },
          t("points.balance", { n: formatNumber(BigInt(points.balance)) }),
        ),
        el("h2", {}, t("points.rewards")),
        rows.length === 0 ? el("p", {}, t("points.noRewards")) : el("ul", { class: "cards" }, ...rows),
        needsUnlock && rows.length > 0 ? field(t("vote.passwordToSign"), password, t("vote.passwordHint")) : null,
        status,
      );
    } catch (error) {
      mount(body, errorNotice(error));
    }
  };
  await draw();
}

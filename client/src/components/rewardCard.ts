/**
 * A reward as residents see it — its name, description and picture from its on-chain text — and the
 * redemption step: the resident confirms (what it costs, what is left) before anything is signed.
 */
import { decodeRewardContent } from "../../../contracts/protocol/rewardContent";
import { el, mount } from "../dom";
import { formatNumber, lang, t } from "../i18n";
import type { Reward } from "../types";

/** The reward's name in the chosen language: from its JSON text, a plain-text data: URI, or its number. */
export function rewardName(reward: Reward): string {
  const content = decodeRewardContent(reward.uri);
  if (content) return content.title[lang()] || content.title.en;
  const text = "data:text/plain,";
  if (reward.uri.startsWith(text)) {
    try {
      return decodeURIComponent(reward.uri.slice(text.length));
    } catch {
      return reward.uri.slice(text.length);
    }
  }
  return t("points.reward", { id: reward.rewardId });
}

export interface RewardCardInput {
  reward: Reward;
  balance: bigint;
  /** Signs and sends the redemption; the card shows what it throws. */
  redeem: (reward: Reward, password: string) => Promise<void>;
  /** The voter key is locked in this tab: the confirmation asks for the password. */
  locked: boolean;
  onError: (error: unknown) => void;
}

export function rewardCard({ reward, balance, redeem, locked, onError }: RewardCardInput): HTMLElement {
  const content = decodeRewardContent(reward.uri);
  const name = rewardName(reward);
  const cost = BigInt(reward.cost);
  const affordable = balance >= cost && BigInt(reward.stock) > 0n;
  const start = el("button", { type: "button", disabled: !affordable }, t("points.redeem"));
  const confirmArea = el("div", { class: "confirm-area" });
  start.addEventListener("click", () => {
    start.hidden = true;
    const password = el("input", {
      type: "password",
      name: "password",
      autocomplete: "current-password",
      id: `pw-${reward.rewardId}`,
    });
    const confirm = el("button", { type: "submit", class: "primary" }, t("points.confirm"));
    const cancel = el("button", { type: "button" }, t("points.cancel"));
    const form = el(
      "form",
      { class: "confirm", "aria-label": t("points.confirmLabel", { name }) },
      el(
        "p",
        { role: "status" },
        t("points.confirmText", { name, cost: formatNumber(cost), left: formatNumber(balance - cost) }),
      ),
      locked
        ? el("div", { class: "field" }, el("label", { for: password.id }, t("points.passwordToSign")), password)
        : null,
      el("div", { class: "actions" }, confirm, cancel),
    );
    cancel.addEventListener("click", () => {
      mount(confirmArea);
      start.hidden = false;
      start.focus();
    });
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      confirm.disabled = true;
      cancel.disabled = true;
      redeem(reward, password.value)
        .catch(onError)
        .finally(() => {
          confirm.disabled = false;
          cancel.disabled = false;
        });
    });
    mount(confirmArea, form);
    (locked ? password : confirm).focus();
  });
  const description = content?.description?.[lang()];
  return el(
    "li",
    { class: "card reward", "data-reward": reward.rewardId },
    content?.image
      ? el("img", {
          src: content.image,
          alt: "",
          class: "reward-image",
          loading: "lazy",
          referrerpolicy: "no-referrer",
        })
      : null,
    el("h3", {}, name),
    description ? el("p", { class: "reward-description" }, description) : null,
    el("p", {}, t("points.cost", { cost: formatNumber(cost), stock: formatNumber(BigInt(reward.stock)) })),
    start,
    confirmArea,
  );
}

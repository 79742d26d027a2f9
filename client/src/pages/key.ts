/**
 * The voter key page: whether this device holds the enrolled key, unlocking it, keeping it after a
 * password reset, moving it between browsers with a backup file, and re-enrolment — a new key made
 * here that revokes the old one — with what that means spelled out before anything happens; then the
 * anonymous identity for secret polls.
 */
import { api } from "../api";
import { el, mount } from "../dom";
import { formatDate, t } from "../i18n";
import { createAndEnrolKey } from "../keys/enrol";
import { loadStoredKey, unlock, unlockedWallet } from "../keys/vault";
import type { Me } from "../types";
import { identitySection } from "../components/identitySection";
import { backupButton, passwordForm, relockForm, restoreForm } from "../components/keyForms";
import { errorNotice, heading, loading, notice, shortHex } from "../components/ui";
import { requireSession } from "./session";

function keyFacts(enrolled: NonNullable<Me["voterKey"]>): HTMLElement {
  return el(
    "div",
    {},
    el("p", {}, t("key.enrolledOn", { date: formatDate(enrolled.enrolledAt) })),
    el(
      "details",
      { class: "tech" },
      el("summary", {}, t("tech.details")),
      el(
        "dl",
        { class: "facts" },
        el("dt", {}, t("tech.keyAddress")),
        el("dd", { "data-testid": "key-address" }, shortHex(enrolled.address)),
        el("dt", {}, t("tech.enrolmentTx")),
        el("dd", {}, shortHex(enrolled.txHash)),
      ),
    ),
  );
}

function reenrolSection(me: Me, hasKey: boolean, redraw: () => Promise<void>): Node[] {
  const explain = hasKey
    ? [
        el("h2", {}, t("key.reenrolTitle")),
        el(
          "ul",
          { class: "explain" },
          el("li", {}, t("key.reenrolRevokes")),
          el("li", {}, t("key.reenrolBallotsStay")),
          el("li", {}, t("key.reenrolRevote")),
          el("li", {}, t("key.reenrolLost")),
        ),
      ]
    : [el("p", {}, t("key.none"))];
  const confirm = el("input", { type: "checkbox", id: "reenrol-confirm", required: hasKey });
  const form = passwordForm(
    t("key.passwordToProtect"),
    hasKey ? t("key.reenrol") : t("key.create"),
    async (password) => {
      if (hasKey && !confirm.checked) throw new Error(t("key.confirmNeeded"));
      const answer = await createAndEnrolKey(me, password);
      await redraw();
      if (answer.revoked) document.getElementById("main")?.prepend(notice("success", t("key.revokedOld")));
    },
  );
  if (hasKey) {
    form.prepend(el("div", { class: "check" }, confirm, el("label", { for: "reenrol-confirm" }, t("key.confirm"))));
  }
  return [...explain, form];
}

export async function keyPage(main: HTMLElement): Promise<void> {
  const s = requireSession(main);
  if (!s) return;
  main.append(heading(t("key.title")), el("p", { class: "lead" }, t("key.intro")));
  const body = el("div");
  main.append(body);
  const draw = async () => {
    mount(body, loading());
    let me: Me;
    try {
      me = await api<Me>("GET", "/api/me");
    } catch (error) {
      return mount(body, errorNotice(error));
    }
    const enrolled = me.voterKey?.status === "active" ? me.voterKey : null;
    const stored = loadStoredKey(s.residentId, enrolled?.address);
    const here = Boolean(enrolled && stored && stored.address.toLowerCase() === enrolled.address.toLowerCase());
    const parts: Node[] = enrolled ? [keyFacts(enrolled)] : [];
    if (enrolled && here && unlockedWallet(s.residentId)) {
      parts.push(notice("success", t("key.readyHere")), backupButton(s.residentId, enrolled.address));
    } else if (enrolled && here) {
      parts.push(
        el("p", {}, t("key.lockedHere")),
        passwordForm(t("auth.password"), t("key.unlock"), async (password) => {
          await unlock(s.residentId, password, enrolled.address);
          await draw();
        }),
        relockForm(s.residentId, enrolled.address, draw),
      );
    } else {
      if (enrolled) parts.push(notice("info", t("key.notOnDevice")), restoreForm(s.residentId, enrolled.address, draw));
      parts.push(...reenrolSection(me, Boolean(enrolled), draw));
    }
    if (enrolled) parts.push(await identitySection(s.residentId, enrolled.address, draw));
    mount(body, ...parts);
  };
  await draw();
}

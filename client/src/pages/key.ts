/**
 * The voter key page: which key is enrolled, whether this device holds it, unlocking it, and
 * re-enrolment — a new key made here that revokes the old one — with what that means spelled out.
 */
import { api } from "../api";
import { el, mount } from "../dom";
import { formatDate, t } from "../i18n";
import { createAndEnrolKey } from "../keys/enrol";
import { loadStoredKey, unlock, unlockedWallet } from "../keys/vault";
import type { Me } from "../types";
import { errorNotice, field, heading, loading, notice, shortHex } from "../components/ui";
import { requireSession } from "./session";

function passwordField(autocomplete: string): HTMLInputElement {
  return el("input", { type: "password", required: true, autocomplete, name: "password" });
}

/** A form that asks for the password and runs `action` with it. */
export function passwordForm(
  label: string,
  submitLabel: string,
  action: (password: string) => Promise<void>,
): HTMLFormElement {
  const password = passwordField("current-password");
  const status = el("div");
  const button = el("button", { type: "submit", class: "primary" }, submitLabel);
  const form = el("form", { class: "stack narrow" }, field(label, password), button, status);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    button.disabled = true;
    status.replaceChildren(el("p", { role: "status", class: "muted" }, t("common.working")));
    action(password.value)
      .then(() => status.replaceChildren())
      .catch((error: unknown) => status.replaceChildren(errorNotice(error)))
      .finally(() => (button.disabled = false));
  });
  return form;
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
    const parts: (Node | null)[] = [];
    if (enrolled) {
      parts.push(
        el(
          "dl",
          { class: "facts" },
          el("dt", {}, t("key.address")),
          el("dd", { "data-testid": "key-address" }, shortHex(enrolled.address)),
          el("dt", {}, t("key.enrolledAt")),
          el("dd", {}, formatDate(enrolled.enrolledAt)),
          el("dt", {}, t("key.tx")),
          el("dd", {}, shortHex(enrolled.txHash)),
        ),
      );
    }
    if (here && unlockedWallet(s.residentId)) parts.push(notice("success", t("key.readyHere")));
    else if (here)
      parts.push(
        el("p", {}, t("key.lockedHere")),
        passwordForm(t("auth.password"), t("key.unlock"), async (password) => {
          await unlock(s.residentId, password, enrolled?.address);
          await draw();
        }),
      );
    else parts.push(...reenrolSection(me, Boolean(enrolled), draw));
    mount(body, ...parts);
  };
  await draw();
}

function reenrolSection(me: Me, hasKey: boolean, redraw: () => Promise<void>): Node[] {
  const explain = hasKey
    ? [
        notice("info", t("key.notOnDevice")),
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
      if (answer.revoked)
        document.getElementById("main")?.prepend(notice("success", t("key.revokedOld", { address: answer.revoked })));
    },
  );
  if (hasKey) {
    form.prepend(el("div", { class: "check" }, confirm, el("label", { for: "reenrol-confirm" }, t("key.confirm"))));
  }
  return [...explain, form];
}

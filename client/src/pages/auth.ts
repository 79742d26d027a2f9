/** Activation (first sign-in with the code from the register) and sign-in, each unlocking the voter key. */
import { api, setSession } from "../api";
import { el } from "../dom";
import { t } from "../i18n";
import { createAndEnrolKey } from "../keys/enrol";
import { keepUnlocked, loadStoredKey, unlock, VaultError } from "../keys/vault";
import { navigate } from "../router";
import type { Me } from "../types";
import { errorNotice, field, heading, notice } from "../components/ui";

interface TokenAnswer {
  token: string;
  expiresAt: string;
}

function input(props: Record<string, string | boolean>): HTMLInputElement {
  return el("input", { required: true, ...props });
}

/** After sign-in: open the stored key with the same password, or make the first one. */
async function afterSignIn(residentId: string, password: string, status: HTMLElement): Promise<void> {
  const me = await api<Me>("GET", "/api/me");
  const enrolled = me.voterKey?.status === "active" ? me.voterKey.address : null;
  const stored = loadStoredKey(residentId, enrolled);
  if (!enrolled && !stored) {
    status.replaceChildren(notice("info", t("key.creating")));
    await createAndEnrolKey(me, password);
    return navigate("/me");
  }
  if (enrolled && stored && stored.address.toLowerCase() === enrolled.toLowerCase()) {
    try {
      await unlock(residentId, password, enrolled);
    } catch (error) {
      // Signed in, but the key here is locked with an earlier password (a reset): the key page offers to keep it.
      if (error instanceof VaultError && error.code === "PASSWORD_WRONG") return navigate("/me/key");
      throw error;
    }
    return navigate("/me");
  }
  // No usable key on this device: the key page explains re-enrolment before anything is revoked.
  navigate("/me/key");
}

function authForm(
  title: string,
  intro: string,
  fields: HTMLElement[],
  submitLabel: string,
  submit: (status: HTMLElement) => Promise<void>,
): HTMLElement {
  const status = el("div", { class: "form-status" });
  const button = el("button", { type: "submit", class: "primary" }, submitLabel);
  const form = el("form", { class: "stack narrow" }, ...fields, button, status);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    button.disabled = true;
    status.replaceChildren(el("p", { role: "status", class: "muted" }, t("common.working")));
    submit(status)
      .catch((error: unknown) => status.replaceChildren(errorNotice(error)))
      .finally(() => (button.disabled = false));
  });
  return el("div", {}, heading(title), el("p", { class: "lead" }, intro), form);
}

export function activatePage(main: HTMLElement): void {
  const residentId = input({ name: "residentId", autocomplete: "username", autocapitalize: "off" });
  const code = input({ name: "code", autocomplete: "one-time-code", autocapitalize: "off" });
  const password = input({ name: "password", type: "password", autocomplete: "new-password", minlength: "10" });
  main.append(
    authForm(
      t("auth.activateTitle"),
      t("auth.activateIntro"),
      [
        field(t("auth.residentId"), residentId),
        field(t("auth.code"), code, t("auth.codeHint")),
        field(t("auth.newPassword"), password, t("auth.passwordHint")),
      ],
      t("auth.activate"),
      async (status) => {
        const id = residentId.value.trim();
        const answer = await api<TokenAnswer>("POST", "/api/auth/activate", {
          residentId: id,
          code: code.value.trim(),
          password: password.value,
        });
        setSession({ ...answer, residentId: id });
        await afterSignIn(id, password.value, status);
      },
    ),
  );
}

export function signInPage(main: HTMLElement): void {
  const residentId = input({ name: "residentId", autocomplete: "username", autocapitalize: "off" });
  const password = input({ name: "password", type: "password", autocomplete: "current-password" });
  main.append(
    authForm(
      t("auth.signInTitle"),
      t("auth.signInIntro"),
      [field(t("auth.residentId"), residentId), field(t("auth.password"), password)],
      t("auth.signIn"),
      async (status) => {
        const id = residentId.value.trim();
        const answer = await api<TokenAnswer>("POST", "/api/auth/login", { residentId: id, password: password.value });
        setSession({ ...answer, residentId: id });
        await afterSignIn(id, password.value, status);
      },
    ),
    el("p", {}, t("auth.firstTime"), " ", el("a", { href: "/activate" }, t("auth.activateLink"))),
    el("p", {}, el("a", { href: "/reset" }, t("auth.forgot"))),
  );
}

/** A new password with the reset code staff gave; then sign-in, and what became of the voter key. */
export function resetPage(main: HTMLElement): void {
  const residentId = input({ name: "residentId", autocomplete: "username", autocapitalize: "off" });
  const code = input({ name: "code", autocomplete: "one-time-code", autocapitalize: "off" });
  const password = input({ name: "password", type: "password", autocomplete: "new-password", minlength: "10" });
  main.append(
    authForm(
      t("auth.resetTitle"),
      t("auth.resetIntro"),
      [
        field(t("auth.residentId"), residentId),
        field(t("auth.resetCode"), code, t("auth.resetCodeHint")),
        field(t("auth.newPassword"), password, t("auth.passwordHint")),
      ],
      t("auth.resetSubmit"),
      async (status) => {
        const id = residentId.value.trim();
        await api("POST", "/api/auth/reset", { residentId: id, code: code.value.trim(), password: password.value });
        const answer = await api<TokenAnswer>("POST", "/api/auth/login", { residentId: id, password: password.value });
        setSession({ ...answer, residentId: id });
        status.replaceChildren(notice("success", t("auth.resetDone")));
        await afterSignIn(id, password.value, status);
      },
    ),
    el(
      "section",
      { "aria-labelledby": "h-reset-key" },
      el("h2", { id: "h-reset-key" }, t("auth.resetKeyTitle")),
      el("ul", { class: "explain" }, el("li", {}, t("auth.resetKeyHere")), el("li", {}, t("auth.resetKeyElsewhere"))),
    ),
  );
}

export async function signOut(): Promise<void> {
  try {
    await api("POST", "/api/auth/logout");
  } catch {
    // The session ends on this device whatever the API answers.
  }
  keepUnlocked("", null);
  setSession(null);
  navigate("/");
}

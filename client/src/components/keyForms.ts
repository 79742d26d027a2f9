/**
 * Forms of the voter key page: a password form, keeping a key locked with an earlier password (after
 * a password reset), restoring a key from its backup file, and downloading that backup.
 */
import { el } from "../dom";
import { t } from "../i18n";
import { downloadBackup, makeBackup, restoreBackup } from "../keys/backup";
import { loadIdentity, relockIdentity } from "../keys/identity";
import { loadStoredKey, relock } from "../keys/vault";
import { errorNotice, field } from "./ui";

function passwordInput(autocomplete: string, name = "password"): HTMLInputElement {
  return el("input", { type: "password", required: true, autocomplete, name });
}

/** Runs `action` on submit, showing progress and errors under the button. */
function actionForm(submitLabel: string, fields: HTMLElement[], action: () => Promise<void>): HTMLFormElement {
  const status = el("div");
  const button = el("button", { type: "submit", class: "primary" }, submitLabel);
  const form = el("form", { class: "stack narrow" }, ...fields, button, status);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    button.disabled = true;
    status.replaceChildren(el("p", { role: "status", class: "muted" }, t("common.working")));
    action()
      .then(() => status.replaceChildren())
      .catch((error: unknown) => status.replaceChildren(errorNotice(error)))
      .finally(() => (button.disabled = false));
  });
  return form;
}

/** A form that asks for the password and runs `action` with it. */
export function passwordForm(
  label: string,
  submitLabel: string,
  action: (password: string) => Promise<void>,
): HTMLFormElement {
  const password = passwordInput("current-password");
  return actionForm(submitLabel, [field(label, password)], () => action(password.value));
}

/** After a password reset: the key here is still locked with the old password; lock it with the new one. */
export function relockForm(residentId: string, enrolled: string, done: () => Promise<void>): HTMLElement {
  const old = passwordInput("off", "old-password");
  const current = passwordInput("current-password");
  return el(
    "div",
    { class: "relock" },
    el("h2", {}, t("key.relockTitle")),
    el("p", {}, t("key.relockExplain")),
    actionForm(
      t("key.relock"),
      [field(t("key.oldPassword"), old), field(t("key.currentPassword"), current)],
      async () => {
        await relock(residentId, old.value, current.value, enrolled);
        await relockIdentity(residentId, old.value, current.value);
        await done();
      },
    ),
  );
}

/** Restores the enrolled key from its backup file, so this browser votes without replacing it. */
export function restoreForm(residentId: string, enrolled: string | null, done: () => Promise<void>): HTMLElement {
  const file = el("input", { type: "file", accept: "application/json,.json", name: "backup", required: true });
  const password = passwordInput("current-password");
  return el(
    "div",
    { class: "restore" },
    el("h2", {}, t("key.restoreTitle")),
    el("p", {}, t("key.restoreExplain")),
    actionForm(
      t("key.restore"),
      [field(t("key.backupFile"), file), field(t("key.restorePassword"), password)],
      async () => {
        const chosen = file.files?.[0];
        if (!chosen) throw new Error(t("key.chooseFile"));
        await restoreBackup(residentId, await chosen.text(), password.value, enrolled);
        await done();
      },
    ),
  );
}

/** Downloads the key as it is stored here (encrypted), to restore it in another browser. */
export function backupButton(residentId: string, enrolled: string): HTMLElement {
  const button = el("button", { type: "button" }, t("key.downloadBackup"));
  button.addEventListener("click", () => {
    const stored = loadStoredKey(residentId, enrolled);
    if (stored) downloadBackup(makeBackup(residentId, stored, loadIdentity(residentId)));
  });
  return el("div", { class: "backup" }, el("p", {}, t("key.backupExplain")), button);
}

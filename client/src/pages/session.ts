/** Pages for residents only: without a session they show a sign-in link instead. */
import { session } from "../api";
import type { Session } from "../api";
import { el } from "../dom";
import { t } from "../i18n";
import { heading } from "../components/ui";

export function requireSession(main: HTMLElement): Session | null {
  const current = session();
  if (current) return current;
  main.append(
    heading(t("auth.required")),
    el(
      "p",
      {},
      el("a", { href: "/signin" }, t("auth.signIn")),
      " · ",
      el("a", { href: "/activate" }, t("auth.activateLink")),
    ),
  );
  return null;
}

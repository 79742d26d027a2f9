/**
 * The key page's part about the anonymous identity for secret polls: whether the registry has it,
 * whether this device holds it, and making (or replacing) it — each state said in plain words.
 */
import { api } from "../api";
import { el } from "../dom";
import { t } from "../i18n";
import { loadIdentity } from "../keys/identity";
import { createAndEnrolIdentity, enrolCommitment } from "../keys/identityEnrol";
import { loadStoredKey, unlock, unlockedWallet } from "../keys/vault";
import type { IdentityState } from "../secretTypes";
import { passwordForm } from "./keyForms";
import { errorNotice, notice, shortHex } from "./ui";

/** The password must be the one that locks the voter key here, so both stay under one password. */
async function checkPassword(residentId: string, password: string, enrolled: string | null): Promise<void> {
  if (!unlockedWallet(residentId) && loadStoredKey(residentId, enrolled)) await unlock(residentId, password, enrolled);
}

function facts(commitment: string): HTMLElement {
  return el(
    "details",
    { class: "tech" },
    el("summary", {}, t("tech.details")),
    el(
      "dl",
      { class: "facts" },
      el("dt", {}, t("tech.identityCommitment")),
      el("dd", { "data-testid": "identity-commitment" }, shortHex(BigInt(commitment).toString(16).padStart(64, "0"))),
    ),
  );
}

export async function identitySection(
  residentId: string,
  enrolled: string | null,
  redraw: () => Promise<void>,
): Promise<HTMLElement> {
  const section = el(
    "section",
    { "aria-labelledby": "h-identity", "data-testid": "identity" },
    el("h2", { id: "h-identity" }, t("identity.title")),
    el("p", {}, t("identity.intro")),
  );
  let state: IdentityState;
  try {
    state = await api<IdentityState>("GET", "/api/me/identity");
  } catch (error) {
    section.append(errorNotice(error));
    return section;
  }
  const stored = loadIdentity(residentId);
  const here = Boolean(stored && state.commitment && stored.commitment === state.commitment);
  const make = (label: string) =>
    passwordForm(t("identity.password"), label, async (password) => {
      await checkPassword(residentId, password, enrolled);
      await createAndEnrolIdentity(residentId, password);
      await redraw();
    });
  section.dataset.state = here ? state.status : state.status === "none" ? "none" : "elsewhere";
  if (state.status === "none" && stored) {
    // Made here, but the registry never heard of it: send it again.
    const again = el("button", { type: "button" }, t("identity.sendAgain"));
    again.addEventListener("click", () => {
      again.disabled = true;
      enrolCommitment(stored.commitment)
        .then(redraw)
        .catch((error: unknown) => {
          again.disabled = false;
          section.append(errorNotice(error));
        });
    });
    section.append(notice("info", t("identity.notSent")), again);
  } else if (state.status === "none") {
    section.append(el("p", {}, t("identity.none")), make(t("identity.create")));
  } else if (here && state.status === "pending") {
    section.append(notice("info", t("identity.pending")));
  } else if (here) {
    section.append(notice("success", t("identity.ready")), el("p", {}, t("identity.newPolls")));
  } else {
    section.append(notice("info", t("identity.notOnDevice")), el("p", {}, t("identity.replaceExplain")));
    section.append(make(t("identity.replace")));
  }
  if (state.commitment) section.append(facts(state.commitment));
  return section;
}

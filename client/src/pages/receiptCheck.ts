/**
 * "Check a receipt": anyone pastes or uploads a receipt (of an open or a secret ballot) and the
 * browser checks it against the chain.
 */
import { el } from "../dom";
import { t } from "../i18n";
import { parseFullReceipt, ReceiptFormatError } from "../../../contracts/protocol/receipt";
import { showVerification } from "../components/verifyView";
import { looksSecret, parseSecretReceipt } from "../secret/secretReceipt";
import { field, heading, notice } from "../components/ui";

export function receiptCheckPage(main: HTMLElement): void {
  const text = el("textarea", { rows: 10, spellcheck: "false", class: "mono", name: "receipt" });
  const file = el("input", { type: "file", accept: "application/json,.json" });
  const output = el("div", { class: "verify-output" });
  file.addEventListener("change", () => {
    const chosen = file.files?.[0];
    if (chosen) void chosen.text().then((content) => (text.value = content));
  });
  const form = el(
    "form",
    { class: "stack" },
    field(t("receipt.paste"), text, t("receipt.pasteHint")),
    field(t("receipt.upload"), file),
    el("button", { type: "submit", class: "primary" }, t("receipt.verify")),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    try {
      const parsed = JSON.parse(text.value) as unknown;
      const receipt = looksSecret(parsed) ? parseSecretReceipt(parsed) : parseFullReceipt(parsed);
      void showVerification(output, receipt, { mine: false });
    } catch (error) {
      const bad = error instanceof ReceiptFormatError ? error.field : "(json)";
      output.replaceChildren(notice("error", t("receipt.invalid", { field: bad })));
    }
  });
  main.append(heading(t("receipt.title")), el("p", { class: "lead" }, t("receipt.intro")), form, output);
}

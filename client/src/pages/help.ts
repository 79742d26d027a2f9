/** "Words we use": the glossary, in the chosen language, so every page's terms have one meaning. */
import { el } from "../dom";
import { lang, t } from "../i18n";
import { GLOSSARY } from "../messages/glossary";
import { heading } from "../components/ui";

export function helpPage(main: HTMLElement): void {
  const l = lang();
  main.append(
    heading(t("help.title")),
    el("p", { class: "lead" }, t("help.intro")),
    el(
      "dl",
      { class: "glossary" },
      ...GLOSSARY.flatMap((term) => [el("dt", { id: `term-${term.id}` }, term.term[l]), el("dd", {}, term.meaning[l])]),
    ),
  );
}

/** The Veche web client: public explorer and resident app in one page, routed by path. */
import "./polyfills";
import { onSessionChange, session } from "./api";
import { el, mount } from "./dom";
import { LANGS, lang, onLangChange, setLang, t } from "./i18n";
import { addRoute, interceptLinks, onNavigate, render, setFallback } from "./router";
import { activatePage, resetPage, signInPage, signOut } from "./pages/auth";
import { ballotPage, savedReceiptPage } from "./pages/ballot";
import { explorerListPage } from "./pages/explorerList";
import { explorerPollPage } from "./pages/explorerPoll";
import { helpPage } from "./pages/help";
import { keyPage } from "./pages/key";
import { myPollsPage } from "./pages/myPolls";
import { pointsPage } from "./pages/points";
import { receiptCheckPage } from "./pages/receiptCheck";
import { votePage } from "./pages/vote";
import { heading } from "./components/ui";

addRoute("/", explorerListPage);
addRoute("/polls/:pollId", explorerPollPage);
addRoute("/receipt", receiptCheckPage);
addRoute("/signin", signInPage);
addRoute("/activate", activatePage);
addRoute("/reset", resetPage);
addRoute("/help", helpPage);
addRoute("/me", myPollsPage);
addRoute("/me/polls/:pollId", votePage);
addRoute("/me/ballots/:ballotId", ballotPage);
addRoute("/me/receipts/:leaf", savedReceiptPage);
addRoute("/me/key", keyPage);
addRoute("/me/points", pointsPage);
setFallback((main) => {
  main.append(heading(t("common.notFound")), el("p", {}, el("a", { href: "/" }, t("nav.polls"))));
});

/** Paths under a nav entry that mark it as the current page. */
const SECTIONS: Record<string, RegExp> = {
  "/": /^\/(polls\/.*)?$/,
  "/me": /^\/me(\/(polls|ballots|receipts)\/.*)?$/,
};

function link(href: string, label: string): HTMLElement {
  const current = (SECTIONS[href] ?? new RegExp(`^${href}$`)).test(location.pathname);
  return el("li", {}, el("a", { href, "aria-current": current ? "page" : undefined }, label));
}

function drawHeader(): void {
  const header = document.getElementById("header");
  if (!header) return;
  const signedIn = session();
  const select = el(
    "select",
    { id: "lang", name: "lang" },
    ...LANGS.map((l) => el("option", { value: l, selected: l === lang() }, l === "en" ? "English" : "Русский")),
  );
  select.addEventListener("change", () => setLang(select.value === "ru" ? "ru" : "en"));
  const signOutButton = el("button", { type: "button", class: "link" }, t("nav.signOut"));
  signOutButton.addEventListener("click", () => void signOut());
  mount(
    header,
    el(
      "div",
      { class: "bar" },
      el("a", { href: "/", class: "brand" }, t("app.name")),
      el(
        "nav",
        { "aria-label": t("nav.label") },
        el(
          "ul",
          {},
          link("/", t("nav.polls")),
          link("/receipt", t("nav.checkReceipt")),
          ...(signedIn
            ? [
                link("/me", t("nav.myPolls")),
                link("/me/key", t("nav.key")),
                link("/me/points", t("nav.points")),
                el("li", {}, signOutButton),
              ]
            : [link("/signin", t("nav.signIn")), link("/activate", t("nav.activate"))]),
        ),
      ),
      el("div", { class: "lang" }, el("label", { for: "lang" }, t("nav.language")), select),
    ),
  );
  const footer = document.getElementById("footer");
  if (footer) mount(footer, el("p", {}, t("footer.text"), " ", el("a", { href: "/help" }, t("footer.help"))));
  const skip = document.querySelector(".skip");
  if (skip) skip.textContent = t("nav.skip");
  document.title = t("app.title");
}

onNavigate(drawHeader);
onLangChange(() => void render().then(() => document.getElementById("lang")?.focus()));
onSessionChange(drawHeader);
interceptLinks(document.body);
void render();

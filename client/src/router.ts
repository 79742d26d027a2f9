/**
 * Path routing over the History API (the API answers every non-/api path with index.html). A page
 * renders into the main element and may return a cleanup that stops its timers on navigation.
 */
export type Cleanup = () => void;
export type Page = (main: HTMLElement, params: Record<string, string>) => Cleanup | void | Promise<Cleanup | void>;

interface RouteEntry {
  pattern: RegExp;
  names: string[];
  page: Page;
}

const routes: RouteEntry[] = [];
let fallback: Page | null = null;
let cleanup: Cleanup | null = null;
let renderCount = 0;
const listeners = new Set<() => void>();

export function addRoute(path: string, page: Page): void {
  const names: string[] = [];
  const source = path.replace(/:(\w+)/g, (_, name: string) => {
    names.push(name);
    return "([^/]+)";
  });
  routes.push({ pattern: new RegExp(`^${source}/?$`), names, page });
}

/** The page for paths no route matches. */
export function setFallback(page: Page): void {
  fallback = page;
}

export function onNavigate(listener: () => void): void {
  listeners.add(listener);
}

export function navigate(path: string, replace = false): void {
  if (replace) history.replaceState(null, "", path);
  else history.pushState(null, "", path);
  void render(true);
}

/** Renders the current location again (after a language change, sign-in or sign-out). */
export async function render(moveFocus = false): Promise<void> {
  const main = document.getElementById("main");
  if (!main) return;
  cleanup?.();
  cleanup = null;
  const ticket = ++renderCount;
  const path = location.pathname;
  for (const listener of listeners) listener();
  for (const route of routes) {
    const match = route.pattern.exec(path);
    if (!match) continue;
    const params = Object.fromEntries(route.names.map((name, i) => [name, decodeURIComponent(match[i + 1] ?? "")]));
    main.replaceChildren();
    const result = await route.page(main, params);
    if (ticket !== renderCount) result?.();
    else cleanup = result ?? null;
    if (moveFocus && ticket === renderCount) focusHeading(main);
    return;
  }
  main.replaceChildren();
  await fallback?.(main, {});
}

/** After a navigation, screen readers and keyboards start at the new page's heading. */
function focusHeading(main: HTMLElement): void {
  const heading = main.querySelector("h1");
  if (!heading) return;
  heading.tabIndex = -1;
  heading.focus();
}

/** Same-origin links navigate without reloading the page. */
export function interceptLinks(root: HTMLElement): void {
  root.addEventListener("click", (event) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    const link = (event.target as Element | null)?.closest("a");
    if (!link || link.target || link.hasAttribute("download")) return;
    const url = new URL(link.href, location.href);
    if (url.origin !== location.origin || url.pathname.startsWith("/api/")) return;
    event.preventDefault();
    navigate(url.pathname + url.search);
  });
  addEventListener("popstate", () => void render(true));
}

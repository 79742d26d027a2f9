/** What `poll show`, `poll list` and `poll create --dry-run` print for people. */
import type { LocalizedText, ResultsVisibility } from "../../../contracts/protocol";
import { plural, utcTime } from "../io";
import type { PollParams } from "../../../contracts/protocol";
import type { PollFile } from "./pollFile";
import type { PollDetail, PollOverview } from "./readPolls";
import type { SecretResults } from "./pollAreas";

function en(text: LocalizedText | null): string {
  return text?.en ?? "(text missing or altered)";
}

const RESULTS_TEXT: Record<ResultsVisibility, string> = {
  live: "results shown live",
  afterVote: "results shown to a resident once they voted",
  afterClose: "results shown once the poll closes (the tallies stay public on the ledger)",
};

/**
 * Residents who answered: every counted ballot answers every question, so a single-choice question's
 * votes add up to them. Without one, shares of a pick-several question cannot be told from tallies.
 */
function answeredBy(p: PollDetail): number | null {
  const single = p.questions.find((q) => q.maxChoices === 1);
  return single ? single.options.reduce((sum, o) => sum + o.votes, 0) : null;
}

export function renderPoll(p: PollDetail): string {
  const scope = p.cityWide ? "city-wide" : `districts ${p.districts.join(", ")}`;
  const voters = answeredBy(p);
  const lines = [
    `Poll ${p.pollId}: ${en(p.title)} [${p.state}]`,
    p.title ? `  ${p.title.ru}` : "",
    `  ${utcTime(p.start)} → ${utcTime(p.end)} · ${scope} · re-voting ${p.revote ? "on" : "off"} · ${plural(p.points, "point", "points")}`,
    `  ${RESULTS_TEXT[p.results]}`,
    `  ${plural(p.ballots, "ballot", "ballots")} on the ledger${voters === null ? "" : ` from ${plural(voters, "resident", "residents")}`}` +
      ` · root ${p.ballotRoot}${p.finalRoot ? ` · final root ${p.finalRoot}` : ""}`,
    p.textVerified ? "" : "  warning: the poll's text on the chain is missing or does not match its hash",
    p.outcome ? `  outcome: ${p.outcome.en}` : "",
  ];
  p.questions.forEach((q, qi) => {
    const pick = q.maxChoices > 1 ? ` (pick up to ${q.maxChoices}; shares are of residents who answered)` : "";
    lines.push("", `${qi + 1}. ${en(q.text)}${pick}`);
    const width = Math.max(...q.options.map((o) => en(o.text).length));
    for (const option of q.options) {
      const share = voters ? option.votes / voters : null;
      const percent = share === null ? "     " : `${(share * 100).toFixed(1).padStart(5)}%`;
      const bar = share === null ? "" : "█".repeat(Math.round(share * 20));
      lines.push(`   ${en(option.text).padEnd(width)}  ${String(option.votes).padStart(6)}  ${percent}  ${bar}`);
    }
  });
  if (p.secretResults) lines.push("", ...renderSecret(p.secretResults));
  return lines.filter((line, i) => line !== "" || i > 6).join("\n");
}

/** A secret poll's census and its per-area tallies, eligible, turnout and rule outcome. */
function renderSecret(s: SecretResults): string[] {
  const c = s.census;
  const lines = [
    `Secret poll: census of ${plural(c.eligible, "resident", "residents")} by ${c.areaKind} at block ${c.snapshotBlock}, root ${c.root}`,
    c.matches
      ? "  the census rebuilt from the registry's events matches the root"
      : "  warning: the census rebuilt from the registry's events does NOT match the poll's root",
  ];
  if (s.rule) {
    lines.push(
      `  rule: an area accepts if at least ${s.rule.share} of its eligible residents chose option ${s.rule.option + 1} of question ${s.rule.question + 1}`,
    );
  }
  lines.push(
    `  ${"AREA".padStart(10)}  ${"ELIGIBLE".padStart(8)}  ${"VOTERS".padStart(6)}  ${"TURNOUT".padStart(7)}  TALLIES  ${s.rule ? "ACCEPTS" : ""}`,
  );
  for (const a of s.areas) {
    const accepts = a.accepted === null ? "" : a.accepted ? "yes" : "no";
    lines.push(
      `  ${String(a.area).padStart(10)}  ${String(a.eligible).padStart(8)}  ${String(a.voters).padStart(6)}  ` +
        `${(a.turnout * 100).toFixed(1).padStart(6)}%  ${a.tallies.map((q) => q.join("/")).join(" | ")}  ${accepts}`,
    );
  }
  if (s.rule) {
    const accepted = s.areas.filter((a) => a.accepted === true).length;
    lines.push(`  ${accepted} of ${plural(s.areas.length, "area", "areas")} accept`);
  }
  return lines;
}

/** What `poll create --dry-run` would send, for people. */
export function renderDryRun(file: string, spec: PollFile, params: PollParams): string {
  const scope = params.districts.length === 0 ? "city-wide" : `districts ${params.districts.join(", ")}`;
  const lines = [
    `${file} is a valid poll; nothing was sent. createPoll would get:`,
    `  title      ${spec.title.en} / ${spec.title.ru}`,
    `  schedule   ${utcTime(new Date(params.start * 1000).toISOString())} → ${utcTime(new Date(params.end * 1000).toISOString())}`,
    `  scope      ${scope}`,
    `  re-voting  ${params.revote ? "on" : "off"}; ${plural(params.points, "point", "points")}; ${RESULTS_TEXT[spec.results]}`,
    `  text       ${plural(Buffer.byteLength(params.uri), "byte", "bytes")} on-chain, content hash ${params.contentHash}`,
  ];
  spec.questions.forEach((q, qi) => {
    const pick = q.maxChoices > 1 ? ` (pick up to ${q.maxChoices})` : "";
    lines.push(`  ${qi + 1}. ${q.text.en}${pick}`, ...q.options.map((o) => `     - ${o.en}`));
  });
  return lines.join("\n");
}

export function renderList(polls: readonly PollOverview[]): string {
  if (polls.length === 0) return "no polls";
  const header = `${"ID".padStart(4)}  ${"STATE".padEnd(9)}  ${"BALLOTS".padStart(7)}  ${"ENDS (UTC)".padEnd(16)}  TITLE`;
  const rows = polls.map(
    (p) =>
      `${String(p.pollId).padStart(4)}  ${p.state.padEnd(9)}  ${String(p.ballots).padStart(7)}  ` +
      `${utcTime(p.end).slice(0, 16)}  ${en(p.title)}`,
  );
  return [header, ...rows].join("\n");
}

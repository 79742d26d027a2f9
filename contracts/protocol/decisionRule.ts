/**
 * A poll's decision rule, carried in its content (so its hash binds it on-chain): "an area accepts if
 * at least `share` of its eligible residents chose `option` of `question`" — the renovation rule is
 * `{kind: "eligibleShare", question: 0, option: 0, share: "2/3"}`. The share is of the eligible
 * residents, not of the ballots: staying home counts as no.
 */
export interface DecisionRule {
  kind: "eligibleShare";
  question: number;
  option: number;
  /** A fraction "n/d" with 0 < n <= d. */
  share: string;
}

const SHARE = /^([1-9]\d{0,5})\/([1-9]\d{0,5})$/;

export function parseShare(share: string): { num: bigint; den: bigint } | null {
  const m = SHARE.exec(share);
  if (!m) return null;
  const num = BigInt(m[1]!);
  const den = BigInt(m[2]!);
  return num <= den ? { num, den } : null;
}

export function isDecisionRule(v: unknown): v is DecisionRule {
  const r = v as Partial<DecisionRule>;
  return (
    typeof r === "object" &&
    r !== null &&
    r.kind === "eligibleShare" &&
    Number.isInteger(r.question) &&
    (r.question ?? -1) >= 0 &&
    Number.isInteger(r.option) &&
    (r.option ?? -1) >= 0 &&
    typeof r.share === "string" &&
    parseShare(r.share) !== null
  );
}

/**
 * Whether an area accepts: yes-votes * den >= eligible * num. `tallies` are the area's counts per
 * question and option; null when the area has nobody eligible or the rule names no such option.
 */
export function areaAccepts(
  rule: DecisionRule,
  tallies: readonly (readonly number[])[],
  eligible: number,
): boolean | null {
  const share = parseShare(rule.share);
  const yes = tallies[rule.question]?.[rule.option];
  if (!share || yes === undefined || eligible <= 0) return null;
  return BigInt(yes) * share.den >= BigInt(eligible) * share.num;
}

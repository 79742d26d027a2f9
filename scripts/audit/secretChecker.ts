/**
 * The audit's judgement of a secret poll: the census rebuilt from the registry's events by the census
 * rule (one commitment per resident, latest wins) must have the root, areas and eligible count the poll
 * committed, and no commitment twice; every ballot's transaction must carry the area's true path and a
 * proof that verifies for this poll, area, choices and revision; a nullifier counts once, its latest
 * revision counting, from one area; per-area and total tallies and the ballot root must equal the
 * contract's. Proofs are checked through `verify`, so a test can hand in a tampered history.
 */
import {
  buildBallotTree,
  censusAreaArguments,
  censusMembers,
  isValidChoices,
  SecretCount,
  secretScope,
  totalOptions,
  treeRoot,
  ZERO_ROOT,
} from "../../contracts/protocol";
import type { Census, CensusAreaKind } from "../../contracts/protocol";
import { buildCensusOnThreads } from "../../contracts/protocol/node/censusOnThreads";
import type { MembershipClaim } from "../../contracts/protocol/node/membershipCheck";
import { secretBallotLeafNative, secretMessageNative } from "../../contracts/protocol/node/secretCodec";
import { KEEP_PER_CODE, perQuestion } from "./checker";
import type { AuditReport, Finding, FindingCode } from "./checker";
import { before } from "./history";
import type { OnChainPoll, PollDefinition, PollLifecycle } from "./history";
import type { ProofCheck, SecretHistory } from "./secretHistory";

export interface SecretOnChain extends OnChainPoll {
  /** areaTallies(pollId, i) for each census area index. */
  areaTallies: bigint[][];
}

export interface SecretPollInput {
  chainId: bigint;
  ballotBox: string;
  pollId: bigint;
  poll: PollDefinition | null;
  lifecycle: PollLifecycle;
  areaKind: CensusAreaKind;
  history: SecretHistory;
  blockTimes: ReadonlyMap<number, number>;
}

export async function checkSecretPoll(
  input: SecretPollInput,
  onChain: SecretOnChain,
  verify: ProofCheck,
): Promise<AuditReport> {
  const findings: Finding[] = [];
  const findingCounts: Partial<Record<FindingCode, number>> = {};
  const report = (code: FindingCode, message: string, where: { leafIndex?: number; txHash?: string } = {}) => {
    const seen = (findingCounts[code] ?? 0) + 1;
    findingCounts[code] = seen;
    if (seen <= KEEP_PER_CODE) findings.push({ code, message, ...where });
  };
  const { poll, history } = input;
  if (!poll) report("POLL_NOT_FOUND", `no PollCreated event for poll ${input.pollId}`);
  const onChainCensus = history.census;

  // The census, rebuilt by the rule from public events.
  const members = censusMembers(history.registry, onChainCensus.snapshotBlock, poll?.districts ?? [], input.areaKind);
  const census: Census = await buildCensusOnThreads(members);
  const seen = new Map<bigint, number>();
  for (const m of members) {
    const other = seen.get(m.commitment);
    if (other !== undefined) {
      report("DUPLICATE_COMMITMENT", `residents ${other} and ${m.resident} share identity commitment ${m.commitment}`);
    }
    seen.set(m.commitment, m.resident);
  }
  if (census.root.toLowerCase() !== onChainCensus.root.toLowerCase() || census.areas.length !== onChainCensus.areas) {
    report(
      "CENSUS_MISMATCH",
      `the census rebuilt from the registry at block ${onChainCensus.snapshotBlock} has root ${census.root} over ` +
        `${census.areas.length} areas; the poll committed ${onChainCensus.root} over ${onChainCensus.areas}: ` +
        "it omits or adds residents, or gives one resident two identities",
    );
  }
  if (census.eligible !== onChainCensus.eligible) {
    report(
      "ELIGIBLE_MISMATCH",
      `the census has ${census.eligible} residents; the poll committed ${onChainCensus.eligible}`,
    );
  }

  // Every ballot, in leaf order, counted by the protocol's rule.
  const options = poll ? totalOptions(poll.questions) : 0;
  const count = new SecretCount(
    options,
    poll?.revote ?? false,
    census.areas.map((a) => a.area),
    secretBallotLeafNative,
  );
  const claims: { claim: MembershipClaim; leafIndex: number; txHash: string }[] = [];
  const scope = secretScope(input.chainId, input.ballotBox, input.pollId);
  const areaArgument = censusAreaArguments(census);
  const areaArguments = new Map<number, ReturnType<typeof areaArgument>>();
  const argumentOf = (area: number) => {
    if (!areaArguments.has(area)) areaArguments.set(area, areaArgument(area));
    return areaArguments.get(area) ?? null;
  };
  for (const b of history.ballots) {
    const where = { leafIndex: b.leafIndex, txHash: b.txHash };
    for (const problem of count.add(b)) report(problem.code, problem.message, where);
    const i = b.input;
    if (
      !i ||
      i.pollId !== b.pollId ||
      i.choices !== b.choices ||
      i.revision !== b.revision ||
      i.area.area !== b.area ||
      i.proof.nullifier !== b.nullifier
    ) {
      report(
        "INPUT_MISMATCH",
        `leaf ${b.leafIndex}: the transaction's input is not this ballot's castSecretBallot`,
        where,
      );
    } else {
      const expected = argumentOf(b.area);
      if (
        !expected ||
        expected.root !== i.area.root ||
        expected.members !== i.area.members ||
        expected.index !== i.area.index
      ) {
        report("CENSUS_AREA_MISMATCH", `leaf ${b.leafIndex}: area ${b.area} is not the census's`, where);
      }
      claims.push({
        claim: {
          points: i.proof.points,
          root: expected?.root ?? i.area.root,
          nullifier: b.nullifier,
          message: secretMessageNative(b.choices, b.revision),
          scope,
          depth: Number(i.proof.depth),
        },
        ...where,
      });
    }
    if (poll && !isValidChoices(poll.questions, b.choices)) {
      report("CHOICES_INVALID", `leaf ${b.leafIndex}: choices ${b.choices} break the poll's questions`, where);
    }
    if (poll) checkWindow(b, poll, input.lifecycle, input.blockTimes, report);
  }
  const valid = await verify(claims.map((c) => c.claim));
  valid.forEach((ok, k) => {
    const c = claims[k]!;
    if (!ok) report("PROOF_INVALID", `leaf ${c.leafIndex}: the membership proof does not verify`, c);
  });

  // The contract's values.
  const { leaves, total } = count;
  const root = leaves.length === 0 ? ZERO_ROOT : treeRoot(buildBallotTree(leaves));
  const tallies = total.tallies();
  if (onChain.ballots !== leaves.length) {
    report("BALLOT_COUNT_MISMATCH", `the contract counts ${onChain.ballots} ballots, the events hold ${leaves.length}`);
  }
  compare(report, "TALLY_MISMATCH", "the contract's tally", tallies, onChain.tallies);
  if (root !== onChain.ballotRoot.toLowerCase()) {
    report("ROOT_MISMATCH", `rebuilt root ${root} differs from the contract's ballotRoot ${onChain.ballotRoot}`);
  }
  const areas = census.areas.map((a) => {
    const recount = count.area(a.area).tallies();
    const stored = onChain.areaTallies[a.index] ?? [];
    compare(report, "AREA_TALLY_MISMATCH", `area ${a.area}'s tally on the contract`, recount, stored);
    return {
      area: a.area,
      eligible: a.commitments.length,
      voters: count.area(a.area).voters,
      tallies: recount.map(String),
      onChainTallies: stored.map(String),
    };
  });
  const final = input.lifecycle.finalized;
  if (final) {
    if (final.ballots !== leaves.length) {
      report("FINAL_BALLOTS_MISMATCH", `PollFinalized says ${final.ballots} ballots, the events hold ${leaves.length}`);
    }
    compare(report, "FINAL_TALLY_MISMATCH", "the published final tally", tallies, final.tallies);
    if (final.root !== root)
      report("FINAL_ROOT_MISMATCH", `rebuilt root ${root} differs from the final root ${final.root}`);
  }
  return {
    pollId: input.pollId.toString(),
    block: onChain.block,
    state: onChain.state,
    ok: findings.length === 0,
    ballots: leaves.length,
    voters: total.voters,
    questions: poll ? perQuestion(poll, tallies) : [],
    tallies: tallies.map(String),
    onChainTallies: onChain.tallies.map(String),
    root,
    onChainRoot: onChain.ballotRoot.toLowerCase(),
    finalRoot: final?.root ?? null,
    findings,
    findingCounts,
    secret: {
      census: {
        root: census.root,
        onChainRoot: onChainCensus.root,
        eligible: census.eligible,
        snapshotBlock: onChainCensus.snapshotBlock,
        areaKind: input.areaKind,
      },
      areas,
      proofsChecked: claims.length,
    },
  };
}

type Report = (code: FindingCode, message: string, where?: { leafIndex?: number; txHash?: string }) => void;

function compare(report: Report, code: FindingCode, what: string, recount: bigint[], other: readonly bigint[]): void {
  if (other.length !== recount.length) {
    report(code, `${what} has ${other.length} options, the poll ${recount.length}`);
    return;
  }
  recount.forEach((votes, option) => {
    if (other[option] !== votes) report(code, `option ${option}: recount ${votes}, ${what} ${other[option]}`);
  });
}

function checkWindow(
  b: { leafIndex: number; txHash: string; block: number; logIndex: number },
  poll: PollDefinition,
  lifecycle: PollLifecycle,
  times: ReadonlyMap<number, number>,
  report: Report,
): void {
  const where = { leafIndex: b.leafIndex, txHash: b.txHash };
  const time = times.get(b.block);
  if (time === undefined) {
    report("BLOCK_TIME_MISSING", `leaf ${b.leafIndex}: no timestamp for block ${b.block}`, where);
    return;
  }
  const ended = [lifecycle.closed?.at, lifecycle.cancelled?.at, lifecycle.finalized?.at].some(
    (at) => at !== undefined && !before(b, at),
  );
  if (time < poll.start || time >= poll.end || ended || before(b, poll.created)) {
    report("OUTSIDE_WINDOW", `leaf ${b.leafIndex}: block ${b.block} is outside the poll's voting window`, where);
  }
}

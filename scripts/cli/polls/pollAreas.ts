/**
 * A secret poll's results per census area, for `poll show`: each area's tallies as the contract keeps
 * them (`areaTallies`), its eligible residents from the census rebuilt from the registry, its voters
 * (distinct nullifiers among its SecretBallotCast events), turnout, and whether it accepts by the rule.
 */
import {
  areaAccepts,
  collectLogs,
  decodeEvent,
  decodePollContent,
  EVENT_TOPICS,
  uintTopic,
} from "../../../contracts/protocol";
import type { DecisionRule, Question } from "../../../contracts/protocol";
import type { ChainConnection } from "../chain";
import { secretPollCensus } from "./secretCensus";

export interface AreaResult {
  area: number;
  eligible: number;
  voters: number;
  tallies: number[][];
  turnout: number;
  accepted: boolean | null;
}

export interface SecretResults {
  census: { root: string; snapshotBlock: number; eligible: number; areaKind: string; matches: boolean };
  rule: DecisionRule | null;
  areas: AreaResult[];
}

export async function secretResults(
  chain: ChainConnection,
  pollId: number,
  view: { uri: string; contentHash: string },
  districts: readonly number[],
  questions: readonly Question[],
): Promise<SecretResults> {
  const rule = decodePollContent(view.uri, view.contentHash)?.rule ?? null;
  const rebuilt = await secretPollCensus(chain, pollId, view, districts);
  const head = Number(await chain.rpc.call<string>("eth_blockNumber", []));
  const logs = await collectLogs(
    chain.rpc,
    { address: chain.deployment.ballotBox, topics: [EVENT_TOPICS.SecretBallotCast, uintTopic(pollId)] },
    rebuilt.snapshotBlock,
    head,
  );
  const voters = new Map<number, Set<bigint>>();
  for (const log of logs) {
    const e = decodeEvent(log);
    if (e?.name !== "SecretBallotCast") continue;
    const set = voters.get(e.area) ?? new Set<bigint>();
    set.add(e.nullifier);
    voters.set(e.area, set);
  }
  const areas = await Promise.all(
    rebuilt.census.areas.map(async (a) => {
      const flat = (await chain.ballotBox.areaTallies(pollId, a.index)).map(Number);
      let at = 0;
      const tallies = questions.map((q) => {
        const counts = flat.slice(at, at + q.options);
        at += q.options;
        return counts;
      });
      const eligible = a.commitments.length;
      const count = voters.get(a.area)?.size ?? 0;
      return {
        area: a.area,
        eligible,
        voters: count,
        tallies,
        turnout: eligible > 0 ? count / eligible : 0,
        accepted: rule ? areaAccepts(rule, tallies, eligible) : null,
      };
    }),
  );
  return {
    census: {
      root: rebuilt.onChainRoot,
      snapshotBlock: rebuilt.snapshotBlock,
      eligible: rebuilt.census.eligible,
      areaKind: rebuilt.areaKind,
      matches: rebuilt.matches,
    },
    rule,
    areas,
  };
}

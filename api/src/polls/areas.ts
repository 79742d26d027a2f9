/**
 * A poll's results per area, beside its totals: for a secret poll the census areas (eligible = the
 * area's members), for an open one the registry's public districts in its scope (eligible = the
 * register's residents of the district); each with its tallies per question, voters, turnout and, when
 * the poll's content carries a decision rule, whether the area accepts.
 */
import { areaAccepts, decodePollContent, totalOptions } from "../../../contracts/protocol";
import type { DecisionRule, PollCount, Question } from "../../../contracts/protocol";
import type { CensusService } from "../census/service";
import type { PollTrees } from "../indexer/pollTrees";
import type { PollRow } from "../indexer/store";
import type { EligibilityCounter } from "./eligibility";

export interface AreaResult {
  area: number;
  label: string;
  eligible: number;
  voters: number;
  tallies: number[][];
  turnout: number;
  accepted: boolean | null;
}

/** Flat option counts split per question, in the order of the choice bitmap. */
export function perQuestion(questions: readonly Question[], flat: readonly bigint[]): number[][] {
  let at = 0;
  return questions.map((q) => {
    const counts = flat.slice(at, at + q.options).map(Number);
    at += q.options;
    return counts;
  });
}

export class AreaResults {
  constructor(
    private readonly trees: PollTrees,
    private readonly censuses: CensusService,
    private readonly eligibility: EligibilityCounter,
  ) {}

  async of(poll: PollRow): Promise<{ areas: AreaResult[]; rule: DecisionRule | null }> {
    const rule = decodePollContent(poll.uri, poll.contentHash)?.rule ?? null;
    const counts = this.trees.get(poll.pollId)?.areas ?? new Map<number, PollCount>();
    const zeros = Array.from({ length: totalOptions(poll.questions) }, () => 0n);
    const result = (area: number, label: string, eligible: number): AreaResult => {
      const count = counts.get(area);
      const tallies = perQuestion(poll.questions, count?.tallies() ?? zeros);
      const voters = count?.voters ?? 0;
      return {
        area,
        label,
        eligible,
        voters,
        tallies,
        turnout: eligible > 0 ? voters / eligible : 0,
        accepted: rule ? areaAccepts(rule, tallies, eligible) : null,
      };
    };
    if (poll.census) {
      const census = await this.censuses.census(poll.pollId);
      const areas = await Promise.all(
        census.areas.map(async (a) =>
          result(a.area, await this.censuses.label(census.areaKind, a.area), a.commitments.length),
        ),
      );
      return { areas, rule };
    }
    const registered = await this.eligibility.registeredByDistrict();
    const districts = poll.cityWide
      ? [...new Set([...registered.keys(), ...counts.keys()])].sort((a, b) => a - b)
      : poll.districts;
    return {
      areas: await Promise.all(
        districts.map(async (d) => result(d, await this.censuses.label("district", d), registered.get(d) ?? 0)),
      ),
      rule,
    };
  }
}

/**
 * What a castSecretBallot call carries, read from a transaction's input: an audit or a recount reads a
 * secret ballot's area path and proof there, since its SecretBallotCast event holds neither.
 */
import { ballotBoxInterface } from "./contract";

/** castSecretBallot's arguments. */
export interface SecretBallotArgs {
  pollId: bigint;
  choices: bigint;
  revision: bigint;
  area: { area: number; members: number; root: bigint; index: number; siblings: readonly string[] };
  proof: { nullifier: bigint; depth: bigint; points: readonly bigint[] };
}

/** The arguments of a castSecretBallot call, by the ballot box's ABI; null for any other input. */
export function readCastSecretBallot(data: string): SecretBallotArgs | null {
  try {
    const call = ballotBoxInterface.parseTransaction({ data });
    if (call?.name !== "castSecretBallot") return null;
    const [pollId, choices, revision, area, proof] = call.args as unknown as [
      bigint,
      bigint,
      bigint,
      { area: bigint; members: bigint; root: bigint; index: bigint; siblings: string[] },
      { nullifier: bigint; depth: bigint; points: bigint[] },
    ];
    return {
      pollId,
      choices,
      revision,
      area: {
        area: Number(area.area),
        members: Number(area.members),
        root: area.root,
        index: Number(area.index),
        siblings: [...area.siblings],
      },
      proof: { nullifier: proof.nullifier, depth: proof.depth, points: [...proof.points] },
    };
  } catch {
    return null;
  }
}

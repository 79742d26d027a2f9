// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.28;

import {IBallotBox} from "./IBallotBox.sol";

/// @title Secret polls: ballots nobody can link to the resident
/// @notice A secret poll's census is fixed at creation: for each area (a district or building code)
/// the Semaphore identity commitments of the residents whose active registry entry was in that area
/// at `snapshotBlock`, in resident order, as a Semaphore (LeanIMT, Poseidon) tree. An area's leaf is
/// keccak256(abi.encode(uint32 area, uint256 areaRoot, uint32 members)); leaves in ascending area order
/// form the census tree (built as the ballot tree), whose root the poll stores: one write, whatever
/// the number of areas. Anyone can rebuild the census from the registry's events.
///
/// A secret ballot carries a Semaphore v4 proof that its sender holds an identity in one area's tree,
/// the area's leaf and its path in the census tree, and a nullifier unique to (identity, poll,
/// contract, chain): the proof's scope is keccak256(abi.encode(chainid, ballotBox, pollId)) and its
/// message keccak256(abi.encode(choices, revision)), so neither can be replayed elsewhere or altered.
/// A reused nullifier counts only with a higher revision on a re-vote poll, and moves the tallies. Its
/// leaf is keccak256(abi.encode(pollId, nullifier, choices, revision, area)).
interface ISecretBallots {
    /// What a secret poll's census commits to.
    struct Census {
        /// Root of the census tree over the area leaves.
        bytes32 root;
        /// Areas in the census (leaves of the census tree).
        uint32 areas;
        /// Residents in the census, over all areas.
        uint32 eligible;
        /// Registry block the census was drawn from.
        uint32 snapshotBlock;
    }

    /// One area of the census and the path of its leaf to the census root.
    struct CensusArea {
        uint32 area;
        uint32 members;
        /// Root of the area's Semaphore tree of identity commitments.
        uint256 root;
        /// Position of the area's leaf among the census leaves.
        uint32 index;
        /// Siblings from the leaf up, skipping levels where the node has none (as ballot proofs).
        bytes32[] siblings;
    }

    /// A Semaphore v4 proof of membership in the area's tree.
    struct MembershipProof {
        uint256 nullifier;
        /// Tree depth of the circuit the proof was made with (1 to 32).
        uint256 depth;
        /// Groth16 proof as Semaphore packs it.
        uint256[8] points;
    }

    /// @notice Emitted when staff create a secret poll, right after its PollCreated.
    event SecretPollCreated(uint256 indexed pollId, Census census);
    /// @notice Emitted for every secret ballot counted, with every field its leaf is built from; the
    /// proof and the area's path are in the transaction's input (castSecretBallot), for audits.
    event SecretBallotCast(
        uint256 indexed pollId,
        uint256 indexed nullifier,
        uint32 area,
        uint32 leafIndex,
        uint256 choices,
        uint256 revision
    );

    /// @notice Thrown when a secret ballot is sent to an open poll, or an open one to a secret poll.
    error PollSecrecyMismatch(uint256 pollId, bool secret);
    /// @notice Thrown when a secret poll is given points: they would link a resident to the poll.
    error PollSecretPoints(uint32 points);
    /// @notice Thrown when a census has no areas or residents, or a snapshot block not yet mined.
    error CensusInvalid(bytes32 root, uint32 areas, uint32 eligible, uint32 snapshotBlock);
    /// @notice Thrown when the area and its path do not lead to the poll's census root.
    error CensusUnknownArea(uint256 pollId, uint32 area);
    /// @notice Thrown when the membership proof does not verify for this poll, area, choices and revision.
    error SecretBallotInvalidProof(uint256 pollId, uint256 nullifier);
    /// @notice Thrown when the nullifier already voted in a poll without re-voting.
    error SecretBallotAlreadyCast(uint256 pollId, uint256 nullifier);
    /// @notice Thrown when a ballot's revision is not above the nullifier's last counted one.
    error SecretBallotStaleRevision(uint256 pollId, uint256 nullifier, uint256 revision, uint256 last);
    /// @notice Thrown when a re-vote comes from another area than the nullifier's first ballot.
    error SecretBallotAreaChanged(uint256 pollId, uint256 nullifier, uint32 area);

    /// @notice Creates a secret poll (no points) with its census; returns its id.
    function createSecretPoll(
        IBallotBox.PollParams calldata params,
        Census calldata census
    ) external returns (uint256 pollId);

    /// @notice Counts a secret ballot; any relayer may carry it, no key signs it.
    function castSecretBallot(
        uint256 pollId,
        uint256 choices,
        uint256 revision,
        CensusArea calldata area,
        MembershipProof calldata proof
    ) external;

    /// @notice The secret poll's census.
    function census(uint256 pollId) external view returns (Census memory);

    /// @notice The scope of the poll's membership proofs (bound to this chain and contract).
    function secretScope(uint256 pollId) external view returns (uint256);

    /// @notice The message of a secret ballot's membership proof.
    function secretMessage(uint256 choices, uint256 revision) external pure returns (uint256);

    /// @notice Counted choices per option in one area (by its census index).
    function areaTallies(uint256 pollId, uint32 areaIndex) external view returns (uint256[] memory);

    /// @notice The nullifier's last counted revision (0 if none), its area index and choices.
    function secretBallotOf(
        uint256 pollId,
        uint256 nullifier
    ) external view returns (uint256 revision, uint32 areaIndex, uint256 choices);
}

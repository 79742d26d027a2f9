// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.28;

/// @title Polls and voter-signed ballots
/// @notice Staff create polls; relayers carry ballots that voters signed as EIP-712 typed data
/// `Ballot(uint256 pollId,uint256 choices,uint256 revision)`. The contract keeps exact tallies and an
/// append-only Merkle tree of every ballot, so anyone can recount a poll from its events.
///
/// Choices are one bitmap: question q owns bits [offset(q), offset(q) + options(q)), where offset(q)
/// sums the options of the questions before it; bit set = option chosen. Each question needs between
/// 1 and maxChoices options chosen.
///
/// A ballot's leaf is keccak256(abi.encode(pollId, voter, choices, revision)). Leaves are appended
/// in order; an inner node is keccak256(left ++ right) and a node without a sibling moves up
/// unchanged, which is the tree merkletreejs builds by default over the same leaves.
interface IBallotBox {
    enum PollState {
        Pending,
        Active,
        Closed,
        Cancelled,
        Finalized
    }

    struct Question {
        uint8 options;
        uint8 maxChoices;
    }

    struct PollParams {
        bytes32 contentHash;
        string uri;
        uint40 start;
        uint40 end;
        Question[] questions;
        /// Empty for a city-wide poll.
        uint32[] districts;
        bool revote;
        uint32 points;
    }

    struct PollView {
        bytes32 contentHash;
        string uri;
        uint40 start;
        uint40 end;
        Question[] questions;
        bool cityWide;
        bool revote;
        uint32 points;
        uint32 ballots;
        PollState state;
        bytes32 finalRoot;
        /// Ballots are secret (ISecretBallots): counted by nullifier, not by voter key.
        bool secret;
    }

    /// @notice Emitted when staff create a poll.
    event PollCreated(uint256 indexed pollId, PollParams params);
    /// @notice Emitted when staff close a poll before its end.
    event PollClosed(uint256 indexed pollId, uint40 end);
    /// @notice Emitted when staff cancel a poll; its ballots no longer count for anything.
    event PollCancelled(uint256 indexed pollId);
    /// @notice Emitted when staff publish a closed poll's final result.
    event PollFinalized(uint256 indexed pollId, uint32 ballots, bytes32 root, uint256[] tallies);
    /// @notice Emitted when staff publish what the city decided after a poll: `uri` holds the text,
    /// `outcomeHash` is keccak256 of its bytes.
    event PollOutcomePublished(uint256 indexed pollId, bytes32 outcomeHash, string uri);
    /// @notice Emitted for every ballot counted, with every field its leaf is built from.
    event BallotCast(
        uint256 indexed pollId,
        address indexed voter,
        uint32 resident,
        uint32 leafIndex,
        uint256 choices,
        uint256 revision,
        bytes signature
    );

    /// @notice Thrown when `pollId` was never created.
    error PollUnknown(uint256 pollId);
    /// @notice Thrown when the poll is not in a state that allows the call.
    error PollUnexpectedState(uint256 pollId, PollState current);
    /// @notice Thrown when a poll's start is not before its end, or its end has passed.
    error PollInvalidSchedule(uint40 start, uint40 end);
    /// @notice Thrown when a poll has no questions, too many, or a question with an impossible shape.
    error PollInvalidQuestions(uint256 questionIndex);
    /// @notice Thrown when a poll's options do not fit its ballot record (256 in all, 240 with re-voting).
    error PollTooManyOptions(uint256 total);
    /// @notice Thrown when a poll's outcome was already published; it is published once.
    error PollOutcomeAlreadyPublished(uint256 pollId);
    /// @notice Thrown when an outcome is published with a zero hash.
    error PollOutcomeEmpty(uint256 pollId);
    /// @notice Thrown when a ballot's signature is malformed.
    error BallotInvalidSignature();
    /// @notice Thrown when the signing key was never enrolled.
    error BallotUnknownVoter(address voter);
    /// @notice Thrown when the signing key has been revoked or replaced.
    error BallotKeyRevoked(address voter);
    /// @notice Thrown when the voter's district is outside the poll's scope.
    error BallotNotInScope(uint256 pollId, address voter, uint32 district);
    /// @notice Thrown when the choices break the poll's questions.
    error BallotInvalidChoices(uint256 pollId, uint256 choices);
    /// @notice Thrown when the resident already voted in a poll without re-voting.
    error BallotAlreadyCast(uint256 pollId, address voter);
    /// @notice Thrown when a ballot's revision is 0, too large, or not above the resident's last counted one.
    error BallotStaleRevision(uint256 pollId, address voter, uint256 revision, uint256 last);

    /// @notice Creates a poll; returns its id (ids start at 1).
    function createPoll(PollParams calldata params) external returns (uint256 pollId);

    /// @notice Ends an active poll now.
    function closePoll(uint256 pollId) external;

    /// @notice Cancels a poll that is not finalized.
    function cancelPoll(uint256 pollId) external;

    /// @notice Publishes a closed poll's tallies and ballot root, after which nothing about it changes.
    function finalizePoll(uint256 pollId) external;

    /// @notice Publishes, once, what the city decided after a closed or finalized poll.
    function publishOutcome(uint256 pollId, bytes32 outcomeHash, string calldata uri) external;

    /// @notice Counts a ballot signed by an enrolled voter key.
    /// @param revision 1 for a resident's first ballot in the poll; each re-vote signs a higher one, so an
    /// old signed ballot can never be replayed over a newer one.
    function castBallot(uint256 pollId, uint256 choices, uint256 revision, bytes calldata signature) external;

    /// @notice The poll's state derived from its schedule and staff actions.
    function state(uint256 pollId) external view returns (PollState);

    /// @notice Everything stored about a poll.
    function poll(uint256 pollId) external view returns (PollView memory);

    /// @notice How many polls exist.
    function pollCount() external view returns (uint256);

    /// @notice Whether a voter in `district` may vote in the poll.
    function inScope(uint256 pollId, uint32 district) external view returns (bool);

    /// @notice Counted choices per option, in the order of the choice bitmap.
    function tallies(uint256 pollId) external view returns (uint256[] memory);

    /// @notice The root of the poll's ballot tree over all `ballots` leaves (zero when empty).
    function ballotRoot(uint256 pollId) external view returns (bytes32);

    /// @notice The revision of the resident's last counted ballot (0 if none) and, on re-vote polls,
    /// the choices it counted.
    function ballotOf(uint256 pollId, uint32 resident) external view returns (uint256 revision, uint256 choices);

    /// @notice The poll's published outcome: its hash and text URI (zero and empty until published).
    function outcome(uint256 pollId) external view returns (bytes32 outcomeHash, string memory uri);

    /// @notice The EIP-712 digest a voter signs for a ballot.
    function ballotDigest(uint256 pollId, uint256 choices, uint256 revision) external view returns (bytes32);
}

// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.28;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ISemaphoreVerifier} from "@semaphore-protocol/contracts/interfaces/ISemaphoreVerifier.sol";
import {IBallotBox} from "./interfaces/IBallotBox.sol";
import {ISecretBallots} from "./interfaces/ISecretBallots.sol";
import {CensusTree} from "./libraries/CensusTree.sol";
import {BallotRecords} from "./libraries/BallotRecords.sol";
import {BallotTree} from "./libraries/BallotTree.sol";
import {ChoiceCodec} from "./libraries/ChoiceCodec.sol";
import {PackedTally} from "./libraries/PackedTally.sol";
import {ParticipationPoints} from "./ParticipationPoints.sol";

/// @title Veche ballot box: polls, voter-signed ballots, tallies and the ballot tree
/// @notice The one deployed contract. It inherits the voter registry and the points ledger so that a
/// ballot's eligibility and points are plain storage reads and writes.
contract BallotBox is IBallotBox, ISecretBallots, ParticipationPoints {
    using BallotTree for BallotTree.Tree;

    bytes32 public constant POLL_ADMIN_ROLE = keccak256("POLL_ADMIN_ROLE");
    bytes32 public constant RELAYER_ROLE = keccak256("RELAYER_ROLE");
    bytes32 public constant BALLOT_TYPEHASH = keccak256("Ballot(uint256 pollId,uint256 choices,uint256 revision)");

    uint256 private constant MAX_OPTIONS = 256;
    uint256 private constant MAX_OPTIONS_WITH_REVOTE = MAX_OPTIONS - BallotRecords.REVISION_BITS;
    uint256 private constant INLINE_QUESTIONS = 4;
    /// @dev A secret ballot's record: revision (16 bits), area index (24 bits), then the choices.
    uint256 private constant SECRET_AREA_BITS = 24;
    uint256 private constant SECRET_CHOICES_SHIFT = BallotRecords.REVISION_BITS + SECRET_AREA_BITS;
    uint256 private constant MAX_SECRET_OPTIONS = 256 - SECRET_CHOICES_SHIFT;
    uint256 private constant MAX_PROOF_DEPTH = 32;

    /// @notice The Semaphore v4 verifier secret ballots' proofs are checked with.
    ISemaphoreVerifier public immutable membershipVerifier;

    enum Status {
        None,
        Scheduled,
        Cancelled,
        Finalized
    }

    /// @dev The first slot is all a ballot reads and writes of its poll; polls of up to four questions
    /// keep their shapes there too, and longer ones in `questions`.
    struct Poll {
        uint32 start;
        uint32 end;
        uint32 ballots;
        uint32 points;
        uint16 totalOptions;
        uint8 recordShift;
        uint8 questionCount;
        bool revote;
        bool cityWide;
        Status status;
        bool secret;
        uint64 inlineQuestions;
        uint256 questions;
        bytes32 contentHash;
        bytes32 finalRoot;
        string uri;
    }

    struct Outcome {
        bytes32 hash;
        string uri;
    }

    uint256 private _pollCount;
    mapping(uint256 pollId => Poll) private _polls;
    mapping(uint256 pollId => mapping(uint32 district => bool)) private _scope;
    mapping(uint256 pollId => mapping(uint256 word => uint256 lanes)) private _tallies;
    mapping(uint256 pollId => mapping(uint256 word => uint256 records)) private _records;
    mapping(uint256 pollId => BallotTree.Tree) private _trees;
    mapping(uint256 pollId => Outcome) private _outcomes;
    mapping(uint256 pollId => Census) private _censuses;
    mapping(uint256 pollId => mapping(uint256 nullifier => uint256 record)) private _nullifiers;
    mapping(uint256 pollId => mapping(uint256 areaIndex => mapping(uint256 word => uint256 lanes)))
        private _areaTallies;

    constructor(address admin, ISemaphoreVerifier verifier) EIP712("Veche", "1") {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        membershipVerifier = verifier;
    }

    /// @inheritdoc IBallotBox
    function createPoll(PollParams calldata params) external onlyRole(POLL_ADMIN_ROLE) returns (uint256 pollId) {
        pollId = _createPoll(params, params.revote ? MAX_OPTIONS_WITH_REVOTE : MAX_OPTIONS);
    }

    /// @inheritdoc ISecretBallots
    function createSecretPoll(
        PollParams calldata params,
        Census calldata census_
    ) external onlyRole(POLL_ADMIN_ROLE) returns (uint256 pollId) {
        if (params.points != 0) revert PollSecretPoints(params.points);
        if (census_.areas == 0 || census_.eligible < census_.areas || census_.snapshotBlock >= block.number) {
            revert CensusInvalid(census_.root, census_.areas, census_.eligible, census_.snapshotBlock);
        }
        pollId = _createPoll(params, MAX_SECRET_OPTIONS);
        _polls[pollId].secret = true;
        _censuses[pollId] = census_;
        emit SecretPollCreated(pollId, census_);
    }

    /// @dev Stores a poll of at most `limit` options, in scope of `params.districts` (all if empty).
    function _createPoll(PollParams calldata params, uint256 limit) private returns (uint256 pollId) {
        if (params.start >= params.end || params.end <= block.timestamp || params.end > type(uint32).max) {
            revert PollInvalidSchedule(params.start, params.end);
        }
        (uint256 questions, uint256 totalOptions) = _packQuestions(params.questions);
        if (totalOptions > limit) revert PollTooManyOptions(totalOptions);

        pollId = ++_pollCount;
        Poll storage p = _polls[pollId];
        p.start = uint32(params.start);
        p.end = uint32(params.end);
        p.points = params.points;
        p.totalOptions = uint16(totalOptions);
        p.recordShift = params.revote ? BallotRecords.shiftFor(BallotRecords.REVISION_BITS + totalOptions) : 0;
        p.questionCount = uint8(params.questions.length);
        p.revote = params.revote;
        p.cityWide = params.districts.length == 0;
        p.status = Status.Scheduled;
        p.questions = questions;
        if (params.questions.length <= INLINE_QUESTIONS) p.inlineQuestions = uint64(questions);
        p.contentHash = params.contentHash;
        p.uri = params.uri;
        for (uint256 i; i < params.districts.length; ++i) {
            _scope[pollId][params.districts[i]] = true;
        }
        emit PollCreated(pollId, params);
    }

    /// @inheritdoc IBallotBox
    function closePoll(uint256 pollId) external onlyRole(POLL_ADMIN_ROLE) {
        Poll storage p = _polls[pollId];
        _requireState(p, pollId, PollState.Active);
        p.end = uint32(block.timestamp);
        emit PollClosed(pollId, p.end);
    }

    /// @inheritdoc IBallotBox
    function cancelPoll(uint256 pollId) external onlyRole(POLL_ADMIN_ROLE) {
        Poll storage p = _polls[pollId];
        PollState current = _state(p, pollId);
        if (current == PollState.Cancelled || current == PollState.Finalized) {
            revert PollUnexpectedState(pollId, current);
        }
        p.status = Status.Cancelled;
        emit PollCancelled(pollId);
    }

    /// @inheritdoc IBallotBox
    function finalizePoll(uint256 pollId) external onlyRole(POLL_ADMIN_ROLE) {
        Poll storage p = _polls[pollId];
        _requireState(p, pollId, PollState.Closed);
        bytes32 root = _trees[pollId].root(p.ballots);
        p.status = Status.Finalized;
        p.finalRoot = root;
        emit PollFinalized(pollId, p.ballots, root, PackedTally.unpack(_tallies[pollId], p.totalOptions));
    }

    /// @inheritdoc IBallotBox
    function publishOutcome(
        uint256 pollId,
        bytes32 outcomeHash,
        string calldata uri
    ) external onlyRole(POLL_ADMIN_ROLE) {
        PollState current = _state(_polls[pollId], pollId);
        if (current != PollState.Closed && current != PollState.Finalized) {
            revert PollUnexpectedState(pollId, current);
        }
        if (outcomeHash == bytes32(0)) revert PollOutcomeEmpty(pollId);
        Outcome storage published = _outcomes[pollId];
        if (published.hash != bytes32(0)) revert PollOutcomeAlreadyPublished(pollId);
        published.hash = outcomeHash;
        published.uri = uri;
        emit PollOutcomePublished(pollId, outcomeHash, uri);
    }

    /// @inheritdoc IBallotBox
    function castBallot(
        uint256 pollId,
        uint256 choices,
        uint256 revision,
        bytes calldata signature
    ) external onlyRole(RELAYER_ROLE) {
        Poll storage p = _polls[pollId];
        _requireState(p, pollId, PollState.Active);
        if (p.secret) revert PollSecrecyMismatch(pollId, true);

        address voter = _recoverBallotSigner(pollId, choices, revision, signature);
        (uint32 resident, Voter storage record) = _eligibleVoter(p, pollId, voter);
        _requireValidChoices(p, pollId, choices);

        {
            (bool first, uint256 previousChoices) = _recordBallot(p, pollId, resident, voter, choices, revision);
            PackedTally.move(_tallies[pollId], choices, previousChoices);
            if (first) _award(record, p.points);
        }

        uint32 leafIndex = _appendLeaf(p, pollId, voter, choices, revision);
        emit BallotCast(pollId, voter, resident, leafIndex, choices, revision, signature);
    }

    /// @inheritdoc ISecretBallots
    function castSecretBallot(
        uint256 pollId,
        uint256 choices,
        uint256 revision,
        CensusArea calldata area,
        MembershipProof calldata proof
    ) external onlyRole(RELAYER_ROLE) {
        Poll storage p = _polls[pollId];
        _requireState(p, pollId, PollState.Active);
        if (!p.secret) revert PollSecrecyMismatch(pollId, false);
        _requireValidChoices(p, pollId, choices);
        _requireCensusArea(pollId, area);
        _requireMembership(pollId, choices, revision, area.root, proof);

        uint256 previousChoices = _recordSecretBallot(p, pollId, proof.nullifier, area.index, choices, revision);
        PackedTally.move(_tallies[pollId], choices, previousChoices);
        PackedTally.move(_areaTallies[pollId][area.index], choices, previousChoices);

        uint32 leafIndex = p.ballots;
        _trees[pollId].append(leafIndex, keccak256(abi.encode(pollId, proof.nullifier, choices, revision, area.area)));
        p.ballots = leafIndex + 1;
        emit SecretBallotCast(pollId, proof.nullifier, area.area, leafIndex, choices, revision);
    }

    /// @inheritdoc ISecretBallots
    function census(uint256 pollId) external view returns (Census memory) {
        return _censuses[pollId];
    }

    /// @inheritdoc ISecretBallots
    function secretScope(uint256 pollId) public view returns (uint256) {
        return uint256(keccak256(abi.encode(block.chainid, address(this), pollId)));
    }

    /// @inheritdoc ISecretBallots
    function secretMessage(uint256 choices, uint256 revision) public pure returns (uint256) {
        return uint256(keccak256(abi.encode(choices, revision)));
    }

    /// @inheritdoc ISecretBallots
    function areaTallies(uint256 pollId, uint32 areaIndex) external view returns (uint256[] memory) {
        Poll storage p = _polls[pollId];
        _state(p, pollId);
        return PackedTally.unpack(_areaTallies[pollId][areaIndex], p.totalOptions);
    }

    /// @inheritdoc ISecretBallots
    function secretBallotOf(
        uint256 pollId,
        uint256 nullifier
    ) external view returns (uint256 revision, uint32 areaIndex, uint256 choices) {
        uint256 record = _nullifiers[pollId][nullifier];
        return (
            record & BallotRecords.MAX_REVISION,
            uint32((record >> BallotRecords.REVISION_BITS) & ((1 << SECRET_AREA_BITS) - 1)),
            record >> SECRET_CHOICES_SHIFT
        );
    }

    /// @inheritdoc IBallotBox
    function state(uint256 pollId) external view returns (PollState) {
        return _state(_polls[pollId], pollId);
    }

    /// @inheritdoc IBallotBox
    function poll(uint256 pollId) external view returns (PollView memory view_) {
        Poll storage p = _polls[pollId];
        view_.state = _state(p, pollId);
        view_.contentHash = p.contentHash;
        view_.uri = p.uri;
        view_.start = p.start;
        view_.end = p.end;
        view_.cityWide = p.cityWide;
        view_.revote = p.revote;
        view_.points = p.points;
        view_.ballots = p.ballots;
        view_.finalRoot = p.finalRoot;
        view_.secret = p.secret;
        view_.questions = new Question[](p.questionCount);
        for (uint256 q; q < p.questionCount; ++q) {
            view_.questions[q] = Question({
                options: uint8(ChoiceCodec.options(p.questions, q)),
                maxChoices: uint8(ChoiceCodec.maxChoices(p.questions, q))
            });
        }
    }

    /// @inheritdoc IBallotBox
    function pollCount() external view returns (uint256) {
        return _pollCount;
    }

    /// @inheritdoc IBallotBox
    function inScope(uint256 pollId, uint32 district) external view returns (bool) {
        Poll storage p = _polls[pollId];
        _state(p, pollId);
        return p.cityWide || _scope[pollId][district];
    }

    /// @inheritdoc IBallotBox
    function tallies(uint256 pollId) external view returns (uint256[] memory) {
        Poll storage p = _polls[pollId];
        _state(p, pollId);
        return PackedTally.unpack(_tallies[pollId], p.totalOptions);
    }

    /// @inheritdoc IBallotBox
    function ballotRoot(uint256 pollId) external view returns (bytes32) {
        Poll storage p = _polls[pollId];
        _state(p, pollId);
        return _trees[pollId].root(p.ballots);
    }

    /// @inheritdoc IBallotBox
    function ballotOf(uint256 pollId, uint32 resident) external view returns (uint256 revision, uint256 choices) {
        Poll storage p = _polls[pollId];
        _state(p, pollId);
        uint256 recorded = BallotRecords.read(_records[pollId], p.recordShift, resident);
        if (!p.revote) return (recorded, 0);
        return (recorded & BallotRecords.MAX_REVISION, recorded >> BallotRecords.REVISION_BITS);
    }

    /// @inheritdoc IBallotBox
    function outcome(uint256 pollId) external view returns (bytes32 outcomeHash, string memory uri) {
        _state(_polls[pollId], pollId);
        Outcome storage published = _outcomes[pollId];
        return (published.hash, published.uri);
    }

    /// @inheritdoc IBallotBox
    function ballotDigest(uint256 pollId, uint256 choices, uint256 revision) public view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(BALLOT_TYPEHASH, pollId, choices, revision)));
    }

    function _recoverBallotSigner(
        uint256 pollId,
        uint256 choices,
        uint256 revision,
        bytes calldata signature
    ) private view returns (address voter) {
        ECDSA.RecoverError error;
        (voter, error, ) = ECDSA.tryRecoverCalldata(ballotDigest(pollId, choices, revision), signature);
        if (error != ECDSA.RecoverError.NoError) revert BallotInvalidSignature();
    }

    /// @dev The signer's resident and key record, if the key is active and its district is in scope.
    function _eligibleVoter(
        Poll storage p,
        uint256 pollId,
        address voter
    ) private view returns (uint32 resident, Voter storage record) {
        record = _voters[voter];
        resident = record.resident;
        if (resident == 0) revert BallotUnknownVoter(voter);
        if (!record.active) revert BallotKeyRevoked(voter);
        if (!p.cityWide && !_scope[pollId][record.district]) {
            revert BallotNotInScope(pollId, voter, record.district);
        }
    }

    function _requireValidChoices(Poll storage p, uint256 pollId, uint256 choices) private view {
        uint256 count = p.questionCount;
        uint256 shapes = count <= INLINE_QUESTIONS ? p.inlineQuestions : p.questions;
        if (!ChoiceCodec.isValid(shapes, count, choices)) revert BallotInvalidChoices(pollId, choices);
    }

    function _appendLeaf(
        Poll storage p,
        uint256 pollId,
        address voter,
        uint256 choices,
        uint256 revision
    ) private returns (uint32 leafIndex) {
        leafIndex = p.ballots;
        _trees[pollId].append(leafIndex, keccak256(abi.encode(pollId, voter, choices, revision)));
        p.ballots = leafIndex + 1;
    }

    /// @dev Stores the resident's ballot; returns whether it is their first in the poll and, on a
    /// re-vote, the choices it replaces.
    function _recordBallot(
        Poll storage p,
        uint256 pollId,
        uint32 resident,
        address voter,
        uint256 choices,
        uint256 revision
    ) private returns (bool first, uint256 previousChoices) {
        mapping(uint256 => uint256) storage records = _records[pollId];
        if (!p.revote) {
            uint256 voted = BallotRecords.read(records, 0, resident);
            if (voted != 0) revert BallotAlreadyCast(pollId, voter);
            if (revision != 1) revert BallotStaleRevision(pollId, voter, revision, 0);
            BallotRecords.swap(records, 0, resident, 1);
            return (true, 0);
        }
        uint256 old = BallotRecords.read(records, p.recordShift, resident);
        uint256 last = old & BallotRecords.MAX_REVISION;
        if (revision <= last || revision > BallotRecords.MAX_REVISION) {
            revert BallotStaleRevision(pollId, voter, revision, last);
        }
        BallotRecords.swap(records, p.recordShift, resident, revision | (choices << BallotRecords.REVISION_BITS));
        return (old == 0, old >> BallotRecords.REVISION_BITS);
    }

    function _requireCensusArea(uint256 pollId, CensusArea calldata area) private view {
        Census storage c = _censuses[pollId];
        bytes32 leaf = CensusTree.leaf(area.area, area.root, area.members);
        if (!CensusTree.verify(leaf, area.index, c.areas, area.siblings, c.root)) {
            revert CensusUnknownArea(pollId, area.area);
        }
    }

    /// @dev The proof's public signals bind the area's tree, the nullifier, the ballot and the poll.
    function _requireMembership(
        uint256 pollId,
        uint256 choices,
        uint256 revision,
        uint256 areaRoot,
        MembershipProof calldata proof
    ) private view {
        uint256[8] calldata pts = proof.points;
        bool valid =
            proof.depth != 0 &&
                proof.depth <= MAX_PROOF_DEPTH &&
                membershipVerifier.verifyProof(
                    [pts[0], pts[1]],
                    [[pts[2], pts[3]], [pts[4], pts[5]]],
                    [pts[6], pts[7]],
                    [
                        areaRoot,
                        proof.nullifier,
                        _snarkHash(secretMessage(choices, revision)),
                        _snarkHash(secretScope(pollId))
                    ],
                    proof.depth
                );
        if (!valid) revert SecretBallotInvalidProof(pollId, proof.nullifier);
    }

    /// @dev Semaphore's hash of a message or scope into the SNARK field.
    function _snarkHash(uint256 value) private pure returns (uint256) {
        return uint256(keccak256(abi.encodePacked(value))) >> 8;
    }

    /// @dev Stores the nullifier's ballot; returns the choices it replaces (0 for a first ballot).
    function _recordSecretBallot(
        Poll storage p,
        uint256 pollId,
        uint256 nullifier,
        uint32 areaIndex,
        uint256 choices,
        uint256 revision
    ) private returns (uint256 previousChoices) {
        uint256 old = _nullifiers[pollId][nullifier];
        uint256 last = old & BallotRecords.MAX_REVISION;
        if (old != 0) {
            if (!p.revote) revert SecretBallotAlreadyCast(pollId, nullifier);
            uint256 oldArea = (old >> BallotRecords.REVISION_BITS) & ((1 << SECRET_AREA_BITS) - 1);
            if (oldArea != areaIndex) revert SecretBallotAreaChanged(pollId, nullifier, areaIndex);
        }
        if (revision <= last || revision > BallotRecords.MAX_REVISION || (!p.revote && revision != 1)) {
            revert SecretBallotStaleRevision(pollId, nullifier, revision, last);
        }
        _nullifiers[pollId][nullifier] =
            revision |
            (uint256(areaIndex) << BallotRecords.REVISION_BITS) |
            (choices << SECRET_CHOICES_SHIFT);
        return old >> SECRET_CHOICES_SHIFT;
    }

    function _packQuestions(Question[] calldata list) private pure returns (uint256 questions, uint256 total) {
        if (list.length == 0 || list.length > ChoiceCodec.MAX_QUESTIONS) revert PollInvalidQuestions(list.length);
        for (uint256 q; q < list.length; ++q) {
            Question calldata question = list[q];
            if (question.options < 2 || question.maxChoices == 0 || question.maxChoices > question.options) {
                revert PollInvalidQuestions(q);
            }
            questions = ChoiceCodec.pack(questions, q, question.options, question.maxChoices);
            total += question.options;
        }
    }

    function _requireState(Poll storage p, uint256 pollId, PollState expected) private view {
        PollState current = _state(p, pollId);
        if (current != expected) revert PollUnexpectedState(pollId, current);
    }

    function _state(Poll storage p, uint256 pollId) private view returns (PollState) {
        Status status = p.status;
        if (status == Status.None) revert PollUnknown(pollId);
        if (status == Status.Cancelled) return PollState.Cancelled;
        if (status == Status.Finalized) return PollState.Finalized;
        if (block.timestamp < p.start) return PollState.Pending;
        if (block.timestamp < p.end) return PollState.Active;
        return PollState.Closed;
    }
}

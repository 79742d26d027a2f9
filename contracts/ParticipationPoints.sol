// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.28;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {IParticipationPoints} from "./interfaces/IParticipationPoints.sol";
import {VoterRegistry} from "./VoterRegistry.sol";

/// @title Participation points
/// @notice Balances live in the resident's voter-key slot, which a ballot has already loaded, so
/// awarding points costs a ballot one warm write.
abstract contract ParticipationPoints is IParticipationPoints, VoterRegistry, EIP712 {
    bytes32 public constant REWARDS_ROLE = keccak256("REWARDS_ROLE");
    bytes32 public constant REDEMPTION_TYPEHASH = keccak256("Redemption(uint256 rewardId,uint256 nonce)");

    Reward[] private _rewards;
    mapping(uint32 resident => uint256 nonce) private _redemptionNonces;

    /// @inheritdoc IParticipationPoints
    function listReward(
        uint64 cost,
        uint32 stock,
        string calldata uri
    ) external onlyRole(REWARDS_ROLE) returns (uint256 rewardId) {
        if (cost == 0) revert RewardZeroCost();
        rewardId = _rewards.length;
        _rewards.push(Reward({cost: cost, stock: stock, active: true, uri: uri}));
        emit RewardListed(rewardId, cost, stock, uri);
    }

    /// @inheritdoc IParticipationPoints
    function updateReward(uint256 rewardId, uint32 stock, bool active) external onlyRole(REWARDS_ROLE) {
        if (rewardId >= _rewards.length) revert RewardUnavailable(rewardId);
        Reward storage item = _rewards[rewardId];
        item.stock = stock;
        item.active = active;
        emit RewardUpdated(rewardId, stock, active);
    }

    /// @inheritdoc IParticipationPoints
    function redeem(uint32 resident, uint256 rewardId, bytes calldata signature) external onlyRole(REWARDS_ROLE) {
        if (rewardId >= _rewards.length) revert RewardUnavailable(rewardId);
        Reward storage item = _rewards[rewardId];
        if (!item.active || item.stock == 0) revert RewardUnavailable(rewardId);

        uint256 nonce = _redemptionNonces[resident];
        bytes32 digest = _hashTypedDataV4(keccak256(abi.encode(REDEMPTION_TYPEHASH, rewardId, nonce)));
        (address signer, ECDSA.RecoverError error, ) = ECDSA.tryRecoverCalldata(digest, signature);
        Voter storage record = _voters[signer];
        if (
            error != ECDSA.RecoverError.NoError || signer == address(0) || record.resident != resident || !record.active
        ) {
            revert PointsInvalidConsent(signer);
        }
        uint64 cost = item.cost;
        if (record.points < cost) revert PointsInsufficient(resident, record.points, cost);

        record.points -= cost;
        item.stock -= 1;
        _redemptionNonces[resident] = nonce + 1;
        emit PointsRedeemed(resident, rewardId, cost, nonce);
    }

    /// @inheritdoc IParticipationPoints
    function pointsOf(uint32 resident) external view returns (uint64) {
        return _voters[_latestKeys[resident]].points;
    }

    /// @inheritdoc IParticipationPoints
    function redemptionNonce(uint32 resident) external view returns (uint256) {
        return _redemptionNonces[resident];
    }

    /// @inheritdoc IParticipationPoints
    function reward(uint256 rewardId) external view returns (Reward memory) {
        if (rewardId >= _rewards.length) revert RewardUnavailable(rewardId);
        return _rewards[rewardId];
    }

    /// @inheritdoc IParticipationPoints
    function rewardCount() external view returns (uint256) {
        return _rewards.length;
    }

    /// @dev Points for a resident's first counted ballot in a poll.
    function _award(Voter storage record, uint32 points) internal {
        if (points != 0) record.points += points;
    }
}

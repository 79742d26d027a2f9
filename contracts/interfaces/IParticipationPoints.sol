// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.28;

/// @title Participation points and the rewards they buy
/// @notice A resident earns a poll's points with their first counted ballot in it. Points cannot be
/// transferred; they are only spent on rewards that staff list, with the resident's signed consent.
interface IParticipationPoints {
    struct Reward {
        uint64 cost;
        uint32 stock;
        bool active;
        string uri;
    }

    /// @notice Emitted when staff list a reward.
    event RewardListed(uint256 indexed rewardId, uint64 cost, uint32 stock, string uri);
    /// @notice Emitted when staff change a reward's stock or withdraw it.
    event RewardUpdated(uint256 indexed rewardId, uint32 stock, bool active);
    /// @notice Emitted when a resident spends points on a reward.
    event PointsRedeemed(uint32 indexed resident, uint256 indexed rewardId, uint64 cost, uint256 nonce);

    /// @notice Thrown when `rewardId` does not exist, is withdrawn or out of stock.
    error RewardUnavailable(uint256 rewardId);
    /// @notice Thrown when a reward is listed at zero cost.
    error RewardZeroCost();
    /// @notice Thrown when the resident's balance is below the reward's cost.
    error PointsInsufficient(uint32 resident, uint64 balance, uint64 cost);
    /// @notice Thrown when a redemption is not signed by an active voter key.
    error PointsInvalidConsent(address signer);

    /// @notice Lists a reward costing `cost` points with `stock` items.
    function listReward(uint64 cost, uint32 stock, string calldata uri) external returns (uint256 rewardId);

    /// @notice Sets a reward's stock and whether it can be redeemed.
    function updateReward(uint256 rewardId, uint32 stock, bool active) external;

    /// @notice Debits a reward's cost from `resident`, whose active key signed
    /// `Redemption(rewardId, nonce)` with the resident's current redemption nonce.
    function redeem(uint32 resident, uint256 rewardId, bytes calldata signature) external;

    /// @notice The resident's points balance.
    function pointsOf(uint32 resident) external view returns (uint64);

    /// @notice The nonce the resident's next redemption must be signed with.
    function redemptionNonce(uint32 resident) external view returns (uint256);

    /// @notice A listed reward.
    function reward(uint256 rewardId) external view returns (Reward memory);

    /// @notice How many rewards have been listed.
    function rewardCount() external view returns (uint256);
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IOraclePriceFeed
/// @notice Exposes final scalar oracle values (e.g. NAV per share) per asset to baskets. A feeder role
/// (AccessManager) points an asset at a final scalar question about that asset (its `subject`); consumers read the
/// cached value and its observation time (the question's end time), which only moves forward.
interface IOraclePriceFeed {
    /// @notice Emitted when `asset`'s price is taken from final question `questionId`, observed at `updatedAt`.
    event QuestionSet(address indexed asset, uint256 indexed questionId, int256 value, uint256 updatedAt);

    /// @notice Thrown by `price` when no question was set for `asset`.
    error UnknownAsset(address asset);

    /// @notice Thrown by `setQuestion` when the question observes no later than the current price (`observedAt`: its
    /// end time).
    error StaleQuestion(address asset, uint256 questionId, uint256 observedAt, uint256 updatedAt);

    /// @notice Thrown by `setQuestion` when question `questionId` is about `subject`, not `asset`.
    error QuestionNotAboutAsset(address asset, uint256 questionId, address subject);

    /// @notice The oracle read.
    function oracle() external view returns (address);

    /// @notice Feeder role only: takes `asset`'s price from `questionId`, which must be final, scalar, valid (the
    /// oracle's `NotFinal`, `NotScalar` or `NoValue` otherwise), about `asset` (`QuestionNotAboutAsset`) and observed
    /// after the current price (`StaleQuestion`).
    function setQuestion(address asset, uint256 questionId) external;

    /// @notice The question `asset`'s price comes from (0 if none).
    function questionOf(address asset) external view returns (uint256);

    /// @notice `asset`'s latest final value and when it was observed (its question's end time, not the finalization
    /// time); reverts with `UnknownAsset` if none.
    function price(address asset) external view returns (int256 value, uint256 updatedAt);
}

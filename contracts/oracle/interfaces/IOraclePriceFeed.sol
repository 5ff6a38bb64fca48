// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IOraclePriceFeed
/// @notice Exposes final scalar oracle values (e.g. NAV per share) per asset to baskets. A feeder role
/// (AccessManager) points an asset at a final scalar question; consumers read the cached value and its
/// finalization time, which only moves forward.
interface IOraclePriceFeed {
    /// @notice Emitted when `asset`'s price is taken from final question `questionId`.
    event QuestionSet(address indexed asset, uint256 indexed questionId, int256 value, uint256 updatedAt);

    /// @notice Thrown by `price` when no question was set for `asset`.
    error UnknownAsset(address asset);

    /// @notice Thrown by `setQuestion` when the question finalized no later than the current price.
    error StaleQuestion(address asset, uint256 questionId, uint256 finalizedAt, uint256 updatedAt);

    /// @notice The oracle read.
    function oracle() external view returns (address);

    /// @notice Feeder role only: takes `asset`'s price from `questionId`, which must be final, scalar, valid
    /// and finalized after the current price (the oracle's `NotFinal`, `NotScalar` or `NoValue` otherwise).
    function setQuestion(address asset, uint256 questionId) external;

    /// @notice The question `asset`'s price comes from (0 if none).
    function questionOf(address asset) external view returns (uint256);

    /// @notice `asset`'s latest final value and when it was finalized; reverts with `UnknownAsset` if none.
    function price(address asset) external view returns (int256 value, uint256 updatedAt);
}

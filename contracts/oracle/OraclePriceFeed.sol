// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IOracle} from "./interfaces/IOracle.sol";
import {IOraclePriceFeed} from "./interfaces/IOraclePriceFeed.sol";
import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";

/// @title OraclePriceFeed
/// @notice Final scalar oracle values per asset, for baskets, each from a question about that asset and dated by its
/// observation (end) time. Final values never change, so the feed caches them: `price` is one storage read.
contract OraclePriceFeed is IOraclePriceFeed, AccessManaged {
    // ---------------------------------------------------------------- immutables and storage

    IOracle internal immutable ORACLE;

    struct Feed {
        uint256 questionId;
        int256 value;
        uint256 updatedAt;
    }

    mapping(address asset => Feed) internal _feeds;

    // ---------------------------------------------------------------- constructor

    /// @param initialAuthority The AccessManager holding the feeder role.
    /// @param oracle_ The oracle read.
    constructor(address initialAuthority, IOracle oracle_) AccessManaged(initialAuthority) {
        ORACLE = oracle_;
    }

    // ---------------------------------------------------------------- feeding

    /// @inheritdoc IOraclePriceFeed
    function setQuestion(address asset, uint256 questionId) external restricted {
        (int256 value,) = ORACLE.finalValue(questionId);
        IOracle.Config memory config = ORACLE.config(questionId);
        if (config.subject != asset) revert QuestionNotAboutAsset(asset, questionId, config.subject);
        uint256 observedAt = config.endTime;
        Feed storage feed = _feeds[asset];
        if (observedAt <= feed.updatedAt) revert StaleQuestion(asset, questionId, observedAt, feed.updatedAt);
        _feeds[asset] = Feed({questionId: questionId, value: value, updatedAt: observedAt});
        emit QuestionSet(asset, questionId, value, observedAt);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IOraclePriceFeed
    function oracle() external view returns (address) {
        return address(ORACLE);
    }

    /// @inheritdoc IOraclePriceFeed
    function questionOf(address asset) external view returns (uint256) {
        return _feeds[asset].questionId;
    }

    /// @inheritdoc IOraclePriceFeed
    function price(address asset) external view returns (int256 value, uint256 updatedAt) {
        Feed storage feed = _feeds[asset];
        if (feed.updatedAt == 0) revert UnknownAsset(asset);
        return (feed.value, feed.updatedAt);
    }
}

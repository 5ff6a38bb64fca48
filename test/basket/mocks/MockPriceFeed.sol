// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IOraclePriceFeed} from "../../../contracts/oracle/interfaces/IOraclePriceFeed.sol";

/// @notice A price feed whose prices the test sets directly (the oracle's own tests cover how final values arrive).
contract MockPriceFeed is IOraclePriceFeed {
    struct Price {
        int256 value;
        uint256 updatedAt;
    }

    mapping(address asset => Price) internal _prices;

    function setPrice(address asset, int256 value) external {
        _prices[asset] = Price({value: value, updatedAt: block.timestamp});
    }

    function oracle() external pure returns (address) {
        return address(0);
    }

    function setQuestion(address, uint256) external pure {}

    function questionOf(address) external pure returns (uint256) {
        return 0;
    }

    function price(address asset) external view returns (int256 value, uint256 updatedAt) {
        Price memory entry = _prices[asset];
        if (entry.updatedAt == 0) revert UnknownAsset(asset);
        return (entry.value, entry.updatedAt);
    }
}

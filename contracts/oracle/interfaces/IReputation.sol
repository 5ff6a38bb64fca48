// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @title IReputation
/// @notice The oracle's stake token (REP-like): a plain ERC-20 whose whole supply is minted at deployment
/// and which holders may burn (the oracle burns part of every losing stake).
interface IReputation is IERC20 {
    /// @notice Thrown by the constructor when the supply does not fit the oracle's 96-bit stake fields.
    error SupplyTooLarge(uint256 supply, uint256 max);

    /// @notice Destroys `value` of the caller's tokens.
    function burn(uint256 value) external;
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @notice Call target for proposal actions: stores a value from its caller, or reverts with a custom error.
contract Target {
    error TargetRefused(uint256 value);

    address public lastCaller;
    uint256 public value;

    function set(uint256 value_) external payable {
        lastCaller = msg.sender;
        value = value_;
    }

    function refuse(uint256 value_) external pure {
        revert TargetRefused(value_);
    }
}

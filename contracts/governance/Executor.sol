// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IExecutor} from "./interfaces/IExecutor.sol";
import {Address} from "@openzeppelin/contracts/utils/Address.sol";

/// @title Executor
/// @notice Holds the platform's privileged roles and performs the actions of adopted proposals. Deployed by
/// {Governance}, which enforces the timelock before calling it.
contract Executor is IExecutor {
    /// @inheritdoc IExecutor
    address public immutable governance;

    constructor(address governance_) {
        governance = governance_;
    }

    /// @notice Accepts native currency (a proposal's actions may spend it).
    receive() external payable {}

    /// @inheritdoc IExecutor
    function execute(Action[] calldata actions) external payable {
        if (msg.sender != governance) revert ExecutorUnauthorized(msg.sender);
        for (uint256 i; i < actions.length; ++i) {
            Address.functionCallWithValue(actions[i].target, actions[i].data, actions[i].value);
        }
    }
}

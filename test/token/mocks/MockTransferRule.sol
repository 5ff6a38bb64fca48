// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ITransferRule} from "../../../contracts/token/interfaces/ITransferRule.sol";

/// @notice A transfer rule refusing every transfer to one blocked receiver.
contract MockTransferRule is ITransferRule {
    address public blocked;

    function setBlocked(address receiver) external {
        blocked = receiver;
    }

    function isTransferAllowed(address, address, address to, uint256) external view returns (bool) {
        return to != blocked;
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IIdentityRegistry} from "../../../contracts/token/interfaces/IIdentityRegistry.sol";

/// @notice Identity registry for governance tests: verification is set directly.
contract TestIdentityRegistry is IIdentityRegistry {
    mapping(address wallet => bool) public isVerified;

    function setVerified(address wallet, bool verified) external {
        isVerified[wallet] = verified;
    }
}

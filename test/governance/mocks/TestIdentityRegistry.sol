// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @notice Identity registry for governance unit tests: verification is set directly. Governance only calls
/// `isVerified`, so this stands in for `IIdentityRegistry` (cast at construction).
contract TestIdentityRegistry {
    mapping(address wallet => bool) public isVerified;

    function setVerified(address wallet, bool verified) external {
        isVerified[wallet] = verified;
    }
}

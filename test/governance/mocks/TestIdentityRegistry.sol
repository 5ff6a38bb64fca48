// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @notice The one view of `IIdentityRegistry` that `Neurons` reads, settable by anyone (tests only). Cast it with
/// `IIdentityRegistry(address(registry))` where the interface type is needed.
contract TestIdentityRegistry {
    mapping(address wallet => bool) public isVerified;

    function setVerified(address wallet, bool verified) external {
        isVerified[wallet] = verified;
    }
}

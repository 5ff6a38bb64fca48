// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

/// @title IIdentityRegistry
/// @notice Investor identities (KYC/AML) behind the security token. Other layers (governance,
/// baskets) only ask whether a wallet belongs to a verified identity.
interface IIdentityRegistry {
    /// @notice Whether `wallet` belongs to an identity whose KYC is valid now and whose AML status is clear.
    function isVerified(address wallet) external view returns (bool);
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Identity} from "./IIdentityRegistry.sol";

/// @title IIdentityListener
/// @notice Implemented by tokens bound to an identity registry: the registry pushes every identity change so that
/// the token keeps a packed copy and never calls the registry on a transfer.
interface IIdentityListener {
    /// @notice Thrown when a caller other than the token's identity registry pushes an update.
    error NotIdentityRegistry(address caller);
    /// @notice Thrown by `syncWalletUnlinked` when `wallet` still holds `balance` tokens, and by `syncIdentity` when
    /// `wallet` would change identity while holding them (e.g. a token rebound after missing an unlink).
    error WalletHoldsTokens(address wallet, uint256 balance);
    /// @notice Thrown by `syncIdentity` when `wallet` is a registered system holder.
    error WalletIsSystemHolder(address wallet);

    /// @notice Replaces the token's copy of identity `id` for each of its `wallets` (the full, current list).
    function syncIdentity(uint32 id, Identity calldata data, address[] calldata wallets) external;

    /// @notice Forgets `wallet`, which left its identity. Reverts while it holds tokens.
    function syncWalletUnlinked(address wallet) external;
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {WalletRecord} from "../interfaces/ISecurityToken.sol";

/// @dev A `WalletRecord` packed in one word, read with one SLOAD and decoded field by field on the transfer path
/// (a memory struct copy costs more than the fields a transfer needs). Layout, low bits first: identity (32),
/// country (16), category (8), flags (8), KYC expiry (40), lockup end (40), country epoch (24).
type PackedWallet is uint256;

using PackedWallets for PackedWallet global;

/// @title PackedWallets
/// @notice Getters and setters of `PackedWallet`.
library PackedWallets {
    uint256 internal constant AML_FLAGGED = 1 << 0;
    uint256 internal constant FROZEN = 1 << 1;
    uint256 internal constant PARTIALLY_FROZEN = 1 << 2;
    uint256 internal constant SYSTEM_HOLDER = 1 << 3;
    uint256 internal constant SHARED_IDENTITY = 1 << 4;
    uint256 internal constant COUNTRY_ALLOWED = 1 << 5;
    /// @dev A system holder whose holders are looked through (`ISecurityToken.setLookThrough`).
    uint256 internal constant LOOK_THROUGH = 1 << 6;
    /// @dev The wallet's identity may have look-through exposure: transfers read it (set on the first booking).
    uint256 internal constant EXPOSED = 1 << 7;

    uint256 private constant COUNTRY_SHIFT = 32;
    uint256 private constant CATEGORY_SHIFT = 48;
    uint256 private constant FLAGS_SHIFT = 56;
    uint256 private constant KYC_SHIFT = 64;
    uint256 private constant LOCKUP_SHIFT = 104;
    uint256 private constant LOCKUP_MASK = uint256(type(uint40).max) << LOCKUP_SHIFT;
    uint256 private constant EPOCH_SHIFT = 144;

    // The getters truncate on purpose: each field is the low bits of its shifted word.
    // forge-lint: disable-start(unsafe-typecast)
    function identity(PackedWallet wallet) internal pure returns (uint32) {
        return uint32(PackedWallet.unwrap(wallet));
    }

    function country(PackedWallet wallet) internal pure returns (uint16) {
        return uint16(PackedWallet.unwrap(wallet) >> COUNTRY_SHIFT);
    }

    function category(PackedWallet wallet) internal pure returns (uint8) {
        return uint8(PackedWallet.unwrap(wallet) >> CATEGORY_SHIFT);
    }

    function kycExpiry(PackedWallet wallet) internal pure returns (uint40) {
        return uint40(PackedWallet.unwrap(wallet) >> KYC_SHIFT);
    }

    function lockupUntil(PackedWallet wallet) internal pure returns (uint40) {
        return uint40(PackedWallet.unwrap(wallet) >> LOCKUP_SHIFT);
    }

    function countryEpoch(PackedWallet wallet) internal pure returns (uint24) {
        return uint24(PackedWallet.unwrap(wallet) >> EPOCH_SHIFT);
    }

    // forge-lint: disable-end(unsafe-typecast)

    /// @dev Whether `flag` (one of the flag constants) is set.
    function has(PackedWallet wallet, uint256 flag) internal pure returns (bool) {
        return (PackedWallet.unwrap(wallet) >> FLAGS_SHIFT) & flag != 0;
    }

    /// @dev `wallet` with `flag` set to `on`.
    function with(PackedWallet wallet, uint256 flag, bool on) internal pure returns (PackedWallet) {
        uint256 word = PackedWallet.unwrap(wallet);
        uint256 bit = flag << FLAGS_SHIFT;
        return PackedWallet.wrap(on ? word | bit : word & ~bit);
    }

    /// @dev `wallet` with lockup end `until`.
    function withLockup(PackedWallet wallet, uint40 until) internal pure returns (PackedWallet) {
        return PackedWallet.wrap((PackedWallet.unwrap(wallet) & ~LOCKUP_MASK) | (uint256(until) << LOCKUP_SHIFT));
    }

    function pack(WalletRecord memory record) internal pure returns (PackedWallet) {
        uint256 flags = (record.amlFlagged ? AML_FLAGGED : 0) | (record.frozen ? FROZEN : 0)
            | (record.partiallyFrozen ? PARTIALLY_FROZEN : 0) | (record.systemHolder ? SYSTEM_HOLDER : 0)
            | (record.sharedIdentity ? SHARED_IDENTITY : 0) | (record.countryAllowed ? COUNTRY_ALLOWED : 0);
        return PackedWallet.wrap(
            uint256(record.identity) | (uint256(record.country) << COUNTRY_SHIFT)
                | (uint256(record.category) << CATEGORY_SHIFT) | (flags << FLAGS_SHIFT)
                | (uint256(record.kycExpiry) << KYC_SHIFT) | (uint256(record.lockupUntil) << LOCKUP_SHIFT)
                | (uint256(record.countryEpoch) << EPOCH_SHIFT)
        );
    }

    function unpack(PackedWallet wallet) internal pure returns (WalletRecord memory) {
        return WalletRecord({
            identity: wallet.identity(),
            country: wallet.country(),
            category: wallet.category(),
            amlFlagged: wallet.has(AML_FLAGGED),
            kycExpiry: wallet.kycExpiry(),
            lockupUntil: wallet.lockupUntil(),
            frozen: wallet.has(FROZEN),
            partiallyFrozen: wallet.has(PARTIALLY_FROZEN),
            systemHolder: wallet.has(SYSTEM_HOLDER),
            sharedIdentity: wallet.has(SHARED_IDENTITY),
            countryAllowed: wallet.has(COUNTRY_ALLOWED),
            countryEpoch: wallet.countryEpoch()
        });
    }
}

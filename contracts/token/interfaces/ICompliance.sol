// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC1404} from "./IERC1404.sol";
import {ITransferRule} from "./ITransferRule.sol";

/// @notice The token-wide compliance state, packed in one storage slot.
/// @param paused Whether holder transfers are paused (agent actions, mint and burn still work).
/// @param rules Enabled built-in rules (`Restrictions.RULE_*` bits).
/// @param transferRuleCount Number of extra `ITransferRule` contracts.
/// @param allowedCategories Bit i set: investor category i may receive (categories 0-15).
/// @param holderCount Identities holding a positive balance directly or through a look-through system holder
/// (system holders themselves are not counted).
/// @param maxHolders Limit of the max-holders rule.
/// @param maxBalance Limit of the max-balance rule (per identity, all its wallets together, look-through exposure
/// included).
/// @param countryEpoch Number of country list changes; a wallet record caches whether its country is allowed together
/// with the epoch it was computed at, and is trusted only while the epoch is current.
struct ComplianceConfig {
    bool paused;
    uint8 rules;
    uint8 transferRuleCount;
    uint16 allowedCategories;
    uint32 holderCount;
    uint32 maxHolders;
    uint128 maxBalance;
    uint24 countryEpoch;
}

/// @title ICompliance
/// @notice Transfer rules of the security token. Built-in rules (country, category, max holders, max balance,
/// lockup) are modules of the token, switched by a bitmask; `ITransferRule` contracts add more. The receiver must be
/// a wallet of a verified identity (KYC valid, AML clear) or a registered system holder; the sender's KYC is not
/// checked (an investor whose KYC lapsed may sell, not buy). Every refusal reverts with
/// the error of its rule naming the parties, and a dry run (`canTransfer`, ERC-1404) returns the same rule's code.
interface ICompliance is IERC1404 {
    // ----------------------------------------------------------------------------------- Events

    /// @notice Emitted when the compliance role sets the enabled built-in rules.
    event RulesSet(uint8 rules);
    /// @notice Emitted when the compliance role sets the limits.
    event LimitsSet(uint32 maxHolders, uint128 maxBalance);
    /// @notice Emitted when the compliance role allows or denies `countries`.
    event CountriesSet(uint16[] countries, bool allowed);
    /// @notice Emitted when the compliance role sets the allowed investor categories.
    event CategoriesSet(uint16 allowedCategories);
    /// @notice Emitted when the compliance role adds `rule`.
    event TransferRuleAdded(address indexed rule);
    /// @notice Emitted when the compliance role removes `rule`.
    event TransferRuleRemoved(address indexed rule);

    // ---------------------------------------------------------------------------- Refusal errors

    /// @notice Thrown when a holder transfer from `from` to `to` is attempted while paused.
    error TransfersPaused(address from, address to);
    /// @notice Thrown when frozen wallet `wallet` would send.
    error SenderFrozen(address wallet);
    /// @notice Thrown when frozen wallet `wallet` would receive.
    error ReceiverFrozen(address wallet);
    /// @notice Thrown when `wallet` would send `needed` but only `unfrozen` of its balance is not frozen.
    error InsufficientUnfrozenBalance(address wallet, uint256 unfrozen, uint256 needed);
    /// @notice Thrown when `wallet` of identity `identity` would send before its lockup ends at `until`.
    error SenderLocked(address wallet, uint32 identity, uint40 until);
    /// @notice Thrown when `wallet`, neither a wallet of an identity nor a system holder, would receive.
    error ReceiverNotRegistered(address wallet);
    /// @notice Thrown when `wallet` of AML-flagged identity `identity` would receive.
    error ReceiverAmlFlagged(address wallet, uint32 identity);
    /// @notice Thrown when `wallet` of identity `identity`, whose KYC ended at `kycExpiry`, would receive.
    error ReceiverKycExpired(address wallet, uint32 identity, uint40 kycExpiry);
    /// @notice Thrown (country rule) when `wallet` of a country not allowed would receive.
    error CountryNotAllowed(address wallet, uint16 country);
    /// @notice Thrown (category rule) when `wallet` of an investor category not allowed would receive.
    error CategoryNotAllowed(address wallet, uint8 category);
    /// @notice Thrown (max-balance rule) when identity `identity` of `wallet` would hold `balanceAfter` > `maxBalance`.
    error MaxBalanceExceeded(address wallet, uint32 identity, uint256 balanceAfter, uint256 maxBalance);
    /// @notice Thrown (max-holders rule) when `wallet`'s identity would be holder number `holdersAfter` > `maxHolders`.
    error MaxHoldersExceeded(address wallet, uint32 holdersAfter, uint32 maxHolders);
    /// @notice Thrown by a look-through transfer when `wallet`, neither a wallet of an identity nor a system holder,
    /// would send.
    error SenderNotRegistered(address wallet);
    /// @notice Thrown by a look-through transfer when `wallet` of AML-flagged identity `identity` would send.
    error SenderAmlFlagged(address wallet, uint32 identity);
    /// @notice Thrown by a look-through transfer when `wallet` of identity `identity`, whose KYC ended at
    /// `kycExpiry`, would send.
    error SenderKycExpired(address wallet, uint32 identity, uint40 kycExpiry);
    /// @notice Thrown by a look-through transfer (country rule) when `wallet` of a country not allowed would send.
    error SenderCountryNotAllowed(address wallet, uint16 country);
    /// @notice Thrown by a look-through transfer (category rule) when `wallet` of a category not allowed would send.
    error SenderCategoryNotAllowed(address wallet, uint8 category);
    /// @notice Thrown when transfer rule `rule` refuses `amount` from `from` to `to`.
    error TransferRuleRefused(address rule, address from, address to, uint256 amount);

    // ----------------------------------------------------------------------------- Config errors

    /// @notice Thrown by `setCountriesAllowed` when `country` is above 999.
    error InvalidCountry(uint16 country);
    /// @notice Thrown by `setRules` when `rules` has bits beyond `Restrictions.RULE_ALL`.
    error InvalidRules(uint8 rules);
    /// @notice Thrown by `addTransferRule` when `rule` is already added.
    error TransferRuleAlreadyAdded(address rule);
    /// @notice Thrown by `removeTransferRule` when `rule` is not added.
    error TransferRuleNotFound(address rule);
    /// @notice Thrown by `addTransferRule` when `MAX_TRANSFER_RULES` rules are added already.
    error TooManyTransferRules();

    // ------------------------------------------------------------------------------ Compliance role

    /// @notice Sets the enabled built-in rules (`Restrictions.RULE_*` bits).
    function setRules(uint8 rules) external;

    /// @notice Sets the limits of the max-holders and max-balance rules.
    function setLimits(uint32 maxHolders, uint128 maxBalance) external;

    /// @notice Allows or denies `countries` (ISO 3166-1 numeric) under the country rule. All are denied at first.
    /// Each call starts a new `countryEpoch`: wallet records written before it no longer use their cached country
    /// bit, so their transfers read the country bitmap (one more storage read) until their identity is synced again
    /// (`IIdentityRegistry.sync`, callable by anyone). Reverts (overflow) after 2^24 - 1 calls.
    function setCountriesAllowed(uint16[] calldata countries, bool allowed) external;

    /// @notice Sets the investor categories allowed under the category rule (bit i: category i).
    function setAllowedCategories(uint16 allowedCategories) external;

    /// @notice Adds an extra transfer rule.
    function addTransferRule(ITransferRule rule) external;

    /// @notice Removes an extra transfer rule.
    function removeTransferRule(ITransferRule rule) external;

    // ----------------------------------------------------------------------------------------- Views

    /// @notice The most extra transfer rules a token consults.
    function MAX_TRANSFER_RULES() external view returns (uint256);

    /// @notice The packed compliance state.
    function complianceConfig() external view returns (ComplianceConfig memory);

    /// @notice Whether `country` is allowed under the country rule.
    function isCountryAllowed(uint16 country) external view returns (bool);

    /// @notice The extra transfer rules.
    function transferRules() external view returns (ITransferRule[] memory);

    /// @notice Number of identities holding a positive balance, directly or through a look-through system holder.
    function holderCount() external view returns (uint32);

    /// @notice Dry run of a holder transfer of `amount` from `from` to `to` (balance included).
    /// @return allowed Whether it would succeed.
    /// @return code The restriction code (`Restrictions`), 0 when allowed.
    function canTransfer(address from, address to, uint256 amount) external view returns (bool allowed, uint8 code);

    /// @notice Whether `account` may receive a positive amount now (ERC-7943 style): not frozen, a verified identity
    /// (or a system holder) passing the receiver rules, with room under the limits for one base unit.
    function canReceive(address account) external view returns (bool);

    /// @notice Whether `account` may send now (ERC-7943 style): not paused, not frozen, not locked, some unfrozen
    /// balance.
    function canSend(address account) external view returns (bool);
}

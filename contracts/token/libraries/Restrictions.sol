// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title Restrictions
/// @notice Restriction codes (ERC-1404 `detectTransferRestriction`, `canTransfer`) and the bits of the built-in rules.
/// Each code has one custom error that a refused transfer reverts with (see `ICompliance`).
library Restrictions {
    // ------------------------------------------------------------------------- Restriction codes

    uint8 internal constant SUCCESS = 0;
    /// @dev `TransfersPaused`.
    uint8 internal constant PAUSED = 1;
    /// @dev `SenderFrozen`.
    uint8 internal constant SENDER_FROZEN = 2;
    /// @dev `ReceiverFrozen`.
    uint8 internal constant RECEIVER_FROZEN = 3;
    /// @dev `ERC20InsufficientBalance` (dry run only: the transfer itself reverts in ERC20).
    uint8 internal constant INSUFFICIENT_BALANCE = 4;
    /// @dev `InsufficientUnfrozenBalance`.
    uint8 internal constant INSUFFICIENT_UNFROZEN_BALANCE = 5;
    /// @dev `SenderLocked`.
    uint8 internal constant SENDER_LOCKED = 6;
    /// @dev `ReceiverNotRegistered`.
    uint8 internal constant RECEIVER_NOT_REGISTERED = 7;
    /// @dev `ReceiverAmlFlagged`.
    uint8 internal constant RECEIVER_AML_FLAGGED = 8;
    /// @dev `ReceiverKycExpired`.
    uint8 internal constant RECEIVER_KYC_EXPIRED = 9;
    /// @dev `CountryNotAllowed`.
    uint8 internal constant COUNTRY_NOT_ALLOWED = 10;
    /// @dev `CategoryNotAllowed`.
    uint8 internal constant CATEGORY_NOT_ALLOWED = 11;
    /// @dev `MaxBalanceExceeded`.
    uint8 internal constant MAX_BALANCE_EXCEEDED = 12;
    /// @dev `MaxHoldersExceeded`.
    uint8 internal constant MAX_HOLDERS_EXCEEDED = 13;
    /// @dev `TransferRuleRefused`.
    uint8 internal constant TRANSFER_RULE_REFUSED = 14;
    /// @dev `SenderNotRegistered` (look-through transfers: the sender must be able to hold the token too).
    uint8 internal constant SENDER_NOT_REGISTERED = 15;
    /// @dev `SenderAmlFlagged`.
    uint8 internal constant SENDER_AML_FLAGGED = 16;
    /// @dev `SenderKycExpired`.
    uint8 internal constant SENDER_KYC_EXPIRED = 17;
    /// @dev `SenderCountryNotAllowed`.
    uint8 internal constant SENDER_COUNTRY_NOT_ALLOWED = 18;
    /// @dev `SenderCategoryNotAllowed`.
    uint8 internal constant SENDER_CATEGORY_NOT_ALLOWED = 19;
    /// @dev Receiver code + `SENDER_OFFSET` = the sender's code of the same rule (not registered .. category).
    uint8 internal constant SENDER_OFFSET = SENDER_NOT_REGISTERED - RECEIVER_NOT_REGISTERED;

    // ------------------------------------------------------------------------------- Rule bits

    /// @dev The receiver's country must be allowed.
    uint8 internal constant RULE_COUNTRY = 1 << 0;
    /// @dev The receiver's investor category must be allowed.
    uint8 internal constant RULE_CATEGORY = 1 << 1;
    /// @dev At most `maxHolders` identities hold a positive balance.
    uint8 internal constant RULE_MAX_HOLDERS = 1 << 2;
    /// @dev An identity holds at most `maxBalance` (all its wallets together).
    uint8 internal constant RULE_MAX_BALANCE = 1 << 3;
    /// @dev An identity cannot send before its lockup time.
    uint8 internal constant RULE_LOCKUP = 1 << 4;
    /// @dev Every rule bit.
    uint8 internal constant RULE_ALL = (1 << 5) - 1;

    /// @dev The message of restriction `code` (ERC-1404).
    function message(uint8 code) internal pure returns (string memory) {
        if (code == SUCCESS) return "Allowed";
        if (code == PAUSED) return "Paused";
        if (code == SENDER_FROZEN) return "Sender frozen";
        if (code == RECEIVER_FROZEN) return "Receiver frozen";
        if (code == INSUFFICIENT_BALANCE) return "Insufficient balance";
        if (code == INSUFFICIENT_UNFROZEN_BALANCE) return "Insufficient unfrozen balance";
        if (code == SENDER_LOCKED) return "Sender locked up";
        if (code == RECEIVER_NOT_REGISTERED) return "Receiver not registered";
        if (code == RECEIVER_AML_FLAGGED) return "Receiver AML flagged";
        if (code == RECEIVER_KYC_EXPIRED) return "Receiver KYC expired";
        if (code == COUNTRY_NOT_ALLOWED) return "Country not allowed";
        if (code == CATEGORY_NOT_ALLOWED) return "Category not allowed";
        if (code == MAX_BALANCE_EXCEEDED) return "Max balance exceeded";
        if (code == MAX_HOLDERS_EXCEEDED) return "Max holders reached";
        if (code == TRANSFER_RULE_REFUSED) return "Transfer rule refused";
        if (code == SENDER_NOT_REGISTERED) return "Sender not registered";
        if (code == SENDER_AML_FLAGGED) return "Sender AML flagged";
        if (code == SENDER_KYC_EXPIRED) return "Sender KYC expired";
        if (code == SENDER_COUNTRY_NOT_ALLOWED) return "Sender country not allowed";
        if (code == SENDER_CATEGORY_NOT_ALLOWED) return "Sender category not allowed";
        return "Unknown code";
    }
}

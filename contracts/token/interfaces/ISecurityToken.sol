// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ICompliance} from "./ICompliance.sol";
import {IERC1643} from "./IERC1643.sol";
import {IIdentityListener} from "./IIdentityListener.sol";
import {IIdentityRegistry} from "./IIdentityRegistry.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";

/// @notice Everything a transfer needs to know about one wallet (stored packed in one slot, see `PackedWallets`).
/// The identity fields are a copy pushed by the identity registry (`IIdentityListener`); the others are the token's.
/// @param identity Identity id in the registry (0: none).
/// @param country Copy of the identity's country.
/// @param category Copy of the identity's investor category.
/// @param amlFlagged Copy of the identity's AML flag.
/// @param kycExpiry Copy of the identity's KYC expiry.
/// @param lockupUntil The identity's lockup end in this token.
/// @param frozen Whether the agent froze the wallet (it can neither send nor receive).
/// @param partiallyFrozen Whether part of its balance is frozen (`getFrozenTokens` > 0).
/// @param systemHolder Whether it is a registered platform contract (eligible without identity, not counted).
/// @param sharedIdentity Whether its identity has several wallets (the identity balance is then stored apart).
/// @param countryAllowed Whether the country was allowed when the record was written, valid while `countryEpoch`
/// equals the token's current `ComplianceConfig.countryEpoch` (else the country bitmap is read).
/// @param countryEpoch The country epoch `countryAllowed` was computed at.
struct WalletRecord {
    uint32 identity;
    uint16 country;
    uint8 category;
    bool amlFlagged;
    uint40 kycExpiry;
    uint40 lockupUntil;
    bool frozen;
    bool partiallyFrozen;
    bool systemHolder;
    bool sharedIdentity;
    bool countryAllowed;
    uint24 countryEpoch;
}

/// @title ISecurityToken
/// @notice A compliant ERC-20 share token with an ERC-3643-style surface. Holders transfer under the compliance rules
/// (`ICompliance`); roles of an OpenZeppelin AccessManager run it:
/// - issuer: `mint`, `burn`, `batchMint`, `batchBurn`, `setDocument`, `removeDocument`;
/// - agent: `pause`, `unpause`, `setAddressFrozen`, `freezePartialTokens`, `unfreezePartialTokens`, `batchSetAddressFrozen`,
///   `batchFreezePartialTokens`, `forcedTransfer`, `recoveryAddress`, `setLockup`;
/// - compliance: the `ICompliance` setters, `setSystemHolder` and `setLookThrough`;
/// - system holders (registered contracts): `lookThroughTransfer`.
/// Who may hold a positive balance: a wallet linked to an identity in the registry, or a system holder. Transfers
/// and mints only credit wallets that are verified then (KYC valid, AML clear, rules passed) or system holders. Two
/// agent powers are the documented exceptions: `forcedTransfer` may credit any wallet linked to an identity (or a
/// system holder) whatever its KYC status and the rules, and `recoveryAddress` moves a lost wallet's tokens to another
/// wallet of the same identity whatever that identity's status. A wallet can also fall out of verification while it
/// holds tokens (KYC expiry, revocation, AML flag): it keeps them but cannot receive more.
interface ISecurityToken is IERC20Metadata, ICompliance, IERC1643, IIdentityListener {
    // ----------------------------------------------------------------------------------- Events

    /// @notice Emitted when the agent pauses holder transfers.
    event Paused(address account);
    /// @notice Emitted when the agent unpauses holder transfers.
    event Unpaused(address account);
    /// @notice Emitted when `agent` freezes (`isFrozen`) or unfreezes `wallet`.
    event AddressFrozen(address indexed wallet, bool indexed isFrozen, address indexed agent);
    /// @notice Emitted when `amount` more tokens of `wallet` are frozen.
    event TokensFrozen(address indexed wallet, uint256 amount);
    /// @notice Emitted when `amount` frozen tokens of `wallet` are released.
    event TokensUnfrozen(address indexed wallet, uint256 amount);
    /// @notice Emitted when the agent forces a transfer of `amount` from `from` to `to`.
    event TransferForced(address indexed from, address indexed to, uint256 amount);
    /// @notice Emitted when the agent recovers the tokens of `lostWallet` to `newWallet` of identity `identity`.
    event RecoverySuccess(address indexed lostWallet, address indexed newWallet, uint32 indexed identity);
    /// @notice Emitted when the agent sets the lockup of identity `identity`.
    event LockupSet(uint32 indexed identity, uint40 until);
    /// @notice Emitted when the compliance role registers or removes system holder `holder`.
    event SystemHolderSet(address indexed holder, bool registered);
    /// @notice Emitted when the compliance role makes system holder `holder` look-through (`lookThrough`) or a holder
    /// of record.
    event LookThroughSet(address indexed holder, bool lookThrough);
    /// @notice Emitted when look-through system holder `holder` moves exposure to this token from `from` (`debited`)
    /// to `to` (`credited`); the zero address stands for exposure created or removed.
    event LookThroughTransfer(
        address indexed holder, address indexed from, address indexed to, uint256 debited, uint256 credited
    );

    // ----------------------------------------------------------------------------------- Errors

    /// @notice Thrown by `pause` when already paused.
    error AlreadyPaused();
    /// @notice Thrown by `unpause` when not paused.
    error NotPaused();
    /// @notice Thrown by `freezePartialTokens` when `wallet` would have `frozenAfter` frozen out of `balance`.
    error FreezeExceedsBalance(address wallet, uint256 balance, uint256 frozenAfter);
    /// @notice Thrown by `unfreezePartialTokens` when `wallet` has only `frozen` frozen tokens, not `amount`.
    error UnfreezeExceedsFrozen(address wallet, uint256 frozen, uint256 amount);
    /// @notice Thrown by `recoveryAddress` when `newWallet` is not a wallet of `lostWallet`'s identity `identity`.
    error RecoveryIdentityMismatch(address lostWallet, address newWallet, uint32 identity);
    /// @notice Thrown by `recoveryAddress` when `lostWallet` holds nothing.
    error NothingToRecover(address lostWallet);
    /// @notice Thrown by `setSystemHolder` when `holder` is a wallet of identity `identity`.
    error SystemHolderHasIdentity(address holder, uint32 identity);
    /// @notice Thrown by `setSystemHolder` when removing `holder`, which still holds `balance` tokens.
    error SystemHolderHoldsTokens(address holder, uint256 balance);
    /// @notice Thrown by `lookThroughTransfer` when the caller `caller` is not a system holder.
    error NotSystemHolder(address caller);
    /// @notice Thrown by `setLookThrough` when `holder` is not a system holder.
    error LookThroughNotSystemHolder(address holder);
    /// @notice Thrown by batch functions when two arrays differ in length.
    error ArrayLengthMismatch(uint256 length, uint256 otherLength);

    // ------------------------------------------------------------------------------- Issuer role

    /// @notice Mints `amount` to `to`, which must pass the receiver rules (verified identity or system holder,
    /// not frozen, country, category, max balance, max holders, transfer rules).
    function mint(address to, uint256 amount) external;

    /// @notice Burns `amount` from `from`; frozen tokens are released first if the unfrozen balance falls short.
    function burn(address from, uint256 amount) external;

    /// @notice `mint` for each pair.
    function batchMint(address[] calldata to, uint256[] calldata amounts) external;

    /// @notice `burn` for each pair.
    function batchBurn(address[] calldata from, uint256[] calldata amounts) external;

    // -------------------------------------------------------------------------------- Agent role

    /// @notice Pauses holder transfers (not mint, burn, forced transfer or recovery).
    function pause() external;

    /// @notice Unpauses holder transfers.
    function unpause() external;

    /// @notice Freezes (`freeze` true) or unfreezes `wallet`: a frozen wallet neither sends nor receives.
    function setAddressFrozen(address wallet, bool freeze) external;

    /// @notice Freezes `amount` more of `wallet`'s balance (at most its balance in all).
    function freezePartialTokens(address wallet, uint256 amount) external;

    /// @notice Releases `amount` of `wallet`'s frozen tokens.
    function unfreezePartialTokens(address wallet, uint256 amount) external;

    /// @notice `setAddressFrozen` for each pair.
    function batchSetAddressFrozen(address[] calldata wallets, bool[] calldata freeze) external;

    /// @notice `freezePartialTokens` for each pair.
    function batchFreezePartialTokens(address[] calldata wallets, uint256[] calldata amounts) external;

    /// @notice Moves `amount` from `from` to `to` bypassing the pause, frozen wallets and every rule; frozen tokens of
    /// `from` are released first if needed. `to` must be a wallet linked to an identity (any KYC status) or a system
    /// holder.
    function forcedTransfer(address from, address to, uint256 amount) external returns (bool);

    /// @notice Moves the whole balance of `lostWallet` to `newWallet`, which must be a wallet of the same identity
    /// (a provider attests it first), whatever the identity's status. Frozen tokens and the frozen flag move along.
    function recoveryAddress(address lostWallet, address newWallet) external returns (bool);

    /// @notice Sets identity `identity`'s lockup in this token: its wallets cannot send before `until`.
    function setLockup(uint32 identity, uint40 until) external;

    // --------------------------------------------------------------------------- Compliance role

    /// @notice Registers (or removes) `holder`, a platform contract such as governance staking, a basket or an oracle
    /// escrow, as an eligible holder without identity. It may not be a wallet of an identity; it is removed only
    /// when it holds nothing.
    function setSystemHolder(address holder, bool registered) external;

    /// @notice Decides how system holder `holder` counts toward the max-holders and max-balance rules: as one holder
    /// of record (`lookThrough` false, the default: the contract is the holder, its own holders are not counted), or
    /// look-through (true): the holder reports its holders' exposure (`lookThroughTransfer`), each identity's
    /// exposure counts toward the holder count and its max balance. `holder` must be a system holder holding nothing
    /// (the exposure is booked from the first token on).
    function setLookThrough(address holder, bool lookThrough) external;

    // ------------------------------------------------------------------------- System holders

    /// @notice Called by a system holder (a basket, governance staking) for each movement of its own shares (basket
    /// tokens, stakes) standing for `amount` of this token, from `from` to `to` (the zero address: created or
    /// removed). Both sides must be able to hold this token: not frozen, a verified identity (AML clear, KYC valid)
    /// or a system holder, country and category allowed (the sender's side is skipped when `forced`, for the
    /// holder's agent actions). A look-through holder also moves the exposure: `from`'s booked exposure with the
    /// caller goes down by `amount` (all of it when `fromExits`, or when less is booked: the holder's units drift),
    /// `to`'s goes up by `amount`, and the receiving identity passes the max-balance and max-holders rules on its
    /// direct balance plus exposure. Reverts with this token's refusal errors (`ICompliance`).
    function lookThroughTransfer(address from, address to, uint256 amount, bool fromExits, bool forced) external;

    /// @notice Dry run of `lookThroughTransfer(from, to, amount, false, false)` called by `holder`.
    /// @return code The restriction code (`Restrictions`), 0 when allowed.
    function detectLookThroughRestriction(address holder, address from, address to, uint256 amount)
        external
        view
        returns (uint8 code);

    // ------------------------------------------------------------------------------------ Holders

    /// @notice `transfer` to each receiver.
    function batchTransfer(address[] calldata to, uint256[] calldata amounts) external;

    // ---------------------------------------------------------------------------------------- Views

    /// @notice The identity registry (immutable).
    function identityRegistry() external view returns (IIdentityRegistry);

    /// @notice Whether `wallet` belongs to an identity with valid KYC and clear AML, as known to this token.
    function isVerified(address wallet) external view returns (bool);

    /// @notice The packed record of `wallet`.
    function walletRecord(address wallet) external view returns (WalletRecord memory);

    /// @notice Whether holder transfers are paused.
    function paused() external view returns (bool);

    /// @notice Whether `wallet` is frozen.
    function isFrozen(address wallet) external view returns (bool);

    /// @notice The frozen part of `wallet`'s balance.
    function getFrozenTokens(address wallet) external view returns (uint256);

    /// @notice Whether `holder` is a registered system holder.
    function isSystemHolder(address holder) external view returns (bool);

    /// @notice The balance of identity `identity` (all its wallets together).
    function identityBalanceOf(uint32 identity) external view returns (uint256);

    /// @notice Whether system holder `holder` is look-through (`setLookThrough`).
    function isLookThrough(address holder) external view returns (bool);

    /// @notice The exposure to this token that look-through holder `holder` booked for `wallet`.
    function exposureOf(address holder, address wallet) external view returns (uint256);

    /// @notice The look-through exposure of identity `identity` (all holders and wallets together).
    function lookThroughBalanceOf(uint32 identity) external view returns (uint256);

    /// @notice The lockup end of identity `identity`.
    function lockupOf(uint32 identity) external view returns (uint40);
}

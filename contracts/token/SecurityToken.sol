// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Documents} from "./Documents.sol";
import {ComplianceConfig, ICompliance} from "./interfaces/ICompliance.sol";
import {IERC1404} from "./interfaces/IERC1404.sol";
import {IIdentityListener} from "./interfaces/IIdentityListener.sol";
import {IIdentityRegistry, Identity} from "./interfaces/IIdentityRegistry.sol";
import {ISecurityToken, WalletRecord} from "./interfaces/ISecurityToken.sol";
import {ITransferRule} from "./interfaces/ITransferRule.sol";
import {PackedWallet, PackedWallets} from "./libraries/PackedWallets.sol";
import {Restrictions} from "./libraries/Restrictions.sol";
import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";

/// @title SecurityToken
/// @notice Compliant ERC-20 shares: identity-bound holders, built-in compliance rules, agent powers, documents.
/// @dev Storage is laid out for the transfer path. A transfer between two single-wallet identities reads the packed
/// `ComplianceConfig` (1 slot), the two `PackedWallet` records (1 slot each) and the ERC-20 balances, and calls no
/// other contract unless extra transfer rules are added. The identity fields of a record are copied from the registry
/// when attestations change (`syncIdentity`), with whether the country is allowed; that bit holds until the country
/// list changes (`countryEpoch`), after which the country bitmap is read until the identity is synced again. The
/// identity balance is the wallet balance for single-wallet identities and is stored apart (`_sharedBalances`) only
/// for identities with several.
contract SecurityToken is ERC20, AccessManaged, Documents, ISecurityToken {
    using Restrictions for uint8;

    /// @dev One balance change with what the rules and the holder accounting need, loaded once.
    struct Move {
        address from;
        address to;
        uint256 value;
        PackedWallet sender;
        PackedWallet receiver;
        /// @dev Identity balances before the move (0 for addresses without identity).
        uint256 senderHeld;
        uint256 receiverHeld;
        /// @dev Look-through exposure of the identities before the move (read when the move changes hands).
        uint256 senderExposure;
        uint256 receiverExposure;
        /// @dev Look-through transfers: the exposure taken from the sender (`value` is what the receiver gets).
        uint256 debit;
        /// @dev Whether the move changes hands between identities (false within one identity).
        bool crossing;
        /// @dev Whether the receiver's identity becomes a holder / the sender's stops being one.
        bool joins;
        bool leaves;
    }

    // --------------------------------------------------------------------------------- Constants

    /// @inheritdoc ICompliance
    uint256 public constant MAX_TRANSFER_RULES = 8;

    uint16 private constant MAX_COUNTRY = 999;

    // -------------------------------------------------------------------------------- Immutables

    /// @inheritdoc ISecurityToken
    IIdentityRegistry public immutable identityRegistry;

    uint8 private immutable _decimals;

    // ----------------------------------------------------------------------------------- Storage

    ComplianceConfig private _config;
    mapping(address wallet => PackedWallet) private _wallets;
    mapping(address wallet => uint256) private _frozenTokens;
    /// @dev Balance of identities with several wallets (see `PackedWallets.SHARED_IDENTITY`).
    mapping(uint32 identity => uint256) private _sharedBalances;
    mapping(uint32 identity => uint40) private _lockups;
    /// @dev Allowed countries, bit `country % 256` of word `country / 256`.
    mapping(uint256 word => uint256) private _countryWords;
    ITransferRule[] private _transferRules;
    /// @dev Exposure to this token booked by look-through system holders for each wallet holding their shares.
    mapping(address holder => mapping(address wallet => uint256)) private _exposures;
    /// @dev Look-through exposure of each identity: `_exposures` summed over holders and the identity's wallets.
    mapping(uint32 identity => uint256) private _lookThrough;
    /// @dev Set during agent actions (burn, forced transfer, recovery): `_update` then skips the rules.
    bool private transient _agentAction;

    // ------------------------------------------------------------------------------- Constructor

    /// @param name_ ERC-20 name.
    /// @param symbol_ ERC-20 symbol.
    /// @param decimals_ ERC-20 decimals (0 for whole shares).
    /// @param registry The identity registry whose updates this token accepts.
    /// @param authority The AccessManager holding the issuer, agent and compliance roles.
    constructor(
        string memory name_,
        string memory symbol_,
        uint8 decimals_,
        IIdentityRegistry registry,
        address authority
    ) ERC20(name_, symbol_) AccessManaged(authority) {
        _decimals = decimals_;
        identityRegistry = registry;
    }

    /// @inheritdoc ERC20
    function decimals() public view override(ERC20, IERC20Metadata) returns (uint8) {
        return _decimals;
    }

    // ------------------------------------------------------------------------------- Transfers

    /// @inheritdoc ISecurityToken
    function batchTransfer(address[] calldata to, uint256[] calldata amounts) external {
        _checkLengths(to.length, amounts.length);
        for (uint256 i; i < to.length; ++i) {
            _transfer(msg.sender, to[i], amounts[i]);
        }
    }

    /// @dev The single hook of every balance change: rules (unless an agent acts), ERC-20 update, holder accounting.
    function _update(address from, address to, uint256 value) internal override {
        ComplianceConfig memory config = _config;
        Move memory move = _loadMove(from, to, value);
        if (!_agentAction) {
            uint8 code = _restriction(config, move);
            if (code != Restrictions.SUCCESS) _refuse(code, config, move);
        }
        super._update(from, to, value);
        if (move.crossing) _account(config, move);
    }

    function _loadMove(address from, address to, uint256 value) private view returns (Move memory move) {
        move.from = from;
        move.to = to;
        move.value = value;
        if (from != address(0)) {
            move.sender = _wallets[from];
            move.senderHeld = _held(from, move.sender);
        }
        if (to != address(0)) {
            move.receiver = _wallets[to];
            move.receiverHeld = _held(to, move.receiver);
        }
        move.crossing = move.sender.identity() != move.receiver.identity();
        if (move.crossing) {
            move.receiverExposure = _exposureOf(move.receiver);
            if (value != 0) {
                move.joins = move.receiver.identity() != 0 && move.receiverHeld == 0 && move.receiverExposure == 0;
                move.leaves = move.sender.identity() != 0 && move.senderHeld == value && _exposureOf(move.sender) == 0;
            }
        }
    }

    /// @dev The look-through exposure of `record`'s identity, read only when it may have some (`_markExposed`).
    function _exposureOf(PackedWallet record) private view returns (uint256) {
        if (!record.has(PackedWallets.EXPOSED)) return 0;
        return _lookThrough[record.identity()];
    }

    /// @dev The balance of `wallet`'s identity (0 without identity).
    function _held(address wallet, PackedWallet record) private view returns (uint256) {
        uint32 identity = record.identity();
        if (identity == 0) return 0;
        return record.has(PackedWallets.SHARED_IDENTITY) ? _sharedBalances[identity] : balanceOf(wallet);
    }

    /// @dev Identity balances and holder count after a move between identities.
    function _account(ComplianceConfig memory config, Move memory move) private {
        if (move.sender.has(PackedWallets.SHARED_IDENTITY)) {
            _sharedBalances[move.sender.identity()] = move.senderHeld - move.value;
        }
        if (move.receiver.has(PackedWallets.SHARED_IDENTITY)) {
            _sharedBalances[move.receiver.identity()] = move.receiverHeld + move.value;
        }
        if (move.joins != move.leaves) {
            _config.holderCount = move.joins ? config.holderCount + 1 : config.holderCount - 1;
        }
    }

    // ------------------------------------------------------------------------------------- Rules

    /// @dev The first rule `move` breaks, in this order: pause, sender (frozen, unfrozen balance, lockup), receiver
    /// (frozen, identity, AML, KYC, country, category, max balance, max holders, transfer rules).
    function _restriction(ComplianceConfig memory config, Move memory move) private view returns (uint8) {
        if (move.from != address(0)) {
            if (config.paused) return Restrictions.PAUSED;
            PackedWallet sender = move.sender;
            if (sender.has(PackedWallets.FROZEN)) return Restrictions.SENDER_FROZEN;
            if (sender.has(PackedWallets.PARTIALLY_FROZEN) && _unfrozenBalance(move.from) < move.value) {
                return Restrictions.INSUFFICIENT_UNFROZEN_BALANCE;
            }
            if (config.rules & Restrictions.RULE_LOCKUP != 0 && sender.lockupUntil() > block.timestamp) {
                return Restrictions.SENDER_LOCKED;
            }
        }
        return _receiverRestriction(config, move);
    }

    function _receiverRestriction(ComplianceConfig memory config, Move memory move) private view returns (uint8) {
        uint8 code = _holdingRestriction(config, move.receiver);
        if (code != Restrictions.SUCCESS) return code;
        if (move.crossing && !move.receiver.has(PackedWallets.SYSTEM_HOLDER)) {
            code = _limitRestriction(config, move);
            if (code != Restrictions.SUCCESS) return code;
        }
        if (config.transferRuleCount != 0 && address(_refusingRule(move)) != address(0)) {
            return Restrictions.TRANSFER_RULE_REFUSED;
        }
        return Restrictions.SUCCESS;
    }

    /// @dev The first rule that keeps `record`'s wallet from holding the token (receiver codes): frozen, identity,
    /// AML, KYC, country, category. System holders only need not be frozen.
    function _holdingRestriction(ComplianceConfig memory config, PackedWallet record) private view returns (uint8) {
        if (record.has(PackedWallets.FROZEN)) return Restrictions.RECEIVER_FROZEN;
        if (record.has(PackedWallets.SYSTEM_HOLDER)) return Restrictions.SUCCESS;
        if (record.identity() == 0) return Restrictions.RECEIVER_NOT_REGISTERED;
        if (record.has(PackedWallets.AML_FLAGGED)) return Restrictions.RECEIVER_AML_FLAGGED;
        if (record.kycExpiry() <= block.timestamp) return Restrictions.RECEIVER_KYC_EXPIRED;
        uint8 rules = config.rules;
        if (rules & Restrictions.RULE_COUNTRY != 0 && !_isCountryAllowedFor(config, record)) {
            return Restrictions.COUNTRY_NOT_ALLOWED;
        }
        if (rules & Restrictions.RULE_CATEGORY != 0 && !_isCategoryAllowed(config, record.category())) {
            return Restrictions.CATEGORY_NOT_ALLOWED;
        }
        return Restrictions.SUCCESS;
    }

    /// @dev The max-balance and max-holders rules for the receiving identity of a move between identities: its
    /// direct balance plus look-through exposure, and whether it joins the holders.
    function _limitRestriction(ComplianceConfig memory config, Move memory move) private pure returns (uint8) {
        uint256 held = move.receiverHeld + move.receiverExposure;
        if (
            config.rules & Restrictions.RULE_MAX_BALANCE != 0
                && (held > config.maxBalance || move.value > config.maxBalance - held)
        ) return Restrictions.MAX_BALANCE_EXCEEDED;
        if (
            config.rules & Restrictions.RULE_MAX_HOLDERS != 0 && move.joins && !move.leaves
                && config.holderCount >= config.maxHolders
        ) return Restrictions.MAX_HOLDERS_EXCEEDED;
        return Restrictions.SUCCESS;
    }

    /// @dev Reverts with the error of restriction `code`.
    function _refuse(uint8 code, ComplianceConfig memory config, Move memory move) private view {
        address from = move.from;
        address to = move.to;
        PackedWallet receiver = move.receiver;
        if (code == Restrictions.PAUSED) revert TransfersPaused(from, to);
        if (code == Restrictions.SENDER_FROZEN) revert SenderFrozen(from);
        if (code == Restrictions.INSUFFICIENT_UNFROZEN_BALANCE) {
            revert InsufficientUnfrozenBalance(from, _unfrozenBalance(from), move.value);
        }
        if (code == Restrictions.SENDER_LOCKED) {
            revert SenderLocked(from, move.sender.identity(), move.sender.lockupUntil());
        }
        if (code == Restrictions.RECEIVER_FROZEN) revert ReceiverFrozen(to);
        if (code == Restrictions.RECEIVER_NOT_REGISTERED) revert ReceiverNotRegistered(to);
        if (code == Restrictions.RECEIVER_AML_FLAGGED) revert ReceiverAmlFlagged(to, receiver.identity());
        if (code == Restrictions.RECEIVER_KYC_EXPIRED) {
            revert ReceiverKycExpired(to, receiver.identity(), receiver.kycExpiry());
        }
        if (code == Restrictions.COUNTRY_NOT_ALLOWED) revert CountryNotAllowed(to, receiver.country());
        if (code == Restrictions.CATEGORY_NOT_ALLOWED) revert CategoryNotAllowed(to, receiver.category());
        if (code == Restrictions.MAX_BALANCE_EXCEEDED) {
            uint256 balanceAfter = move.receiverHeld + move.receiverExposure + move.value;
            revert MaxBalanceExceeded(to, receiver.identity(), balanceAfter, config.maxBalance);
        }
        if (code == Restrictions.MAX_HOLDERS_EXCEEDED) {
            revert MaxHoldersExceeded(to, config.holderCount + 1, config.maxHolders);
        }
        if (code == Restrictions.TRANSFER_RULE_REFUSED) {
            revert TransferRuleRefused(address(_refusingRule(move)), from, to, move.value);
        }
        PackedWallet sender = move.sender;
        if (code == Restrictions.SENDER_NOT_REGISTERED) revert SenderNotRegistered(from);
        if (code == Restrictions.SENDER_AML_FLAGGED) revert SenderAmlFlagged(from, sender.identity());
        if (code == Restrictions.SENDER_KYC_EXPIRED) {
            revert SenderKycExpired(from, sender.identity(), sender.kycExpiry());
        }
        if (code == Restrictions.SENDER_COUNTRY_NOT_ALLOWED) revert SenderCountryNotAllowed(from, sender.country());
        revert SenderCategoryNotAllowed(from, sender.category());
    }

    /// @dev The first extra transfer rule refusing `move`, or 0.
    function _refusingRule(Move memory move) private view returns (ITransferRule) {
        uint256 count = _transferRules.length;
        for (uint256 i; i < count; ++i) {
            ITransferRule rule = _transferRules[i];
            if (!rule.isTransferAllowed(address(this), move.from, move.to, move.value)) return rule;
        }
        return ITransferRule(address(0));
    }

    /// @dev The record's cached answer while the country list is unchanged since it was written, else the bitmap's.
    function _isCountryAllowedFor(ComplianceConfig memory config, PackedWallet record) private view returns (bool) {
        return record.countryEpoch() == config.countryEpoch
            ? record.has(PackedWallets.COUNTRY_ALLOWED)
            : _isCountryAllowed(record.country());
    }

    function _isCountryAllowed(uint16 country) private view returns (bool) {
        return (_countryWords[country >> 8] >> (country & 0xff)) & 1 == 1;
    }

    function _isCategoryAllowed(ComplianceConfig memory config, uint8 category) private pure returns (bool) {
        return category < 16 && (config.allowedCategories >> category) & 1 == 1;
    }

    function _unfrozenBalance(address wallet) private view returns (uint256) {
        uint256 balance = balanceOf(wallet);
        uint256 frozen = _frozenTokens[wallet];
        return balance > frozen ? balance - frozen : 0;
    }

    // --------------------------------------------------------------------------- Look-through

    /// @inheritdoc ISecurityToken
    function lookThroughTransfer(address from, address to, uint256 amount, bool fromExits, bool forced) external {
        PackedWallet holder = _wallets[msg.sender];
        if (!holder.has(PackedWallets.SYSTEM_HOLDER)) revert NotSystemHolder(msg.sender);
        ComplianceConfig memory config = _config;
        bool lookThrough = holder.has(PackedWallets.LOOK_THROUGH);
        Move memory move = _loadThrough(msg.sender, lookThrough, from, to, amount, fromExits);
        uint8 code = _throughRestriction(config, move, lookThrough, forced);
        if (code != Restrictions.SUCCESS) _refuse(code, config, move);
        if (lookThrough) _book(config, move);
    }

    /// @dev A movement of `holder`'s shares standing for `amount` of this token; for a look-through holder with
    /// the exposure it debits (`fromExits`: all that is booked for `from`, else `amount` at most) and, between
    /// identities, their direct balances, exposures and whether they join or leave the holders.
    function _loadThrough(address holder, bool lookThrough, address from, address to, uint256 amount, bool fromExits)
        private
        view
        returns (Move memory move)
    {
        move.from = from;
        move.to = to;
        move.value = amount;
        if (from != address(0)) move.sender = _wallets[from];
        if (to != address(0)) move.receiver = _wallets[to];
        if (!lookThrough) return move;
        if (from != address(0)) {
            uint256 booked = _exposures[holder][from];
            move.debit = fromExits || amount > booked ? booked : amount;
        }
        uint32 senderId = move.sender.identity();
        uint32 receiverId = move.receiver.identity();
        move.crossing = senderId != receiverId;
        if (!move.crossing) return move;
        if (receiverId != 0) {
            move.receiverHeld = _held(to, move.receiver);
            move.receiverExposure = _lookThrough[receiverId];
            move.joins = amount != 0 && move.receiverHeld == 0 && move.receiverExposure == 0;
        }
        if (senderId != 0 && move.debit != 0) {
            move.senderExposure = _lookThrough[senderId];
            move.leaves = move.senderExposure == move.debit && _held(from, move.sender) == 0;
        }
    }

    /// @dev The first rule a look-through transfer breaks: the sender's holding rules (unless `forced`, as sender
    /// codes), the receiver's, then for a look-through holder the receiving identity's limits.
    function _throughRestriction(ComplianceConfig memory config, Move memory move, bool lookThrough, bool forced)
        private
        view
        returns (uint8 code)
    {
        if (move.from != address(0) && !forced) {
            code = _holdingRestriction(config, move.sender);
            if (code != Restrictions.SUCCESS) {
                return
                    code == Restrictions.RECEIVER_FROZEN
                        ? Restrictions.SENDER_FROZEN
                        : code + Restrictions.SENDER_OFFSET;
            }
        }
        if (move.to == address(0)) return Restrictions.SUCCESS;
        code = _holdingRestriction(config, move.receiver);
        if (code != Restrictions.SUCCESS || !lookThrough || !move.crossing) return code;
        if (move.receiver.has(PackedWallets.SYSTEM_HOLDER)) return Restrictions.SUCCESS;
        return _limitRestriction(config, move);
    }

    /// @dev Books a look-through move of the caller's: the wallets' exposures, the identities' sums, the holder count.
    function _book(ComplianceConfig memory config, Move memory move) private {
        uint256 debit = move.debit;
        uint256 credit = move.value;
        if (debit != 0) _exposures[msg.sender][move.from] -= debit;
        PackedWallet receiver = move.receiver;
        if (move.to != address(0) && credit != 0) {
            _exposures[msg.sender][move.to] += credit;
            if (receiver.identity() != 0 && !receiver.has(PackedWallets.EXPOSED)) _markExposed(move.to, receiver);
        }
        emit LookThroughTransfer(msg.sender, move.from, move.to, debit, credit);
        uint32 senderId = move.sender.identity();
        uint32 receiverId = receiver.identity();
        if (!move.crossing) {
            if (senderId != 0 && debit != credit) _lookThrough[senderId] = _lookThrough[senderId] + credit - debit;
            return;
        }
        if (senderId != 0 && debit != 0) _lookThrough[senderId] = move.senderExposure - debit;
        if (receiverId != 0 && credit != 0) _lookThrough[receiverId] = move.receiverExposure + credit;
        if (move.joins != move.leaves) {
            _config.holderCount = move.joins ? config.holderCount + 1 : config.holderCount - 1;
        }
    }

    /// @dev Flags the wallets of `wallet`'s identity (all of them when it has several) as possibly exposed, so that
    /// their direct transfers read the identity's look-through exposure; the flag stays (a stale one costs a read).
    function _markExposed(address wallet, PackedWallet record) private {
        if (!record.has(PackedWallets.SHARED_IDENTITY)) {
            _wallets[wallet] = record.with(PackedWallets.EXPOSED, true);
            return;
        }
        address[] memory wallets = identityRegistry.walletsOf(record.identity());
        for (uint256 i; i < wallets.length; ++i) {
            _wallets[wallets[i]] = _wallets[wallets[i]].with(PackedWallets.EXPOSED, true);
        }
    }

    /// @inheritdoc ISecurityToken
    function detectLookThroughRestriction(address holder, address from, address to, uint256 amount)
        external
        view
        returns (uint8)
    {
        bool lookThrough = _wallets[holder].has(PackedWallets.LOOK_THROUGH);
        Move memory move = _loadThrough(holder, lookThrough, from, to, amount, false);
        return _throughRestriction(_config, move, lookThrough, false);
    }

    // -------------------------------------------------------------------------------- Dry runs

    /// @inheritdoc ICompliance
    function canTransfer(address from, address to, uint256 amount) public view returns (bool allowed, uint8 code) {
        code = to == address(0)
            ? Restrictions.RECEIVER_NOT_REGISTERED
            : _restriction(_config, _loadMove(from, to, amount));
        if (code == Restrictions.SUCCESS && from != address(0) && balanceOf(from) < amount) {
            code = Restrictions.INSUFFICIENT_BALANCE;
        }
        allowed = code == Restrictions.SUCCESS;
    }

    /// @inheritdoc IERC1404
    function detectTransferRestriction(address from, address to, uint256 value) external view returns (uint8 code) {
        (, code) = canTransfer(from, to, value);
    }

    /// @inheritdoc IERC1404
    function messageForTransferRestriction(uint8 code) external pure returns (string memory) {
        return code.message();
    }

    /// @inheritdoc ICompliance
    function canReceive(address account) external view returns (bool) {
        if (account == address(0)) return false;
        return _receiverRestriction(_config, _loadMove(address(0), account, 1)) == Restrictions.SUCCESS;
    }

    /// @inheritdoc ICompliance
    function canSend(address account) external view returns (bool) {
        PackedWallet record = _wallets[account];
        bool locked = _config.rules & Restrictions.RULE_LOCKUP != 0 && record.lockupUntil() > block.timestamp;
        return !_config.paused && !record.has(PackedWallets.FROZEN) && !locked && _unfrozenBalance(account) != 0;
    }

    // ------------------------------------------------------------------------------- Issuer role

    /// @inheritdoc ISecurityToken
    function mint(address to, uint256 amount) external restricted {
        _mint(to, amount);
    }

    /// @inheritdoc ISecurityToken
    function burn(address from, uint256 amount) external restricted {
        _burnReleasing(from, amount);
    }

    /// @inheritdoc ISecurityToken
    function batchMint(address[] calldata to, uint256[] calldata amounts) external restricted {
        _checkLengths(to.length, amounts.length);
        for (uint256 i; i < to.length; ++i) {
            _mint(to[i], amounts[i]);
        }
    }

    /// @inheritdoc ISecurityToken
    function batchBurn(address[] calldata from, uint256[] calldata amounts) external restricted {
        _checkLengths(from.length, amounts.length);
        for (uint256 i; i < from.length; ++i) {
            _burnReleasing(from[i], amounts[i]);
        }
    }

    function _burnReleasing(address from, uint256 amount) private {
        _releaseFrozen(from, amount);
        _agentAction = true;
        _burn(from, amount);
        _agentAction = false;
    }

    // -------------------------------------------------------------------------------- Agent role

    /// @inheritdoc ISecurityToken
    function pause() external restricted {
        if (_config.paused) revert AlreadyPaused();
        _config.paused = true;
        emit Paused(msg.sender);
    }

    /// @inheritdoc ISecurityToken
    function unpause() external restricted {
        if (!_config.paused) revert NotPaused();
        _config.paused = false;
        emit Unpaused(msg.sender);
    }

    /// @inheritdoc ISecurityToken
    function setAddressFrozen(address wallet, bool freeze) external restricted {
        _setAddressFrozen(wallet, freeze);
    }

    /// @inheritdoc ISecurityToken
    function batchSetAddressFrozen(address[] calldata wallets, bool[] calldata freeze) external restricted {
        _checkLengths(wallets.length, freeze.length);
        for (uint256 i; i < wallets.length; ++i) {
            _setAddressFrozen(wallets[i], freeze[i]);
        }
    }

    /// @inheritdoc ISecurityToken
    function freezePartialTokens(address wallet, uint256 amount) external restricted {
        _freezePartialTokens(wallet, amount);
    }

    /// @inheritdoc ISecurityToken
    function batchFreezePartialTokens(address[] calldata wallets, uint256[] calldata amounts) external restricted {
        _checkLengths(wallets.length, amounts.length);
        for (uint256 i; i < wallets.length; ++i) {
            _freezePartialTokens(wallets[i], amounts[i]);
        }
    }

    /// @inheritdoc ISecurityToken
    function unfreezePartialTokens(address wallet, uint256 amount) external restricted {
        uint256 frozen = _frozenTokens[wallet];
        if (amount > frozen) revert UnfreezeExceedsFrozen(wallet, frozen, amount);
        _setFrozenTokens(wallet, frozen - amount);
        emit TokensUnfrozen(wallet, amount);
    }

    /// @inheritdoc ISecurityToken
    function forcedTransfer(address from, address to, uint256 amount) external restricted returns (bool) {
        PackedWallet receiver = _wallets[to];
        if (receiver.identity() == 0 && !receiver.has(PackedWallets.SYSTEM_HOLDER)) revert ReceiverNotRegistered(to);
        _releaseFrozen(from, amount);
        _agentAction = true;
        _transfer(from, to, amount);
        _agentAction = false;
        emit TransferForced(from, to, amount);
        return true;
    }

    /// @inheritdoc ISecurityToken
    function recoveryAddress(address lostWallet, address newWallet) external restricted returns (bool) {
        uint256 balance = balanceOf(lostWallet);
        if (balance == 0) revert NothingToRecover(lostWallet);
        PackedWallet lost = _wallets[lostWallet];
        uint32 identity = lost.identity();
        if (identity == 0 || newWallet == lostWallet || _wallets[newWallet].identity() != identity) {
            revert RecoveryIdentityMismatch(lostWallet, newWallet, identity);
        }
        uint256 frozen = _frozenTokens[lostWallet];
        _agentAction = true;
        _transfer(lostWallet, newWallet, balance);
        _agentAction = false;
        if (frozen != 0) {
            _setFrozenTokens(lostWallet, 0);
            _setFrozenTokens(newWallet, _frozenTokens[newWallet] + frozen);
        }
        if (lost.has(PackedWallets.FROZEN)) _setAddressFrozen(newWallet, true);
        emit RecoverySuccess(lostWallet, newWallet, identity);
        return true;
    }

    /// @inheritdoc ISecurityToken
    function setLockup(uint32 identity, uint40 until) external restricted {
        _lockups[identity] = until;
        emit LockupSet(identity, until);
        address[] memory wallets = identityRegistry.walletsOf(identity);
        for (uint256 i; i < wallets.length; ++i) {
            PackedWallet record = _wallets[wallets[i]];
            if (record.identity() == identity) _wallets[wallets[i]] = record.withLockup(until);
        }
    }

    function _setAddressFrozen(address wallet, bool freeze) private {
        _wallets[wallet] = _wallets[wallet].with(PackedWallets.FROZEN, freeze);
        emit AddressFrozen(wallet, freeze, msg.sender);
    }

    function _freezePartialTokens(address wallet, uint256 amount) private {
        uint256 balance = balanceOf(wallet);
        uint256 frozenAfter = _frozenTokens[wallet] + amount;
        if (frozenAfter > balance) revert FreezeExceedsBalance(wallet, balance, frozenAfter);
        _setFrozenTokens(wallet, frozenAfter);
        emit TokensFrozen(wallet, amount);
    }

    /// @dev Releases what an agent action taking `amount` from `wallet` needs beyond its unfrozen balance.
    function _releaseFrozen(address wallet, uint256 amount) private {
        uint256 frozen = _frozenTokens[wallet];
        if (frozen == 0) return;
        uint256 unfrozen = _unfrozenBalance(wallet);
        if (amount <= unfrozen) return;
        uint256 released = amount - unfrozen < frozen ? amount - unfrozen : frozen;
        _setFrozenTokens(wallet, frozen - released);
        emit TokensUnfrozen(wallet, released);
    }

    function _setFrozenTokens(address wallet, uint256 amount) private {
        _frozenTokens[wallet] = amount;
        PackedWallet record = _wallets[wallet];
        if (record.has(PackedWallets.PARTIALLY_FROZEN) != (amount != 0)) {
            _wallets[wallet] = record.with(PackedWallets.PARTIALLY_FROZEN, amount != 0);
        }
    }

    // --------------------------------------------------------------------------- Compliance role

    /// @inheritdoc ICompliance
    function setRules(uint8 rules) external restricted {
        if (rules & ~Restrictions.RULE_ALL != 0) revert InvalidRules(rules);
        _config.rules = rules;
        emit RulesSet(rules);
    }

    /// @inheritdoc ICompliance
    function setLimits(uint32 maxHolders, uint128 maxBalance) external restricted {
        _config.maxHolders = maxHolders;
        _config.maxBalance = maxBalance;
        emit LimitsSet(maxHolders, maxBalance);
    }

    /// @inheritdoc ICompliance
    function setCountriesAllowed(uint16[] calldata countries, bool allowed) external restricted {
        for (uint256 i; i < countries.length; ++i) {
            uint16 country = countries[i];
            if (country > MAX_COUNTRY) revert InvalidCountry(country);
            uint256 bit = 1 << (country & 0xff);
            uint256 word = _countryWords[country >> 8];
            _countryWords[country >> 8] = allowed ? word | bit : word & ~bit;
        }
        ++_config.countryEpoch;
        emit CountriesSet(countries, allowed);
    }

    /// @inheritdoc ICompliance
    function setAllowedCategories(uint16 allowedCategories) external restricted {
        _config.allowedCategories = allowedCategories;
        emit CategoriesSet(allowedCategories);
    }

    /// @inheritdoc ICompliance
    function addTransferRule(ITransferRule rule) external restricted {
        uint256 count = _transferRules.length;
        if (_indexOfRule(rule) < count) revert TransferRuleAlreadyAdded(address(rule));
        if (count == MAX_TRANSFER_RULES) revert TooManyTransferRules();
        _transferRules.push(rule);
        // forge-lint: disable-next-line(unsafe-typecast) (count <= MAX_TRANSFER_RULES)
        _config.transferRuleCount = uint8(count + 1);
        emit TransferRuleAdded(address(rule));
    }

    /// @inheritdoc ICompliance
    function removeTransferRule(ITransferRule rule) external restricted {
        uint256 index = _indexOfRule(rule);
        uint256 count = _transferRules.length;
        if (index == count) revert TransferRuleNotFound(address(rule));
        _transferRules[index] = _transferRules[count - 1];
        _transferRules.pop();
        // forge-lint: disable-next-line(unsafe-typecast) (count <= MAX_TRANSFER_RULES)
        _config.transferRuleCount = uint8(count - 1);
        emit TransferRuleRemoved(address(rule));
    }

    /// @inheritdoc ISecurityToken
    function setSystemHolder(address holder, bool registered) external restricted {
        PackedWallet record = _wallets[holder];
        if (registered) {
            if (record.identity() != 0) revert SystemHolderHasIdentity(holder, record.identity());
        } else {
            uint256 balance = balanceOf(holder);
            if (balance != 0) revert SystemHolderHoldsTokens(holder, balance);
        }
        // A removed holder loses its look-through setting with its registration.
        _wallets[holder] = record.with(PackedWallets.SYSTEM_HOLDER, registered)
            .with(PackedWallets.LOOK_THROUGH, registered && record.has(PackedWallets.LOOK_THROUGH));
        emit SystemHolderSet(holder, registered);
    }

    /// @inheritdoc ISecurityToken
    function setLookThrough(address holder, bool lookThrough) external restricted {
        PackedWallet record = _wallets[holder];
        if (!record.has(PackedWallets.SYSTEM_HOLDER)) revert LookThroughNotSystemHolder(holder);
        uint256 balance = balanceOf(holder);
        if (balance != 0) revert SystemHolderHoldsTokens(holder, balance);
        _wallets[holder] = record.with(PackedWallets.LOOK_THROUGH, lookThrough);
        emit LookThroughSet(holder, lookThrough);
    }

    /// @dev The index of `rule` in `_transferRules`, or its length when absent.
    function _indexOfRule(ITransferRule rule) private view returns (uint256 index) {
        uint256 count = _transferRules.length;
        for (; index < count; ++index) {
            if (_transferRules[index] == rule) break;
        }
    }

    // ------------------------------------------------------------------------ Identity registry

    /// @inheritdoc IIdentityListener
    function syncIdentity(uint32 id, Identity calldata data, address[] calldata wallets) external {
        _onlyRegistry();
        bool shared = wallets.length > 1;
        uint40 lockupUntil = _lockups[id];
        bool countryAllowed = _isCountryAllowed(data.country);
        uint24 countryEpoch = _config.countryEpoch;
        uint256 held;
        for (uint256 i; i < wallets.length; ++i) {
            address wallet = wallets[i];
            PackedWallet record = _wallets[wallet];
            if (record.has(PackedWallets.SYSTEM_HOLDER)) revert WalletIsSystemHolder(wallet);
            if (record.identity() != id && balanceOf(wallet) != 0) revert WalletHoldsTokens(wallet, balanceOf(wallet));
            _wallets[wallet] = PackedWallets.pack(
                WalletRecord({
                    identity: id,
                    country: data.country,
                    category: data.category,
                    amlFlagged: data.amlFlagged,
                    kycExpiry: data.kycExpiry,
                    lockupUntil: lockupUntil,
                    frozen: record.has(PackedWallets.FROZEN),
                    partiallyFrozen: record.has(PackedWallets.PARTIALLY_FROZEN),
                    systemHolder: false,
                    sharedIdentity: shared,
                    countryAllowed: countryAllowed,
                    countryEpoch: countryEpoch
                })
            );
            if (shared) held += balanceOf(wallet);
        }
        if (shared) _sharedBalances[id] = held;
        // The records were rewritten: an identity with look-through exposure keeps its wallets reading it.
        if (_lookThrough[id] != 0) {
            for (uint256 i; i < wallets.length; ++i) {
                _wallets[wallets[i]] = _wallets[wallets[i]].with(PackedWallets.EXPOSED, true);
            }
        }
    }

    /// @inheritdoc IIdentityListener
    function syncWalletUnlinked(address wallet) external {
        _onlyRegistry();
        uint256 balance = balanceOf(wallet);
        if (balance != 0) revert WalletHoldsTokens(wallet, balance);
        _wallets[wallet] = PackedWallet.wrap(0).with(PackedWallets.FROZEN, _wallets[wallet].has(PackedWallets.FROZEN));
    }

    function _onlyRegistry() private view {
        if (msg.sender != address(identityRegistry)) revert NotIdentityRegistry(msg.sender);
    }

    // ------------------------------------------------------------------------------------- Views

    /// @inheritdoc ISecurityToken
    function isVerified(address wallet) external view returns (bool) {
        PackedWallet record = _wallets[wallet];
        return record.identity() != 0 && !record.has(PackedWallets.AML_FLAGGED) && record.kycExpiry() > block.timestamp;
    }

    /// @inheritdoc ISecurityToken
    function walletRecord(address wallet) external view returns (WalletRecord memory) {
        return _wallets[wallet].unpack();
    }

    /// @inheritdoc ISecurityToken
    function paused() external view returns (bool) {
        return _config.paused;
    }

    /// @inheritdoc ISecurityToken
    function isFrozen(address wallet) external view returns (bool) {
        return _wallets[wallet].has(PackedWallets.FROZEN);
    }

    /// @inheritdoc ISecurityToken
    function getFrozenTokens(address wallet) external view returns (uint256) {
        return _frozenTokens[wallet];
    }

    /// @inheritdoc ISecurityToken
    function isSystemHolder(address holder) external view returns (bool) {
        return _wallets[holder].has(PackedWallets.SYSTEM_HOLDER);
    }

    /// @inheritdoc ISecurityToken
    function identityBalanceOf(uint32 identity) external view returns (uint256) {
        address[] memory wallets = identityRegistry.walletsOf(identity);
        if (wallets.length == 0) return 0;
        PackedWallet record = _wallets[wallets[0]];
        if (record.identity() != identity) return 0;
        return _held(wallets[0], record);
    }

    /// @inheritdoc ISecurityToken
    function isLookThrough(address holder) external view returns (bool) {
        return _wallets[holder].has(PackedWallets.LOOK_THROUGH);
    }

    /// @inheritdoc ISecurityToken
    function exposureOf(address holder, address wallet) external view returns (uint256) {
        return _exposures[holder][wallet];
    }

    /// @inheritdoc ISecurityToken
    function lookThroughBalanceOf(uint32 identity) external view returns (uint256) {
        return _lookThrough[identity];
    }

    /// @inheritdoc ISecurityToken
    function lockupOf(uint32 identity) external view returns (uint40) {
        return _lockups[identity];
    }

    /// @inheritdoc ICompliance
    function complianceConfig() external view returns (ComplianceConfig memory) {
        return _config;
    }

    /// @inheritdoc ICompliance
    function holderCount() external view returns (uint32) {
        return _config.holderCount;
    }

    /// @inheritdoc ICompliance
    function isCountryAllowed(uint16 country) external view returns (bool) {
        return country <= MAX_COUNTRY && _isCountryAllowed(country);
    }

    /// @inheritdoc ICompliance
    function transferRules() external view returns (ITransferRule[] memory) {
        return _transferRules;
    }

    function _checkLengths(uint256 length, uint256 otherLength) private pure {
        if (length != otherLength) revert ArrayLengthMismatch(length, otherLength);
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IOraclePriceFeed} from "../oracle/interfaces/IOraclePriceFeed.sol";
import {IMpcCommittee} from "../privacy/interfaces/IMpcCommittee.sol";
import {ICompliance} from "../token/interfaces/ICompliance.sol";
import {IERC1404} from "../token/interfaces/IERC1404.sol";
import {ISecurityToken} from "../token/interfaces/ISecurityToken.sol";
import {Restrictions} from "../token/libraries/Restrictions.sol";
import {BasketConfig, Component, IBasket, Target} from "./interfaces/IBasket.sol";
import {BasketCompliance} from "./libraries/BasketCompliance.sol";
import {CodeStore} from "./libraries/CodeStore.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title Basket
/// @notice A collateralized, restricted ERC-20 of ERC-20 components (see `IBasket`).
/// @dev Amounts are `quantity x unit x multiplier / (1e18 x naturalUnit)`: rounded up when the basket receives
/// (issue, collateral required), down when it pays (redeem, NAV, units derived from balances).
/// The component list (token, unit, flags: one word each) lives in a data contract (`CodeStore`) rather than in
/// storage: the hot paths (issue, redeem, every transfer's eligibility check) read it with one code copy instead of
/// one cold slot per component. Units change only when a rebalance starts or ends and on `reconcile`, which write a
/// new list; bids leave the units alone (issue and redeem are closed meanwhile) and the units are re-derived from
/// the balances when the rebalance ends.
contract Basket is ERC20, ReentrancyGuardTransient, IBasket {
    using SafeERC20 for IERC20;

    /// @dev What issue and redeem read, one slot: the fee multiplier of the units, the annual fee rate, the last
    /// accrual time, the status and whether the basket holds fee minted while the recipient was not eligible.
    struct State {
        uint64 multiplier;
        uint64 feeRate;
        uint32 lastAccrual;
        Status status;
        bool feeHeld;
    }

    /// @dev The running rebalance, one slot; bit i of `auctioned` is set when component i got an auction; `round`
    /// counts the rebalances that opened auctions (it names sealed lots).
    struct Rebalance {
        uint8 quoteIndex;
        uint32 startTime;
        uint32 deadline;
        uint8 pending;
        uint16 auctioned;
        uint32 round;
    }

    /// @dev One component's auction; `isSealed` when settled by an MPC computation (`_sealed`) instead of bids.
    struct Auction {
        uint88 target;
        bool sell;
        bool running;
        bool isSealed;
        uint128 startPrice;
        uint128 endPrice;
    }

    /// @dev The MPC computation settling a sealed auction and the scale of its bids.
    struct Sealed {
        IMpcCommittee committee;
        uint48 computationId;
        uint8 priceExponent;
    }

    /// @dev A priced trade: the component amount, the price, what the quote side pays and whether it fills the
    /// auction.
    struct Trade {
        uint256 amount;
        uint256 price;
        uint256 quoteAmount;
        bool last;
    }

    // --------------------------------------------------------------------------------- Constants

    /// @inheritdoc IBasket
    uint256 public constant MAX_COMPONENTS = 16;
    /// @inheritdoc IBasket
    uint256 public constant MAX_FEE_RATE = 0.5e18;
    /// @inheritdoc IBasket
    uint256 public constant MIN_AUCTION_DURATION = 1 hours;
    /// @inheritdoc IBasket
    uint256 public constant MAX_AUCTION_DURATION = 30 days;
    /// @dev Largest sealed-bid price exponent: a signed 64-bit bid times 10^36 stays far below 2^256.
    uint256 private constant MAX_PRICE_EXPONENT = 36;

    /// @dev The component answers `ICompliance.canReceive` and books system holders' movements
    /// (`ISecurityToken.lookThroughTransfer`).
    uint8 internal constant FLAG_RESTRICTED = 1;
    /// @dev The component answers `ISecurityToken.isFrozen` and `getFrozenTokens`.
    uint8 internal constant FLAG_FREEZABLE = 2;

    uint256 private constant WAD = 1e18;
    uint256 private constant YEAR = 365 days;
    /// @dev Up to 1e36 basket base units per unit list: with a natural unit of 1e36, a 0-decimal component keeps 18
    /// decimals of a share per whole basket token, so folding the fee multiplier into the units (rebalance start)
    /// loses at most 1e-18 share per basket token. Every amount is a 512-bit `mulDiv` over `_denominator`
    /// (<= 1e54), units stay below 2^88.
    uint256 private constant MAX_NATURAL_UNIT = 1e36;
    /// @dev Bit of `_freezes` set for a frozen wallet; the bits below count its frozen tokens.
    uint256 private constant FROZEN = 1 << 255;

    // -------------------------------------------------------------------------------- Immutables

    /// @inheritdoc IBasket
    uint256 public immutable naturalUnit;
    /// @inheritdoc IBasket
    IOraclePriceFeed public immutable priceFeed;
    /// @dev `WAD x naturalUnit`: the denominator of every amount.
    uint256 private immutable _denominator;
    /// @inheritdoc IBasket
    address public immutable compliance;

    // ----------------------------------------------------------------------------------- Storage

    State private _state;
    /// @dev The data contract holding the component list (`_storeComponents`).
    address private _componentList;
    /// @dev In `_componentList`'s slot, read by every movement: the pause and the number of wallets with a freeze.
    bool private _paused;
    uint32 private _frozenWallets;
    address private _manager;
    address private _feeRecipient;
    Rebalance private _rebalance;
    mapping(uint256 index => Auction) private _auctions;
    mapping(uint256 index => Sealed) private _sealed;
    /// @dev Per wallet: `FROZEN` | frozen tokens.
    mapping(address wallet => uint256) private _freezes;
    /// @dev Set during the compliance role's forced transfers and recoveries: `_update` then skips the basket's own
    /// rules and the sender's component rules.
    bool private transient _agentAction;

    // ------------------------------------------------------------------------------- Constructor

    /// @param config Name, symbol, components, units, natural unit, manager and fee settings.
    /// @param feed The price feed NAV is read from.
    constructor(BasketConfig memory config, IOraclePriceFeed feed) ERC20(config.name, config.symbol) {
        uint256 count = config.components.length;
        if (count == 0) revert NoComponents();
        if (count > MAX_COMPONENTS) revert TooManyComponents(count, MAX_COMPONENTS);
        if (config.units.length != count) revert LengthMismatch(count, config.units.length);
        if (config.naturalUnit == 0 || config.naturalUnit > MAX_NATURAL_UNIT) {
            revert InvalidNaturalUnit(config.naturalUnit);
        }
        if (config.manager == address(0) || config.feeRecipient == address(0)) revert ZeroAddress();
        if (config.feeRate > MAX_FEE_RATE) revert FeeRateTooHigh(config.feeRate, MAX_FEE_RATE);
        Component[] memory list = new Component[](count);
        for (uint256 i; i < count; ++i) {
            address token = config.components[i];
            uint256 unit = config.units[i];
            for (uint256 j; j < i; ++j) {
                if (config.components[j] == token) revert DuplicateComponent(token);
            }
            if (unit == 0) revert ZeroUnit(token);
            if (unit > type(uint88).max) revert UnitTooLarge(token, unit);
            // forge-lint: disable-next-line(unsafe-typecast) checked just above
            list[i] = Component({token: token, unit: uint88(unit), flags: _detectFlags(token)});
        }
        _storeComponents(list);
        naturalUnit = config.naturalUnit;
        _denominator = WAD * config.naturalUnit;
        priceFeed = feed;
        _state = State({
            // forge-lint: disable-next-line(unsafe-typecast) 1e18 fits 64 bits
            multiplier: uint64(WAD),
            // forge-lint: disable-next-line(unsafe-typecast) feeRate <= MAX_FEE_RATE
            feeRate: uint64(config.feeRate),
            // forge-lint: disable-next-line(unsafe-typecast) seconds fit 32 bits until 2106
            lastAccrual: uint32(block.timestamp),
            status: Status.Active,
            feeHeld: false
        });
        _manager = config.manager;
        _feeRecipient = config.feeRecipient;
        compliance = config.compliance;
    }

    /// @dev What `token` answers, probed once: compliance dry runs, freeze views.
    function _detectFlags(address token) private view returns (uint8 flags) {
        if (token.code.length == 0) revert InvalidComponent(token);
        if (
            _answers(token, abi.encodeCall(ICompliance.canReceive, (address(this))))
                && _answers(token, abi.encodeCall(ISecurityToken.isLookThrough, (address(this))))
        ) flags |= FLAG_RESTRICTED;
        if (
            _answers(token, abi.encodeCall(ISecurityToken.isFrozen, (address(this))))
                && _answers(token, abi.encodeCall(ISecurityToken.getFrozenTokens, (address(this))))
        ) flags |= FLAG_FREEZABLE;
    }

    function _answers(address token, bytes memory data) private view returns (bool) {
        (bool success, bytes memory result) = token.staticcall(data);
        return success && result.length >= 32;
    }

    // --------------------------------------------------------------------------------- Modifiers

    modifier onlyManager() {
        if (msg.sender != _manager) revert NotManager(msg.sender);
        _;
    }

    modifier onlyCompliance() {
        if (msg.sender != compliance) revert NotCompliance(msg.sender);
        _;
    }

    // ---------------------------------------------------------------------------- Component list

    /// @dev The component list: word i is `token << 96 | unit << 8 | flags`.
    function _loadComponents() private view returns (Component[] memory list) {
        bytes memory data = CodeStore.read(_componentList);
        uint256 count = data.length >> 5;
        list = new Component[](count);
        for (uint256 i; i < count; ++i) {
            uint256 word;
            // Reads word i of the packed list (one MLOAD instead of abi.decode's copy and checks).
            // solhint-disable-next-line no-inline-assembly
            assembly ("memory-safe") {
                word := mload(add(data, shl(5, add(i, 1))))
            }
            // forge-lint: disable-next-line(unsafe-typecast) unpacking the fields packed by `_storeComponents`
            list[i] = Component({token: address(uint160(word >> 96)), unit: uint88(word >> 8), flags: uint8(word)});
        }
    }

    /// @dev Writes `list` to a new data contract.
    function _storeComponents(Component[] memory list) private {
        uint256 count = list.length;
        bytes memory data = new bytes(count << 5);
        for (uint256 i; i < count; ++i) {
            Component memory component = list[i];
            uint256 word =
                uint256(uint160(component.token)) << 96 | uint256(component.unit) << 8 | uint256(component.flags);
            // Writes word i of the packed list (the layout `_loadComponents` reads).
            // solhint-disable-next-line no-inline-assembly
            assembly ("memory-safe") {
                mstore(add(data, shl(5, add(i, 1))), word)
            }
        }
        _componentList = CodeStore.write(data);
    }

    // -------------------------------------------------------------------------------- Compliance

    /// @dev Every movement of basket tokens (transfer, `transferFrom`, redeem's burn, forced transfers) goes through
    /// `_move`; issue's mint and the fee mint check with the list they already loaded.
    function _update(address from, address to, uint256 value) internal override {
        _move(_loadComponents(), from, to, value);
    }

    /// @dev The basket's own rules (unless the compliance role acts), then each restricted component's rules for both
    /// sides and its look-through booking of `value x unit / naturalUnit` (rounded down, before the fee multiplier:
    /// at most the fee accrued since the last rebalance above what the tokens redeem), then the balances.
    function _move(Component[] memory list, address from, address to, uint256 value) private {
        _checkMove(list, from, to, value);
        ERC20._update(from, to, value);
    }

    /// @dev `_move`'s rules and look-through booking, without the balances.
    function _checkMove(Component[] memory list, address from, address to, uint256 value) private {
        bool forced = _agentAction;
        if (!forced) _checkHolders(from, to, value);
        bool exits = from != address(0) && balanceOf(from) == value;
        uint256 count = list.length;
        for (uint256 i; i < count; ++i) {
            Component memory component = list[i];
            if (component.flags & FLAG_RESTRICTED == 0) continue;
            uint256 amount = Math.mulDiv(value, component.unit, naturalUnit);
            // A refusal is re-raised naming the component; success needs nothing more.
            // solhint-disable-next-line no-empty-blocks
            try ISecurityToken(component.token).lookThroughTransfer(from, to, amount, exits, forced) {}
            catch (bytes memory reason) {
                revert ComponentRefused(component.token, reason);
            }
        }
    }

    /// @dev The basket's own rules: the pause, then (only while some wallet has a freeze) the frozen sender, its
    /// unfrozen balance and the frozen receiver.
    function _checkHolders(address from, address to, uint256 value) private view {
        uint8 code = _holderRestriction(from, to, value);
        if (code != Restrictions.SUCCESS) BasketCompliance.refuse(code, from, to, _unfrozenBalance(from), value);
    }

    function _holderRestriction(address from, address to, uint256 value) private view returns (uint8) {
        if (_paused) return Restrictions.PAUSED;
        if (_frozenWallets == 0) return Restrictions.SUCCESS;
        uint256 sender = _freezes[from];
        if (sender & FROZEN != 0) return Restrictions.SENDER_FROZEN;
        if (sender != 0 && _unfrozenBalance(from) < value) return Restrictions.INSUFFICIENT_UNFROZEN_BALANCE;
        if (_freezes[to] & FROZEN != 0) return Restrictions.RECEIVER_FROZEN;
        return Restrictions.SUCCESS;
    }

    function _unfrozenBalance(address wallet) private view returns (uint256) {
        uint256 balance = balanceOf(wallet);
        uint256 frozen = _freezes[wallet] & ~FROZEN;
        return balance > frozen ? balance - frozen : 0;
    }

    /// @dev `_mint` to `to`; issue checks the mint (`_checkMove`) once the components arrived, so that a payer's
    /// shares leave its direct balance before they count as its exposure (it may hold up to the max balance).
    function _mintEligible(address to, uint256 value) private {
        if (to == address(0)) revert ERC20InvalidReceiver(address(0));
        ERC20._update(address(0), to, value);
    }

    function _requireEligible(Component[] memory list, address account) private view {
        address component = _refusingComponent(list, account);
        if (component != address(0)) revert NotEligible(component, account);
    }

    /// @dev The first restricted component of `list` that `account` cannot receive, or 0.
    function _refusingComponent(Component[] memory list, address account) private view returns (address) {
        uint256 count = list.length;
        for (uint256 i; i < count; ++i) {
            Component memory component = list[i];
            if (component.flags & FLAG_RESTRICTED != 0 && !ICompliance(component.token).canReceive(account)) {
                return component.token;
            }
        }
        return address(0);
    }

    /// @inheritdoc IBasket
    function isEligible(address account) external view returns (bool) {
        return _refusingComponent(_loadComponents(), account) == address(0);
    }

    /// @inheritdoc IBasket
    function canTransfer(address from, address to, uint256 amount) public view returns (bool allowed, uint8 code) {
        code = _holderRestriction(from, to, amount);
        if (code == Restrictions.SUCCESS && from != address(0) && balanceOf(from) < amount) {
            code = Restrictions.INSUFFICIENT_BALANCE;
        }
        if (code == Restrictions.SUCCESS) {
            code = BasketCompliance.componentRestriction(_loadComponents(), from, to, amount, naturalUnit);
        }
        allowed = code == Restrictions.SUCCESS;
    }

    /// @inheritdoc IERC1404
    function detectTransferRestriction(address from, address to, uint256 value) external view returns (uint8 code) {
        (, code) = canTransfer(from, to, value);
    }

    /// @inheritdoc IERC1404
    /// @dev The codes are the token layer's: the first restricted component words them ("" without one).
    function messageForTransferRestriction(uint8 code) external view returns (string memory) {
        return BasketCompliance.message(_loadComponents(), code);
    }

    // --------------------------------------------------------------------------- Compliance role

    /// @inheritdoc IBasket
    function pause() external onlyCompliance {
        if (_paused) revert ISecurityToken.AlreadyPaused();
        _paused = true;
        emit Paused(msg.sender);
    }

    /// @inheritdoc IBasket
    function unpause() external onlyCompliance {
        if (!_paused) revert ISecurityToken.NotPaused();
        _paused = false;
        emit Unpaused(msg.sender);
    }

    /// @inheritdoc IBasket
    function setAddressFrozen(address wallet, bool freeze) external onlyCompliance {
        uint256 freezes = _freezes[wallet];
        _setFreezes(wallet, freeze ? freezes | FROZEN : freezes & ~FROZEN);
        emit AddressFrozen(wallet, freeze, msg.sender);
    }

    /// @inheritdoc IBasket
    function freezePartialTokens(address wallet, uint256 amount) external onlyCompliance {
        uint256 freezes = _freezes[wallet];
        uint256 balance = balanceOf(wallet);
        uint256 frozenAfter = (freezes & ~FROZEN) + amount;
        if (frozenAfter > balance) revert ISecurityToken.FreezeExceedsBalance(wallet, balance, frozenAfter);
        _setFreezes(wallet, freezes + amount);
        emit TokensFrozen(wallet, amount);
    }

    /// @inheritdoc IBasket
    function unfreezePartialTokens(address wallet, uint256 amount) external onlyCompliance {
        uint256 freezes = _freezes[wallet];
        uint256 frozen = freezes & ~FROZEN;
        if (amount > frozen) revert ISecurityToken.UnfreezeExceedsFrozen(wallet, frozen, amount);
        _setFreezes(wallet, freezes - amount);
        emit TokensUnfrozen(wallet, amount);
    }

    /// @inheritdoc IBasket
    function forcedTransfer(address from, address to, uint256 amount) external onlyCompliance returns (bool) {
        uint256 freezes = _freezes[from];
        uint256 unfrozen = _unfrozenBalance(from);
        if (amount > unfrozen) {
            uint256 frozen = freezes & ~FROZEN;
            uint256 released = Math.min(amount - unfrozen, frozen);
            _setFreezes(from, freezes - released);
            emit TokensUnfrozen(from, released);
        }
        _agentAction = true;
        _transfer(from, to, amount);
        _agentAction = false;
        emit TransferForced(from, to, amount);
        return true;
    }

    /// @inheritdoc IBasket
    function recoveryAddress(address lostWallet, address newWallet) external onlyCompliance returns (bool) {
        uint256 balance = balanceOf(lostWallet);
        if (balance == 0) revert ISecurityToken.NothingToRecover(lostWallet);
        uint32 identity = BasketCompliance.recoveryIdentity(_loadComponents(), lostWallet, newWallet);
        uint256 freezes = _freezes[lostWallet];
        _agentAction = true;
        _transfer(lostWallet, newWallet, balance);
        _agentAction = false;
        if (freezes != 0) {
            _setFreezes(lostWallet, 0);
            _setFreezes(newWallet, (_freezes[newWallet] | (freezes & FROZEN)) + (freezes & ~FROZEN));
        }
        emit RecoverySuccess(lostWallet, newWallet, identity);
        return true;
    }

    /// @dev Writes `wallet`'s freezes, counting the wallets that have any.
    function _setFreezes(address wallet, uint256 freezes) private {
        uint256 previous = _freezes[wallet];
        if ((previous == 0) != (freezes == 0)) {
            _frozenWallets = freezes == 0 ? _frozenWallets - 1 : _frozenWallets + 1;
        }
        _freezes[wallet] = freezes;
    }

    // ---------------------------------------------------------------------------------- Issuance

    /// @inheritdoc IBasket
    function issue(uint256 quantity, address to) external nonReentrant returns (uint256[] memory amounts) {
        if (quantity == 0) revert ZeroQuantity();
        Status current = _state.status;
        if (current == Status.Halted) revert IssuanceIsHalted();
        if (current == Status.Rebalancing) revert RebalanceActive();
        Component[] memory list = _loadComponents();
        _accrue(list);
        uint256 multiplier = _state.multiplier;
        uint256 count = list.length;
        amounts = new uint256[](count);
        // An impairment not reconciled yet is cut here, and halts issuance: nothing is pulled or minted.
        if (_reconcile(list, multiplier)) return amounts;
        _mintEligible(to, quantity);

        // Usable balances covered the supply before; every pull adds at least the rounded-up amount, so they
        // cover the new supply (the shortfall check of `_pull` refuses less).
        bool backed;
        for (uint256 i; i < count; ++i) {
            Component memory component = list[i];
            if (component.unit == 0) continue;
            backed = true;
            uint256 amount =
                Math.mulDiv(quantity, uint256(component.unit) * multiplier, _denominator, Math.Rounding.Ceil);
            amounts[i] = amount;
            _pull(component.token, amount);
        }
        if (!backed) revert EmptyBasket();
        _checkMove(list, address(0), to, quantity);
        emit Issued(msg.sender, to, quantity, amounts);
    }

    /// @inheritdoc IBasket
    function redeem(uint256 quantity, address to) external nonReentrant returns (uint256[] memory amounts) {
        if (quantity == 0) revert ZeroQuantity();
        if (_state.status == Status.Rebalancing) revert RebalanceActive();
        Component[] memory list = _loadComponents();
        _requireEligible(list, to);
        _accrue(list);
        uint256 multiplier = _state.multiplier;
        // An impairment not reconciled yet is cut before paying: every holder bears it pro rata, whoever goes first.
        _reconcile(list, multiplier);
        _move(list, msg.sender, address(0), quantity);

        uint256 count = list.length;
        amounts = new uint256[](count);
        for (uint256 i; i < count; ++i) {
            Component memory component = list[i];
            uint256 amount = Math.mulDiv(quantity, uint256(component.unit) * multiplier, _denominator);
            amounts[i] = amount;
            if (amount != 0) IERC20(component.token).safeTransfer(to, amount);
        }
        emit Redeemed(msg.sender, to, quantity, amounts);
    }

    /// @inheritdoc IBasket
    function previewIssue(uint256 quantity) external view returns (uint256[] memory) {
        return _amounts(quantity, Math.Rounding.Ceil);
    }

    /// @inheritdoc IBasket
    function previewRedeem(uint256 quantity) external view returns (uint256[] memory) {
        return _amounts(quantity, Math.Rounding.Floor);
    }

    /// @dev Component amounts for `quantity` after the fee that would accrue now.
    function _amounts(uint256 quantity, Math.Rounding rounding) private view returns (uint256[] memory amounts) {
        Component[] memory list = _loadComponents();
        State memory state = _state;
        uint256 multiplier = state.multiplier;
        if (state.status != Status.Rebalancing) {
            (uint256 minted,) = _pendingFee(state);
            uint256 supply = totalSupply();
            if (minted != 0) multiplier = multiplier * supply / (supply + minted);
        }
        uint256 count = list.length;
        amounts = new uint256[](count);
        for (uint256 i; i < count; ++i) {
            amounts[i] = Math.mulDiv(quantity, uint256(list[i].unit) * multiplier, _denominator, rounding);
        }
    }

    /// @dev Pulls `amount` of `token` from the caller; the basket's balance must grow by `amount` at least.
    function _pull(address token, uint256 amount) private {
        uint256 before = IERC20(token).balanceOf(address(this));
        IERC20(token).safeTransferFrom(msg.sender, address(this), amount);
        uint256 balance = IERC20(token).balanceOf(address(this));
        if (balance < before + amount) {
            revert TransferShortfall(token, amount, balance > before ? balance - before : 0);
        }
    }

    // -------------------------------------------------------------------------------------- Fees

    /// @inheritdoc IBasket
    function accrueFee() external nonReentrant returns (uint256) {
        if (_state.status == Status.Rebalancing) revert RebalanceActive();
        return _accrue(_loadComponents());
    }

    /// @inheritdoc IBasket
    function setFeeRecipient(address recipient) external onlyManager {
        if (recipient == address(0)) revert ZeroAddress();
        _feeRecipient = recipient;
        emit FeeRecipientSet(recipient);
    }

    /// @inheritdoc IBasket
    function setFeeRate(uint256 rate) external onlyManager nonReentrant {
        if (_state.status == Status.Rebalancing) revert RebalanceActive();
        if (rate > MAX_FEE_RATE) revert FeeRateTooHigh(rate, MAX_FEE_RATE);
        _accrue(_loadComponents());
        // forge-lint: disable-next-line(unsafe-typecast) rate <= MAX_FEE_RATE
        _state.feeRate = uint64(rate);
        emit FeeRateSet(rate);
    }

    /// @dev Mints the pending fee (Set v2: `supply x share / (1 - share)`) and shrinks the multiplier so that
    /// `unit x multiplier x supply` never grows. The fee is charged on every accrual, hence on the supply of each
    /// period (issue and redeem accrue before they change it): while the recipient is not eligible for `list` it is
    /// minted to the basket itself and held, then handed to the recipient at the first accrual that finds it eligible.
    function _accrue(Component[] memory list) private returns (uint256 minted) {
        State memory state = _state;
        if (state.lastAccrual == block.timestamp) return 0;
        uint256 share;
        (minted, share) = _pendingFee(state);
        // forge-lint: disable-next-line(unsafe-typecast) seconds fit 32 bits until 2106
        state.lastAccrual = uint32(block.timestamp);
        if (minted != 0 || state.feeHeld) {
            address recipient = _feeRecipient;
            // The recipient's eligibility is checked here: mint and hand over without the check of `_update`.
            bool eligible = _refusingComponent(list, recipient) == address(0);
            if (eligible && state.feeHeld) {
                ERC20._update(address(this), recipient, balanceOf(address(this)));
                state.feeHeld = false;
            }
            if (minted != 0) {
                uint256 supply = totalSupply();
                // forge-lint: disable-next-line(unsafe-typecast) the multiplier only shrinks from 1e18
                state.multiplier = uint64(uint256(state.multiplier) * supply / (supply + minted));
                ERC20._update(address(0), eligible ? recipient : address(this), minted);
                emit FeeAccrued(recipient, minted, share, state.multiplier);
                if (!eligible) {
                    state.feeHeld = true;
                    emit FeeDeferred(recipient);
                }
            }
        }
        _state = state;
    }

    /// @dev The fee since `state.lastAccrual` (at most a year of it): its share of the supply after minting (WAD,
    /// rounded down) and the basket base units to mint (rounded down).
    function _pendingFee(State memory state) private view returns (uint256 minted, uint256 share) {
        uint256 elapsed = Math.min(block.timestamp - state.lastAccrual, YEAR);
        share = uint256(state.feeRate) * elapsed / YEAR;
        minted = Math.mulDiv(totalSupply(), share, WAD - share);
    }

    /// @inheritdoc IBasket
    function setManager(address newManager) external onlyManager {
        if (newManager == address(0)) revert ZeroAddress();
        _manager = newManager;
        emit ManagerSet(newManager);
    }

    // ------------------------------------------------------------------------------- Rebalancing

    /// @inheritdoc IBasket
    function startRebalance(uint256 quoteIndex, Target[] calldata targets, uint256 duration)
        external
        onlyManager
        nonReentrant
    {
        if (_state.status == Status.Rebalancing) revert RebalanceActive();
        if (_state.status == Status.Halted) revert BasketHalted();
        Component[] memory list = _loadComponents();
        if (targets.length != list.length) revert LengthMismatch(list.length, targets.length);
        if (quoteIndex >= list.length) revert InvalidIndex(quoteIndex);
        if (duration < MIN_AUCTION_DURATION || duration > MAX_AUCTION_DURATION) revert InvalidDuration(duration);
        uint256[] memory goals = _targetUnits(targets, quoteIndex);
        _accrue(list);

        (uint256[] memory folded, uint256 auctioned, uint256 pending) = _retargetAll(list, quoteIndex, targets);
        _storeComponents(list);
        // forge-lint: disable-next-line(unsafe-typecast) 1e18 fits 64 bits
        _state.multiplier = uint64(WAD);
        uint256 deadline = block.timestamp + duration;
        emit RebalanceStarted(list[quoteIndex].token, deadline, folded, goals);
        if (pending == 0) {
            emit RebalanceEnded(true);
            return;
        }
        // Indexes, counts and masks are below MAX_COMPONENTS = 16 bits; times fit 32 bits until 2106.
        // forge-lint: disable-start(unsafe-typecast)
        _rebalance = Rebalance({
            quoteIndex: uint8(quoteIndex),
            startTime: uint32(block.timestamp),
            deadline: uint32(deadline),
            pending: uint8(pending),
            auctioned: uint16(auctioned),
            round: _rebalance.round + 1
        });
        // forge-lint: disable-end(unsafe-typecast)
        _state.status = Status.Rebalancing;
    }

    /// @dev The target units; some component other than the quote must have one.
    function _targetUnits(Target[] calldata targets, uint256 quoteIndex) private pure returns (uint256[] memory goals) {
        uint256 count = targets.length;
        goals = new uint256[](count);
        bool anyTarget;
        for (uint256 i; i < count; ++i) {
            goals[i] = targets[i].unit;
            if (i != quoteIndex && goals[i] != 0) anyTarget = true;
        }
        if (!anyTarget) revert NoTargetUnits();
    }

    /// @dev Folds the multiplier into every unit of `list` and retargets each component; returns the folded units,
    /// the mask of components that got an auction and their number.
    function _retargetAll(Component[] memory list, uint256 quoteIndex, Target[] calldata targets)
        private
        returns (uint256[] memory folded, uint256 auctioned, uint256 pending)
    {
        uint256 multiplier = _state.multiplier;
        uint256 supply = totalSupply();
        uint256 count = list.length;
        folded = new uint256[](count);
        for (uint256 i; i < count; ++i) {
            folded[i] = uint256(list[i].unit) * multiplier / WAD;
            if (_retarget(list[i], i, i == quoteIndex, targets[i], folded[i], supply)) {
                auctioned |= uint256(1) << i;
                ++pending;
            }
        }
    }

    /// @dev Sets `component`'s unit to its `folded` unit, or to `target` when reaching it needs no trade (no supply,
    /// or the balance already meets it); otherwise opens its auction. The quote keeps its folded unit.
    function _retarget(
        Component memory component,
        uint256 index,
        bool isQuote,
        Target calldata target,
        uint256 folded,
        uint256 supply
    ) private returns (bool opened) {
        if (target.unit > type(uint88).max) revert UnitTooLarge(component.token, target.unit);
        uint256 unit = folded;
        if (supply == 0) {
            unit = target.unit;
        } else if (!isQuote && target.unit != folded) {
            uint256 settled;
            (opened, settled) = _openAuction(index, component, folded, target, supply);
            if (!opened) unit = settled;
        }
        // forge-lint: disable-next-line(unsafe-typecast) target checked above, folded <= the stored unit
        component.unit = uint88(unit);
    }

    /// @dev Opens `component`'s auction (index `index`) unless its usable balance already meets the target; then
    /// returns the unit to settle at instead: when buying, the target, or less if the usable balance backs less; when
    /// selling, what the usable balance backs (rounded down): nothing is left to sell, so the balance is within one
    /// base unit of the target's, and the holders keep that fraction rather than leaving it unattributed.
    function _openAuction(
        uint256 index,
        Component memory component,
        uint256 unit,
        Target calldata target,
        uint256 supply
    ) private returns (bool opened, uint256 settled) {
        address token = component.token;
        bool sell = target.unit < unit;
        uint256 startPrice = target.startPrice;
        uint256 endPrice = target.endPrice;
        if (
            endPrice == 0 || startPrice == 0 || (sell ? startPrice < endPrice : startPrice > endPrice)
                || startPrice > type(uint128).max || endPrice > type(uint128).max
        ) revert InvalidPriceCurve(token, startPrice, endPrice);
        // The target (by `_retarget`) and the prices (just above) were checked.
        // forge-lint: disable-start(unsafe-typecast)
        Auction memory auction_ = Auction({
            target: uint88(target.unit),
            sell: sell,
            running: true,
            isSealed: false,
            startPrice: uint128(startPrice),
            endPrice: uint128(endPrice)
        });
        // forge-lint: disable-end(unsafe-typecast)
        (uint256 usable,) = _usable(component);
        opened = _remaining(auction_, usable, supply) != 0;
        if (opened) _auctions[index] = auction_;
        else settled = sell ? _unitOf(usable, supply) : Math.min(target.unit, _unitOf(usable, supply));
    }

    /// @inheritdoc IBasket
    function bid(uint256 index, uint256 amount, uint256 quoteLimit)
        external
        nonReentrant
        returns (uint256 quoteAmount)
    {
        (Component[] memory list, Rebalance memory rebalance, Auction memory auction_) = _runningAuction(index);
        if (auction_.isSealed) revert SealedAuction(index);
        if (amount == 0) revert ZeroQuantity();
        uint256 remaining = _remainingOf(list[index], auction_);
        // A bid for more than remains takes the rest, its limit scaled to it (the bidder's price limit), so that a
        // bid placed for the whole remainder still fills after another bid took part of it.
        if (amount > remaining) {
            quoteLimit =
                Math.mulDiv(quoteLimit, remaining, amount, auction_.sell ? Math.Rounding.Ceil : Math.Rounding.Floor);
            amount = remaining;
        }
        Trade memory trade =
            _trade(list[index], list[rebalance.quoteIndex], auction_.sell, amount, _price(auction_, rebalance));
        trade.last = amount == remaining;
        quoteAmount = trade.quoteAmount;
        if (auction_.sell ? quoteAmount > quoteLimit : quoteAmount < quoteLimit) {
            revert QuoteLimitExceeded(quoteAmount, quoteLimit);
        }
        _execute(list, index, rebalance, auction_.sell, trade);
    }

    /// @inheritdoc IBasket
    function sealAuction(uint256 index, IMpcCommittee committee, uint256 computationId, uint256 priceExponent)
        external
        onlyManager
    {
        (, Rebalance memory rebalance, Auction memory auction_) = _runningAuction(index);
        if (!auction_.sell) revert NotSellAuction(index);
        if (auction_.isSealed) revert SealedAuction(index);
        if (priceExponent > MAX_PRICE_EXPONENT) revert InvalidPriceExponent(priceExponent);
        IMpcCommittee.Computation memory computation = committee.computation(computationId);
        if (
            computation.kind != IMpcCommittee.ComputationKind.SealedBidAuction
                || computation.paramsHash != keccak256(abi.encode(address(this), _lot(rebalance.round, index)))
                || computationId > type(uint48).max
        ) revert InvalidSealedComputation(address(committee), computationId);
        if (computation.inputDeadline > rebalance.deadline) {
            revert SealedBidTooLate(computation.inputDeadline, rebalance.deadline);
        }
        _auctions[index].isSealed = true;
        // forge-lint: disable-next-line(unsafe-typecast) both checked above
        _sealed[index] = Sealed(committee, uint48(computationId), uint8(priceExponent));
        emit AuctionSealed(index, address(committee), computationId, priceExponent);
    }

    /// @inheritdoc IBasket
    function fillSealedBid(uint256 index) external nonReentrant returns (uint256 amount, uint256 quoteAmount) {
        (Component[] memory list, Rebalance memory rebalance, Auction memory auction_) = _runningAuction(index);
        if (!auction_.isSealed) revert NotSealed(index);
        Sealed memory sealed_ = _sealed[index];
        (IMpcCommittee.Status status, bytes memory output) = sealed_.committee.result(sealed_.computationId);
        if (status != IMpcCommittee.Status.Finalized) revert SealedBidPending(sealed_.computationId);
        (address winner, uint256 winningBid) = abi.decode(output, (address, uint256));
        if (msg.sender != winner) revert NotWinner(msg.sender, winner);
        uint256 price = winningBid * 10 ** sealed_.priceExponent;
        if (price < auction_.endPrice) revert BelowReserve(price, auction_.endPrice);
        amount = _remainingOf(list[index], auction_);
        Trade memory trade = _trade(list[index], list[rebalance.quoteIndex], true, amount, price);
        trade.last = true;
        quoteAmount = trade.quoteAmount;
        _execute(list, index, rebalance, true, trade);
    }

    /// @dev The running rebalance, its component list and component `index`'s auction, which must run.
    function _runningAuction(uint256 index)
        private
        view
        returns (Component[] memory list, Rebalance memory rebalance, Auction memory auction_)
    {
        if (_state.status != Status.Rebalancing) revert NoRebalance();
        rebalance = _rebalance;
        if (block.timestamp > rebalance.deadline) revert AuctionExpired(rebalance.deadline);
        list = _loadComponents();
        if (index >= list.length) revert InvalidIndex(index);
        auction_ = _auctions[index];
        if (!auction_.running) revert NoAuction(list[index].token);
    }

    /// @dev Prices a trade of `amount` of `component` at `price` and checks the bidder's eligibility for what it
    /// receives and, when the basket buys, the basket's usable quote.
    function _trade(Component memory component, Component memory quote, bool sell, uint256 amount, uint256 price)
        private
        view
        returns (Trade memory trade)
    {
        trade.amount = amount;
        trade.price = price;
        Component memory received = sell ? component : quote;
        if (received.flags & FLAG_RESTRICTED != 0 && !ICompliance(received.token).canReceive(msg.sender)) {
            revert NotEligible(received.token, msg.sender);
        }
        if (sell) {
            trade.quoteAmount = Math.mulDiv(amount, price, WAD, Math.Rounding.Ceil);
        } else {
            trade.quoteAmount = Math.mulDiv(amount, price, WAD);
            (uint256 quoteUsable,) = _usable(quote);
            if (trade.quoteAmount > quoteUsable) revert InsufficientQuote(quoteUsable, trade.quoteAmount);
        }
    }

    /// @dev Records `trade` on component `index`'s auction, moves the tokens and settles the rebalance when the trade
    /// filled its last auction.
    function _execute(Component[] memory list, uint256 index, Rebalance memory rebalance, bool sell, Trade memory trade)
        private
    {
        address token = list[index].token;
        address quote = list[rebalance.quoteIndex].token;
        bool completed;
        if (trade.last) {
            _auctions[index].running = false;
            completed = --rebalance.pending == 0;
            _rebalance.pending = rebalance.pending;
        }
        emit AuctionBid(msg.sender, token, sell, trade.amount, trade.quoteAmount, trade.price);

        if (sell) {
            _pull(quote, trade.quoteAmount);
            IERC20(token).safeTransfer(msg.sender, trade.amount);
        } else {
            _pull(token, trade.amount);
            IERC20(quote).safeTransfer(msg.sender, trade.quoteAmount);
        }
        // The last trade settles after its transfers: the units are read from the balances they leave (every entry
        // point is non-reentrant, and issue and redeem stay closed until the settlement).
        if (completed) _settleRebalance(list, rebalance, true);
    }

    /// @inheritdoc IBasket
    function endRebalance() external nonReentrant {
        if (_state.status != Status.Rebalancing) revert NoRebalance();
        Rebalance memory rebalance = _rebalance;
        if (msg.sender != _manager && block.timestamp <= rebalance.deadline) {
            revert RebalanceNotExpired(rebalance.deadline);
        }
        Component[] memory list = _loadComponents();
        uint256 count = list.length;
        for (uint256 i; i < count; ++i) {
            if (_auctions[i].running) _auctions[i].running = false;
        }
        _settleRebalance(list, rebalance, false);
    }

    /// @dev Ends the rebalance: the units of the auctioned components and of the quote become what their usable
    /// balances back (rounded down).
    function _settleRebalance(Component[] memory list, Rebalance memory rebalance, bool completed) private {
        uint256 supply = totalSupply();
        uint256 count = list.length;
        for (uint256 i; i < count; ++i) {
            if ((rebalance.auctioned >> i) & 1 == 0 && i != rebalance.quoteIndex) continue;
            (uint256 usable,) = _usable(list[i]);
            // forge-lint: disable-next-line(unsafe-typecast) `_unitOf` caps to 88 bits
            list[i].unit = uint88(_unitOf(usable, supply));
        }
        _storeComponents(list);
        _state.status = Status.Active;
        emit RebalanceEnded(completed);
    }

    /// @dev What is left to trade for `auction_` to reach its target: the excess of the `usable` balance over the
    /// target's required balance (rounded up) when the basket sells, the shortfall when it buys.
    function _remaining(Auction memory auction_, uint256 usable, uint256 supply) private view returns (uint256) {
        uint256 required = Math.mulDiv(auction_.target, supply, naturalUnit, Math.Rounding.Ceil);
        if (auction_.sell) return usable > required ? usable - required : 0;
        return required > usable ? required - usable : 0;
    }

    /// @dev What is left to trade for `component`'s auction `auction_`, from its usable balance now.
    function _remainingOf(Component memory component, Auction memory auction_) private view returns (uint256) {
        (uint256 usable,) = _usable(component);
        return _remaining(auction_, usable, totalSupply());
    }

    /// @dev The lot a sealed auction of component `index` names in rebalance `round`.
    function _lot(uint32 round, uint256 index) private pure returns (uint256) {
        return (uint256(round) << 8) | index;
    }

    /// @dev The linear price between start and deadline, its move rounded down: in the basket's favour when it sells
    /// (the price falls less), and when it buys (the price rises less).
    function _price(Auction memory auction_, Rebalance memory rebalance) private view returns (uint256) {
        uint256 elapsed = block.timestamp - rebalance.startTime;
        uint256 duration = uint256(rebalance.deadline) - rebalance.startTime;
        if (auction_.sell) return auction_.startPrice - (auction_.startPrice - auction_.endPrice) * elapsed / duration;
        return auction_.startPrice + (auction_.endPrice - auction_.startPrice) * elapsed / duration;
    }

    /// @dev The unit `balance` backs for `supply`, rounded down, capped to 88 bits.
    function _unitOf(uint256 balance, uint256 supply) private view returns (uint256) {
        return Math.min(Math.mulDiv(balance, naturalUnit, supply), type(uint88).max);
    }

    // -------------------------------------------------------------------------------- Impairment

    /// @inheritdoc IBasket
    function reconcile() external nonReentrant returns (bool) {
        if (_state.status == Status.Rebalancing) revert RebalanceActive();
        return _reconcile(_loadComponents(), _state.multiplier);
    }

    /// @dev Cuts every unit of `list` that its usable balance no longer backs for the supply to what it backs (rounded
    /// down: pro rata, every holder loses the same share), stores the list and halts issuance if any was cut.
    function _reconcile(Component[] memory list, uint256 multiplier) private returns (bool impaired) {
        uint256 supply = totalSupply();
        if (supply == 0) return false;
        uint256 count = list.length;
        for (uint256 i; i < count; ++i) {
            Component memory component = list[i];
            (uint256 usable, uint256 balance) = _usable(component);
            if (usable >= _required(component, multiplier, supply)) continue;
            uint256 unit = Math.mulDiv(usable, _denominator, supply * multiplier);
            emit ComponentImpaired(component.token, component.unit, unit, usable, balance);
            // forge-lint: disable-next-line(unsafe-typecast) the cut unit is below the stored one
            component.unit = uint88(unit);
            impaired = true;
        }
        if (!impaired) return false;
        _storeComponents(list);
        if (_state.status != Status.Halted) {
            _state.status = Status.Halted;
            emit IssuanceHalted();
        }
    }

    /// @inheritdoc IBasket
    function resumeIssuance() external onlyManager {
        if (_state.status != Status.Halted) revert NotHalted();
        uint256 multiplier = _state.multiplier;
        uint256 supply = totalSupply();
        Component[] memory list = _loadComponents();
        uint256 count = list.length;
        for (uint256 i; i < count; ++i) {
            Component memory component = list[i];
            (uint256 usable,) = _usable(component);
            uint256 required = _required(component, multiplier, supply);
            if (usable < required) revert StillImpaired(component.token, usable, required);
        }
        _state.status = Status.Active;
        emit IssuanceResumed();
    }

    /// @dev The balance of `component` and the part of it the basket can send (not frozen).
    function _usable(Component memory component) private view returns (uint256 usable, uint256 balance) {
        balance = IERC20(component.token).balanceOf(address(this));
        if (component.flags & FLAG_FREEZABLE == 0) return (balance, balance);
        ISecurityToken token = ISecurityToken(component.token);
        if (token.isFrozen(address(this))) return (0, balance);
        uint256 frozen = token.getFrozenTokens(address(this));
        usable = balance > frozen ? balance - frozen : 0;
    }

    /// @dev The balance of `component` that `supply` requires, rounded up.
    function _required(Component memory component, uint256 multiplier, uint256 supply) private view returns (uint256) {
        return Math.mulDiv(supply, uint256(component.unit) * multiplier, _denominator, Math.Rounding.Ceil);
    }

    // ------------------------------------------------------------------------------------- Views

    /// @inheritdoc IBasket
    function components() external view returns (Component[] memory) {
        return _loadComponents();
    }

    /// @inheritdoc IBasket
    function paused() external view returns (bool) {
        return _paused;
    }

    /// @inheritdoc IBasket
    function isFrozen(address wallet) external view returns (bool) {
        return _freezes[wallet] & FROZEN != 0;
    }

    /// @inheritdoc IBasket
    function getFrozenTokens(address wallet) external view returns (uint256) {
        return _freezes[wallet] & ~FROZEN;
    }

    /// @inheritdoc IBasket
    function units() external view returns (uint256[] memory result) {
        uint256 multiplier = _state.multiplier;
        Component[] memory list = _loadComponents();
        uint256 count = list.length;
        result = new uint256[](count);
        for (uint256 i; i < count; ++i) {
            result[i] = uint256(list[i].unit) * multiplier / WAD;
        }
    }

    /// @inheritdoc IBasket
    function positionMultiplier() external view returns (uint256) {
        return _state.multiplier;
    }

    /// @inheritdoc IBasket
    function manager() external view returns (address) {
        return _manager;
    }

    /// @inheritdoc IBasket
    function status() external view returns (Status) {
        return _state.status;
    }

    /// @inheritdoc IBasket
    function feeState() external view returns (address recipient, uint256 rate, uint256 lastAccrual) {
        State memory state = _state;
        return (_feeRecipient, state.feeRate, state.lastAccrual);
    }

    /// @inheritdoc IBasket
    function rebalanceState()
        external
        view
        returns (uint256 quoteIndex, uint256 startTime, uint256 deadline, uint256 pending)
    {
        Rebalance memory rebalance = _rebalance;
        return (rebalance.quoteIndex, rebalance.startTime, rebalance.deadline, rebalance.pending);
    }

    /// @inheritdoc IBasket
    function auction(uint256 index)
        external
        view
        returns (uint256 target, bool sell, bool running, uint256 price, uint256 remaining)
    {
        Auction memory auction_ = _auctions[index];
        running = auction_.running && _state.status == Status.Rebalancing;
        if (running) {
            price = _price(auction_, _rebalance);
            remaining = _remainingOf(_loadComponents()[index], auction_);
        }
        return (auction_.target, auction_.sell, running, price, remaining);
    }

    /// @inheritdoc IBasket
    function sealedAuction(uint256 index)
        external
        view
        returns (address committee, uint256 computationId, uint256 priceExponent, uint256 lot, uint256 reserve)
    {
        lot = _lot(_rebalance.round, index);
        Auction memory auction_ = _auctions[index];
        if (auction_.running && auction_.isSealed && _state.status == Status.Rebalancing) {
            Sealed memory sealed_ = _sealed[index];
            return (address(sealed_.committee), sealed_.computationId, sealed_.priceExponent, lot, auction_.endPrice);
        }
    }

    /// @inheritdoc IBasket
    function collateral() external view returns (uint256[] memory usable, uint256[] memory required) {
        uint256 multiplier = _state.multiplier;
        uint256 supply = totalSupply();
        Component[] memory list = _loadComponents();
        uint256 count = list.length;
        usable = new uint256[](count);
        required = new uint256[](count);
        for (uint256 i; i < count; ++i) {
            (usable[i],) = _usable(list[i]);
            required[i] = _required(list[i], multiplier, supply);
        }
    }

    /// @inheritdoc IBasket
    function navPerToken() external view returns (uint256 nav, uint256 updatedAt) {
        uint256 multiplier = _state.multiplier;
        Component[] memory list = _loadComponents();
        uint256 count = list.length;
        updatedAt = type(uint256).max;
        for (uint256 i; i < count; ++i) {
            Component memory component = list[i];
            if (component.unit == 0) continue;
            (int256 value, uint256 priceTime) = priceFeed.price(component.token);
            if (value < 0) revert NegativePrice(component.token, value);
            uint256 scale = 10 ** IERC20Metadata(component.token).decimals();
            // forge-lint: disable-next-line(unsafe-typecast) value >= 0 was checked
            nav += Math.mulDiv(uint256(component.unit) * multiplier, uint256(value), naturalUnit * scale);
            updatedAt = Math.min(updatedAt, priceTime);
        }
        if (updatedAt == type(uint256).max) updatedAt = 0;
    }
}

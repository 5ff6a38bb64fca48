// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IOraclePriceFeed} from "../oracle/interfaces/IOraclePriceFeed.sol";
import {ICompliance} from "../token/interfaces/ICompliance.sol";
import {ISecurityToken} from "../token/interfaces/ISecurityToken.sol";
import {BasketConfig, Component, IBasket, Target} from "./interfaces/IBasket.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title Basket
/// @notice A collateralized, restricted ERC-20 of ERC-20 components (see `IBasket`).
/// @dev Amounts are `quantity x unit x multiplier / (1e18 x naturalUnit)`: rounded up when the basket receives
/// (issue, collateral required), down when it pays (redeem, NAV, units derived from balances). The hot path reads
/// one slot per component plus one state slot.
contract Basket is ERC20, ReentrancyGuardTransient, IBasket {
    using SafeERC20 for IERC20;

    /// @dev What issue and redeem read, one slot: the fee multiplier of the units, the annual fee rate, the last
    /// accrual time and the status.
    struct State {
        uint64 multiplier;
        uint64 feeRate;
        uint32 lastAccrual;
        Status status;
    }

    /// @dev The running rebalance, one slot.
    struct Rebalance {
        uint8 quoteIndex;
        uint32 startTime;
        uint32 deadline;
        uint8 pending;
    }

    /// @dev One component's auction.
    struct Auction {
        uint88 target;
        bool sell;
        bool running;
        uint128 startPrice;
        uint128 endPrice;
    }

    /// @dev A priced bid: the component and quote, the price, what the quote side pays, the units after, and whether
    /// it fills the auction.
    struct Trade {
        address token;
        address quote;
        uint256 price;
        uint256 quoteAmount;
        uint256 unit;
        uint256 quoteUnit;
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

    /// @dev The component answers `ICompliance.canReceive`.
    uint8 internal constant FLAG_RESTRICTED = 1;
    /// @dev The component answers `ISecurityToken.isFrozen` and `getFrozenTokens`.
    uint8 internal constant FLAG_FREEZABLE = 2;

    uint256 private constant WAD = 1e18;
    uint256 private constant YEAR = 365 days;
    uint256 private constant MAX_NATURAL_UNIT = 1e18;

    // -------------------------------------------------------------------------------- Immutables

    /// @inheritdoc IBasket
    uint256 public immutable naturalUnit;
    /// @inheritdoc IBasket
    IOraclePriceFeed public immutable priceFeed;
    /// @dev `WAD x naturalUnit`: the denominator of every amount.
    uint256 private immutable _denominator;

    // ----------------------------------------------------------------------------------- Storage

    Component[] private _components;
    State private _state;
    address private _manager;
    address private _feeRecipient;
    Rebalance private _rebalance;
    mapping(uint256 index => Auction) private _auctions;

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
        for (uint256 i; i < count; ++i) {
            address token = config.components[i];
            uint256 unit = config.units[i];
            for (uint256 j; j < i; ++j) {
                if (config.components[j] == token) revert DuplicateComponent(token);
            }
            if (unit == 0) revert ZeroUnit(token);
            if (unit > type(uint88).max) revert UnitTooLarge(token, unit);
            _components.push(Component({token: token, unit: uint88(unit), flags: _detectFlags(token)}));
        }
        naturalUnit = config.naturalUnit;
        _denominator = WAD * config.naturalUnit;
        priceFeed = feed;
        _state = State({
            multiplier: uint64(WAD),
            feeRate: uint64(config.feeRate),
            lastAccrual: uint32(block.timestamp),
            status: Status.Active
        });
        _manager = config.manager;
        _feeRecipient = config.feeRecipient;
    }

    /// @dev What `token` answers, probed once: compliance dry runs, freeze views.
    function _detectFlags(address token) private view returns (uint8 flags) {
        if (token.code.length == 0) revert InvalidComponent(token);
        if (_answers(token, abi.encodeCall(ICompliance.canReceive, (address(this))))) flags |= FLAG_RESTRICTED;
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

    // -------------------------------------------------------------------------------- Compliance

    /// @dev Every credited account (transfer, mint, fee mint) must be eligible for every restricted component.
    function _update(address from, address to, uint256 value) internal override {
        if (to != address(0)) _requireEligible(to);
        super._update(from, to, value);
    }

    function _requireEligible(address account) private view {
        address component = _refusingComponent(account);
        if (component != address(0)) revert NotEligible(component, account);
    }

    /// @dev The first restricted component that `account` cannot receive, or 0.
    function _refusingComponent(address account) private view returns (address) {
        uint256 count = _components.length;
        for (uint256 i; i < count; ++i) {
            Component memory component = _components[i];
            if (component.flags & FLAG_RESTRICTED != 0 && !ICompliance(component.token).canReceive(account)) {
                return component.token;
            }
        }
        return address(0);
    }

    /// @inheritdoc IBasket
    function isEligible(address account) external view returns (bool) {
        return _refusingComponent(account) == address(0);
    }

    // ---------------------------------------------------------------------------------- Issuance

    /// @inheritdoc IBasket
    function issue(uint256 quantity, address to) external nonReentrant returns (uint256[] memory amounts) {
        if (quantity == 0) revert ZeroQuantity();
        Status current = _state.status;
        if (current == Status.Halted) revert IssuanceIsHalted();
        if (current == Status.Rebalancing) revert RebalanceActive();
        _accrue();
        _mint(to, quantity);

        uint256 multiplier = _state.multiplier;
        uint256 supply = totalSupply();
        uint256 count = _components.length;
        amounts = new uint256[](count);
        bool backed;
        for (uint256 i; i < count; ++i) {
            Component memory component = _components[i];
            if (component.unit == 0) continue;
            backed = true;
            uint256 perUnit = uint256(component.unit) * multiplier;
            uint256 amount = Math.mulDiv(quantity, perUnit, _denominator, Math.Rounding.Ceil);
            amounts[i] = amount;
            uint256 balance = _pull(component.token, amount);
            uint256 required = Math.mulDiv(supply, perUnit, _denominator, Math.Rounding.Ceil);
            if (balance < required) revert Undercollateralized(component.token, balance, required);
        }
        if (!backed) revert EmptyBasket();
        emit Issued(msg.sender, to, quantity, amounts);
    }

    /// @inheritdoc IBasket
    function redeem(uint256 quantity, address to) external nonReentrant returns (uint256[] memory amounts) {
        if (quantity == 0) revert ZeroQuantity();
        if (_state.status == Status.Rebalancing) revert RebalanceActive();
        _requireEligible(to);
        _accrue();
        _burn(msg.sender, quantity);

        uint256 multiplier = _state.multiplier;
        uint256 count = _components.length;
        amounts = new uint256[](count);
        for (uint256 i; i < count; ++i) {
            Component memory component = _components[i];
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
        State memory state = _state;
        uint256 multiplier = state.multiplier;
        if (state.status != Status.Rebalancing) {
            (uint256 minted,) = _pendingFee(state);
            if (minted != 0 && _refusingComponent(_feeRecipient) == address(0)) {
                uint256 supply = totalSupply();
                multiplier = multiplier * supply / (supply + minted);
            }
        }
        uint256 count = _components.length;
        amounts = new uint256[](count);
        for (uint256 i; i < count; ++i) {
            amounts[i] = Math.mulDiv(quantity, uint256(_components[i].unit) * multiplier, _denominator, rounding);
        }
    }

    /// @dev Pulls `amount` of `token` from the caller; returns the basket's balance after, which must have grown by
    /// `amount` exactly.
    function _pull(address token, uint256 amount) private returns (uint256 balance) {
        uint256 before = IERC20(token).balanceOf(address(this));
        IERC20(token).safeTransferFrom(msg.sender, address(this), amount);
        balance = IERC20(token).balanceOf(address(this));
        if (balance < before + amount) {
            revert TransferShortfall(token, amount, balance > before ? balance - before : 0);
        }
    }

    // -------------------------------------------------------------------------------------- Fees

    /// @inheritdoc IBasket
    function accrueFee() external nonReentrant returns (uint256) {
        if (_state.status == Status.Rebalancing) revert RebalanceActive();
        return _accrue();
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
        _accrue();
        _state.feeRate = uint64(rate);
        emit FeeRateSet(rate);
    }

    /// @dev Mints the pending fee (Set v2: `supply x share / (1 - share)`) and shrinks the multiplier so that
    /// `unit x multiplier x supply` never grows. While the recipient is not eligible the fee is deferred (the time
    /// keeps accruing) rather than blocking issue and redeem.
    function _accrue() private returns (uint256 minted) {
        State memory state = _state;
        if (state.lastAccrual == block.timestamp) return 0;
        uint256 share;
        (minted, share) = _pendingFee(state);
        address recipient = _feeRecipient;
        if (minted != 0 && _refusingComponent(recipient) != address(0)) {
            emit FeeDeferred(recipient);
            return 0;
        }
        _state.lastAccrual = uint32(block.timestamp);
        if (minted == 0) return 0;
        uint256 supply = totalSupply();
        uint256 multiplier = uint256(state.multiplier) * supply / (supply + minted);
        _state.multiplier = uint64(multiplier);
        // The recipient's eligibility was checked above: mint without the check of `_update`.
        ERC20._update(address(0), recipient, minted);
        emit FeeAccrued(recipient, minted, share, multiplier);
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
        Status current = _state.status;
        if (current == Status.Rebalancing) revert RebalanceActive();
        if (current == Status.Halted) revert BasketHalted();
        uint256 count = _components.length;
        if (targets.length != count) revert LengthMismatch(count, targets.length);
        if (quoteIndex >= count) revert InvalidIndex(quoteIndex);
        if (duration < MIN_AUCTION_DURATION || duration > MAX_AUCTION_DURATION) revert InvalidDuration(duration);
        _accrue();

        uint256 multiplier = _state.multiplier;
        uint256 supply = totalSupply();
        uint256[] memory folded = new uint256[](count);
        uint256[] memory goals = new uint256[](count);
        uint256 pending;
        bool anyTarget;
        for (uint256 i; i < count; ++i) {
            bool opened;
            (folded[i], opened) = _retarget(i, i == quoteIndex, targets[i], multiplier, supply);
            goals[i] = targets[i].unit;
            if (opened) ++pending;
            if (i != quoteIndex && goals[i] != 0) anyTarget = true;
        }
        if (!anyTarget) revert NoTargetUnits();
        _state.multiplier = uint64(WAD);
        uint256 deadline = block.timestamp + duration;
        emit RebalanceStarted(_components[quoteIndex].token, deadline, folded, goals);
        if (pending == 0) {
            emit RebalanceEnded(true);
            return;
        }
        _rebalance = Rebalance({
            quoteIndex: uint8(quoteIndex),
            startTime: uint32(block.timestamp),
            deadline: uint32(deadline),
            pending: uint8(pending)
        });
        _state.status = Status.Rebalancing;
    }

    /// @dev Folds the multiplier into component `index`'s unit and sets it to `target` when that needs no trade (no
    /// supply, or the balance already meets it); otherwise opens its auction (the quote's unit stays folded).
    function _retarget(uint256 index, bool isQuote, Target calldata target, uint256 multiplier, uint256 supply)
        private
        returns (uint256 folded, bool opened)
    {
        Component storage component = _components[index];
        address token = component.token;
        if (target.unit > type(uint88).max) revert UnitTooLarge(token, target.unit);
        folded = uint256(component.unit) * multiplier / WAD;
        uint256 unit = folded;
        if (supply == 0) {
            unit = target.unit;
        } else if (!isQuote && target.unit != folded) {
            opened = _openAuction(index, token, folded, target, supply);
            if (!opened) unit = target.unit;
        }
        component.unit = uint88(unit);
    }

    /// @dev Opens component `index`'s auction unless its balance already meets the target (the caller then makes the
    /// target its unit: the balance backs it).
    function _openAuction(uint256 index, address token, uint256 unit, Target calldata target, uint256 supply)
        private
        returns (bool opened)
    {
        bool sell = target.unit < unit;
        uint256 startPrice = target.startPrice;
        uint256 endPrice = target.endPrice;
        if (
            endPrice == 0 || startPrice == 0 || (sell ? startPrice < endPrice : startPrice > endPrice)
                || startPrice > type(uint128).max || endPrice > type(uint128).max
        ) revert InvalidPriceCurve(token, startPrice, endPrice);
        Auction memory auction_ = Auction({
            target: uint88(target.unit),
            sell: sell,
            running: true,
            startPrice: uint128(startPrice),
            endPrice: uint128(endPrice)
        });
        opened = _remaining(auction_, IERC20(token).balanceOf(address(this)), supply) != 0;
        if (opened) _auctions[index] = auction_;
    }

    /// @inheritdoc IBasket
    function bid(uint256 index, uint256 amount, uint256 quoteLimit)
        external
        nonReentrant
        returns (uint256 quoteAmount)
    {
        if (_state.status != Status.Rebalancing) revert NoRebalance();
        Rebalance memory rebalance = _rebalance;
        if (block.timestamp > rebalance.deadline) revert AuctionExpired(rebalance.deadline);
        if (index >= _components.length) revert InvalidIndex(index);
        Auction memory auction_ = _auctions[index];
        if (!auction_.running) revert NoAuction(_components[index].token);
        if (amount == 0) revert ZeroQuantity();

        Trade memory trade = _trade(index, auction_, rebalance, amount);
        quoteAmount = trade.quoteAmount;
        if (auction_.sell ? quoteAmount > quoteLimit : quoteAmount < quoteLimit) {
            revert QuoteLimitExceeded(quoteAmount, quoteLimit);
        }

        _components[index].unit = uint88(trade.unit);
        _components[rebalance.quoteIndex].unit = uint88(trade.quoteUnit);
        bool completed;
        if (trade.last) {
            _auctions[index].running = false;
            completed = --rebalance.pending == 0;
            _rebalance.pending = rebalance.pending;
            if (completed) _state.status = Status.Active;
        }
        emit AuctionBid(
            msg.sender, trade.token, auction_.sell, amount, quoteAmount, trade.price, trade.unit, trade.quoteUnit
        );
        if (completed) emit RebalanceEnded(true);

        if (auction_.sell) {
            _pull(trade.quote, quoteAmount);
            IERC20(trade.token).safeTransfer(msg.sender, amount);
        } else {
            _pull(trade.token, amount);
            IERC20(trade.quote).safeTransfer(msg.sender, quoteAmount);
        }
    }

    /// @dev Prices a bid of `amount` on component `index`'s running auction and checks that it fits the remaining
    /// amount, the basket's quote balance and the bidder's eligibility for what it receives.
    function _trade(uint256 index, Auction memory auction_, Rebalance memory rebalance, uint256 amount)
        private
        view
        returns (Trade memory trade)
    {
        Component memory component = _components[index];
        Component memory quote = _components[rebalance.quoteIndex];
        trade.token = component.token;
        trade.quote = quote.token;
        uint256 supply = totalSupply();
        uint256 balance = IERC20(component.token).balanceOf(address(this));
        uint256 quoteBalance = IERC20(quote.token).balanceOf(address(this));
        uint256 remaining = _remaining(auction_, balance, supply);
        if (amount > remaining) revert BidTooLarge(component.token, amount, remaining);
        trade.last = amount == remaining;
        trade.price = _price(auction_, rebalance);

        Component memory received = auction_.sell ? component : quote;
        if (received.flags & FLAG_RESTRICTED != 0 && !ICompliance(received.token).canReceive(msg.sender)) {
            revert NotEligible(received.token, msg.sender);
        }
        if (auction_.sell) {
            trade.quoteAmount = Math.mulDiv(amount, trade.price, WAD, Math.Rounding.Ceil);
            balance -= amount;
            quoteBalance += trade.quoteAmount;
        } else {
            trade.quoteAmount = Math.mulDiv(amount, trade.price, WAD);
            if (trade.quoteAmount > quoteBalance) revert InsufficientQuote(quoteBalance, trade.quoteAmount);
            balance += amount;
            quoteBalance -= trade.quoteAmount;
        }
        trade.unit = _unitOf(balance, supply);
        trade.quoteUnit = _unitOf(quoteBalance, supply);
    }

    /// @inheritdoc IBasket
    function endRebalance() external {
        if (_state.status != Status.Rebalancing) revert NoRebalance();
        uint256 deadline = _rebalance.deadline;
        if (msg.sender != _manager && block.timestamp <= deadline) revert RebalanceNotExpired(deadline);
        uint256 count = _components.length;
        for (uint256 i; i < count; ++i) {
            if (_auctions[i].running) _auctions[i].running = false;
        }
        _state.status = Status.Active;
        emit RebalanceEnded(false);
    }

    /// @dev What is left to trade for `auction_` to reach its target: the excess over the target's required balance
    /// (rounded up) when the basket sells, the shortfall when it buys.
    function _remaining(Auction memory auction_, uint256 balance, uint256 supply) private view returns (uint256) {
        uint256 required = Math.mulDiv(auction_.target, supply, naturalUnit, Math.Rounding.Ceil);
        if (auction_.sell) return balance > required ? balance - required : 0;
        return required > balance ? required - balance : 0;
    }

    /// @dev The linear price between start and deadline, moved toward the bidders rounding down (in the basket's
    /// favour when it sells, as the price falls; when it buys, as the price rises, the rise rounds down).
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
    function reconcile() external nonReentrant returns (bool impaired) {
        Status current = _state.status;
        if (current == Status.Rebalancing) revert RebalanceActive();
        uint256 supply = totalSupply();
        if (supply == 0) return false;
        uint256 multiplier = _state.multiplier;
        uint256 count = _components.length;
        for (uint256 i; i < count; ++i) {
            Component memory component = _components[i];
            (uint256 usable, uint256 balance) = _usable(component);
            if (usable >= _required(component, multiplier, supply)) continue;
            uint256 unit = Math.mulDiv(usable, _denominator, supply * multiplier);
            _components[i].unit = uint88(unit);
            impaired = true;
            emit ComponentImpaired(component.token, component.unit, unit, usable, balance);
        }
        if (impaired && current != Status.Halted) {
            _state.status = Status.Halted;
            emit IssuanceHalted();
        }
    }

    /// @inheritdoc IBasket
    function resumeIssuance() external onlyManager {
        if (_state.status != Status.Halted) revert NotHalted();
        uint256 multiplier = _state.multiplier;
        uint256 supply = totalSupply();
        uint256 count = _components.length;
        for (uint256 i; i < count; ++i) {
            Component memory component = _components[i];
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
        return _components;
    }

    /// @inheritdoc IBasket
    function units() external view returns (uint256[] memory result) {
        uint256 multiplier = _state.multiplier;
        uint256 count = _components.length;
        result = new uint256[](count);
        for (uint256 i; i < count; ++i) {
            result[i] = uint256(_components[i].unit) * multiplier / WAD;
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
            uint256 balance = IERC20(_components[index].token).balanceOf(address(this));
            remaining = _remaining(auction_, balance, totalSupply());
        }
        return (auction_.target, auction_.sell, running, price, remaining);
    }

    /// @inheritdoc IBasket
    function collateral() external view returns (uint256[] memory usable, uint256[] memory required) {
        uint256 multiplier = _state.multiplier;
        uint256 supply = totalSupply();
        uint256 count = _components.length;
        usable = new uint256[](count);
        required = new uint256[](count);
        for (uint256 i; i < count; ++i) {
            Component memory component = _components[i];
            (usable[i],) = _usable(component);
            required[i] = _required(component, multiplier, supply);
        }
    }

    /// @inheritdoc IBasket
    function navPerToken() external view returns (uint256 nav, uint256 updatedAt) {
        uint256 multiplier = _state.multiplier;
        uint256 count = _components.length;
        updatedAt = type(uint256).max;
        for (uint256 i; i < count; ++i) {
            Component memory component = _components[i];
            if (component.unit == 0) continue;
            (int256 value, uint256 priceTime) = priceFeed.price(component.token);
            if (value < 0) revert NegativePrice(component.token, value);
            uint256 scale = 10 ** IERC20Metadata(component.token).decimals();
            nav += Math.mulDiv(uint256(component.unit) * multiplier, uint256(value), naturalUnit * scale);
            updatedAt = Math.min(updatedAt, priceTime);
        }
        if (updatedAt == type(uint256).max) updatedAt = 0;
    }
}

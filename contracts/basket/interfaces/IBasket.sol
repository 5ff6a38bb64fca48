// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IOraclePriceFeed} from "../../oracle/interfaces/IOraclePriceFeed.sol";
import {IMpcCommittee} from "../../privacy/interfaces/IMpcCommittee.sol";
import {IERC1404} from "../../token/interfaces/IERC1404.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";

/// @notice Everything a basket is created with (see `IBasketFactory.createBasket`).
/// @param name ERC-20 name of the basket token.
/// @param symbol ERC-20 symbol of the basket token.
/// @param components ERC-20 components (security tokens included), distinct, at most `MAX_COMPONENTS`.
/// @param units Amount of each component, in its base units, per `naturalUnit` base units of the basket; none zero.
/// @param naturalUnit Basket base units the units refer to (1 .. 1e36); lets 0-decimal shares back fractions: 1e36
/// gives them 18 decimals per whole basket token, so folding the fee multiplier loses no whole share.
/// @param manager Sets fees, starts rebalances, resumes issuance after an impairment (governance, later).
/// @param feeRecipient Receives the streaming fee, minted in basket tokens.
/// @param feeRate Annual streaming fee, WAD (1e18 = 100%), at most `MAX_FEE_RATE`.
/// @param compliance Holds the basket token's agent powers: pause, freeze, forced transfer, recovery (the issuers'
/// governance executor in the deployment; zero: nobody).
struct BasketConfig {
    string name;
    string symbol;
    address[] components;
    uint256[] units;
    uint256 naturalUnit;
    address manager;
    address feeRecipient;
    uint256 feeRate;
    address compliance;
}

/// @notice One component as stored: one 32-byte word of the component list.
/// @param token The component ERC-20.
/// @param unit Base units per natural unit of the basket, before the fee multiplier (`positionMultiplier`).
/// @param flags `FLAG_RESTRICTED` (answers `canReceive`), `FLAG_FREEZABLE` (answers `isFrozen`/`getFrozenTokens`).
struct Component {
    address token;
    uint88 unit;
    uint8 flags;
}

/// @notice A manager's target for one component when starting a rebalance.
/// @param unit Target base units per natural unit.
/// @param startPrice Auction price at the start: quote base units per component base unit, WAD-scaled.
/// @param endPrice Auction price at the deadline, same scale. Sells fall (start >= end), buys rise (start <= end).
struct Target {
    uint256 unit;
    uint256 startPrice;
    uint256 endPrice;
}

/// @title IBasket
/// @notice A collateralized ERC-20 of ERC-20 components after Set Protocol: `issue` mints and pulls each component's
/// amount (rounded up), `redeem` burns and returns each component's amount (rounded down). The basket holds at least
/// `unit x positionMultiplier / 1e18 x totalSupply / naturalUnit` of every component (collateralization, checked on
/// issue rather than exact equality).
/// The basket token is a security: both sides of every movement (transfer, issue's mint, redeem's burn) must be able
/// to hold every restricted component (`ISecurityToken.lookThroughTransfer`: not frozen, verified, AML clear, KYC
/// valid, country and category allowed), and a component registered with the basket as look-through counts the
/// basket's holders toward its holder and balance limits; redeem's recipient and the fee recipient must be able to
/// receive every restricted component (`ICompliance.canReceive`). The basket must be a system holder of each
/// restricted component. The compliance role has the token layer's agent powers over the basket token. A streaming fee is minted to the fee recipient on every issue and redeem (Set v2 formula) and the
/// units shrink by the position multiplier. The manager rebalances to target units through one linear Dutch auction
/// per component against a quote component; issue and redeem wait meanwhile. If a component's agent freezes or
/// seizes the basket's holdings, `reconcile` cuts that component's unit to the usable balance and halts issuance
/// until the manager resumes it.
interface IBasket is IERC20Metadata, IERC1404 {
    /// @notice Lifecycle of the basket.
    enum Status {
        Active, // issue and redeem open
        Halted, // impaired: redeem open, issue closed until `resumeIssuance`
        Rebalancing // auction running: issue, redeem and fee accrual closed
    }

    // ----------------------------------------------------------------------------------- Events

    /// @notice Emitted by `issue` when `caller` paid `amounts` (in component order) and `to` got `quantity`.
    event Issued(address indexed caller, address indexed to, uint256 quantity, uint256[] amounts);
    /// @notice Emitted by `redeem` when `holder` burnt `quantity` and `to` got `amounts` (in component order).
    event Redeemed(address indexed holder, address indexed to, uint256 quantity, uint256[] amounts);
    /// @notice Emitted when `minted` basket tokens of fee (share `feeShare`, WAD, of the supply after the mint) went to
    /// `recipient` and the position multiplier became `multiplier`.
    event FeeAccrued(address indexed recipient, uint256 minted, uint256 feeShare, uint256 multiplier);
    /// @notice Emitted when a fee is charged but `recipient` cannot hold basket tokens: the basket holds it until an
    /// accrual finds the recipient eligible again (or the manager names another).
    event FeeDeferred(address indexed recipient);
    /// @notice Emitted when the manager hands the role to `manager`.
    event ManagerSet(address indexed manager);
    /// @notice Emitted when the manager sets the fee recipient.
    event FeeRecipientSet(address indexed recipient);
    /// @notice Emitted when the manager sets the annual fee rate.
    event FeeRateSet(uint256 rate);
    /// @notice Emitted when the manager starts a rebalance against quote component `quote`, ending by `deadline`,
    /// with the (multiplier-folded) current `units` and the `targets` (base units per natural unit, component order).
    event RebalanceStarted(address indexed quote, uint256 deadline, uint256[] units, uint256[] targets);
    /// @notice Emitted by `bid`: `bidder` bought (`sell`: the basket sold) or sold `amount` of `component` for
    /// `quoteAmount` of the quote at `price`.
    event AuctionBid(
        address indexed bidder, address indexed component, bool sell, uint256 amount, uint256 quoteAmount, uint256 price
    );
    /// @notice Emitted by `sealAuction`: component `index`'s auction is settled by computation `computationId` of the
    /// MPC committee `committee`, the winning bid `b` pricing the lot at `b x 10^priceExponent`.
    event AuctionSealed(uint256 indexed index, address indexed committee, uint256 computationId, uint256 priceExponent);
    /// @notice Emitted when a rebalance ends: `completed` when every auction reached its target, otherwise cut short
    /// by the deadline or the manager. The auctioned components' and the quote's units are then what their usable
    /// balances back (`units()`).
    event RebalanceEnded(bool completed);
    /// @notice Emitted by `reconcile` (or the `issue` or `redeem` that first sees the impairment) when `component`'s unit
    /// is cut from `previousUnit` to `unit` because only
    /// `usable` of `balance` is usable (not frozen).
    event ComponentImpaired(
        address indexed component, uint256 previousUnit, uint256 unit, uint256 usable, uint256 balance
    );
    /// @notice Emitted when the compliance role `account` pauses basket movements.
    event Paused(address account);
    /// @notice Emitted when the compliance role `account` unpauses them.
    event Unpaused(address account);
    /// @notice Emitted when the compliance role `agent` freezes (`isFrozen`) or unfreezes `wallet`.
    event AddressFrozen(address indexed wallet, bool indexed isFrozen, address indexed agent);
    /// @notice Emitted when `amount` more basket tokens of `wallet` are frozen.
    event TokensFrozen(address indexed wallet, uint256 amount);
    /// @notice Emitted when `amount` frozen basket tokens of `wallet` are released.
    event TokensUnfrozen(address indexed wallet, uint256 amount);
    /// @notice Emitted when the compliance role forces a transfer of `amount` basket tokens from `from` to `to`.
    event TransferForced(address indexed from, address indexed to, uint256 amount);
    /// @notice Emitted when the compliance role recovers `lostWallet`'s basket tokens to `newWallet` of `identity`.
    event RecoverySuccess(address indexed lostWallet, address indexed newWallet, uint32 indexed identity);
    /// @notice Emitted by `reconcile`, `issue` or `redeem` when an impairment halts issuance.
    event IssuanceHalted();
    /// @notice Emitted by `resumeIssuance`.
    event IssuanceResumed();

    // ----------------------------------------------------------------------------------- Errors

    /// @notice Thrown at creation when there are no components.
    error NoComponents();
    /// @notice Thrown at creation when there are `count` components, more than `max`.
    error TooManyComponents(uint256 count, uint256 max);
    /// @notice Thrown at creation when `components` and `units` have different lengths.
    error LengthMismatch(uint256 length, uint256 otherLength);
    /// @notice Thrown at creation when `component` is listed twice.
    error DuplicateComponent(address component);
    /// @notice Thrown at creation when `component` is not a contract.
    error InvalidComponent(address component);
    /// @notice Thrown at creation when `component` has unit 0.
    error ZeroUnit(address component);
    /// @notice Thrown at creation when `unit` of `component` does not fit 88 bits.
    error UnitTooLarge(address component, uint256 unit);
    /// @notice Thrown at creation when the natural unit is 0 or above 1e36.
    error InvalidNaturalUnit(uint256 naturalUnit);
    /// @notice Thrown when a manager or fee recipient would be the zero address.
    error ZeroAddress();
    /// @notice Thrown when the annual fee `rate` is above `max`.
    error FeeRateTooHigh(uint256 rate, uint256 max);
    /// @notice Thrown when `caller`, not the manager, calls a manager function.
    error NotManager(address caller);
    /// @notice Thrown by `issue` and `redeem` with a zero quantity, and by `bid` with a zero amount.
    error ZeroQuantity();
    /// @notice Thrown when `account` would receive basket tokens or components but cannot receive `component`.
    error NotEligible(address component, address account);
    /// @notice Thrown when restricted `component` refuses a movement of basket tokens; `reason` is the component's
    /// own error (`ICompliance`: the rule and the wallet, e.g. `SenderFrozen(wallet)`, `MaxHoldersExceeded(...)`).
    error ComponentRefused(address component, bytes reason);
    /// @notice Thrown when `caller`, not the compliance role, calls an agent function.
    error NotCompliance(address caller);
    /// @notice Thrown by `issue` while issuance is halted after an impairment.
    error IssuanceIsHalted();
    /// @notice Thrown by `issue`, `redeem`, fee accrual, fee changes, `reconcile` and `startRebalance` while a
    /// rebalance runs.
    error RebalanceActive();
    /// @notice Thrown by `issue` when every unit is zero (nothing would back the tokens).
    error EmptyBasket();
    /// @notice Thrown by `issue` and `bid` when the basket received `received` of `component` instead of `expected`
    /// (fee-on-transfer or rebasing tokens).
    error TransferShortfall(address component, uint256 expected, uint256 received);
    /// @notice Thrown by `resumeIssuance` when not halted.
    error NotHalted();
    /// @notice Thrown by `resumeIssuance` when only `usable` of `component` backs the `required` amount.
    error StillImpaired(address component, uint256 usable, uint256 required);
    /// @notice Thrown by `startRebalance` when issuance is halted.
    error BasketHalted();
    /// @notice Thrown by `startRebalance` when `index` is not a component index.
    error InvalidIndex(uint256 index);
    /// @notice Thrown by `startRebalance` when `duration` is outside `MIN_AUCTION_DURATION .. MAX_AUCTION_DURATION`.
    error InvalidDuration(uint256 duration);
    /// @notice Thrown by `startRebalance` when `component`'s price curve does not move in the bidders' favour or
    /// starts at zero.
    error InvalidPriceCurve(address component, uint256 startPrice, uint256 endPrice);
    /// @notice Thrown by `startRebalance` when no component but the quote has a nonzero target.
    error NoTargetUnits();
    /// @notice Thrown by `bid` and `endRebalance` when no rebalance runs.
    error NoRebalance();
    /// @notice Thrown by `bid` after the deadline.
    error AuctionExpired(uint256 deadline);
    /// @notice Thrown by `bid` when `component` has no auction (at target, or the quote).
    error NoAuction(address component);
    /// @notice Thrown by `bid` when the quote amount `quoteAmount` is beyond the bidder's `limit` (above it when the
    /// basket sells, below it when it buys).
    error QuoteLimitExceeded(uint256 quoteAmount, uint256 limit);
    /// @notice Thrown by `bid` when the basket holds only `balance` of the quote (usable) and would pay `quoteAmount`.
    error InsufficientQuote(uint256 balance, uint256 quoteAmount);
    /// @notice Thrown by `bid` on a sealed auction (bids go to the MPC committee), and by `sealAuction` when the auction
    /// of component `index` is sealed already.
    error SealedAuction(uint256 index);
    /// @notice Thrown by `sealAuction` when component `index`'s auction buys (only sell auctions can be sealed).
    error NotSellAuction(uint256 index);
    /// @notice Thrown by `sealAuction` when the price exponent is above 36.
    error InvalidPriceExponent(uint256 priceExponent);
    /// @notice Thrown by `sealAuction` when `committee`'s computation `computationId` is not a `SealedBidAuction` of
    /// this basket's lot (see `sealedAuction`), or its id does not fit 48 bits.
    error InvalidSealedComputation(address committee, uint256 computationId);
    /// @notice Thrown by `sealAuction` when the computation takes inputs until `inputDeadline`, after the rebalance's
    /// `deadline`.
    error SealedBidTooLate(uint256 inputDeadline, uint256 deadline);
    /// @notice Thrown by `fillSealedBid` when component `index`'s auction is not sealed.
    error NotSealed(uint256 index);
    /// @notice Thrown by `fillSealedBid` while computation `computationId` has no posted result.
    error SealedBidPending(uint256 computationId);
    /// @notice Thrown by `fillSealedBid` when `caller` is not the sealed auction's `winner` (zero without bids).
    error NotWinner(address caller, address winner);
    /// @notice Thrown by `fillSealedBid` when the winning `price` is below the auction's end price, its `reserve`.
    error BelowReserve(uint256 price, uint256 reserve);
    /// @notice Thrown by `endRebalance` when a caller other than the manager ends it before `deadline`.
    error RebalanceNotExpired(uint256 deadline);
    /// @notice Thrown by `navPerToken` when the feed gives `component` the negative price `value`.
    error NegativePrice(address component, int256 value);

    // -------------------------------------------------------------------------------- Issuance

    /// @notice Accrues the fee, pulls `ceil(quantity x unit x multiplier / (1e18 x naturalUnit))` of each component
    /// from the caller (approved beforehand), then mints `quantity` basket base units to `to` (eligible for every
    /// component). Refuses while halted or rebalancing, and transfer shortfalls. If a usable balance no longer covers
    /// the supply (a freeze or seizure not reconciled yet), it cuts the units as `reconcile` does, halts issuance and
    /// returns without issuing: nothing is pulled or minted.
    /// @return amounts What was pulled of each component, in component order (all zero when it halted instead).
    function issue(uint256 quantity, address to) external returns (uint256[] memory amounts);

    /// @notice Checks that `to` is eligible for every component, accrues the fee, cuts any impairment not reconciled
    /// yet (as `reconcile`), burns `quantity` of the caller's basket tokens and sends
    /// `floor(quantity x unit x multiplier / (1e18 x naturalUnit))` of each component to `to`: a pro rata share of the
    /// usable balances whoever redeems first. Open while halted; refused while rebalancing.
    /// @return amounts What was sent of each component, in component order.
    function redeem(uint256 quantity, address to) external returns (uint256[] memory amounts);

    /// @notice What `issue(quantity, ...)` would pull now (fee accrual included).
    function previewIssue(uint256 quantity) external view returns (uint256[] memory amounts);

    /// @notice What `redeem(quantity, ...)` would return now (fee accrual included).
    function previewRedeem(uint256 quantity) external view returns (uint256[] memory amounts);

    // ------------------------------------------------------------------------------------- Fees

    /// @notice Mints the fee accrued since the last accrual (at most one year of it) to the fee recipient and scales
    /// the position multiplier by `supply / (supply + minted)`; no-op in the accrual's block. While the recipient is not
    /// eligible the fee is minted to the basket and held (`FeeDeferred`), then handed over by the first accrual that
    /// finds it eligible. Refused while rebalancing (the time then accrues at the next call).
    /// @return minted Basket base units minted.
    function accrueFee() external returns (uint256 minted);

    /// @notice Manager only: sets the fee recipient. The fee pending since the last accrual goes to the new one.
    function setFeeRecipient(address recipient) external;

    /// @notice Manager only: accrues at the old rate, then sets the annual `rate` (WAD, at most `MAX_FEE_RATE`).
    function setFeeRate(uint256 rate) external;

    /// @notice Manager only: hands the manager role to `manager`.
    function setManager(address manager) external;

    // ------------------------------------------------------------------------------ Rebalancing

    /// @notice Manager only: accrues the fee, folds the multiplier into the units and starts one linear Dutch auction
    /// per component whose target differs from its unit, against component `quoteIndex` (whose own target is
    /// ignored: it absorbs the proceeds). Issue and redeem wait until the rebalance ends. With no supply, the
    /// targets (the quote's included) become the units at once.
    function startRebalance(uint256 quoteIndex, Target[] calldata targets, uint256 duration) external;

    /// @notice Trades with the auction of component `index` at the current price: when the basket sells, the bidder
    /// gets `amount` of the component and pays `ceil(amount x price / 1e18)` of the quote, at most `quoteLimit`;
    /// when it buys, the bidder delivers `amount` and gets `floor(amount x price / 1e18)` of the quote, at least
    /// `quoteLimit`. An `amount` above what remains takes the remainder, `quoteLimit` scaled to it pro rata (rounded
    /// in the bidder's favour), so that a bid for the whole remainder fills even after another bid took part of it.
    /// The bidder must be eligible for what it receives. The rebalance completes with the bid that fills the last
    /// auction; the units change only then (or at `endRebalance`).
    /// @return quoteAmount The quote paid or received by the bidder.
    function bid(uint256 index, uint256 amount, uint256 quoteLimit) external returns (uint256 quoteAmount);

    /// @notice Manager only: seals the running sell auction of component `index`: it is then settled by computation
    /// `computationId` of the MPC committee `committee` (a `SealedBidAuction` whose parameters name this basket and
    /// `sealedAuction(index)`'s lot, taking inputs until the rebalance's deadline at the latest) instead of Dutch bids,
    /// which it refuses from now on. Bidders submit their bids, secret-shared, to the committee; it reveals only the
    /// winner and the winning bid `b`, the price `b x 10^priceExponent` (WAD, quote base units per component base unit,
    /// `priceExponent` <= 36).
    function sealAuction(uint256 index, IMpcCommittee committee, uint256 computationId, uint256 priceExponent) external;

    /// @notice The sealed auction's winner buys the whole remaining lot of component `index` at its winning price, if
    /// that is at least the auction's end price (the reserve), paying `ceil(amount x price / 1e18)` of the quote. Only
    /// once the committee posted the result and before the rebalance's deadline; the winner must be eligible for the
    /// component. Without a winner (no bids, a winner who does not fill, a price below the reserve) the manager ends
    /// the rebalance.
    /// @return amount The component amount bought.
    /// @return quoteAmount The quote paid.
    function fillSealedBid(uint256 index) external returns (uint256 amount, uint256 quoteAmount);

    /// @notice Ends the running rebalance where it stands: the manager at any time, anyone after the deadline. The
    /// auctioned components' and the quote's units become what their usable balances back, rounded down.
    function endRebalance() external;

    // ------------------------------------------------------------------------------- Impairment

    /// @notice Cuts every component's unit to what its usable balance (balance minus frozen tokens, zero when the
    /// basket's wallet is frozen) backs, pro rata to the supply; halts issuance if any unit was cut. Anyone may call.
    /// @return impaired Whether a unit was cut.
    function reconcile() external returns (bool impaired);

    /// @notice Manager only: reopens issuance after an impairment, once every unit is backed by usable balances.
    function resumeIssuance() external;

    // ------------------------------------------------------------------------- Compliance role

    /// @notice Pauses basket movements (transfers, issue, redeem; not agent actions nor the fee). Reverts with
    /// `ISecurityToken.AlreadyPaused` when paused.
    function pause() external;

    /// @notice Unpauses them (`ISecurityToken.NotPaused` when not paused).
    function unpause() external;

    /// @notice Freezes (`freeze` true) or unfreezes `wallet`: a frozen wallet neither sends, receives nor redeems.
    function setAddressFrozen(address wallet, bool freeze) external;

    /// @notice Freezes `amount` more of `wallet`'s basket tokens (at most its balance in all,
    /// `ISecurityToken.FreezeExceedsBalance`).
    function freezePartialTokens(address wallet, uint256 amount) external;

    /// @notice Releases `amount` of `wallet`'s frozen basket tokens (`ISecurityToken.UnfreezeExceedsFrozen`).
    function unfreezePartialTokens(address wallet, uint256 amount) external;

    /// @notice Moves `amount` basket tokens from `from` to `to` bypassing the pause, the frozen wallets and the
    /// sender's component rules; frozen tokens of `from` are released first if needed. `to` must still be able to
    /// hold every restricted component (`ComponentRefused`), whose look-through exposure moves along.
    function forcedTransfer(address from, address to, uint256 amount) external returns (bool);

    /// @notice Moves the whole balance of `lostWallet` to `newWallet`, a wallet of the same identity (as the first
    /// restricted component knows it, `ISecurityToken.RecoveryIdentityMismatch` otherwise) that can hold every
    /// restricted component. Frozen tokens and the frozen flag move along.
    function recoveryAddress(address lostWallet, address newWallet) external returns (bool);

    // ------------------------------------------------------------------------------------ Views

    /// @notice The compliance role (immutable).
    function compliance() external view returns (address);

    /// @notice Whether basket movements are paused.
    function paused() external view returns (bool);

    /// @notice Whether `wallet` is frozen.
    function isFrozen(address wallet) external view returns (bool);

    /// @notice The frozen part of `wallet`'s basket tokens.
    function getFrozenTokens(address wallet) external view returns (uint256);

    /// @notice Dry run of a transfer of `amount` basket tokens from `from` to `to` (`from` zero: a mint): the basket's
    /// own rules (pause, frozen wallets, frozen tokens, balance) then each restricted component's
    /// (`ISecurityToken.detectLookThroughRestriction`), with the token layer's codes (`Restrictions`).
    /// @return allowed Whether it would succeed.
    /// @return code The first restriction code, 0 when allowed.
    function canTransfer(address from, address to, uint256 amount) external view returns (bool allowed, uint8 code);

    /// @notice The most components a basket holds.
    function MAX_COMPONENTS() external view returns (uint256);

    /// @notice The highest annual fee rate (WAD).
    function MAX_FEE_RATE() external view returns (uint256);

    /// @notice Bounds of a rebalance's duration.
    function MIN_AUCTION_DURATION() external view returns (uint256);
    function MAX_AUCTION_DURATION() external view returns (uint256);

    /// @notice Basket base units the units refer to (immutable).
    function naturalUnit() external view returns (uint256);

    /// @notice The price feed NAV is read from (immutable).
    function priceFeed() external view returns (IOraclePriceFeed);

    /// @notice The components as stored, in order.
    function components() external view returns (Component[] memory);

    /// @notice Effective units (`unit x positionMultiplier / 1e18`, rounded down), in component order.
    function units() external view returns (uint256[] memory);

    /// @notice The fee multiplier of the units (WAD), 1e18 after creation and after each rebalance start.
    function positionMultiplier() external view returns (uint256);

    /// @notice The manager.
    function manager() external view returns (address);

    /// @notice The lifecycle status.
    function status() external view returns (Status);

    /// @notice The fee recipient, annual rate (WAD) and last accrual time.
    function feeState() external view returns (address recipient, uint256 rate, uint256 lastAccrual);

    /// @notice The running rebalance's quote index, start, deadline and number of auctions not done.
    function rebalanceState()
        external
        view
        returns (uint256 quoteIndex, uint256 startTime, uint256 deadline, uint256 pending);

    /// @notice Component `index`'s auction: target unit, whether the basket sells (else buys), whether it runs, and
    /// its current price and remaining amount (0 when not running).
    function auction(uint256 index)
        external
        view
        returns (uint256 target, bool sell, bool running, uint256 price, uint256 remaining);

    /// @notice Component `index`'s sealed auction, if its auction runs sealed: the MPC committee (zero otherwise), the
    /// computation, the price exponent and the reserve (the lowest price `fillSealedBid` accepts, WAD); and `lot`, the
    /// lot a `SealedBidAuction` must name to seal that auction in the current rebalance (`rebalance number << 8 |
    /// index`).
    function sealedAuction(uint256 index)
        external
        view
        returns (address committee, uint256 computationId, uint256 priceExponent, uint256 lot, uint256 reserve);

    /// @notice Whether `account` may hold basket tokens: it can receive every restricted component.
    function isEligible(address account) external view returns (bool);

    /// @notice Each component's usable balance (balance minus frozen tokens; 0 if the basket's wallet is frozen) and
    /// the amount the supply requires, in component order. `reconcile` cuts where usable < required. During a
    /// rebalance the units are those of its start (they settle when it ends), so usable < required is expected there.
    function collateral() external view returns (uint256[] memory usable, uint256[] memory required);

    /// @notice Net asset value of one basket token (1e18 base units) in the price feed's unit: the sum of each
    /// component's effective unit times its price per whole token (10^decimals base units), with the oldest price
    /// time. Reverts with the feed's `UnknownAsset` for an unpriced component and `NegativePrice` for a negative one.
    function navPerToken() external view returns (uint256 nav, uint256 updatedAt);
}

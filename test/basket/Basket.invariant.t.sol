// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Basket} from "../../contracts/basket/Basket.sol";
import {Component, IBasket, Target} from "../../contracts/basket/interfaces/IBasket.sol";
import {SecurityToken} from "../../contracts/token/SecurityToken.sol";
import {ICompliance} from "../../contracts/token/interfaces/ICompliance.sol";
import {BasketCommitteeFixture} from "./BasketCommitteeFixture.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {StdInvariant} from "forge-std/StdInvariant.sol";

/// @notice Invariants of the default basket under random issues, redemptions, transfers (to eligible and ineligible
/// wallets), time, fee accruals, impairments (the agent freezing part of the basket's shares, then reconcile and
/// resume, or left for the next issue or redeem to see) and rebalances (random targets for the two shares against the plain ERC-20, partial bids, early ends,
/// sell auctions sealed to the MPC committee and bought whole by the winner of its sealed bids, or left unsold when the
/// winning bid is below the reserve).
/// The test contract is its own handler; handlers bound their inputs and only call what may succeed, or expect the
/// exact refusal, so `fail_on_revert = true` stays meaningful.
contract BasketInvariantTest is BasketCommitteeFixture {
    uint256 internal constant COMPONENTS = 3;
    uint256 internal constant QUOTE = 2;
    /// @dev Auction prices: 0.01 to 0.03 plain tokens per share, WAD-scaled.
    uint256 internal constant LOW = 0.01e36;
    uint256 internal constant HIGH = 0.03e36;

    Basket internal basket;
    address[4] internal holders;

    address internal bidder = makeAddr("bidder");

    /// @dev Ghost sums over the run, per component: pulled by issues, paid out by redemptions, and the auctions'
    /// flows into and out of the basket.
    uint256[COMPONENTS] internal paidIn;
    uint256[COMPONENTS] internal paidOut;
    uint256[COMPONENTS] internal auctionIn;
    uint256[COMPONENTS] internal auctionOut;
    bool internal rebalanced;
    /// @dev A freeze that no issue, redeem or reconcile has seen yet.
    bool internal unreconciled;

    function setUp() public override {
        super.setUp();
        basket = _createDefault();
        holders = [alice, bob, carol, stranger];
        _verify(bidder);

        bytes4[] memory selectors = new bytes4[](11);
        selectors[0] = this.issue.selector;
        selectors[1] = this.redeem.selector;
        selectors[2] = this.transfer.selector;
        selectors[3] = this.warp.selector;
        selectors[4] = this.accrue.selector;
        selectors[5] = this.impair.selector;
        selectors[6] = this.startRebalance.selector;
        selectors[7] = this.bid.selector;
        selectors[8] = this.endRebalance.selector;
        selectors[9] = this.sealedSale.selector;
        selectors[10] = this.freeze.selector;
        targetSelector(StdInvariant.FuzzSelector({addr: address(this), selectors: selectors}));
        targetContract(address(this));
    }

    // ---------------------------------------------------------------------------------- Handlers

    /// @dev Only the first three holders are eligible; issuing to the stranger is covered by the unit tests.
    function issue(uint256 seed, uint256 quantity) external {
        if (basket.status() != IBasket.Status.Active) return;
        address holder = holders[seed % 3];
        quantity = bound(quantity, 1, 100e18);
        // Freezes and rebalances may leave every unit at zero: nothing backs new tokens.
        Component[] memory list = basket.components();
        if (list[0].unit == 0 && list[1].unit == 0 && list[2].unit == 0) return;
        uint256[] memory amounts = _issue(basket, holder, quantity);
        unreconciled = false;
        for (uint256 i; i < COMPONENTS; ++i) {
            paidIn[i] += amounts[i];
        }
    }

    function redeem(uint256 seed, uint256 quantity) external {
        if (basket.status() == IBasket.Status.Rebalancing) return;
        address holder = holders[seed % 3];
        uint256 balance = basket.balanceOf(holder);
        if (balance == 0) return;
        quantity = bound(quantity, 1, balance);
        (uint256[] memory usable,) = basket.collateral();
        uint256 supply = basket.totalSupply();
        vm.prank(holder);
        uint256[] memory amounts = basket.redeem(quantity, holder);
        unreconciled = false;
        for (uint256 i; i < COMPONENTS; ++i) {
            paidOut[i] += amounts[i];
            // Whatever was frozen and not reconciled yet, and whoever redeemed before: a pro rata share at most.
            assertLe(amounts[i], quantity * usable[i] / supply, "no more than a pro rata share of the usable balance");
        }
    }

    function transfer(uint256 fromSeed, uint256 toSeed, uint256 amount) external {
        address from = holders[fromSeed % 3];
        address to = holders[toSeed % holders.length];
        uint256 balance = basket.balanceOf(from);
        if (balance == 0) return;
        amount = bound(amount, 1, balance);
        if (!basket.isEligible(to)) {
            vm.expectRevert(
                _refused(address(shares[0]), abi.encodeWithSelector(ICompliance.ReceiverNotRegistered.selector, to))
            );
        }
        vm.prank(from);
        basket.transfer(to, amount);
    }

    /// @dev At most 5 days a call, so that a run (depth 64) stays within the holders' KYC validity.
    function warp(uint256 seconds_) external {
        vm.warp(block.timestamp + bound(seconds_, 1, 5 days));
    }

    function accrue() external {
        if (basket.status() == IBasket.Status.Rebalancing) return;
        basket.accrueFee();
    }

    /// @dev The agent freezes part of the basket's unfrozen share 0; reconcile cuts the unit, the manager resumes.
    function impair(uint256 amount) external {
        if (basket.status() == IBasket.Status.Rebalancing) return;
        uint256 balance = shares[0].balanceOf(address(basket));
        uint256 frozen = shares[0].getFrozenTokens(address(basket));
        if (balance == frozen) return;
        vm.prank(agent);
        shares[0].freezePartialTokens(address(basket), bound(amount, 1, balance - frozen));
        basket.reconcile();
        unreconciled = false;
        if (basket.status() == IBasket.Status.Halted) {
            vm.prank(basketManager);
            basket.resumeIssuance();
        }
    }

    /// @dev The agent freezes part of the basket's unfrozen share 0 or 1 and nobody reconciles: the next issue or
    /// redeem must cut the unit itself.
    function freeze(uint256 seed, uint256 amount) external {
        SecurityToken share = shares[seed % 2];
        uint256 balance = share.balanceOf(address(basket));
        uint256 frozen = share.getFrozenTokens(address(basket));
        if (balance == frozen) return;
        vm.prank(agent);
        share.freezePartialTokens(address(basket), bound(amount, 1, balance - frozen));
        unreconciled = true;
    }

    /// @dev New targets for the two shares (up to twice their unit, share 1 never 0) against the plain ERC-20.
    function startRebalance(uint256 seed0, uint256 seed1) external {
        if (basket.status() != IBasket.Status.Active || basket.totalSupply() == 0) return;
        basket.accrueFee();
        uint256[] memory folded = basket.units();
        Target[] memory targets = new Target[](COMPONENTS);
        targets[0] = _target(folded[0], bound(seed0, 0, 2 * folded[0] + 1));
        targets[1] = _target(folded[1], bound(seed1, 1, 2 * folded[1] + 1));
        vm.prank(basketManager);
        basket.startRebalance(QUOTE, targets, 1 days);
        rebalanced = true;
    }

    function _target(uint256 unit, uint256 target) internal pure returns (Target memory) {
        return target < unit
            ? Target({unit: target, startPrice: HIGH, endPrice: LOW})
            : Target({unit: target, startPrice: LOW, endPrice: HIGH});
    }

    /// @dev A partial or full bid on one of the two shares' Dutch auctions, within what the basket's quote can pay.
    function bid(uint256 seed, uint256 amount) external {
        if (basket.status() != IBasket.Status.Rebalancing) return;
        (,, uint256 deadline,) = basket.rebalanceState();
        if (block.timestamp > deadline) return;
        uint256 index = seed % 2;
        (, bool sell, bool running, uint256 price, uint256 remaining) = basket.auction(index);
        (address sealedBy,,,,) = basket.sealedAuction(index);
        if (!running || sealedBy != address(0)) return;
        if (!sell) remaining = Math.min(remaining, plain.balanceOf(address(basket)) * 1e18 / price);
        if (remaining == 0) return;
        amount = bound(amount, 1, remaining);
        address share = address(shares[index]);
        if (sell) {
            uint256 cost = Math.mulDiv(amount, price, 1e18, Math.Rounding.Ceil);
            plain.mint(bidder, cost);
            vm.startPrank(bidder);
            plain.approve(address(basket), cost);
            basket.bid(index, amount, cost);
            vm.stopPrank();
            auctionOut[index] += amount;
            auctionIn[QUOTE] += cost;
        } else {
            _mintComponent(share, bidder, amount);
            vm.startPrank(bidder);
            shares[index].approve(address(basket), amount);
            uint256 proceeds = basket.bid(index, amount, 0);
            vm.stopPrank();
            auctionIn[index] += amount;
            auctionOut[QUOTE] += proceeds;
        }
    }

    /// @dev Seals a running sell auction of a share to the committee (bids taken for a minute), posts a winning bid
    /// between 0.5x and 3.5x the reserve (price = bid x 10^30) and has the winner buy the whole lot; below the reserve
    /// the fill is refused and the lot stays for the end.
    function sealedSale(uint256 seed, uint256 bidSeed) external {
        if (basket.status() != IBasket.Status.Rebalancing) return;
        (,, uint256 deadline,) = basket.rebalanceState();
        if (block.timestamp + 1 minutes > deadline) return;
        uint256 index = seed % 2;
        (, bool sell, bool running,, uint256 remaining) = basket.auction(index);
        (address sealedBy,,, uint256 lot,) = basket.sealedAuction(index);
        if (!sell || !running || sealedBy != address(0)) return;
        uint256 id = _requestSealed(address(basket), lot, 1 minutes);
        vm.prank(basketManager);
        basket.sealAuction(index, committee, id, 30);
        vm.warp(block.timestamp + 1 minutes);
        uint256 winning = bound(bidSeed, LOW / 2e30, 3.5e6 * LOW / 1e36);
        _postSealed(id, bidder, winning);
        uint256 price = winning * 1e30;
        vm.startPrank(bidder);
        if (price < LOW) {
            vm.expectRevert(abi.encodeWithSelector(IBasket.BelowReserve.selector, price, LOW));
            basket.fillSealedBid(index);
            vm.stopPrank();
            return;
        }
        uint256 cost = Math.mulDiv(remaining, price, 1e18, Math.Rounding.Ceil);
        plain.mint(bidder, cost);
        plain.approve(address(basket), cost);
        (uint256 amount, uint256 paid) = basket.fillSealedBid(index);
        vm.stopPrank();
        assertEq(amount, remaining, "the whole lot");
        assertEq(paid, cost);
        auctionOut[index] += amount;
        auctionIn[QUOTE] += paid;
    }

    function endRebalance() external {
        if (basket.status() != IBasket.Status.Rebalancing) return;
        vm.prank(basketManager);
        basket.endRebalance();
    }

    // -------------------------------------------------------------------------------- Invariants

    /// @dev Units settle when a rebalance ends (bids move balances, not units; issue and redeem wait), so the check
    /// applies whenever no rebalance runs, and once the basket has seen the last freeze.
    function invariant_collateralized() public view {
        if (basket.status() == IBasket.Status.Rebalancing || unreconciled) return;
        (uint256[] memory usable, uint256[] memory required) = basket.collateral();
        for (uint256 i; i < COMPONENTS; ++i) {
            assertGe(usable[i], required[i], "usable >= unit x multiplier x supply / natural unit");
        }
    }

    /// @dev Until a rebalance changes the composition, redemptions never return more than issues pulled.
    function invariant_redemptionsNeverExceedIssues() public view {
        if (rebalanced) return;
        for (uint256 i; i < COMPONENTS; ++i) {
            assertLe(paidOut[i], paidIn[i], "paid out <= paid in");
        }
    }

    function invariant_componentBalancesMatchTheFlows() public view {
        address[] memory components = _tokens(basket);
        for (uint256 i; i < COMPONENTS; ++i) {
            assertEq(
                IERC20(components[i]).balanceOf(address(basket)), paidIn[i] + auctionIn[i] - paidOut[i] - auctionOut[i]
            );
        }
    }

    function invariant_supplyIsHeldByEligibleHoldersAndTheFeeRecipient() public view {
        // The basket holds the fee minted while the recipient was not eligible.
        uint256 sum = basket.balanceOf(feeRecipient) + basket.balanceOf(address(basket));
        for (uint256 i; i < holders.length; ++i) {
            sum += basket.balanceOf(holders[i]);
        }
        assertEq(sum, basket.totalSupply());
        assertEq(basket.balanceOf(stranger), 0, "never credited to an ineligible wallet");
    }
}


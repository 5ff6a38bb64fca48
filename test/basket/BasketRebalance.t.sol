// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Basket} from "../../contracts/basket/Basket.sol";
import {IBasket, Target} from "../../contracts/basket/interfaces/IBasket.sol";
import {BasketFixture} from "./BasketFixture.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @notice Unit tests of rebalancing auctions. The basket holds share 0 (200 per token), share 1 (100) and the plain
/// ERC-20 as quote (1000e18); Alice issued 10 tokens. The manager moves share 0 to 100 (the basket sells 1000
/// shares, price falling from 6 to 4 quote tokens per share over a day) and share 1 to 150 (it buys 500, price
/// rising from 4 to 6).
contract BasketRebalanceTest is BasketFixture {
    uint256 internal constant SUPPLY = 10e18;
    uint256 internal constant DURATION = 1 days;
    uint256 internal constant HIGH = 6e36;
    uint256 internal constant LOW = 4e36;

    Basket internal basket;

    function setUp() public override {
        super.setUp();
        basket = _createWithPlain(1000e18);
        _issue(basket, alice, SUPPLY);
        _mintComponent(address(shares[1]), bob, 10_000);
        plain.mint(bob, 1e24);
        vm.startPrank(bob);
        shares[1].approve(address(basket), type(uint256).max);
        plain.approve(address(basket), type(uint256).max);
        vm.stopPrank();
    }

    function _targets() internal pure returns (Target[] memory targets) {
        targets = new Target[](3);
        targets[0] = Target({unit: 100, startPrice: HIGH, endPrice: LOW});
        targets[1] = Target({unit: 150, startPrice: LOW, endPrice: HIGH});
    }

    function _start(Target[] memory targets) internal {
        vm.prank(basketManager);
        basket.startRebalance(2, targets, DURATION);
    }

    // ---------------------------------------------------------------------------- startRebalance

    function test_startRebalance_opensOneAuctionPerMovedComponent() public {
        uint256[] memory folded = new uint256[](3);
        folded[0] = 200;
        folded[1] = 100;
        folded[2] = 1000e18;
        uint256[] memory goals = new uint256[](3);
        goals[0] = 100;
        goals[1] = 150;
        vm.expectEmit(address(basket));
        emit IBasket.RebalanceStarted(address(plain), block.timestamp + DURATION, folded, goals);
        _start(_targets());

        assertEq(uint8(basket.status()), uint8(IBasket.Status.Rebalancing));
        (uint256 quoteIndex, uint256 startTime, uint256 deadline, uint256 pending) = basket.rebalanceState();
        assertEq(quoteIndex, 2);
        assertEq(startTime, block.timestamp);
        assertEq(deadline, block.timestamp + DURATION);
        assertEq(pending, 2);
        (uint256 target, bool sell, bool running, uint256 price, uint256 remaining) = basket.auction(0);
        assertEq(target, 100);
        assertTrue(sell);
        assertTrue(running);
        assertEq(price, HIGH);
        assertEq(remaining, 1000);
        (target, sell, running, price, remaining) = basket.auction(1);
        assertEq(target, 150);
        assertFalse(sell);
        assertEq(price, LOW);
        assertEq(remaining, 500);
        (,, running,,) = basket.auction(2);
        assertFalse(running);
    }

    function test_startRebalance_foldsTheFeeMultiplierIntoUnits() public {
        vm.warp(block.timestamp + 90 days);
        uint256 share = FEE_RATE * 90 days / 365 days;
        uint256 minted = SUPPLY * share / (ONE - share);
        uint256 multiplier = ONE * SUPPLY / (SUPPLY + minted);
        _start(_targets());
        assertEq(basket.positionMultiplier(), ONE);
        assertEq(basket.components()[2].unit, 1000e18 * multiplier / ONE);
        assertEq(basket.balanceOf(feeRecipient), minted);
    }

    function test_startRebalance_withoutSupplyTakesEveryTarget() public {
        Basket empty = _createDefault();
        Target[] memory targets = new Target[](3);
        targets[0].unit = 300;
        targets[2].unit = 7;
        vm.expectEmit(address(empty));
        emit IBasket.RebalanceEnded(true);
        vm.prank(basketManager);
        empty.startRebalance(2, targets, DURATION);
        assertEq(uint8(empty.status()), uint8(IBasket.Status.Active));
        uint256[] memory expected = new uint256[](3);
        expected[0] = 300;
        expected[2] = 7;
        assertEq(empty.units(), expected);
    }

    function test_startRebalance_skipsComponentsAtTarget() public {
        Target[] memory targets = _targets();
        targets[1].unit = 100;
        _start(targets);
        (,,, uint256 pending) = basket.rebalanceState();
        assertEq(pending, 1);
        (,, bool running,,) = basket.auction(1);
        assertFalse(running);
    }

    function test_startRebalance_auctionsOnlyTheUsableBalance() public {
        vm.prank(agent);
        shares[0].freezePartialTokens(address(basket), 500);
        basket.reconcile();
        vm.prank(basketManager);
        basket.resumeIssuance();
        Target[] memory targets = _targets();
        targets[0].unit = 0;
        _start(targets);
        (,,,, uint256 remaining) = basket.auction(0);
        assertEq(remaining, 1500, "the 500 frozen shares are not offered");
        vm.prank(bob);
        basket.bid(0, 1500, type(uint256).max);
        vm.prank(basketManager);
        basket.endRebalance();
        assertEq(basket.units()[0], 0);
        assertEq(shares[0].balanceOf(address(basket)), 500);
    }

    function test_startRebalance_revertsForNonManager() public {
        vm.expectRevert(abi.encodeWithSelector(IBasket.NotManager.selector, address(this)));
        basket.startRebalance(2, _targets(), DURATION);
    }

    function test_startRebalance_revertsWhileRebalancing() public {
        _start(_targets());
        vm.prank(basketManager);
        vm.expectRevert(IBasket.RebalanceActive.selector);
        basket.startRebalance(2, _targets(), DURATION);
    }

    function test_startRebalance_revertsWhenHalted() public {
        vm.prank(agent);
        shares[0].freezePartialTokens(address(basket), 1);
        basket.reconcile();
        vm.prank(basketManager);
        vm.expectRevert(IBasket.BasketHalted.selector);
        basket.startRebalance(2, _targets(), DURATION);
    }

    function test_startRebalance_revertsOnLengthMismatch() public {
        vm.prank(basketManager);
        vm.expectRevert(abi.encodeWithSelector(IBasket.LengthMismatch.selector, 3, 2));
        basket.startRebalance(2, new Target[](2), DURATION);
    }

    function test_startRebalance_revertsOnInvalidQuoteIndex() public {
        vm.prank(basketManager);
        vm.expectRevert(abi.encodeWithSelector(IBasket.InvalidIndex.selector, 3));
        basket.startRebalance(3, _targets(), DURATION);
    }

    function test_startRebalance_revertsOnDurationTooShort() public {
        vm.prank(basketManager);
        vm.expectRevert(abi.encodeWithSelector(IBasket.InvalidDuration.selector, 1 hours - 1));
        basket.startRebalance(2, _targets(), 1 hours - 1);
    }

    function test_startRebalance_revertsOnDurationTooLong() public {
        vm.prank(basketManager);
        vm.expectRevert(abi.encodeWithSelector(IBasket.InvalidDuration.selector, 30 days + 1));
        basket.startRebalance(2, _targets(), 30 days + 1);
    }

    function test_startRebalance_revertsOnRisingSellPrice() public {
        Target[] memory targets = _targets();
        targets[0].startPrice = LOW;
        targets[0].endPrice = HIGH;
        vm.prank(basketManager);
        vm.expectRevert(abi.encodeWithSelector(IBasket.InvalidPriceCurve.selector, address(shares[0]), LOW, HIGH));
        basket.startRebalance(2, targets, DURATION);
    }

    function test_startRebalance_revertsOnZeroPrice() public {
        Target[] memory targets = _targets();
        targets[1].startPrice = 0;
        vm.prank(basketManager);
        vm.expectRevert(abi.encodeWithSelector(IBasket.InvalidPriceCurve.selector, address(shares[1]), 0, HIGH));
        basket.startRebalance(2, targets, DURATION);
    }

    function test_startRebalance_revertsWithoutNonQuoteTarget() public {
        Target[] memory targets = _targets();
        targets[0].unit = 0;
        targets[1] = targets[0];
        targets[2].unit = 5;
        vm.prank(basketManager);
        vm.expectRevert(IBasket.NoTargetUnits.selector);
        basket.startRebalance(2, targets, DURATION);
    }

    function test_startRebalance_revertsOnTargetTooLarge() public {
        Target[] memory targets = _targets();
        targets[1].unit = uint256(type(uint88).max) + 1;
        vm.prank(basketManager);
        vm.expectRevert(
            abi.encodeWithSelector(IBasket.UnitTooLarge.selector, address(shares[1]), uint256(type(uint88).max) + 1)
        );
        basket.startRebalance(2, targets, DURATION);
    }

    // --------------------------------------------------------------------------------------- bid

    function test_bid_sellsAtTheDecayedPrice() public {
        _start(_targets());
        vm.warp(block.timestamp + DURATION / 2);
        uint256 price = 5e36;
        vm.expectEmit(address(basket));
        emit IBasket.AuctionBid(bob, address(shares[0]), true, 400, 2000e18, price);
        vm.prank(bob);
        assertEq(basket.bid(0, 400, 2000e18), 2000e18);
        assertEq(shares[0].balanceOf(bob), 400);
        assertEq(plain.balanceOf(address(basket)), 12_000e18);
        assertEq(basket.components()[0].unit, 200, "units settle when the rebalance ends");
        (,,,, uint256 remaining) = basket.auction(0);
        assertEq(remaining, 600);
        (,,, uint256 pending) = basket.rebalanceState();
        assertEq(pending, 2);
    }

    function test_bid_buysAtTheRisenPrice() public {
        _start(_targets());
        vm.warp(block.timestamp + DURATION / 4);
        uint256 price = 4.5e36;
        vm.expectEmit(address(basket));
        emit IBasket.AuctionBid(bob, address(shares[1]), false, 500, 2250e18, price);
        vm.prank(bob);
        assertEq(basket.bid(1, 500, 2250e18), 2250e18);
        assertEq(shares[1].balanceOf(address(basket)), 1500);
        (,, bool running,,) = basket.auction(1);
        assertFalse(running);
        (,,, uint256 pending) = basket.rebalanceState();
        assertEq(pending, 1);
    }

    function test_bid_fillingEveryAuctionCompletesTheRebalance() public {
        _start(_targets());
        vm.startPrank(bob);
        basket.bid(1, 500, 0);
        vm.expectEmit(address(basket));
        emit IBasket.RebalanceEnded(true);
        basket.bid(0, 1000, type(uint256).max);
        vm.stopPrank();
        assertEq(uint8(basket.status()), uint8(IBasket.Status.Active));
        uint256[] memory unitsAfter = basket.units();
        assertEq(unitsAfter[0], 100);
        assertEq(unitsAfter[1], 150);
        // 10,000 + 6,000 (sold 1,000 at 6) - 2,000 (bought 500 at 4) quote tokens for 10 basket tokens
        assertEq(unitsAfter[2], 1400e18);
        _issue(basket, carol, ONE);
        assertEq(shares[0].balanceOf(address(basket)), 1100);
    }

    function testFuzz_bid_fillingEveryAuctionReachesTheTargets(
        uint256 sellTarget,
        uint256 buyTarget,
        uint256 elapsed,
        uint256 firstFill
    ) public {
        sellTarget = bound(sellTarget, 0, 199);
        buyTarget = bound(buyTarget, 101, 250);
        Target[] memory targets = _targets();
        targets[0].unit = sellTarget;
        targets[1].unit = buyTarget;
        _start(targets);
        vm.warp(block.timestamp + bound(elapsed, 0, DURATION));
        (,,,, uint256 toSell) = basket.auction(0);
        (,,,, uint256 toBuy) = basket.auction(1);
        assertEq(toSell, (200 - sellTarget) * 10);
        assertEq(toBuy, (buyTarget - 100) * 10);
        firstFill = bound(firstFill, 1, toSell);

        vm.startPrank(bob);
        basket.bid(0, firstFill, type(uint256).max);
        if (firstFill < toSell) basket.bid(0, toSell - firstFill, type(uint256).max);
        basket.bid(1, toBuy, 0);
        vm.stopPrank();

        assertEq(uint8(basket.status()), uint8(IBasket.Status.Active));
        assertEq(basket.units()[0], sellTarget);
        assertEq(basket.units()[1], buyTarget);
        (uint256[] memory usable, uint256[] memory required) = basket.collateral();
        for (uint256 i; i < 3; ++i) {
            assertGe(usable[i], required[i]);
        }
    }

    function test_bid_revertsWithoutRebalance() public {
        vm.expectRevert(IBasket.NoRebalance.selector);
        basket.bid(0, 1, 0);
    }

    function test_bid_revertsAfterDeadline() public {
        _start(_targets());
        vm.warp(block.timestamp + DURATION + 1);
        vm.expectRevert(abi.encodeWithSelector(IBasket.AuctionExpired.selector, block.timestamp - 1));
        basket.bid(0, 1, 0);
    }

    function test_bid_revertsOnInvalidIndex() public {
        _start(_targets());
        vm.expectRevert(abi.encodeWithSelector(IBasket.InvalidIndex.selector, 3));
        basket.bid(3, 1, 0);
    }

    function test_bid_revertsOnTheQuote() public {
        _start(_targets());
        vm.expectRevert(abi.encodeWithSelector(IBasket.NoAuction.selector, address(plain)));
        basket.bid(2, 1, 0);
    }

    function test_bid_revertsOnZeroAmount() public {
        _start(_targets());
        vm.expectRevert(IBasket.ZeroQuantity.selector);
        basket.bid(0, 0, 0);
    }

    /// @dev Carol front-runs Bob's bid for the whole remaining 1000 shares with a bid for one share: Bob's bid takes
    /// the 999 left, its limit scaled to them, and completes the auction instead of reverting.
    function test_bid_fillsTheRemainderAfterAOneUnitFrontRunOnASale() public {
        _start(_targets());
        (,,,, uint256 remaining) = basket.auction(0);
        uint256 limit = remaining * HIGH / 1e18;
        _fundCarol();
        vm.prank(carol);
        basket.bid(0, 1, type(uint256).max);

        vm.expectEmit(address(basket));
        emit IBasket.AuctionBid(bob, address(shares[0]), true, 999, 999 * HIGH / 1e18, HIGH);
        vm.prank(bob);
        assertEq(basket.bid(0, remaining, limit), 999 * HIGH / 1e18);
        assertEq(shares[0].balanceOf(bob), 999);
        (,, bool running,,) = basket.auction(0);
        assertFalse(running, "filled");
        (,,, uint256 pending) = basket.rebalanceState();
        assertEq(pending, 1);
    }

    /// @dev The same front-run on a purchase: Bob offered 500 shares for at least 2000 quote tokens; he delivers the
    /// 499 still wanted for at least 499/500 of his limit.
    function test_bid_fillsTheRemainderAfterAOneUnitFrontRunOnAPurchase() public {
        _start(_targets());
        (,,,, uint256 remaining) = basket.auction(1);
        uint256 limit = remaining * LOW / 1e18;
        _fundCarol();
        vm.prank(carol);
        basket.bid(1, 1, 0);

        uint256 held = shares[1].balanceOf(bob);
        vm.prank(bob);
        assertEq(basket.bid(1, remaining, limit), 499 * LOW / 1e18);
        assertEq(held - shares[1].balanceOf(bob), 499, "only what was left");
        (,, bool running,,) = basket.auction(1);
        assertFalse(running, "filled");
    }

    function test_bid_scalesTheLimitOfAClampedBid() public {
        _start(_targets());
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(IBasket.QuoteLimitExceeded.selector, 6000e18, 5999e18));
        basket.bid(0, 2000, 11_998e18);
    }

    function _fundCarol() internal {
        plain.mint(carol, 1e24);
        _mintComponent(address(shares[1]), carol, 10);
        vm.startPrank(carol);
        plain.approve(address(basket), type(uint256).max);
        shares[1].approve(address(basket), type(uint256).max);
        vm.stopPrank();
    }

    function test_bid_revertsWhenSellCostsMoreThanLimit() public {
        _start(_targets());
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(IBasket.QuoteLimitExceeded.selector, 600e18, 599e18));
        basket.bid(0, 100, 599e18);
    }

    function test_bid_revertsWhenBuyPaysLessThanLimit() public {
        _start(_targets());
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(IBasket.QuoteLimitExceeded.selector, 400e18, 401e18));
        basket.bid(1, 100, 401e18);
    }

    function test_bid_revertsForIneligibleBidder() public {
        _start(_targets());
        plain.mint(stranger, 1e24);
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IBasket.NotEligible.selector, address(shares[0]), stranger));
        basket.bid(0, 100, type(uint256).max);
    }

    function test_bid_revertsWhenQuoteRunsShort() public {
        Target[] memory targets = _targets();
        targets[1].endPrice = 1e38;
        _start(targets);
        vm.warp(block.timestamp + DURATION);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(IBasket.InsufficientQuote.selector, 10_000e18, 50_000e18));
        basket.bid(1, 500, 0);
    }

    // ------------------------------------------------------------------------------- endRebalance

    function test_endRebalance_byManagerAnyTime() public {
        _start(_targets());
        vm.prank(bob);
        basket.bid(0, 100, type(uint256).max);
        vm.expectEmit(address(basket));
        emit IBasket.RebalanceEnded(false);
        vm.prank(basketManager);
        basket.endRebalance();
        assertEq(uint8(basket.status()), uint8(IBasket.Status.Active));
        (,, bool running,,) = basket.auction(0);
        assertFalse(running);
        assertEq(basket.units()[0], 190, "1,900 shares back 190 per token");
        assertEq(basket.units()[1], 100, "untouched auction");
        assertEq(basket.units()[2], 1060e18, "10,600 quote tokens");
    }

    function test_endRebalance_byAnyoneAfterDeadline() public {
        _start(_targets());
        vm.warp(block.timestamp + DURATION + 1);
        basket.endRebalance();
        assertEq(uint8(basket.status()), uint8(IBasket.Status.Active));
    }

    function test_endRebalance_revertsBeforeDeadlineForOthers() public {
        _start(_targets());
        vm.expectRevert(abi.encodeWithSelector(IBasket.RebalanceNotExpired.selector, block.timestamp + DURATION));
        basket.endRebalance();
    }

    function test_endRebalance_revertsWithoutRebalance() public {
        vm.expectRevert(IBasket.NoRebalance.selector);
        basket.endRebalance();
    }

    // --------------------------------------------------------------------------- Locked meanwhile

    function test_issue_revertsWhileRebalancing() public {
        _start(_targets());
        vm.expectRevert(IBasket.RebalanceActive.selector);
        basket.issue(ONE, alice);
    }

    function test_redeem_revertsWhileRebalancing() public {
        _start(_targets());
        vm.prank(alice);
        vm.expectRevert(IBasket.RebalanceActive.selector);
        basket.redeem(ONE, alice);
    }

    function test_accrueFee_revertsWhileRebalancing() public {
        _start(_targets());
        vm.expectRevert(IBasket.RebalanceActive.selector);
        basket.accrueFee();
    }

    function test_setFeeRate_revertsWhileRebalancing() public {
        _start(_targets());
        vm.prank(basketManager);
        vm.expectRevert(IBasket.RebalanceActive.selector);
        basket.setFeeRate(0);
    }

    function test_reconcile_revertsWhileRebalancing() public {
        _start(_targets());
        vm.expectRevert(IBasket.RebalanceActive.selector);
        basket.reconcile();
    }

    function test_previewIssue_ignoresFeeWhileRebalancing() public {
        _start(_targets());
        vm.warp(block.timestamp + 1 days);
        assertEq(basket.previewIssue(ONE)[2], Math.mulDiv(ONE, 1000e18, ONE, Math.Rounding.Ceil));
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Basket} from "../../contracts/basket/Basket.sol";
import {IBasket} from "../../contracts/basket/interfaces/IBasket.sol";
import {IOraclePriceFeed} from "../../contracts/oracle/interfaces/IOraclePriceFeed.sol";
import {BasketFixture} from "./BasketFixture.sol";

/// @notice Unit tests of impairment (`reconcile`, `resumeIssuance`, `collateral`) and NAV, on the default basket
/// (share 0: 200, share 1: 100, plain: 0.5e18 per token) after Alice issued 10 tokens.
contract BasketImpairmentTest is BasketFixture {
    uint256 internal constant SUPPLY = 10e18;

    Basket internal basket;

    function setUp() public override {
        super.setUp();
        basket = _createDefault();
        _issue(basket, alice, SUPPLY);
    }

    // --------------------------------------------------------------------------------- reconcile

    function test_reconcile_cutsUnitProRataToFrozenTokens() public {
        vm.prank(agent);
        shares[0].freezePartialTokens(address(basket), 500);
        vm.expectEmit(address(basket));
        emit IBasket.ComponentImpaired(address(shares[0]), 200, 150, 1500, 2000);
        vm.expectEmit(address(basket));
        emit IBasket.IssuanceHalted();
        assertTrue(basket.reconcile());
        assertEq(uint8(basket.status()), uint8(IBasket.Status.Halted));
        assertEq(basket.units()[0], 150);
        assertEq(basket.units()[1], 100, "other components untouched");

        vm.prank(alice);
        uint256[] memory amounts = basket.redeem(SUPPLY, alice);
        assertEq(amounts[0], 1500, "redeem pays from the usable part");
        assertEq(shares[0].balanceOf(address(basket)), 500);
    }

    function test_reconcile_cutsUnitAfterSeizure() public {
        vm.prank(agent);
        shares[1].forcedTransfer(address(basket), carol, 250);
        vm.expectEmit(address(basket));
        emit IBasket.ComponentImpaired(address(shares[1]), 100, 75, 750, 750);
        assertTrue(basket.reconcile());
    }

    function test_reconcile_zeroesUnitWhenBasketWalletIsFrozen() public {
        vm.prank(agent);
        shares[0].setAddressFrozen(address(basket), true);
        vm.expectEmit(address(basket));
        emit IBasket.ComponentImpaired(address(shares[0]), 200, 0, 0, 2000);
        basket.reconcile();
        vm.prank(alice);
        uint256[] memory amounts = basket.redeem(ONE, alice);
        assertEq(amounts[0], 0);
        assertEq(amounts[1], 100);
    }

    function test_reconcile_roundsTheCutDown() public {
        vm.prank(agent);
        shares[0].freezePartialTokens(address(basket), 1);
        basket.reconcile();
        assertEq(basket.units()[0], 199, "1999 shares back 199.9 per token");
    }

    function test_reconcile_isNoopWhenBacked() public {
        assertFalse(basket.reconcile());
        assertEq(uint8(basket.status()), uint8(IBasket.Status.Active));
        assertEq(basket.units()[0], 200);
    }

    function test_reconcile_isNoopWithoutSupply() public {
        vm.prank(alice);
        basket.redeem(SUPPLY, alice);
        assertFalse(basket.reconcile());
    }

    function test_reconcile_keepsHaltedWithoutSecondEvent() public {
        vm.prank(agent);
        shares[0].freezePartialTokens(address(basket), 500);
        basket.reconcile();
        vm.prank(agent);
        shares[1].freezePartialTokens(address(basket), 100);
        vm.recordLogs();
        assertTrue(basket.reconcile());
        assertEq(vm.getRecordedLogs().length, 1, "only ComponentImpaired");
        assertEq(basket.units()[1], 90);
    }

    // ------------------------------------------------------------------ unreconciled impairment

    /// @dev Regression (issue 15): the agent freezes 50 of the basket's 100 shares; Alice redeemed half the supply
    /// before anyone reconciled and got 50 (the whole usable balance), leaving Bob 0. The redeem now cuts first.
    function test_redeem_cutsAnUnreconciledFreezeBeforePaying() public {
        Basket single = _singleShareBasket();
        _issue(single, alice, 50e18);
        _issue(single, bob, 50e18);
        vm.prank(agent);
        shares[0].freezePartialTokens(address(single), 50);

        vm.expectEmit(address(single));
        emit IBasket.ComponentImpaired(address(shares[0]), 1e18, 0.5e18, 50, 100);
        vm.expectEmit(address(single));
        emit IBasket.IssuanceHalted();
        vm.prank(alice);
        assertEq(single.redeem(50e18, alice)[0], 25, "a fair share");
        vm.prank(bob);
        assertEq(single.redeem(50e18, bob)[0], 25, "the same share");
        assertEq(uint8(single.status()), uint8(IBasket.Status.Halted));
    }

    /// @dev A seizure seen first by `issue`: the unit is cut and issuance halts; Carol pays and gets nothing.
    function test_issue_cutsAnUnreconciledFreezeAndIssuesNothing() public {
        vm.prank(agent);
        shares[1].freezePartialTokens(address(basket), 100);
        _fund(basket, carol, ONE);
        uint256 before = shares[1].balanceOf(carol);
        vm.expectEmit(address(basket));
        emit IBasket.ComponentImpaired(address(shares[1]), 100, 90, 900, 1000);
        vm.prank(carol);
        uint256[] memory amounts = basket.issue(ONE, carol);
        assertEq(amounts, new uint256[](3));
        assertEq(basket.balanceOf(carol), 0);
        assertEq(shares[1].balanceOf(carol), before, "nothing pulled");
        vm.expectRevert(IBasket.IssuanceIsHalted.selector);
        vm.prank(carol);
        basket.issue(ONE, carol);
    }

    /// @dev For any holdings, frozen amount and order of full redemptions after a freeze nobody reconciled, every
    /// holder gets its pro rata share of the usable balance: at most `balance x usable / supply`, and less only by
    /// the rounding of the cut unit (one share per natural unit held) and of the payout (one share).
    function testFuzz_redeem_paysEveryOrderProRataAfterAnImpairment(
        uint256[3] memory quantities,
        uint256 frozenSeed,
        uint256 orderSeed
    ) public {
        Basket fine = _fineBasket();
        address[3] memory holders = [alice, bob, carol];
        for (uint256 i; i < 3; ++i) {
            quantities[i] = bound(quantities[i], 1, 1000e18);
            _issue(fine, holders[i], quantities[i]);
        }
        uint256 balance = shares[0].balanceOf(address(fine));
        uint256 frozen = bound(frozenSeed, 1, balance);
        vm.prank(agent);
        shares[0].freezePartialTokens(address(fine), frozen);
        uint256 usable = balance - frozen;
        uint256 supply = fine.totalSupply();

        uint256 paid;
        for (uint256 k; k < 3; ++k) {
            // Any of the six orders: a rotation of the holders, in one of two directions.
            uint256 i = (orderSeed / 3 % 2 == 0 ? orderSeed % 3 + k : orderSeed % 3 + 3 - k) % 3;
            vm.prank(holders[i]);
            uint256 amount = fine.redeem(quantities[i], holders[i])[0];
            uint256 fair = quantities[i] * usable / supply;
            assertLe(amount, fair, "no more than a pro rata share");
            assertGe(amount + quantities[i] / fine.naturalUnit() + 1, fair, "less only by rounding");
            paid += amount;
        }
        assertLe(paid, usable);
    }

    /// @dev Share 0 only, one share per basket token (natural unit 1e36).
    function _singleShareBasket() internal returns (Basket) {
        address[] memory components = new address[](1);
        components[0] = address(shares[0]);
        uint256[] memory units = new uint256[](1);
        units[0] = 1e18;
        return _create(components, units, 1e36);
    }

    /// @dev Share 0 (200 per token) and share 1 (100) at natural unit 1e36, so that a cut unit loses at most 1e-18
    /// share per token.
    function _fineBasket() internal returns (Basket) {
        address[] memory components = new address[](2);
        components[0] = address(shares[0]);
        components[1] = address(shares[1]);
        uint256[] memory units = new uint256[](2);
        units[0] = 200e18;
        units[1] = 100e18;
        return _create(components, units, 1e36);
    }

    // ---------------------------------------------------------------------------- resumeIssuance

    function test_resumeIssuance_reopensIssuanceAtTheCutUnits() public {
        vm.prank(agent);
        shares[0].freezePartialTokens(address(basket), 500);
        basket.reconcile();
        vm.expectEmit(address(basket));
        emit IBasket.IssuanceResumed();
        vm.prank(basketManager);
        basket.resumeIssuance();
        assertEq(uint8(basket.status()), uint8(IBasket.Status.Active));
        uint256[] memory amounts = _issue(basket, bob, ONE);
        assertEq(amounts[0], 150);
    }

    function test_resumeIssuance_revertsWhenStillImpaired() public {
        vm.prank(agent);
        shares[0].freezePartialTokens(address(basket), 500);
        basket.reconcile();
        vm.prank(agent);
        shares[0].freezePartialTokens(address(basket), 100);
        vm.prank(basketManager);
        vm.expectRevert(abi.encodeWithSelector(IBasket.StillImpaired.selector, address(shares[0]), 1400, 1500));
        basket.resumeIssuance();
    }

    function test_resumeIssuance_revertsWhenNotHalted() public {
        vm.prank(basketManager);
        vm.expectRevert(IBasket.NotHalted.selector);
        basket.resumeIssuance();
    }

    function test_resumeIssuance_revertsForNonManager() public {
        vm.expectRevert(abi.encodeWithSelector(IBasket.NotManager.selector, address(this)));
        basket.resumeIssuance();
    }

    function test_collateral_reportsUsableAndRequired() public {
        vm.prank(agent);
        shares[0].freezePartialTokens(address(basket), 500);
        (uint256[] memory usable, uint256[] memory required) = basket.collateral();
        assertEq(usable[0], 1500);
        assertEq(required[0], 2000);
        assertEq(usable[2], 5e18);
        assertEq(required[2], 5e18);
    }

    // ---------------------------------------------------------------------------------------- NAV

    function test_navPerToken_sumsUnitsTimesPricesWithOldestTime() public {
        uint256 first = block.timestamp;
        feed.setPrice(address(shares[0]), 10e18);
        vm.warp(first + 1 hours);
        feed.setPrice(address(shares[1]), 20e18);
        feed.setPrice(address(plain), 2e18);
        (uint256 nav, uint256 updatedAt) = basket.navPerToken();
        assertEq(nav, 200 * 10e18 + 100 * 20e18 + 1e18);
        assertEq(updatedAt, first);
    }

    function test_navPerToken_followsTheFeeMultiplier() public {
        feed.setPrice(address(shares[0]), 10e18);
        feed.setPrice(address(shares[1]), 20e18);
        feed.setPrice(address(plain), 2e18);
        vm.warp(block.timestamp + 365 days);
        _verify(feeRecipient);
        basket.accrueFee();
        uint256 multiplier = basket.positionMultiplier();
        assertLt(multiplier, ONE);
        (uint256 nav,) = basket.navPerToken();
        assertEq(nav, 4001e18 * multiplier / ONE);
    }

    function test_navPerToken_revertsOnNegativePrice() public {
        feed.setPrice(address(shares[0]), 10e18);
        feed.setPrice(address(shares[1]), -1);
        vm.expectRevert(abi.encodeWithSelector(IBasket.NegativePrice.selector, address(shares[1]), int256(-1)));
        basket.navPerToken();
    }

    function test_navPerToken_revertsOnUnpricedComponent() public {
        vm.expectRevert(abi.encodeWithSelector(IOraclePriceFeed.UnknownAsset.selector, address(shares[0])));
        basket.navPerToken();
    }
}

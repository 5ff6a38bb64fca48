// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Basket} from "../../contracts/basket/Basket.sol";
import {Component, IBasket, Target} from "../../contracts/basket/interfaces/IBasket.sol";
import {BasketFixture} from "./BasketFixture.sol";

/// @notice The natural unit gives 0-decimal shares precision: folding the fee multiplier into the units at a
/// rebalance start loses a whole share per basket token with the coarse natural unit (1e18) and at most 1e-18 share
/// with the fine one (1e36), and collateralization holds either way.
contract BasketNaturalUnitTest is BasketFixture {
    uint256 internal constant FINE = 1e36;
    uint256 internal constant QUOTE = 1;

    /// @dev Shares 0, 1, 2 at `wholes[i]` shares per whole basket token (units `wholes[i] x naturalUnit / 1e18`);
    /// Alice issues `supply`.
    function _basket(uint256[3] memory wholes, uint256 naturalUnit, uint256 supply) internal returns (Basket basket) {
        address[] memory components = new address[](3);
        uint256[] memory units = new uint256[](3);
        for (uint256 i; i < 3; ++i) {
            components[i] = address(shares[i]);
            units[i] = wholes[i] * naturalUnit / ONE;
        }
        basket = _create(components, units, naturalUnit);
        _issue(basket, alice, supply);
    }

    /// @dev Accrues the fee after `elapsed`, returns the multiplier, then starts a rebalance keeping every nominal
    /// unit (the quote, share 1, keeps its folded unit) and ends it at once.
    function _foldAfter(Basket basket, uint256 elapsed) internal returns (uint256 multiplier) {
        vm.warp(block.timestamp + elapsed);
        basket.accrueFee();
        multiplier = basket.positionMultiplier();
        Target[] memory targets = new Target[](3);
        Component[] memory list = basket.components();
        for (uint256 i; i < 3; ++i) {
            if (i != QUOTE) targets[i] = Target({unit: list[i].unit, startPrice: 1e18, endPrice: 2e18});
        }
        vm.startPrank(basketManager);
        basket.startRebalance(QUOTE, targets, 1 hours);
        if (basket.status() == IBasket.Status.Rebalancing) basket.endRebalance();
        vm.stopPrank();
        assertEq(basket.positionMultiplier(), ONE, "multiplier folded");
    }

    function _assertCollateralized(Basket basket) internal view {
        (uint256[] memory usable, uint256[] memory required) = basket.collateral();
        for (uint256 i; i < usable.length; ++i) {
            assertGe(usable[i], required[i], "collateralized");
        }
    }

    /// @dev The bug the fine natural unit fixes: 10 shares per token at natural unit 1e18, an hour of a 2% fee,
    /// and the fold rounds the unit down to 9: a tenth of the component's value per token.
    function test_fold_coarseNaturalUnitLosesAWholeShare() public {
        Basket basket = _basket([uint256(10), 40, 10], ONE, 10e18);
        _foldAfter(basket, 1 hours);
        assertEq(basket.units()[QUOTE], 39, "40 -> 39 shares per token");
    }

    function test_fold_fineNaturalUnitKeepsTheShares() public {
        Basket basket = _basket([uint256(10), 40, 10], FINE, 10e18);
        uint256 multiplier = _foldAfter(basket, 1 hours);
        // At least 40e18 x multiplier / 1e18 (the quote's unit settles to what its balance backs): 39.9999...
        // shares per token, 18 decimals kept.
        assertGe(basket.units()[QUOTE], 40 * multiplier);
        assertGt(basket.units()[QUOTE], 39.9999e18);
        _assertCollateralized(basket);
    }

    /// @dev With natural unit 1e36, the fold after any fee accrual loses at most one basket base unit per natural
    /// unit (1e-18 share per whole basket token) of every component, the basket stays collateralized, and a
    /// redemption afterwards returns what the pre-fold units say, less than one share short (indivisibility).
    function testFuzz_fold_fineNaturalUnitLosesNoWholeShare(
        uint256 first,
        uint256 second,
        uint256 third,
        uint256 supply,
        uint256 elapsed
    ) public {
        uint256[3] memory wholes = [bound(first, 1, 1000), bound(second, 1, 1000), bound(third, 1, 1000)];
        supply = bound(supply, 1, 1000e18);
        elapsed = bound(elapsed, 1, KYC_VALIDITY - 1);
        Basket basket = _basket(wholes, FINE, supply);
        uint256 multiplier = _foldAfter(basket, elapsed);

        uint256[] memory units = basket.units();
        for (uint256 i; i < 3; ++i) {
            // Before the fold: wholes x 1e18 x multiplier / 1e18 shares per 1e36 base units.
            uint256 exact = wholes[i] * multiplier;
            assertGe(units[i] + 1, exact, "at most one base unit per natural unit lost");
        }
        _assertCollateralized(basket);

        uint256 held = basket.balanceOf(alice);
        vm.prank(alice);
        uint256[] memory returned = basket.redeem(held, alice);
        for (uint256 i; i < 3; ++i) {
            assertGe(returned[i] + 1, held * wholes[i] * multiplier / FINE, "short by less than one share");
        }
        _assertCollateralized(basket);
    }

    /// @dev A target just below the folded unit ("keep it", with room for the fee accruing until execution) leaves
    /// nothing to sell: no auction, and the unit settles at what the balance backs, not at the lower target.
    function test_startRebalance_keepTargetBelowTheFoldSettlesAtTheBacking() public {
        Basket basket = _basket([uint256(10), 40, 10], FINE, 2e18);
        vm.warp(block.timestamp + 1 hours);
        Target[] memory targets = new Target[](3);
        targets[0] = Target({unit: 9.99e18, startPrice: 2e18, endPrice: 1e18});
        targets[2] = Target({unit: 14e18, startPrice: 1e18, endPrice: 2e18});
        vm.prank(basketManager);
        basket.startRebalance(QUOTE, targets, 1 hours);
        (,, bool running,,) = basket.auction(0);
        assertFalse(running, "nothing to sell");
        (,, running,,) = basket.auction(2);
        assertTrue(running, "SRLT bought");
        assertEq(basket.units()[0], 20 * FINE / basket.totalSupply(), "what 20 shares back");
        assertGt(basket.units()[0], 9.9999e18);
    }
}

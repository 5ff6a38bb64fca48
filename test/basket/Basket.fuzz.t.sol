// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Basket} from "../../contracts/basket/Basket.sol";
import {BasketConfig, IBasket} from "../../contracts/basket/interfaces/IBasket.sol";
import {ICompliance} from "../../contracts/token/interfaces/ICompliance.sol";
import {BasketFixture} from "./BasketFixture.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @notice Fuzz tests of rounding, natural units, fees and eligibility.
contract BasketFuzzTest is BasketFixture {
    function _assertCollateralized(Basket basket) internal view {
        (uint256[] memory usable, uint256[] memory required) = basket.collateral();
        for (uint256 i; i < usable.length; ++i) {
            assertGe(usable[i], required[i], "collateralized");
        }
    }

    function testFuzz_issueThenRedeem_neverReturnsMoreThanPaid(uint256 quantity, uint256 redeemed, uint256 elapsed)
        public
    {
        Basket basket = _createDefault();
        quantity = bound(quantity, 1, 1000e18);
        redeemed = bound(redeemed, 1, quantity);
        elapsed = bound(elapsed, 0, KYC_VALIDITY - 1);
        uint256[] memory paid = _issue(basket, alice, quantity);
        vm.warp(block.timestamp + elapsed);
        vm.prank(alice);
        uint256[] memory returned = basket.redeem(redeemed, alice);
        for (uint256 i; i < paid.length; ++i) {
            assertLe(returned[i], paid[i], "returned <= paid");
        }
        _assertCollateralized(basket);
    }

    function testFuzz_issue_keepsCollateralizationAcrossHolders(
        uint256 first,
        uint256 second,
        uint256 redeemed,
        uint256 elapsed
    ) public {
        Basket basket = _createDefault();
        first = bound(first, 1, 1000e18);
        second = bound(second, 1, 1000e18);
        elapsed = bound(elapsed, 0, KYC_VALIDITY - 1);
        _issue(basket, alice, first);
        vm.warp(block.timestamp + elapsed);
        _issue(basket, bob, second);
        _assertCollateralized(basket);
        redeemed = bound(redeemed, 1, first);
        vm.prank(alice);
        basket.redeem(redeemed, alice);
        _assertCollateralized(basket);
    }

    /// @dev 0-decimal shares with a natural unit: issue pays exactly the rounded-up amount, redeem of the same
    /// quantity gives back at most that, and at most one share less.
    function testFuzz_naturalUnit_roundsZeroDecimalSharesAgainstTheCaller(
        uint256 unit,
        uint256 naturalUnit,
        uint256 quantity
    ) public {
        unit = bound(unit, 1, 1e6);
        naturalUnit = bound(naturalUnit, 1, 1e36);
        quantity = bound(quantity, 1, 1e21);
        address[] memory components = new address[](1);
        components[0] = address(shares[2]);
        uint256[] memory units = new uint256[](1);
        units[0] = unit;
        Basket basket = _create(components, units, naturalUnit);
        uint256 paid = _issue(basket, alice, quantity)[0];
        assertEq(paid, Math.mulDiv(quantity, unit, naturalUnit, Math.Rounding.Ceil));
        assertGe(paid * naturalUnit, quantity * unit, "never under-pays");
        vm.prank(alice);
        uint256 returned = basket.redeem(quantity, alice)[0];
        assertEq(returned, quantity * unit / naturalUnit);
        assertLe(returned, paid);
        assertLe(paid - returned, 1);
    }

    function testFuzz_accrueFee_mintsExactlyTheSetFormula(uint256 rate, uint256 supply, uint256 elapsed) public {
        rate = bound(rate, 0, 0.5e18);
        supply = bound(supply, 1, 1e30);
        elapsed = bound(elapsed, 1, KYC_VALIDITY - 1);
        BasketConfig memory config = _config(new address[](1), new uint256[](1), ONE);
        config.components[0] = address(shares[3]);
        config.units[0] = 7;
        config.feeRate = rate;
        Basket basket = Basket(address(factory.createBasket(config)));
        vm.prank(officer);
        shares[3].setSystemHolder(address(basket), true);
        _issue(basket, alice, supply);
        vm.warp(block.timestamp + elapsed);

        uint256 share = rate * elapsed / 365 days;
        uint256 minted = Math.mulDiv(supply, share, ONE - share);
        assertEq(basket.accrueFee(), minted);
        assertEq(basket.balanceOf(feeRecipient), minted);
        assertEq(basket.totalSupply(), supply + minted);
        assertEq(basket.positionMultiplier(), ONE * supply / (supply + minted));
        _assertCollateralized(basket);
    }

    function testFuzz_transfer_refusesWalletFrozenInAnyComponent(uint256 index) public {
        Basket basket = _createShareBasket(SHARE_COUNT, 1);
        index = bound(index, 0, SHARE_COUNT - 1);
        _issue(basket, alice, ONE);
        vm.prank(agent);
        shares[index].setAddressFrozen(carol, true);
        vm.startPrank(alice);
        vm.expectRevert(
            _refused(address(shares[index]), abi.encodeWithSelector(ICompliance.ReceiverFrozen.selector, carol))
        );
        basket.transfer(carol, 1);
        vm.expectRevert(abi.encodeWithSelector(IBasket.NotEligible.selector, address(shares[index]), carol));
        basket.redeem(1, carol);
        vm.stopPrank();
    }
}

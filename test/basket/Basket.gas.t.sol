// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Basket} from "../../contracts/basket/Basket.sol";
import {Target} from "../../contracts/basket/interfaces/IBasket.sol";
import {BasketFixture} from "./BasketFixture.sol";

/// @notice Gas of the basket's hot paths, area `basket`, with `forge test --isolate --match-test gas` (whole
/// transactions). Components are the project's security tokens with every built-in rule on; one share of each per
/// whole basket token. Alice and Bob already hold basket tokens and the basket already holds every component, as in
/// steady state; the fee was accrued earlier in the block unless the name says otherwise.
contract BasketGasTest is BasketFixture {
    /// @dev A basket of `count` shares that Alice and Bob hold, Alice funded and approved for one more issue.
    function _prepare(uint256 count) internal returns (Basket basket) {
        basket = _createShareBasket(count, 1);
        _issue(basket, alice, ONE);
        _issue(basket, bob, ONE);
        _fund(basket, alice, ONE);
    }

    function _measureIssue(uint256 count, string memory name) internal {
        Basket basket = _prepare(count);
        vm.prank(alice);
        basket.issue(ONE, alice);
        vm.snapshotGasLastCall("basket", name);
    }

    function test_gas_issue1Component() public {
        _measureIssue(1, "issue 1 component");
    }

    function test_gas_issue5Components() public {
        _measureIssue(5, "issue 5 components");
    }

    function test_gas_issue10Components() public {
        _measureIssue(10, "issue 10 components");
    }

    function test_gas_issue10ComponentsAccruingFee() public {
        Basket basket = _prepare(10);
        vm.warp(block.timestamp + 1 days);
        _fund(basket, alice, ONE);
        vm.prank(alice);
        basket.issue(ONE, alice);
        vm.snapshotGasLastCall("basket", "issue 10 components accruing fee");
    }

    function test_gas_redeem10Components() public {
        Basket basket = _prepare(10);
        vm.prank(alice);
        basket.redeem(ONE, alice);
        vm.snapshotGasLastCall("basket", "redeem 10 components");
    }

    function test_gas_transferBasket() public {
        Basket basket = _prepare(10);
        vm.prank(alice);
        basket.transfer(bob, ONE / 2);
        vm.snapshotGasLastCall("basket", "transfer basket");
    }

    /// @dev The same transfer with every share looking through the basket: each books both sides' exposure.
    function test_gas_transferBasketLookThrough() public {
        Basket basket = _createShareBasket(10, 1);
        vm.startPrank(officer);
        for (uint256 i; i < 10; ++i) {
            shares[i].setLookThrough(address(basket), true);
        }
        vm.stopPrank();
        _issue(basket, alice, ONE);
        _issue(basket, bob, ONE);
        vm.prank(alice);
        basket.transfer(bob, ONE / 2);
        vm.snapshotGasLastCall("basket", "transfer basket look-through 10 components");
    }

    function test_gas_accrueFee() public {
        Basket basket = _prepare(10);
        vm.warp(block.timestamp + 1 days);
        basket.accrueFee();
        vm.snapshotGasLastCall("basket", "accrue fee");
    }

    /// @dev A rebalance of the 10-share basket selling share 0 against share 9 (the quote): 1 -> 0 per token.
    function _startRebalance(Basket basket) internal {
        Target[] memory targets = new Target[](10);
        for (uint256 i = 1; i < 9; ++i) {
            targets[i].unit = 1;
        }
        targets[0] = Target({unit: 0, startPrice: 2e18, endPrice: 1e18});
        vm.prank(basketManager);
        basket.startRebalance(9, targets, 1 days);
    }

    function test_gas_startRebalance() public {
        Basket basket = _prepare(10);
        _startRebalance(basket);
        vm.snapshotGasLastCall("basket", "start rebalance 10 components");
    }

    function test_gas_bidCompletingRebalance() public {
        Basket basket = _prepare(10);
        _startRebalance(basket);
        vm.prank(issuer);
        shares[9].mint(bob, 10);
        vm.startPrank(bob);
        shares[9].approve(address(basket), type(uint256).max);
        basket.bid(0, 2, 4);
        vm.stopPrank();
        vm.snapshotGasLastCall("basket", "bid completing rebalance 10 components");
    }

    function test_gas_reconcile() public {
        Basket basket = _prepare(10);
        vm.prank(agent);
        shares[0].freezePartialTokens(address(basket), 1);
        basket.reconcile();
        vm.snapshotGasLastCall("basket", "reconcile 10 components one cut");
    }
}

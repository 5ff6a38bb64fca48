// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Basket} from "../../contracts/basket/Basket.sol";
import {IBasket} from "../../contracts/basket/interfaces/IBasket.sol";
import {BasketFixture} from "./BasketFixture.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {StdInvariant} from "forge-std/StdInvariant.sol";

/// @notice Invariants of the default basket under random issues, redemptions, transfers (to eligible and ineligible
/// wallets), time, fee accruals and impairments (the agent freezing part of the basket's shares, then reconcile and
/// resume). The test contract is its own handler; handlers bound their inputs and only call what may succeed, or
/// expect the exact refusal, so `fail_on_revert = true` stays meaningful.
contract BasketInvariantTest is BasketFixture {
    uint256 internal constant COMPONENTS = 3;

    Basket internal basket;
    address[4] internal holders;

    /// @dev Ghost sums over the run, per component: pulled by issues, paid out by redemptions.
    uint256[COMPONENTS] internal paidIn;
    uint256[COMPONENTS] internal paidOut;

    function setUp() public override {
        super.setUp();
        basket = _createDefault();
        holders = [alice, bob, carol, stranger];

        bytes4[] memory selectors = new bytes4[](6);
        selectors[0] = this.issue.selector;
        selectors[1] = this.redeem.selector;
        selectors[2] = this.transfer.selector;
        selectors[3] = this.warp.selector;
        selectors[4] = this.accrue.selector;
        selectors[5] = this.impair.selector;
        targetSelector(StdInvariant.FuzzSelector({addr: address(this), selectors: selectors}));
        targetContract(address(this));
    }

    // ---------------------------------------------------------------------------------- Handlers

    /// @dev Only the first three holders are eligible; issuing to the stranger is covered by the unit tests.
    function issue(uint256 seed, uint256 quantity) external {
        if (basket.status() != IBasket.Status.Active) return;
        address holder = holders[seed % 3];
        quantity = bound(quantity, 1, 100e18);
        uint256[] memory amounts = _issue(basket, holder, quantity);
        for (uint256 i; i < COMPONENTS; ++i) {
            paidIn[i] += amounts[i];
        }
    }

    function redeem(uint256 seed, uint256 quantity) external {
        address holder = holders[seed % 3];
        uint256 balance = basket.balanceOf(holder);
        if (balance == 0) return;
        quantity = bound(quantity, 1, balance);
        vm.prank(holder);
        uint256[] memory amounts = basket.redeem(quantity, holder);
        for (uint256 i; i < COMPONENTS; ++i) {
            paidOut[i] += amounts[i];
        }
    }

    function transfer(uint256 fromSeed, uint256 toSeed, uint256 amount) external {
        address from = holders[fromSeed % 3];
        address to = holders[toSeed % holders.length];
        uint256 balance = basket.balanceOf(from);
        if (balance == 0) return;
        amount = bound(amount, 1, balance);
        if (!basket.isEligible(to)) {
            vm.expectRevert(abi.encodeWithSelector(IBasket.NotEligible.selector, address(shares[0]), to));
        }
        vm.prank(from);
        basket.transfer(to, amount);
    }

    /// @dev At most 5 days a call, so that a run (depth 64) stays within the holders' KYC validity.
    function warp(uint256 seconds_) external {
        vm.warp(block.timestamp + bound(seconds_, 1, 5 days));
    }

    function accrue() external {
        basket.accrueFee();
    }

    /// @dev The agent freezes part of the basket's unfrozen share 0; reconcile cuts the unit, the manager resumes.
    function impair(uint256 amount) external {
        uint256 balance = shares[0].balanceOf(address(basket));
        uint256 frozen = shares[0].getFrozenTokens(address(basket));
        if (balance == frozen) return;
        vm.prank(agent);
        shares[0].freezePartialTokens(address(basket), bound(amount, 1, balance - frozen));
        basket.reconcile();
        if (basket.status() == IBasket.Status.Halted) {
            vm.prank(basketManager);
            basket.resumeIssuance();
        }
    }

    // -------------------------------------------------------------------------------- Invariants

    function invariant_collateralized() public view {
        (uint256[] memory usable, uint256[] memory required) = basket.collateral();
        for (uint256 i; i < COMPONENTS; ++i) {
            assertGe(usable[i], required[i], "usable >= unit x multiplier x supply / natural unit");
        }
    }

    function invariant_redemptionsNeverExceedIssues() public view {
        for (uint256 i; i < COMPONENTS; ++i) {
            assertLe(paidOut[i], paidIn[i], "paid out <= paid in");
        }
    }

    function invariant_componentBalancesMatchTheFlows() public view {
        address[] memory components = _tokens(basket);
        for (uint256 i; i < COMPONENTS; ++i) {
            assertEq(IERC20(components[i]).balanceOf(address(basket)), paidIn[i] - paidOut[i]);
        }
    }

    function invariant_supplyIsHeldByEligibleHoldersAndTheFeeRecipient() public view {
        uint256 sum = basket.balanceOf(feeRecipient);
        for (uint256 i; i < holders.length; ++i) {
            sum += basket.balanceOf(holders[i]);
        }
        assertEq(sum, basket.totalSupply());
        assertEq(basket.balanceOf(stranger), 0, "never credited to an ineligible wallet");
    }
}


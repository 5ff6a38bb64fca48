// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ICompliance} from "../../contracts/token/interfaces/ICompliance.sol";
import {Restrictions} from "../../contracts/token/libraries/Restrictions.sol";
import {TokenFixture} from "./TokenFixture.sol";

/// @notice Random amounts and parties: the dry run always predicts the outcome, and balances, frozen amounts and the
/// holder count stay consistent.
contract SecurityTokenFuzzTest is TokenFixture {
    address[5] internal parties;

    function setUp() public override {
        super.setUp();
        _verify(alice);
        _verify(bob);
        _verify(carol, USA, RETAIL);
        parties = [alice, bob, carol, stranger, address(0)];
        _mint(alice, 600_000);
        _mint(bob, 300_000);
    }

    function testFuzz_transfer_matchesDryRun(uint256 fromSeed, uint256 toSeed, uint256 amount) public {
        address from = parties[fromSeed % 3];
        address to = parties[toSeed % 4];
        amount = bound(amount, 0, 1_000_000);
        uint256 supply = token.totalSupply();
        uint256 fromBefore = token.balanceOf(from);
        uint256 toBefore = token.balanceOf(to);
        (bool allowed,) = token.canTransfer(from, to, amount);

        vm.prank(from);
        (bool success,) = address(token).call(abi.encodeCall(token.transfer, (to, amount)));

        assertEq(success, allowed);
        assertEq(token.totalSupply(), supply);
        if (success && from != to) {
            assertEq(token.balanceOf(from), fromBefore - amount);
            assertEq(token.balanceOf(to), toBefore + amount);
        }
        uint32 holders = (token.balanceOf(alice) != 0 ? 1 : 0) + (token.balanceOf(bob) != 0 ? 1 : 0);
        assertEq(token.holderCount(), holders);
    }

    function testFuzz_mint_respectsMaxBalance(uint256 toSeed, uint256 amount) public {
        address to = parties[toSeed % 5];
        amount = bound(amount, 1, 2 * uint256(MAX_BALANCE));
        (bool allowed, uint8 code) = token.canTransfer(address(0), to, amount);
        uint256 before = token.balanceOf(alice) + token.balanceOf(bob);
        bool fits = to != address(0) && token.balanceOf(to) + amount <= MAX_BALANCE;

        vm.prank(issuer);
        (bool success,) = address(token).call(abi.encodeCall(token.mint, (to, amount)));

        assertEq(success, allowed);
        if (to == alice || to == bob) {
            assertEq(success, fits);
            if (!success) assertEq(code, Restrictions.MAX_BALANCE_EXCEEDED);
        }
        if (success) assertEq(token.balanceOf(alice) + token.balanceOf(bob), before + amount);
    }

    function testFuzz_freezePartialTokens_limitsTransfers(uint256 frozen, uint256 amount) public {
        frozen = bound(frozen, 0, 600_000);
        amount = bound(amount, 0, 600_000);
        vm.prank(agent);
        token.freezePartialTokens(alice, frozen);

        bool fits = amount <= 600_000 - frozen;
        if (!fits) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    ICompliance.InsufficientUnfrozenBalance.selector, alice, 600_000 - frozen, amount
                )
            );
        }
        vm.prank(alice);
        token.transfer(bob, amount);
        assertEq(token.balanceOf(bob), fits ? 300_000 + amount : 300_000);
        assertLe(token.getFrozenTokens(alice), token.balanceOf(alice));
    }

    function testFuzz_forcedTransfer_releasesOnlyWhatItNeeds(uint256 frozen, uint256 amount) public {
        frozen = bound(frozen, 0, 600_000);
        amount = bound(amount, 0, 600_000);
        vm.startPrank(agent);
        token.freezePartialTokens(alice, frozen);
        token.forcedTransfer(alice, carol, amount);
        vm.stopPrank();

        uint256 free = 600_000 - frozen;
        uint256 expectedFrozen = amount > free ? frozen - (amount - free) : frozen;
        assertEq(token.getFrozenTokens(alice), expectedFrozen);
        assertEq(token.balanceOf(carol), amount);
        assertLe(token.getFrozenTokens(alice), token.balanceOf(alice));
    }

    function testFuzz_burn_keepsFrozenWithinBalance(uint256 frozen, uint256 amount) public {
        frozen = bound(frozen, 0, 300_000);
        amount = bound(amount, 0, 300_000);
        vm.startPrank(agent);
        token.freezePartialTokens(bob, frozen);
        vm.stopPrank();
        vm.prank(issuer);
        token.burn(bob, amount);
        assertLe(token.getFrozenTokens(bob), token.balanceOf(bob));
        assertEq(token.holderCount(), amount == 300_000 ? 1 : 2);
    }
}

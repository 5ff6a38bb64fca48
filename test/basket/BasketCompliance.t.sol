// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Basket} from "../../contracts/basket/Basket.sol";
import {IBasket} from "../../contracts/basket/interfaces/IBasket.sol";
import {ICompliance} from "../../contracts/token/interfaces/ICompliance.sol";
import {ISecurityToken} from "../../contracts/token/interfaces/ISecurityToken.sol";
import {Restrictions} from "../../contracts/token/libraries/Restrictions.sol";
import {BasketFixture} from "./BasketFixture.sol";

/// @notice The basket token as a security: both sides of every movement follow the strictest component rule, the
/// compliance role's agent powers, and look-through holder counting.
contract BasketComplianceTest is BasketFixture {
    Basket internal basket;

    function setUp() public override {
        super.setUp();
        basket = _createDefault();
        _issue(basket, alice, ONE);
    }

    // --------------------------------------------------------------------------- Both sides

    function test_transfer_revertsFromWalletFrozenInOneComponent() public {
        vm.prank(agent);
        shares[1].setAddressFrozen(alice, true);
        vm.prank(alice);
        vm.expectRevert(_refused(address(shares[1]), abi.encodeWithSelector(ICompliance.SenderFrozen.selector, alice)));
        basket.transfer(bob, 1);
    }

    function test_redeem_revertsForHolderFrozenInOneComponent() public {
        vm.prank(agent);
        shares[0].setAddressFrozen(alice, true);
        vm.prank(alice);
        vm.expectRevert(_refused(address(shares[0]), abi.encodeWithSelector(ICompliance.SenderFrozen.selector, alice)));
        basket.redeem(ONE, bob);
    }

    function test_transfer_revertsFromAmlFlaggedSender() public {
        uint32 identity = registry.identityOf(alice);
        vm.prank(officer);
        registry.setAmlFlag(identity, true);
        vm.prank(alice);
        vm.expectRevert(
            _refused(address(shares[0]), abi.encodeWithSelector(ICompliance.SenderAmlFlagged.selector, alice, identity))
        );
        basket.transfer(bob, 1);
    }

    function test_transfer_revertsFromSenderWhoseKycLapsed() public {
        uint40 expiry = token.walletRecord(alice).kycExpiry;
        vm.warp(expiry);
        _verify(bob);
        uint32 identity = registry.identityOf(alice);
        vm.prank(alice);
        vm.expectRevert(
            _refused(
                address(shares[0]),
                abi.encodeWithSelector(ICompliance.SenderKycExpired.selector, alice, identity, expiry)
            )
        );
        basket.transfer(bob, 1);
    }

    function test_transfer_revertsFromSenderOfCountryNoLongerAllowed() public {
        uint16[] memory countries = new uint16[](1);
        countries[0] = FRANCE;
        vm.prank(officer);
        shares[1].setCountriesAllowed(countries, false);
        vm.prank(alice);
        vm.expectRevert(
            _refused(
                address(shares[1]), abi.encodeWithSelector(ICompliance.SenderCountryNotAllowed.selector, alice, FRANCE)
            )
        );
        basket.transfer(bob, 1);
    }

    function test_canTransfer_answersTheRefusingComponentRule() public {
        assertEq(basket.detectTransferRestriction(alice, bob, 1), Restrictions.SUCCESS);
        vm.prank(agent);
        shares[1].setAddressFrozen(alice, true);
        (bool allowed, uint8 code) = basket.canTransfer(alice, bob, 1);
        assertFalse(allowed);
        assertEq(code, Restrictions.SENDER_FROZEN);
        assertEq(basket.detectTransferRestriction(alice, bob, 1), Restrictions.SENDER_FROZEN);
        assertEq(basket.detectTransferRestriction(bob, alice, 0), Restrictions.RECEIVER_FROZEN);
        assertEq(basket.messageForTransferRestriction(Restrictions.SENDER_FROZEN), "Sender frozen");
        assertEq(basket.detectTransferRestriction(bob, carol, 1), Restrictions.INSUFFICIENT_BALANCE);
    }

    // --------------------------------------------------------------------------- Agent powers

    function test_agentFunctions_revertForOthers() public {
        vm.startPrank(alice);
        vm.expectRevert(abi.encodeWithSelector(IBasket.NotCompliance.selector, alice));
        basket.pause();
        vm.expectRevert(abi.encodeWithSelector(IBasket.NotCompliance.selector, alice));
        basket.setAddressFrozen(bob, true);
        vm.expectRevert(abi.encodeWithSelector(IBasket.NotCompliance.selector, alice));
        basket.freezePartialTokens(alice, 1);
        vm.expectRevert(abi.encodeWithSelector(IBasket.NotCompliance.selector, alice));
        basket.forcedTransfer(alice, bob, 1);
        vm.expectRevert(abi.encodeWithSelector(IBasket.NotCompliance.selector, alice));
        basket.recoveryAddress(alice, bob);
        vm.stopPrank();
    }

    function test_setAddressFrozen_blocksSendingReceivingAndRedeeming() public {
        vm.expectEmit(address(basket));
        emit IBasket.AddressFrozen(alice, true, basketCompliance);
        vm.prank(basketCompliance);
        basket.setAddressFrozen(alice, true);
        assertTrue(basket.isFrozen(alice));
        vm.startPrank(alice);
        vm.expectRevert(abi.encodeWithSelector(ICompliance.SenderFrozen.selector, alice));
        basket.transfer(bob, 1);
        vm.expectRevert(abi.encodeWithSelector(ICompliance.SenderFrozen.selector, alice));
        basket.redeem(1, alice);
        vm.stopPrank();
    }

    function test_setAddressFrozen_blocksReceiving() public {
        vm.prank(alice);
        basket.transfer(bob, 1);
        vm.prank(basketCompliance);
        basket.setAddressFrozen(alice, true);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(ICompliance.ReceiverFrozen.selector, alice));
        basket.transfer(alice, 1);
        vm.prank(basketCompliance);
        basket.setAddressFrozen(alice, false);
        vm.prank(bob);
        basket.transfer(alice, 1);
        assertEq(basket.balanceOf(alice), ONE);
    }

    function test_freezePartialTokens_keepsTheFrozenPart() public {
        vm.prank(basketCompliance);
        basket.freezePartialTokens(alice, 0.75e18);
        assertEq(basket.getFrozenTokens(alice), 0.75e18);
        vm.startPrank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(ICompliance.InsufficientUnfrozenBalance.selector, alice, 0.25e18, 0.5e18)
        );
        basket.transfer(bob, 0.5e18);
        basket.transfer(bob, 0.25e18);
        vm.stopPrank();
        vm.startPrank(basketCompliance);
        vm.expectRevert(
            abi.encodeWithSelector(ISecurityToken.FreezeExceedsBalance.selector, alice, 0.75e18, 0.75e18 + 1)
        );
        basket.freezePartialTokens(alice, 1);
        vm.expectRevert(abi.encodeWithSelector(ISecurityToken.UnfreezeExceedsFrozen.selector, alice, 0.75e18, ONE));
        basket.unfreezePartialTokens(alice, ONE);
        basket.unfreezePartialTokens(alice, 0.75e18);
        vm.stopPrank();
        assertEq(basket.getFrozenTokens(alice), 0);
    }

    function test_forcedTransfer_seizesFromWalletFrozenEverywhere() public {
        vm.prank(agent);
        shares[0].setAddressFrozen(alice, true);
        vm.startPrank(basketCompliance);
        basket.setAddressFrozen(alice, true);
        basket.freezePartialTokens(alice, 0.5e18);
        vm.expectEmit(address(basket));
        emit IBasket.TokensUnfrozen(alice, 0.25e18);
        vm.expectEmit(address(basket));
        emit IBasket.TransferForced(alice, bob, 0.75e18);
        assertTrue(basket.forcedTransfer(alice, bob, 0.75e18));
        vm.stopPrank();
        assertEq(basket.balanceOf(bob), 0.75e18);
        assertEq(basket.getFrozenTokens(alice), 0.25e18);
    }

    function test_forcedTransfer_stillNeedsAnEligibleReceiver() public {
        vm.prank(basketCompliance);
        vm.expectRevert(
            _refused(address(shares[0]), abi.encodeWithSelector(ICompliance.ReceiverNotRegistered.selector, stranger))
        );
        basket.forcedTransfer(alice, stranger, 1);
    }

    function test_recoveryAddress_movesToAWalletOfTheSameIdentity() public {
        address aliceNew = makeAddr("aliceNew");
        uint32 identity = _link(aliceNew, alice);
        vm.startPrank(basketCompliance);
        basket.setAddressFrozen(alice, true);
        basket.freezePartialTokens(alice, 0.5e18);
        vm.expectRevert(abi.encodeWithSelector(ISecurityToken.RecoveryIdentityMismatch.selector, alice, bob, identity));
        basket.recoveryAddress(alice, bob);
        vm.expectEmit(address(basket));
        emit IBasket.RecoverySuccess(alice, aliceNew, identity);
        assertTrue(basket.recoveryAddress(alice, aliceNew));
        vm.stopPrank();
        assertEq(basket.balanceOf(aliceNew), ONE);
        assertTrue(basket.isFrozen(aliceNew));
        assertEq(basket.getFrozenTokens(aliceNew), 0.5e18);
        assertFalse(basket.isFrozen(alice));
        assertEq(basket.getFrozenTokens(alice), 0);
        vm.prank(basketCompliance);
        vm.expectRevert(abi.encodeWithSelector(ISecurityToken.NothingToRecover.selector, alice));
        basket.recoveryAddress(alice, aliceNew);
    }

    function test_pause_stopsTransfersIssueAndRedeem() public {
        vm.prank(basketCompliance);
        basket.pause();
        assertTrue(basket.paused());
        vm.startPrank(alice);
        vm.expectRevert(abi.encodeWithSelector(ICompliance.TransfersPaused.selector, alice, bob));
        basket.transfer(bob, 1);
        vm.expectRevert(abi.encodeWithSelector(ICompliance.TransfersPaused.selector, alice, address(0)));
        basket.redeem(1, alice);
        vm.stopPrank();
        assertEq(basket.detectTransferRestriction(alice, bob, 1), Restrictions.PAUSED);
        vm.startPrank(basketCompliance);
        vm.expectRevert(ISecurityToken.AlreadyPaused.selector);
        basket.pause();
        basket.unpause();
        vm.expectRevert(ISecurityToken.NotPaused.selector);
        basket.unpause();
        vm.stopPrank();
        vm.prank(alice);
        basket.transfer(bob, 1);
    }

    // ---------------------------------------------------------------------------- Look-through

    /// @dev A basket of share 0 only (200 per whole basket token), share 0 looking through it, limits set.
    function _lookThroughBasket(uint32 maxHolders, uint128 maxBalance) internal returns (Basket lookThrough) {
        address[] memory components = new address[](1);
        components[0] = address(shares[0]);
        uint256[] memory units = new uint256[](1);
        units[0] = 200;
        lookThrough = _create(components, units, ONE);
        vm.startPrank(officer);
        shares[0].setLookThrough(address(lookThrough), true);
        shares[0].setLimits(maxHolders, maxBalance);
        vm.stopPrank();
    }

    function test_lookThrough_basketHoldersCountTowardMaxHolders() public {
        // Alice holds share 0 directly (the default basket) and now through the look-through basket.
        Basket lookThrough = _lookThroughBasket(1, 10_000);
        _issue(lookThrough, alice, 5 * ONE);
        assertEq(shares[0].holderCount(), 1);
        assertEq(shares[0].lookThroughBalanceOf(registry.identityOf(alice)), 1000);
        vm.prank(alice);
        vm.expectRevert(
            _refused(address(shares[0]), abi.encodeWithSelector(ICompliance.MaxHoldersExceeded.selector, bob, 2, 1))
        );
        lookThrough.transfer(bob, 2.5e18);
        // Carol cannot take the slot either, directly.
        vm.prank(issuer);
        vm.expectRevert(abi.encodeWithSelector(ICompliance.MaxHoldersExceeded.selector, carol, 2, 1));
        shares[0].mint(carol, 1);
    }

    function test_lookThrough_basketHoldersCountTowardMaxBalance() public {
        Basket lookThrough = _lookThroughBasket(10, 1000);
        _issue(lookThrough, alice, 5 * ONE);
        _mintComponent(address(shares[0]), bob, 600);
        uint32 bobId = registry.identityOf(bob);
        vm.prank(alice);
        vm.expectRevert(
            _refused(
                address(shares[0]),
                abi.encodeWithSelector(ICompliance.MaxBalanceExceeded.selector, bob, bobId, 1100, 1000)
            )
        );
        lookThrough.transfer(bob, 2.5e18);
        // Directly too: Bob's 400 of exposure counts.
        vm.prank(alice);
        lookThrough.transfer(bob, 2e18);
        vm.prank(issuer);
        vm.expectRevert(abi.encodeWithSelector(ICompliance.MaxBalanceExceeded.selector, bob, bobId, 1001, 1000));
        shares[0].mint(bob, 1);
    }

    function test_lookThrough_exposureFollowsTheBasketTokens() public {
        Basket lookThrough = _lookThroughBasket(3, 10_000);
        uint32 aliceId = registry.identityOf(alice);
        uint32 bobId = registry.identityOf(bob);
        // Alice holds share 0 through the default basket, a holder of record: she is not counted.
        _issue(lookThrough, bob, 5 * ONE);
        assertEq(shares[0].holderCount(), 1, "bob, through the look-through basket");
        vm.prank(bob);
        lookThrough.transfer(carol, 2.5e18);
        assertEq(shares[0].holderCount(), 2);
        assertEq(shares[0].lookThroughBalanceOf(bobId), 500);
        // Bob exits: all his exposure goes, and he redeems to himself without leaving the holders.
        vm.prank(bob);
        lookThrough.redeem(2.5e18, bob);
        assertEq(shares[0].lookThroughBalanceOf(bobId), 0);
        assertEq(shares[0].balanceOf(bob), 500);
        assertEq(shares[0].holderCount(), 2);
        vm.prank(carol);
        lookThrough.transfer(alice, 2.5e18);
        assertEq(shares[0].lookThroughBalanceOf(registry.identityOf(carol)), 0);
        assertEq(shares[0].lookThroughBalanceOf(aliceId), 500);
        assertEq(shares[0].holderCount(), 2, "carol left, alice joined");
    }

    function test_holderOfRecord_basketHoldersAreNotCounted() public {
        // The default basket is a holder of record of share 0: its holders are the basket's business.
        vm.prank(officer);
        shares[0].setLimits(1, 10_000);
        vm.prank(alice);
        basket.transfer(bob, 0.5e18);
        vm.prank(alice);
        basket.transfer(carol, 0.5e18);
        assertEq(shares[0].holderCount(), 0);
        assertEq(shares[0].lookThroughBalanceOf(registry.identityOf(bob)), 0);
    }
}

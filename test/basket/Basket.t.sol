// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Basket} from "../../contracts/basket/Basket.sol";
import {BasketConfig, Component, IBasket} from "../../contracts/basket/interfaces/IBasket.sol";
import {IBasketFactory} from "../../contracts/basket/interfaces/IBasketFactory.sol";
import {ICompliance} from "../../contracts/token/interfaces/ICompliance.sol";
import {BasketFixture} from "./BasketFixture.sol";
import {FeeOnTransferToken} from "./mocks/FeeOnTransferToken.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";

/// @notice Unit tests of the factory, issuance, redemption, compliance, fees and manager settings.
contract BasketTest is BasketFixture {
    Basket internal basket;

    function setUp() public override {
        super.setUp();
        basket = _createDefault();
    }

    // ---------------------------------------------------------------------------------- Creation

    function _defaultConfig() internal view returns (BasketConfig memory config) {
        address[] memory components = new address[](2);
        components[0] = address(shares[0]);
        components[1] = address(plain);
        uint256[] memory units = new uint256[](2);
        units[0] = 1;
        units[1] = 1e18;
        config = _config(components, units, ONE);
    }

    function test_createBasket_recordsBasketAndEmits() public {
        BasketConfig memory config = _defaultConfig();
        address predicted = vm.computeCreateAddress(address(factory), vm.getNonce(address(factory)));
        vm.expectEmit(address(factory));
        emit IBasketFactory.BasketCreated(
            predicted, address(this), basketManager, "SBK", config.components, config.units, ONE
        );
        IBasket created = factory.createBasket(config);
        assertEq(address(created), predicted);
        assertTrue(factory.isBasket(predicted));
        assertEq(address(factory.baskets()[1]), predicted);
        assertEq(address(factory.priceFeed()), address(feed));
    }

    function test_createBasket_storesConfiguration() public view {
        Component[] memory stored = basket.components();
        assertEq(stored.length, 3);
        assertEq(stored[0].token, address(shares[0]));
        assertEq(stored[0].unit, 200);
        assertEq(stored[0].flags, 3, "share: restricted and freezable");
        assertEq(stored[2].token, address(plain));
        assertEq(stored[2].flags, 0, "plain ERC-20: unrestricted");
        assertEq(basket.naturalUnit(), ONE);
        assertEq(basket.manager(), basketManager);
        assertEq(basket.positionMultiplier(), ONE);
        assertEq(uint8(basket.status()), uint8(IBasket.Status.Active));
        (address recipient, uint256 rate, uint256 lastAccrual) = basket.feeState();
        assertEq(recipient, feeRecipient);
        assertEq(rate, FEE_RATE);
        assertEq(lastAccrual, block.timestamp);
        assertEq(address(basket.priceFeed()), address(feed));
        assertEq(basket.name(), "Stoa Basket");
        assertEq(basket.symbol(), "SBK");
        assertEq(basket.decimals(), 18);
    }

    function test_createBasket_revertsWithoutComponents() public {
        BasketConfig memory config = _defaultConfig();
        config.components = new address[](0);
        config.units = new uint256[](0);
        vm.expectRevert(IBasket.NoComponents.selector);
        factory.createBasket(config);
    }

    function test_createBasket_revertsWithTooManyComponents() public {
        BasketConfig memory config = _defaultConfig();
        config.components = new address[](17);
        config.units = new uint256[](17);
        vm.expectRevert(abi.encodeWithSelector(IBasket.TooManyComponents.selector, 17, 16));
        factory.createBasket(config);
    }

    function test_createBasket_revertsOnLengthMismatch() public {
        BasketConfig memory config = _defaultConfig();
        config.units = new uint256[](1);
        vm.expectRevert(abi.encodeWithSelector(IBasket.LengthMismatch.selector, 2, 1));
        factory.createBasket(config);
    }

    function test_createBasket_revertsOnZeroNaturalUnit() public {
        BasketConfig memory config = _defaultConfig();
        config.naturalUnit = 0;
        vm.expectRevert(abi.encodeWithSelector(IBasket.InvalidNaturalUnit.selector, 0));
        factory.createBasket(config);
    }

    function test_createBasket_acceptsTheFinestNaturalUnit() public {
        BasketConfig memory config = _defaultConfig();
        config.naturalUnit = 1e36;
        assertEq(Basket(address(factory.createBasket(config))).naturalUnit(), 1e36);
    }

    function test_createBasket_revertsOnNaturalUnitAbove1e36() public {
        BasketConfig memory config = _defaultConfig();
        config.naturalUnit = 1e36 + 1;
        vm.expectRevert(abi.encodeWithSelector(IBasket.InvalidNaturalUnit.selector, 1e36 + 1));
        factory.createBasket(config);
    }

    function test_createBasket_revertsOnZeroManager() public {
        BasketConfig memory config = _defaultConfig();
        config.manager = address(0);
        vm.expectRevert(IBasket.ZeroAddress.selector);
        factory.createBasket(config);
    }

    function test_createBasket_revertsOnZeroFeeRecipient() public {
        BasketConfig memory config = _defaultConfig();
        config.feeRecipient = address(0);
        vm.expectRevert(IBasket.ZeroAddress.selector);
        factory.createBasket(config);
    }

    function test_createBasket_revertsOnFeeRateTooHigh() public {
        BasketConfig memory config = _defaultConfig();
        config.feeRate = 0.5e18 + 1;
        vm.expectRevert(abi.encodeWithSelector(IBasket.FeeRateTooHigh.selector, 0.5e18 + 1, 0.5e18));
        factory.createBasket(config);
    }

    function test_createBasket_revertsOnDuplicate() public {
        BasketConfig memory config = _defaultConfig();
        config.components[1] = address(shares[0]);
        vm.expectRevert(abi.encodeWithSelector(IBasket.DuplicateComponent.selector, address(shares[0])));
        factory.createBasket(config);
    }

    function test_createBasket_revertsOnZeroUnit() public {
        BasketConfig memory config = _defaultConfig();
        config.units[1] = 0;
        vm.expectRevert(abi.encodeWithSelector(IBasket.ZeroUnit.selector, address(plain)));
        factory.createBasket(config);
    }

    function test_createBasket_revertsOnUnitTooLarge() public {
        BasketConfig memory config = _defaultConfig();
        config.units[1] = uint256(type(uint88).max) + 1;
        vm.expectRevert(
            abi.encodeWithSelector(IBasket.UnitTooLarge.selector, address(plain), uint256(type(uint88).max) + 1)
        );
        factory.createBasket(config);
    }

    function test_createBasket_revertsOnComponentWithoutCode() public {
        BasketConfig memory config = _defaultConfig();
        config.components[1] = stranger;
        vm.expectRevert(abi.encodeWithSelector(IBasket.InvalidComponent.selector, stranger));
        factory.createBasket(config);
    }

    // ------------------------------------------------------------------------------------- Issue

    function test_issue_pullsRoundedUpAndMints() public {
        uint256 quantity = 1.5e18 + 1;
        _fund(basket, alice, quantity);
        uint256[] memory expected = new uint256[](3);
        expected[0] = 301; // ceil(300.0000000000000002)
        expected[1] = 151; // ceil(150.0000000000000001)
        expected[2] = 0.75e18 + 1; // ceil(0.75e18 + 0.5)
        vm.expectEmit(address(basket));
        emit IBasket.Issued(alice, bob, quantity, expected);
        vm.prank(alice);
        uint256[] memory amounts = basket.issue(quantity, bob);
        assertEq(amounts, expected);
        assertEq(basket.balanceOf(bob), quantity);
        assertEq(basket.totalSupply(), quantity);
        assertEq(shares[0].balanceOf(address(basket)), 301);
        assertEq(shares[1].balanceOf(address(basket)), 151);
        assertEq(plain.balanceOf(address(basket)), 0.75e18 + 1);
        assertEq(shares[0].balanceOf(alice), 0);
    }

    function test_issue_tinyQuantityPaysAtLeastOneOfEach() public {
        _fund(basket, alice, 1);
        vm.prank(alice);
        uint256[] memory amounts = basket.issue(1, alice);
        assertEq(amounts[0], 1);
        assertEq(amounts[1], 1);
        assertEq(amounts[2], 1);
    }

    function test_issue_revertsOnZeroQuantity() public {
        vm.expectRevert(IBasket.ZeroQuantity.selector);
        basket.issue(0, alice);
    }

    function test_issue_revertsForIneligibleRecipient() public {
        _fund(basket, alice, ONE);
        vm.prank(alice);
        vm.expectRevert(
            _refused(address(shares[0]), abi.encodeWithSelector(ICompliance.ReceiverNotRegistered.selector, stranger))
        );
        basket.issue(ONE, stranger);
    }

    function test_issue_revertsToZeroAddress() public {
        _fund(basket, alice, ONE);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InvalidReceiver.selector, address(0)));
        basket.issue(ONE, address(0));
    }

    function test_issue_revertsWhenBasketIsNotSystemHolder() public {
        Basket unregistered = Basket(address(factory.createBasket(_defaultConfig())));
        _fund(unregistered, alice, ONE);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(ICompliance.ReceiverNotRegistered.selector, address(unregistered)));
        unregistered.issue(ONE, alice);
    }

    function test_issue_revertsOnFeeOnTransferShortfall() public {
        FeeOnTransferToken taxed = new FeeOnTransferToken();
        address[] memory components = new address[](1);
        components[0] = address(taxed);
        uint256[] memory units = new uint256[](1);
        units[0] = 100;
        Basket taxedBasket = _create(components, units, 1);
        taxed.mint(alice, 1000);
        vm.startPrank(alice);
        taxed.approve(address(taxedBasket), 1000);
        vm.expectRevert(abi.encodeWithSelector(IBasket.TransferShortfall.selector, address(taxed), 1000, 990));
        taxedBasket.issue(10, alice);
        vm.stopPrank();
    }

    /// @dev Issuing at the old units after a seizure would have the issuer pay for the loss of the holders: the call
    /// that first sees the seizure cuts the unit and halts issuance instead, pulling and minting nothing.
    function test_issue_cutsAnUnreconciledSeizureAndHalts() public {
        _issue(basket, alice, 2 * ONE);
        vm.prank(agent);
        shares[0].forcedTransfer(address(basket), carol, 1);
        _fund(basket, bob, ONE);
        vm.expectEmit(address(basket));
        emit IBasket.ComponentImpaired(address(shares[0]), 200, 199, 399, 399);
        vm.expectEmit(address(basket));
        emit IBasket.IssuanceHalted();
        vm.prank(bob);
        uint256[] memory amounts = basket.issue(ONE, bob);
        assertEq(amounts, new uint256[](3), "nothing pulled");
        assertEq(basket.balanceOf(bob), 0, "nothing minted");
        assertEq(basket.totalSupply(), 2 * ONE);
        assertEq(uint8(basket.status()), uint8(IBasket.Status.Halted));
        assertEq(basket.units()[0], 199);
    }

    function test_issue_revertsWhenHalted() public {
        _issue(basket, alice, ONE);
        vm.prank(agent);
        shares[0].freezePartialTokens(address(basket), 100);
        basket.reconcile();
        vm.expectRevert(IBasket.IssuanceIsHalted.selector);
        basket.issue(ONE, alice);
    }

    function test_issue_revertsWhenEveryUnitIsZero() public {
        Basket shareBasket = _createShareBasket(2, 1);
        _issue(shareBasket, alice, ONE);
        vm.startPrank(agent);
        shares[0].setAddressFrozen(address(shareBasket), true);
        shares[1].setAddressFrozen(address(shareBasket), true);
        vm.stopPrank();
        shareBasket.reconcile();
        vm.prank(basketManager);
        shareBasket.resumeIssuance();
        vm.prank(alice);
        vm.expectRevert(IBasket.EmptyBasket.selector);
        shareBasket.issue(ONE, alice);
    }

    // ------------------------------------------------------------------------------------ Redeem

    function test_redeem_returnsRoundedDownAndBurns() public {
        _issue(basket, alice, 3e18);
        uint256 quantity = 1.5e18 - 1;
        uint256[] memory expected = new uint256[](3);
        expected[0] = 299; // floor(299.9999999999999998)
        expected[1] = 149;
        expected[2] = 0.75e18 - 1; // floor(0.75e18 - 0.5)
        vm.expectEmit(address(basket));
        emit IBasket.Redeemed(alice, bob, quantity, expected);
        vm.prank(alice);
        uint256[] memory amounts = basket.redeem(quantity, bob);
        assertEq(amounts, expected);
        assertEq(basket.balanceOf(alice), 3e18 - quantity);
        assertEq(basket.totalSupply(), 3e18 - quantity);
        assertEq(shares[0].balanceOf(bob), 299);
        assertEq(shares[0].balanceOf(address(basket)), 301);
        assertEq(plain.balanceOf(bob), 0.75e18 - 1);
    }

    function test_redeem_tinyQuantityReturnsNothing() public {
        _issue(basket, alice, ONE);
        vm.prank(alice);
        uint256[] memory amounts = basket.redeem(1, alice);
        assertEq(amounts, new uint256[](3));
        assertEq(basket.balanceOf(alice), ONE - 1);
    }

    function test_redeem_revertsOnZeroQuantity() public {
        vm.expectRevert(IBasket.ZeroQuantity.selector);
        basket.redeem(0, alice);
    }

    function test_redeem_revertsAboveBalance() public {
        _issue(basket, alice, ONE);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InsufficientBalance.selector, alice, ONE, ONE + 1));
        basket.redeem(ONE + 1, alice);
    }

    function test_redeem_revertsBeforeAnythingMovesForRecipientIneligibleForOneComponent() public {
        _issue(basket, alice, ONE);
        vm.prank(agent);
        shares[1].setAddressFrozen(carol, true);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IBasket.NotEligible.selector, address(shares[1]), carol));
        basket.redeem(ONE, carol);
    }

    function test_redeem_revertsForHolderWhoLostEligibility() public {
        _issue(basket, bob, ONE);
        uint32 identity = registry.identityOf(bob);
        vm.prank(officer);
        registry.setAmlFlag(identity, true);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(IBasket.NotEligible.selector, address(shares[0]), bob));
        basket.redeem(ONE, bob);
    }

    // ---------------------------------------------------------------------------------- Previews

    function test_previewIssue_matchesIssueAfterFeeAccrues() public {
        _issue(basket, alice, 10e18);
        vm.warp(block.timestamp + 100 days);
        uint256[] memory preview = basket.previewIssue(3e18 + 7);
        _fund(basket, bob, 3e18 + 7);
        vm.prank(bob);
        assertEq(basket.issue(3e18 + 7, bob), preview);
        assertLt(preview[2], 1.5e18, "the fee shrank the units");
    }

    function test_previewRedeem_matchesRedeemAfterFeeAccrues() public {
        _issue(basket, alice, 10e18);
        vm.warp(block.timestamp + 100 days);
        uint256[] memory preview = basket.previewRedeem(3e18 + 7);
        vm.prank(alice);
        assertEq(basket.redeem(3e18 + 7, alice), preview);
    }

    // -------------------------------------------------------------------------------- Compliance

    function test_transfer_movesToEligibleHolder() public {
        _issue(basket, alice, ONE);
        vm.prank(alice);
        assertTrue(basket.transfer(bob, 0.4e18));
        assertEq(basket.balanceOf(bob), 0.4e18);
    }

    function test_transfer_revertsToUnregisteredWallet() public {
        _issue(basket, alice, ONE);
        vm.prank(alice);
        vm.expectRevert(
            _refused(address(shares[0]), abi.encodeWithSelector(ICompliance.ReceiverNotRegistered.selector, stranger))
        );
        basket.transfer(stranger, 1);
    }

    function test_transfer_revertsToWalletFrozenInOneComponent() public {
        _issue(basket, alice, ONE);
        vm.prank(agent);
        shares[1].setAddressFrozen(carol, true);
        vm.prank(alice);
        vm.expectRevert(
            _refused(address(shares[1]), abi.encodeWithSelector(ICompliance.ReceiverFrozen.selector, carol))
        );
        basket.transfer(carol, 1);
    }

    function test_transferFrom_revertsToIneligible() public {
        _issue(basket, alice, ONE);
        vm.prank(alice);
        basket.approve(bob, ONE);
        vm.prank(bob);
        vm.expectRevert(
            _refused(address(shares[0]), abi.encodeWithSelector(ICompliance.ReceiverNotRegistered.selector, stranger))
        );
        basket.transferFrom(alice, stranger, 1);
    }

    function test_transfer_unrestrictedBasketAcceptsAnyWallet() public {
        address[] memory components = new address[](1);
        components[0] = address(plain);
        uint256[] memory units = new uint256[](1);
        units[0] = 1e18;
        Basket open = _create(components, units, ONE);
        _issue(open, alice, ONE);
        assertTrue(open.isEligible(stranger));
        vm.prank(alice);
        open.transfer(stranger, ONE);
        assertEq(open.balanceOf(stranger), ONE);
    }

    function test_isEligible_requiresEveryRestrictedComponent() public {
        assertTrue(basket.isEligible(alice));
        assertFalse(basket.isEligible(stranger));
        vm.prank(agent);
        shares[1].setAddressFrozen(alice, true);
        assertFalse(basket.isEligible(alice));
    }

    // -------------------------------------------------------------------------------------- Fees

    function test_accrueFee_mintsSetFormulaAndShrinksMultiplier() public {
        _issue(basket, alice, 10e18);
        vm.warp(block.timestamp + 30 days);
        uint256 share = FEE_RATE * 30 days / 365 days;
        uint256 minted = 10e18 * share / (ONE - share);
        uint256 multiplier = ONE * 10e18 / (10e18 + minted);
        vm.expectEmit(address(basket));
        emit IBasket.FeeAccrued(feeRecipient, minted, share, multiplier);
        assertEq(basket.accrueFee(), minted);
        assertEq(basket.balanceOf(feeRecipient), minted);
        assertEq(basket.positionMultiplier(), multiplier);
        (,, uint256 lastAccrual) = basket.feeState();
        assertEq(lastAccrual, block.timestamp);
        assertEq(basket.units()[0], 200 * multiplier / ONE);
    }

    function test_accrueFee_isNoopInTheSameBlock() public {
        _issue(basket, alice, 10e18);
        vm.warp(block.timestamp + 1 days);
        assertGt(basket.accrueFee(), 0);
        assertEq(basket.accrueFee(), 0);
    }

    function test_accrueFee_mintsNothingWithoutSupply() public {
        vm.warp(block.timestamp + 1 days);
        assertEq(basket.accrueFee(), 0);
        assertEq(basket.positionMultiplier(), ONE);
    }

    function test_accrueFee_accruesAtMostOneYear() public {
        _issue(basket, alice, 10e18);
        vm.warp(block.timestamp + 3 * 365 days);
        _verify(feeRecipient);
        uint256 minted = 10e18 * FEE_RATE / (ONE - FEE_RATE);
        assertEq(basket.accrueFee(), minted);
    }

    /// @dev While the recipient is not eligible the fee is still charged, on the supply of the time, and held by the
    /// basket; the first accrual that finds the recipient eligible hands it over.
    function test_accrueFee_holdsTheFeeWhileRecipientIneligible() public {
        _issue(basket, alice, 10e18);
        uint256 start = block.timestamp;
        vm.prank(agent);
        shares[0].setAddressFrozen(feeRecipient, true);
        vm.warp(start + 10 days);
        uint256 share = FEE_RATE * 10 days / 365 days;
        uint256 held = 10e18 * share / (ONE - share);
        vm.expectEmit(address(basket));
        emit IBasket.FeeDeferred(feeRecipient);
        assertEq(basket.accrueFee(), held);
        assertEq(basket.balanceOf(address(basket)), held, "held by the basket");
        assertEq(basket.balanceOf(feeRecipient), 0);
        (,, uint256 lastAccrual) = basket.feeState();
        assertEq(lastAccrual, block.timestamp, "charged");
        vm.prank(alice);
        basket.redeem(ONE, alice);

        vm.prank(agent);
        shares[0].setAddressFrozen(feeRecipient, false);
        vm.warp(start + 20 days);
        uint256 supply = basket.totalSupply();
        uint256 minted = supply * share / (ONE - share);
        assertEq(basket.accrueFee(), minted, "on the supply of the second period, the held fee included");
        assertEq(basket.balanceOf(feeRecipient), held + minted, "handed over");
        assertEq(basket.balanceOf(address(basket)), 0);
    }

    /// @dev Regression (issue 15): a fee deferred for a year was charged on the supply of the day it was minted, so
    /// a large issue made while the recipient was ineligible paid the past year's fee on its new tokens. The past year
    /// is now charged on the supply of the past year only.
    function test_accrueFee_doesNotChargeANewIssueForTheDeferredPast() public {
        _issue(basket, alice, 10e18);
        uint256 start = block.timestamp;
        vm.prank(agent);
        shares[0].setAddressFrozen(feeRecipient, true);
        vm.warp(start + 365 days);
        _verify(bob);
        _verify(feeRecipient);
        uint256 paid = _issue(basket, bob, 1000e18)[0];
        vm.prank(agent);
        shares[0].setAddressFrozen(feeRecipient, false);
        vm.warp(block.timestamp + 1);
        basket.accrueFee();

        uint256 pastYear = 10e18 * FEE_RATE / (ONE - FEE_RATE);
        uint256 share = FEE_RATE * 1 / 365 days;
        uint256 lastSecond = (10e18 + pastYear + 1000e18) * share / (ONE - share);
        assertEq(basket.balanceOf(feeRecipient), pastYear + lastSecond, "a year on 10 tokens, a second on 1010");
        (uint256[] memory usable, uint256[] memory required) = basket.collateral();
        assertGe(usable[0], required[0], "collateralized");
        vm.prank(bob);
        uint256[] memory amounts = basket.redeem(1000e18, bob);
        assertGe(amounts[0], paid - 1, "Bob was not charged for the year before his issue, only for its last second");
    }

    function test_setFeeRate_accruesAtTheOldRateFirst() public {
        _issue(basket, alice, 10e18);
        vm.warp(block.timestamp + 10 days);
        uint256 share = FEE_RATE * 10 days / 365 days;
        uint256 minted = 10e18 * share / (ONE - share);
        vm.expectEmit(address(basket));
        emit IBasket.FeeRateSet(0.1e18);
        vm.prank(basketManager);
        basket.setFeeRate(0.1e18);
        assertEq(basket.balanceOf(feeRecipient), minted);
        (, uint256 rate,) = basket.feeState();
        assertEq(rate, 0.1e18);
    }

    /// @dev A rate change while the recipient is not eligible applies from the change only.
    function test_setFeeRate_chargesTheOldRateWhileRecipientIneligible() public {
        _issue(basket, alice, 10e18);
        vm.prank(agent);
        shares[0].setAddressFrozen(feeRecipient, true);
        vm.warp(block.timestamp + 10 days);
        vm.prank(basketManager);
        basket.setFeeRate(0.5e18);
        uint256 share = FEE_RATE * 10 days / 365 days;
        assertEq(basket.balanceOf(address(basket)), 10e18 * share / (ONE - share), "10 days at 2%");
    }

    function test_setFeeRate_revertsAboveMaximum() public {
        vm.prank(basketManager);
        vm.expectRevert(abi.encodeWithSelector(IBasket.FeeRateTooHigh.selector, 0.6e18, 0.5e18));
        basket.setFeeRate(0.6e18);
    }

    function test_setFeeRate_revertsForNonManager() public {
        vm.expectRevert(abi.encodeWithSelector(IBasket.NotManager.selector, address(this)));
        basket.setFeeRate(0);
    }

    function test_setFeeRecipient_setsRecipient() public {
        vm.expectEmit(address(basket));
        emit IBasket.FeeRecipientSet(bob);
        vm.prank(basketManager);
        basket.setFeeRecipient(bob);
        (address recipient,,) = basket.feeState();
        assertEq(recipient, bob);
    }

    function test_setFeeRecipient_revertsOnZeroAddress() public {
        vm.prank(basketManager);
        vm.expectRevert(IBasket.ZeroAddress.selector);
        basket.setFeeRecipient(address(0));
    }

    function test_setFeeRecipient_revertsForNonManager() public {
        vm.expectRevert(abi.encodeWithSelector(IBasket.NotManager.selector, address(this)));
        basket.setFeeRecipient(bob);
    }

    // ------------------------------------------------------------------------------------ Manager

    function test_setManager_handsOverTheRole() public {
        vm.expectEmit(address(basket));
        emit IBasket.ManagerSet(bob);
        vm.prank(basketManager);
        basket.setManager(bob);
        assertEq(basket.manager(), bob);
        vm.prank(basketManager);
        vm.expectRevert(abi.encodeWithSelector(IBasket.NotManager.selector, basketManager));
        basket.setManager(basketManager);
    }

    function test_setManager_revertsOnZeroAddress() public {
        vm.prank(basketManager);
        vm.expectRevert(IBasket.ZeroAddress.selector);
        basket.setManager(address(0));
    }
}

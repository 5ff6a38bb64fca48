// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {SecurityToken} from "../../contracts/token/SecurityToken.sol";
import {ComplianceConfig, ICompliance} from "../../contracts/token/interfaces/ICompliance.sol";
import {IIdentityListener} from "../../contracts/token/interfaces/IIdentityListener.sol";
import {Attestation, Identity} from "../../contracts/token/interfaces/IIdentityRegistry.sol";
import {ISecurityToken, WalletRecord} from "../../contracts/token/interfaces/ISecurityToken.sol";
import {ITransferRule} from "../../contracts/token/interfaces/ITransferRule.sol";
import {Restrictions} from "../../contracts/token/libraries/Restrictions.sol";
import {TokenFixture} from "./TokenFixture.sol";
import {MockTransferRule} from "./mocks/MockTransferRule.sol";
import {IAccessManaged} from "@openzeppelin/contracts/access/manager/IAccessManaged.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

contract SecurityTokenTest is TokenFixture {
    uint32 internal aliceId;
    uint32 internal bobId;
    address internal vault = makeAddr("vault");

    function setUp() public override {
        super.setUp();
        aliceId = _verify(alice);
        bobId = _verify(bob);
        _mint(alice, 1000);
    }

    /// @dev Asserts the dry runs report `code`, then that a transfer reverts with `err`.
    function _expectRefusal(address from, address to, uint256 amount, uint8 code, bytes memory err) internal {
        (bool allowed, uint8 reported) = token.canTransfer(from, to, amount);
        assertFalse(allowed, "allowed");
        assertEq(reported, code, "code");
        assertEq(token.detectTransferRestriction(from, to, amount), code, "ERC-1404 code");
        vm.expectRevert(err);
        vm.prank(from);
        token.transfer(to, amount);
    }

    function _registerVault() internal {
        vm.prank(officer);
        token.setSystemHolder(vault, true);
    }

    // -------------------------------------------------------------------------------- Metadata

    function test_constructor_setsMetadata() public view {
        assertEq(token.name(), "Stoa Share");
        assertEq(token.symbol(), "STOA");
        assertEq(token.decimals(), 0);
        assertEq(address(token.identityRegistry()), address(registry));
        assertEq(token.authority(), address(manager));
    }

    function test_constructor_setsDecimals() public {
        SecurityToken other = new SecurityToken("Bond", "BND", 18, registry, address(manager));
        assertEq(other.decimals(), 18);
    }

    // ------------------------------------------------------------------------------- Transfers

    function test_transfer_movesBetweenVerifiedHolders() public {
        vm.expectEmit(address(token));
        emit IERC20.Transfer(alice, bob, 400);
        vm.prank(alice);
        assertTrue(token.transfer(bob, 400));
        assertEq(token.balanceOf(alice), 600);
        assertEq(token.balanceOf(bob), 400);
        assertEq(token.holderCount(), 2);
    }

    function test_transfer_revertsWhenPaused() public {
        vm.prank(agent);
        token.pause();
        _expectRefusal(
            alice, bob, 1, Restrictions.PAUSED, abi.encodeWithSelector(ICompliance.TransfersPaused.selector, alice, bob)
        );
    }

    function test_transfer_revertsWhenSenderFrozen() public {
        vm.prank(agent);
        token.setAddressFrozen(alice, true);
        _expectRefusal(
            alice, bob, 1, Restrictions.SENDER_FROZEN, abi.encodeWithSelector(ICompliance.SenderFrozen.selector, alice)
        );
    }

    function test_transfer_revertsWhenReceiverFrozen() public {
        vm.prank(agent);
        token.setAddressFrozen(bob, true);
        _expectRefusal(
            alice,
            bob,
            1,
            Restrictions.RECEIVER_FROZEN,
            abi.encodeWithSelector(ICompliance.ReceiverFrozen.selector, bob)
        );
    }

    function test_transfer_revertsWhenUnfrozenBalanceTooLow() public {
        vm.prank(agent);
        token.freezePartialTokens(alice, 900);
        _expectRefusal(
            alice,
            bob,
            101,
            Restrictions.INSUFFICIENT_UNFROZEN_BALANCE,
            abi.encodeWithSelector(ICompliance.InsufficientUnfrozenBalance.selector, alice, 100, 101)
        );
        vm.prank(alice);
        token.transfer(bob, 100);
        assertEq(token.balanceOf(alice), 900);
    }

    function test_transfer_revertsWhenSenderLocked() public {
        uint40 until = START + 30 days;
        vm.prank(agent);
        token.setLockup(aliceId, until);
        _expectRefusal(
            alice,
            bob,
            1,
            Restrictions.SENDER_LOCKED,
            abi.encodeWithSelector(ICompliance.SenderLocked.selector, alice, aliceId, until)
        );
    }

    function test_transfer_succeedsWhenLockupEnded() public {
        vm.prank(agent);
        token.setLockup(aliceId, START + 30 days);
        vm.warp(START + 30 days);
        vm.prank(alice);
        token.transfer(bob, 1);
        assertEq(token.balanceOf(bob), 1);
    }

    function test_transfer_ignoresLockupWhenRuleOff() public {
        vm.prank(agent);
        token.setLockup(aliceId, START + 30 days);
        _setRules(Restrictions.RULE_ALL & ~Restrictions.RULE_LOCKUP);
        vm.prank(alice);
        token.transfer(bob, 1);
        assertEq(token.balanceOf(bob), 1);
    }

    function test_transfer_revertsWhenReceiverNotRegistered() public {
        _expectRefusal(
            alice,
            stranger,
            1,
            Restrictions.RECEIVER_NOT_REGISTERED,
            abi.encodeWithSelector(ICompliance.ReceiverNotRegistered.selector, stranger)
        );
    }

    function test_transfer_revertsWhenReceiverAmlFlagged() public {
        vm.prank(officer);
        registry.setAmlFlag(bobId, true);
        _expectRefusal(
            alice,
            bob,
            1,
            Restrictions.RECEIVER_AML_FLAGGED,
            abi.encodeWithSelector(ICompliance.ReceiverAmlFlagged.selector, bob, bobId)
        );
    }

    function test_transfer_revertsWhenReceiverKycExpired() public {
        uint40 expiry = START + KYC_VALIDITY;
        vm.warp(expiry);
        _expectRefusal(
            alice,
            bob,
            1,
            Restrictions.RECEIVER_KYC_EXPIRED,
            abi.encodeWithSelector(ICompliance.ReceiverKycExpired.selector, bob, bobId, expiry)
        );
    }

    function test_transfer_revertsWhenReceiverAttestationRevoked() public {
        bytes32 digest = _revokeInForce(bob);
        assertTrue(registry.isRevoked(digest));
        _expectRefusal(
            alice,
            bob,
            1,
            Restrictions.RECEIVER_KYC_EXPIRED,
            abi.encodeWithSelector(ICompliance.ReceiverKycExpired.selector, bob, bobId, 0)
        );
    }

    function test_transfer_revertsWhenCountryNotAllowed() public {
        _verify(carol, USA, RETAIL);
        _expectRefusal(
            alice,
            carol,
            1,
            Restrictions.COUNTRY_NOT_ALLOWED,
            abi.encodeWithSelector(ICompliance.CountryNotAllowed.selector, carol, USA)
        );
    }

    function test_transfer_allowsCountryOnceAllowed() public {
        _verify(carol, USA, RETAIL);
        uint16[] memory countries = new uint16[](1);
        countries[0] = USA;
        vm.prank(officer);
        token.setCountriesAllowed(countries, true);
        vm.prank(alice);
        token.transfer(carol, 1);
        assertEq(token.balanceOf(carol), 1);
    }

    function test_transfer_revertsWhenCountryDenied() public {
        uint16[] memory countries = new uint16[](1);
        countries[0] = FRANCE;
        vm.prank(officer);
        token.setCountriesAllowed(countries, false);
        assertFalse(token.isCountryAllowed(FRANCE));
        _expectRefusal(
            alice,
            bob,
            1,
            Restrictions.COUNTRY_NOT_ALLOWED,
            abi.encodeWithSelector(ICompliance.CountryNotAllowed.selector, bob, FRANCE)
        );
    }

    function test_transfer_usesCachedCountryUntilListChanges() public {
        WalletRecord memory record = token.walletRecord(bob);
        assertTrue(record.countryAllowed);
        assertEq(record.countryEpoch, token.complianceConfig().countryEpoch);

        uint16[] memory countries = new uint16[](1);
        countries[0] = FRANCE;
        vm.prank(officer);
        token.setCountriesAllowed(countries, false);
        assertEq(token.complianceConfig().countryEpoch, record.countryEpoch + 1);
        registry.sync(bobId);
        record = token.walletRecord(bob);
        assertFalse(record.countryAllowed);
        assertEq(record.countryEpoch, token.complianceConfig().countryEpoch);
        vm.expectRevert(abi.encodeWithSelector(ICompliance.CountryNotAllowed.selector, bob, FRANCE));
        vm.prank(alice);
        token.transfer(bob, 1);

        vm.prank(officer);
        token.setCountriesAllowed(countries, true);
        vm.prank(alice);
        token.transfer(bob, 1);
        assertEq(token.balanceOf(bob), 1);
    }

    function test_transfer_ignoresCountryWhenRuleOff() public {
        _verify(carol, USA, RETAIL);
        _setRules(Restrictions.RULE_ALL & ~Restrictions.RULE_COUNTRY);
        vm.prank(alice);
        token.transfer(carol, 1);
        assertEq(token.balanceOf(carol), 1);
    }

    function test_transfer_revertsWhenCategoryNotAllowed() public {
        _verify(carol, FRANCE, 3);
        _expectRefusal(
            alice,
            carol,
            1,
            Restrictions.CATEGORY_NOT_ALLOWED,
            abi.encodeWithSelector(ICompliance.CategoryNotAllowed.selector, carol, 3)
        );
    }

    function test_transfer_revertsWhenCategoryBeyondMask() public {
        _verify(carol, FRANCE, 200);
        _expectRefusal(
            alice,
            carol,
            1,
            Restrictions.CATEGORY_NOT_ALLOWED,
            abi.encodeWithSelector(ICompliance.CategoryNotAllowed.selector, carol, 200)
        );
    }

    function test_transfer_revertsWhenMaxBalanceExceeded() public {
        _mint(bob, MAX_BALANCE - 10);
        _expectRefusal(
            alice,
            bob,
            11,
            Restrictions.MAX_BALANCE_EXCEEDED,
            abi.encodeWithSelector(ICompliance.MaxBalanceExceeded.selector, bob, bobId, MAX_BALANCE + 1, MAX_BALANCE)
        );
        vm.prank(alice);
        token.transfer(bob, 10);
        assertEq(token.balanceOf(bob), MAX_BALANCE);
    }

    function test_transfer_revertsWhenMaxBalanceExceededAcrossWallets() public {
        address bobSecond = makeAddr("bobSecond");
        _link(bobSecond, bob);
        _mint(bob, MAX_BALANCE - 10);
        _expectRefusal(
            alice,
            bobSecond,
            11,
            Restrictions.MAX_BALANCE_EXCEEDED,
            abi.encodeWithSelector(
                ICompliance.MaxBalanceExceeded.selector, bobSecond, bobId, MAX_BALANCE + 1, MAX_BALANCE
            )
        );
    }

    function test_transfer_revertsWhenMaxHoldersReached() public {
        vm.prank(officer);
        token.setLimits(1, MAX_BALANCE);
        _expectRefusal(
            alice,
            bob,
            1,
            Restrictions.MAX_HOLDERS_EXCEEDED,
            abi.encodeWithSelector(ICompliance.MaxHoldersExceeded.selector, bob, 2, 1)
        );
    }

    function test_transfer_allowsNewHolderWhenSenderLeaves() public {
        vm.prank(officer);
        token.setLimits(1, MAX_BALANCE);
        vm.prank(alice);
        token.transfer(bob, 1000);
        assertEq(token.holderCount(), 1);
    }

    function test_transfer_revertsWhenTransferRuleRefuses() public {
        MockTransferRule rule = new MockTransferRule();
        rule.setBlocked(bob);
        vm.prank(officer);
        token.addTransferRule(rule);
        _expectRefusal(
            alice,
            bob,
            1,
            Restrictions.TRANSFER_RULE_REFUSED,
            abi.encodeWithSelector(ICompliance.TransferRuleRefused.selector, address(rule), alice, bob, 1)
        );
        rule.setBlocked(address(0));
        vm.prank(alice);
        token.transfer(bob, 1);
        assertEq(token.balanceOf(bob), 1);
    }

    function test_transfer_revertsWhenBalanceTooLow() public {
        (bool allowed, uint8 code) = token.canTransfer(alice, bob, 1001);
        assertFalse(allowed);
        assertEq(code, Restrictions.INSUFFICIENT_BALANCE);
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InsufficientBalance.selector, alice, 1000, 1001));
        vm.prank(alice);
        token.transfer(bob, 1001);
    }

    function test_transfer_toSystemHolderSkipsIdentityRules() public {
        _registerVault();
        vm.prank(alice);
        token.transfer(vault, 1000);
        assertEq(token.balanceOf(vault), 1000);
        assertEq(token.holderCount(), 0);
        vm.prank(vault);
        token.transfer(bob, 10);
        assertEq(token.holderCount(), 1);
    }

    function test_transfer_withinIdentityKeepsHolderCount() public {
        address aliceSecond = makeAddr("aliceSecond");
        _link(aliceSecond, alice);
        vm.prank(alice);
        token.transfer(aliceSecond, 1000);
        assertEq(token.holderCount(), 1);
        assertEq(token.identityBalanceOf(aliceId), 1000);
        vm.prank(aliceSecond);
        token.transfer(bob, 1000);
        assertEq(token.holderCount(), 1);
        assertEq(token.identityBalanceOf(aliceId), 0);
        assertEq(token.identityBalanceOf(bobId), 1000);
    }

    function test_transferFrom_appliesRules() public {
        vm.prank(alice);
        token.approve(carol, 10);
        vm.expectRevert(abi.encodeWithSelector(ICompliance.ReceiverNotRegistered.selector, stranger));
        vm.prank(carol);
        token.transferFrom(alice, stranger, 10);
        vm.prank(carol);
        token.transferFrom(alice, bob, 10);
        assertEq(token.balanceOf(bob), 10);
    }

    function test_batchTransfer_transfersToEach() public {
        address[] memory to = new address[](2);
        uint256[] memory amounts = new uint256[](2);
        to[0] = bob;
        to[1] = bob;
        amounts[0] = 3;
        amounts[1] = 4;
        vm.prank(alice);
        token.batchTransfer(to, amounts);
        assertEq(token.balanceOf(bob), 7);
    }

    function test_batchTransfer_revertsWhenLengthsDiffer() public {
        vm.expectRevert(abi.encodeWithSelector(ISecurityToken.ArrayLengthMismatch.selector, 1, 0));
        vm.prank(alice);
        token.batchTransfer(new address[](1), new uint256[](0));
    }

    // -------------------------------------------------------------------------------- Dry runs

    function test_canTransfer_allowsValidTransfer() public view {
        (bool allowed, uint8 code) = token.canTransfer(alice, bob, 1000);
        assertTrue(allowed);
        assertEq(code, Restrictions.SUCCESS);
    }

    function test_canTransfer_dryRunsMintFromZero() public view {
        (bool allowed,) = token.canTransfer(address(0), bob, 1);
        assertTrue(allowed);
        (, uint8 code) = token.canTransfer(address(0), stranger, 1);
        assertEq(code, Restrictions.RECEIVER_NOT_REGISTERED);
        (, code) = token.canTransfer(alice, address(0), 1);
        assertEq(code, Restrictions.RECEIVER_NOT_REGISTERED);
    }

    function test_messageForTransferRestriction_describesEveryCode() public view {
        string memory unknown = token.messageForTransferRestriction(type(uint8).max);
        for (uint8 code; code <= Restrictions.TRANSFER_RULE_REFUSED; ++code) {
            string memory message = token.messageForTransferRestriction(code);
            assertGt(bytes(message).length, 0);
            assertNotEq(message, unknown);
            if (code > 0) assertNotEq(message, token.messageForTransferRestriction(code - 1));
        }
    }

    function test_canReceive_reflectsReceiverRules() public {
        assertTrue(token.canReceive(bob));
        assertFalse(token.canReceive(stranger));
        assertFalse(token.canReceive(address(0)));
        _registerVault();
        assertTrue(token.canReceive(vault));
        vm.prank(officer);
        token.setLimits(1, MAX_BALANCE);
        assertFalse(token.canReceive(bob));
        assertTrue(token.canReceive(alice));
    }

    function test_canSend_reflectsSenderState() public {
        assertTrue(token.canSend(alice));
        assertFalse(token.canSend(bob));
        vm.prank(agent);
        token.setLockup(aliceId, START + 1 days);
        assertFalse(token.canSend(alice));
        vm.warp(START + 1 days);
        assertTrue(token.canSend(alice));
        vm.startPrank(agent);
        token.freezePartialTokens(alice, 1000);
        assertFalse(token.canSend(alice));
        token.unfreezePartialTokens(alice, 1);
        assertTrue(token.canSend(alice));
        token.setAddressFrozen(alice, true);
        assertFalse(token.canSend(alice));
        token.setAddressFrozen(alice, false);
        token.pause();
        assertFalse(token.canSend(alice));
        vm.stopPrank();
    }

    // ------------------------------------------------------------------------------- Issuer role

    function test_mint_creditsVerifiedWallet() public {
        _mint(bob, 5);
        assertEq(token.balanceOf(bob), 5);
        assertEq(token.totalSupply(), 1005);
        assertEq(token.holderCount(), 2);
    }

    function test_mint_worksWhilePaused() public {
        vm.prank(agent);
        token.pause();
        _mint(bob, 5);
        assertEq(token.balanceOf(bob), 5);
    }

    function test_mint_revertsWhenReceiverNotRegistered() public {
        vm.expectRevert(abi.encodeWithSelector(ICompliance.ReceiverNotRegistered.selector, stranger));
        vm.prank(issuer);
        token.mint(stranger, 1);
    }

    function test_mint_revertsWhenMaxBalanceExceeded() public {
        vm.expectRevert(
            abi.encodeWithSelector(ICompliance.MaxBalanceExceeded.selector, bob, bobId, MAX_BALANCE + 1, MAX_BALANCE)
        );
        vm.prank(issuer);
        token.mint(bob, MAX_BALANCE + 1);
    }

    function test_mint_revertsWhenCallerNotIssuer() public {
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, agent));
        vm.prank(agent);
        token.mint(bob, 1);
    }

    function test_batchMint_mintsToEach() public {
        address[] memory to = new address[](2);
        uint256[] memory amounts = new uint256[](2);
        to[0] = alice;
        to[1] = bob;
        amounts[0] = 1;
        amounts[1] = 2;
        vm.prank(issuer);
        token.batchMint(to, amounts);
        assertEq(token.balanceOf(alice), 1001);
        assertEq(token.balanceOf(bob), 2);
    }

    function test_batchMint_revertsWhenLengthsDiffer() public {
        vm.expectRevert(abi.encodeWithSelector(ISecurityToken.ArrayLengthMismatch.selector, 2, 1));
        vm.prank(issuer);
        token.batchMint(new address[](2), new uint256[](1));
    }

    function test_burn_releasesFrozenTokens() public {
        vm.prank(agent);
        token.freezePartialTokens(alice, 800);
        vm.expectEmit(address(token));
        emit ISecurityToken.TokensUnfrozen(alice, 100);
        vm.prank(issuer);
        token.burn(alice, 300);
        assertEq(token.balanceOf(alice), 700);
        assertEq(token.getFrozenTokens(alice), 700);
    }

    function test_burn_updatesHolderCount() public {
        vm.prank(issuer);
        token.burn(alice, 1000);
        assertEq(token.holderCount(), 0);
        assertEq(token.totalSupply(), 0);
    }

    function test_batchBurn_burnsFromEach() public {
        _mint(bob, 10);
        address[] memory from = new address[](2);
        uint256[] memory amounts = new uint256[](2);
        from[0] = alice;
        from[1] = bob;
        amounts[0] = 1000;
        amounts[1] = 4;
        vm.prank(issuer);
        token.batchBurn(from, amounts);
        assertEq(token.totalSupply(), 6);
        assertEq(token.holderCount(), 1);
    }

    function test_batchBurn_revertsWhenLengthsDiffer() public {
        vm.expectRevert(abi.encodeWithSelector(ISecurityToken.ArrayLengthMismatch.selector, 0, 1));
        vm.prank(issuer);
        token.batchBurn(new address[](0), new uint256[](1));
    }

    // -------------------------------------------------------------------------------- Agent role

    function test_pause_emitsAndBlocksTransfers() public {
        vm.expectEmit(address(token));
        emit ISecurityToken.Paused(agent);
        vm.prank(agent);
        token.pause();
        assertTrue(token.paused());
        vm.expectEmit(address(token));
        emit ISecurityToken.Unpaused(agent);
        vm.prank(agent);
        token.unpause();
        assertFalse(token.paused());
    }

    function test_pause_revertsWhenPaused() public {
        vm.startPrank(agent);
        token.pause();
        vm.expectRevert(ISecurityToken.AlreadyPaused.selector);
        token.pause();
        vm.stopPrank();
    }

    function test_unpause_revertsWhenNotPaused() public {
        vm.expectRevert(ISecurityToken.NotPaused.selector);
        vm.prank(agent);
        token.unpause();
    }

    function test_pause_revertsWhenCallerNotAgent() public {
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, issuer));
        vm.prank(issuer);
        token.pause();
    }

    function test_setAddressFrozen_emitsAndSets() public {
        vm.expectEmit(address(token));
        emit ISecurityToken.AddressFrozen(bob, true, agent);
        vm.prank(agent);
        token.setAddressFrozen(bob, true);
        assertTrue(token.isFrozen(bob));
        assertTrue(token.walletRecord(bob).frozen);
    }

    function test_batchSetAddressFrozen_setsEach() public {
        address[] memory wallets = new address[](2);
        bool[] memory freeze = new bool[](2);
        wallets[0] = alice;
        wallets[1] = bob;
        freeze[0] = true;
        vm.prank(agent);
        token.batchSetAddressFrozen(wallets, freeze);
        assertTrue(token.isFrozen(alice));
        assertFalse(token.isFrozen(bob));
    }

    function test_batchSetAddressFrozen_revertsWhenLengthsDiffer() public {
        vm.expectRevert(abi.encodeWithSelector(ISecurityToken.ArrayLengthMismatch.selector, 1, 2));
        vm.prank(agent);
        token.batchSetAddressFrozen(new address[](1), new bool[](2));
    }

    function test_freezePartialTokens_emitsAndAccumulates() public {
        vm.startPrank(agent);
        vm.expectEmit(address(token));
        emit ISecurityToken.TokensFrozen(alice, 300);
        token.freezePartialTokens(alice, 300);
        token.freezePartialTokens(alice, 200);
        vm.stopPrank();
        assertEq(token.getFrozenTokens(alice), 500);
        assertTrue(token.walletRecord(alice).partiallyFrozen);
    }

    function test_freezePartialTokens_revertsWhenAboveBalance() public {
        vm.expectRevert(abi.encodeWithSelector(ISecurityToken.FreezeExceedsBalance.selector, alice, 1000, 1001));
        vm.prank(agent);
        token.freezePartialTokens(alice, 1001);
    }

    function test_batchFreezePartialTokens_freezesEach() public {
        _mint(bob, 10);
        address[] memory wallets = new address[](2);
        uint256[] memory amounts = new uint256[](2);
        wallets[0] = alice;
        wallets[1] = bob;
        amounts[0] = 7;
        amounts[1] = 10;
        vm.prank(agent);
        token.batchFreezePartialTokens(wallets, amounts);
        assertEq(token.getFrozenTokens(alice), 7);
        assertEq(token.getFrozenTokens(bob), 10);
    }

    function test_batchFreezePartialTokens_revertsWhenLengthsDiffer() public {
        vm.expectRevert(abi.encodeWithSelector(ISecurityToken.ArrayLengthMismatch.selector, 1, 0));
        vm.prank(agent);
        token.batchFreezePartialTokens(new address[](1), new uint256[](0));
    }

    function test_unfreezePartialTokens_emitsAndClears() public {
        vm.startPrank(agent);
        token.freezePartialTokens(alice, 300);
        vm.expectEmit(address(token));
        emit ISecurityToken.TokensUnfrozen(alice, 300);
        token.unfreezePartialTokens(alice, 300);
        vm.stopPrank();
        assertEq(token.getFrozenTokens(alice), 0);
        assertFalse(token.walletRecord(alice).partiallyFrozen);
    }

    function test_unfreezePartialTokens_revertsWhenAboveFrozen() public {
        vm.expectRevert(abi.encodeWithSelector(ISecurityToken.UnfreezeExceedsFrozen.selector, alice, 0, 1));
        vm.prank(agent);
        token.unfreezePartialTokens(alice, 1);
    }

    function test_forcedTransfer_bypassesPauseFreezeAndRules() public {
        uint40 expiry = START + KYC_VALIDITY;
        vm.startPrank(agent);
        token.pause();
        token.setAddressFrozen(alice, true);
        token.setAddressFrozen(bob, true);
        token.setLockup(aliceId, START + 1000 days);
        token.freezePartialTokens(alice, 1000);
        vm.stopPrank();
        vm.prank(officer);
        token.setLimits(1, 10);
        vm.warp(expiry);

        vm.expectEmit(address(token));
        emit ISecurityToken.TokensUnfrozen(alice, 600);
        vm.expectEmit(address(token));
        emit IERC20.Transfer(alice, bob, 600);
        vm.expectEmit(address(token));
        emit ISecurityToken.TransferForced(alice, bob, 600);
        vm.prank(agent);
        assertTrue(token.forcedTransfer(alice, bob, 600));
        assertEq(token.balanceOf(bob), 600);
        assertEq(token.getFrozenTokens(alice), 400);
        assertEq(token.holderCount(), 2);
    }

    function test_forcedTransfer_toSystemHolder() public {
        _registerVault();
        vm.prank(agent);
        token.forcedTransfer(alice, vault, 10);
        assertEq(token.balanceOf(vault), 10);
    }

    function test_forcedTransfer_revertsWhenReceiverNotRegistered() public {
        vm.expectRevert(abi.encodeWithSelector(ICompliance.ReceiverNotRegistered.selector, stranger));
        vm.prank(agent);
        token.forcedTransfer(alice, stranger, 1);
    }

    function test_forcedTransfer_revertsWhenCallerNotAgent() public {
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, alice));
        vm.prank(alice);
        token.forcedTransfer(alice, bob, 1);
    }

    function test_recoveryAddress_movesBalanceFrozenTokensAndFlag() public {
        address aliceNew = makeAddr("aliceNew");
        vm.startPrank(agent);
        token.freezePartialTokens(alice, 250);
        token.setAddressFrozen(alice, true);
        vm.stopPrank();
        _link(aliceNew, alice);

        vm.expectEmit(address(token));
        emit ISecurityToken.RecoverySuccess(alice, aliceNew, aliceId);
        vm.prank(agent);
        assertTrue(token.recoveryAddress(alice, aliceNew));
        assertEq(token.balanceOf(alice), 0);
        assertEq(token.balanceOf(aliceNew), 1000);
        assertEq(token.getFrozenTokens(alice), 0);
        assertEq(token.getFrozenTokens(aliceNew), 250);
        assertTrue(token.isFrozen(aliceNew));
        assertEq(token.holderCount(), 1);
        assertEq(token.identityBalanceOf(aliceId), 1000);
    }

    function test_recoveryAddress_worksWhenKycExpired() public {
        address aliceNew = makeAddr("aliceNew");
        _link(aliceNew, alice);
        vm.warp(START + KYC_VALIDITY + 1);
        vm.prank(agent);
        token.recoveryAddress(alice, aliceNew);
        assertEq(token.balanceOf(aliceNew), 1000);
    }

    function test_recoveryAddress_revertsWhenNothingToRecover() public {
        vm.expectRevert(abi.encodeWithSelector(ISecurityToken.NothingToRecover.selector, bob));
        vm.prank(agent);
        token.recoveryAddress(bob, alice);
    }

    function test_recoveryAddress_revertsWhenOtherIdentity() public {
        vm.expectRevert(abi.encodeWithSelector(ISecurityToken.RecoveryIdentityMismatch.selector, alice, bob, aliceId));
        vm.prank(agent);
        token.recoveryAddress(alice, bob);
    }

    function test_recoveryAddress_revertsWhenSameWallet() public {
        vm.expectRevert(abi.encodeWithSelector(ISecurityToken.RecoveryIdentityMismatch.selector, alice, alice, aliceId));
        vm.prank(agent);
        token.recoveryAddress(alice, alice);
    }

    function test_setLockup_appliesToEveryWalletAndLaterOnes() public {
        address aliceSecond = makeAddr("aliceSecond");
        _link(aliceSecond, alice);
        uint40 until = START + 10 days;
        vm.expectEmit(address(token));
        emit ISecurityToken.LockupSet(aliceId, until);
        vm.prank(agent);
        token.setLockup(aliceId, until);
        assertEq(token.lockupOf(aliceId), until);
        assertEq(token.walletRecord(alice).lockupUntil, until);
        assertEq(token.walletRecord(aliceSecond).lockupUntil, until);
        address aliceThird = makeAddr("aliceThird");
        _link(aliceThird, alice);
        assertEq(token.walletRecord(aliceThird).lockupUntil, until);
    }

    // --------------------------------------------------------------------------- Compliance role

    function test_setRules_emitsAndStores() public {
        vm.expectEmit(address(token));
        emit ICompliance.RulesSet(Restrictions.RULE_COUNTRY);
        _setRules(Restrictions.RULE_COUNTRY);
        assertEq(token.complianceConfig().rules, Restrictions.RULE_COUNTRY);
    }

    function test_setCountriesAllowed_emits() public {
        uint16[] memory countries = new uint16[](1);
        countries[0] = USA;
        vm.expectEmit(address(token));
        emit ICompliance.CountriesSet(countries, true);
        vm.prank(officer);
        token.setCountriesAllowed(countries, true);
    }

    function test_addTransferRule_emitsAndCounts() public {
        MockTransferRule rule = new MockTransferRule();
        vm.expectEmit(address(token));
        emit ICompliance.TransferRuleAdded(address(rule));
        vm.prank(officer);
        token.addTransferRule(rule);
        assertEq(address(token.transferRules()[0]), address(rule));
        assertEq(token.complianceConfig().transferRuleCount, 1);
    }

    function test_setRules_revertsWhenUnknownBits() public {
        vm.expectRevert(abi.encodeWithSelector(ICompliance.InvalidRules.selector, uint8(1 << 5)));
        vm.prank(officer);
        token.setRules(1 << 5);
    }

    function test_setRules_revertsWhenCallerNotCompliance() public {
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, agent));
        vm.prank(agent);
        token.setRules(0);
    }

    function test_setLimits_storesLimits() public {
        vm.expectEmit(address(token));
        emit ICompliance.LimitsSet(7, 9);
        vm.prank(officer);
        token.setLimits(7, 9);
        ComplianceConfig memory config = token.complianceConfig();
        assertEq(config.maxHolders, 7);
        assertEq(config.maxBalance, 9);
        assertEq(config.rules, Restrictions.RULE_ALL);
        assertEq(config.holderCount, 1);
    }

    function test_setCountriesAllowed_revertsWhenCountryInvalid() public {
        uint16[] memory countries = new uint16[](1);
        countries[0] = 1000;
        vm.expectRevert(abi.encodeWithSelector(ICompliance.InvalidCountry.selector, 1000));
        vm.prank(officer);
        token.setCountriesAllowed(countries, true);
        assertFalse(token.isCountryAllowed(1000));
    }

    function test_setCountriesAllowed_setsEachWordBit() public {
        uint16[] memory countries = new uint16[](4);
        countries[0] = 0;
        countries[1] = 255;
        countries[2] = 256;
        countries[3] = 999;
        vm.prank(officer);
        token.setCountriesAllowed(countries, true);
        for (uint256 i; i < countries.length; ++i) {
            assertTrue(token.isCountryAllowed(countries[i]));
        }
        assertFalse(token.isCountryAllowed(254));
        assertTrue(token.isCountryAllowed(FRANCE));
    }

    function test_setAllowedCategories_emitsAndStores() public {
        vm.expectEmit(address(token));
        emit ICompliance.CategoriesSet(1);
        vm.prank(officer);
        token.setAllowedCategories(1);
        assertEq(token.complianceConfig().allowedCategories, 1);
    }

    function test_addTransferRule_revertsWhenDuplicate() public {
        MockTransferRule rule = new MockTransferRule();
        vm.startPrank(officer);
        token.addTransferRule(rule);
        vm.expectRevert(abi.encodeWithSelector(ICompliance.TransferRuleAlreadyAdded.selector, address(rule)));
        token.addTransferRule(rule);
        vm.stopPrank();
    }

    function test_addTransferRule_revertsWhenFull() public {
        vm.startPrank(officer);
        for (uint256 i; i < token.MAX_TRANSFER_RULES(); ++i) {
            token.addTransferRule(new MockTransferRule());
        }
        ITransferRule extra = new MockTransferRule();
        vm.expectRevert(ICompliance.TooManyTransferRules.selector);
        token.addTransferRule(extra);
        vm.stopPrank();
        assertEq(token.complianceConfig().transferRuleCount, token.MAX_TRANSFER_RULES());
    }

    function test_removeTransferRule_removes() public {
        MockTransferRule first = new MockTransferRule();
        MockTransferRule second = new MockTransferRule();
        vm.startPrank(officer);
        token.addTransferRule(first);
        token.addTransferRule(second);
        vm.expectEmit(address(token));
        emit ICompliance.TransferRuleRemoved(address(first));
        token.removeTransferRule(first);
        vm.stopPrank();
        ITransferRule[] memory rules = token.transferRules();
        assertEq(rules.length, 1);
        assertEq(address(rules[0]), address(second));
        assertEq(token.complianceConfig().transferRuleCount, 1);
    }

    function test_removeTransferRule_revertsWhenAbsent() public {
        vm.expectRevert(abi.encodeWithSelector(ICompliance.TransferRuleNotFound.selector, address(1)));
        vm.prank(officer);
        token.removeTransferRule(ITransferRule(address(1)));
    }

    function test_setSystemHolder_registersAndRemoves() public {
        vm.expectEmit(address(token));
        emit ISecurityToken.SystemHolderSet(vault, true);
        _registerVault();
        assertTrue(token.isSystemHolder(vault));
        vm.prank(officer);
        token.setSystemHolder(vault, false);
        assertFalse(token.isSystemHolder(vault));
    }

    // ---------------------------------------------------------------------------- Look-through

    function _lookThroughVault() internal {
        _registerVault();
        vm.prank(officer);
        token.setLookThrough(vault, true);
    }

    function test_setLookThrough_setsAndIsClearedWithTheRegistration() public {
        _registerVault();
        vm.expectEmit(address(token));
        emit ISecurityToken.LookThroughSet(vault, true);
        vm.prank(officer);
        token.setLookThrough(vault, true);
        assertTrue(token.isLookThrough(vault));
        vm.prank(officer);
        token.setSystemHolder(vault, false);
        _registerVault();
        assertFalse(token.isLookThrough(vault));
    }

    function test_setLookThrough_revertsForOthersThanEmptySystemHolders() public {
        vm.startPrank(officer);
        vm.expectRevert(abi.encodeWithSelector(ISecurityToken.LookThroughNotSystemHolder.selector, vault));
        token.setLookThrough(vault, true);
        token.setSystemHolder(vault, true);
        vm.stopPrank();
        vm.prank(alice);
        token.transfer(vault, 5);
        vm.expectRevert(abi.encodeWithSelector(ISecurityToken.SystemHolderHoldsTokens.selector, vault, 5));
        vm.prank(officer);
        token.setLookThrough(vault, true);
    }

    function test_lookThroughTransfer_revertsForOthersThanSystemHolders() public {
        vm.expectRevert(abi.encodeWithSelector(ISecurityToken.NotSystemHolder.selector, alice));
        vm.prank(alice);
        token.lookThroughTransfer(address(0), alice, 1, false, false);
    }

    function test_lookThroughTransfer_holderOfRecordOnlyChecksBothSides() public {
        _registerVault();
        vm.startPrank(vault);
        token.lookThroughTransfer(alice, bob, 500, false, false);
        assertEq(token.lookThroughBalanceOf(bobId), 0, "nothing booked");
        vm.expectRevert(abi.encodeWithSelector(ICompliance.ReceiverNotRegistered.selector, stranger));
        token.lookThroughTransfer(alice, stranger, 500, false, false);
        vm.stopPrank();
        vm.prank(agent);
        token.setAddressFrozen(alice, true);
        vm.prank(vault);
        vm.expectRevert(abi.encodeWithSelector(ICompliance.SenderFrozen.selector, alice));
        token.lookThroughTransfer(alice, bob, 500, false, false);
        vm.prank(vault);
        token.lookThroughTransfer(alice, bob, 500, false, true);
        assertEq(token.detectLookThroughRestriction(vault, alice, bob, 1), Restrictions.SENDER_FROZEN);
    }

    function test_lookThroughTransfer_movesExposureAndCountsHolders() public {
        _verify(carol);
        _lookThroughVault();
        vm.expectEmit(address(token));
        emit ISecurityToken.LookThroughTransfer(vault, address(0), bob, 0, 300);
        vm.prank(vault);
        token.lookThroughTransfer(address(0), bob, 300, false, false);
        assertEq(token.holderCount(), 2);
        assertEq(token.exposureOf(vault, bob), 300);
        assertEq(token.lookThroughBalanceOf(bobId), 300);
        // Bob's exposure counts toward his max balance on direct transfers too.
        vm.prank(officer);
        token.setLimits(MAX_HOLDERS, 1000);
        _expectRefusal(
            alice,
            bob,
            701,
            Restrictions.MAX_BALANCE_EXCEEDED,
            abi.encodeWithSelector(ICompliance.MaxBalanceExceeded.selector, bob, bobId, 1001, 1000)
        );
        // Moving more than is booked (the holder's units drifted) takes what is booked; an exit takes all.
        vm.startPrank(vault);
        token.lookThroughTransfer(bob, carol, 100, false, false);
        assertEq(token.lookThroughBalanceOf(bobId), 200);
        token.lookThroughTransfer(bob, address(0), 1, true, false);
        vm.stopPrank();
        assertEq(token.lookThroughBalanceOf(bobId), 0);
        assertEq(token.holderCount(), 2, "alice directly, carol through the vault");
    }

    function test_setSystemHolder_revertsWhenWalletHasIdentity() public {
        vm.expectRevert(abi.encodeWithSelector(ISecurityToken.SystemHolderHasIdentity.selector, alice, aliceId));
        vm.prank(officer);
        token.setSystemHolder(alice, true);
    }

    function test_setSystemHolder_revertsWhenRemovingHolderWithTokens() public {
        _registerVault();
        vm.prank(alice);
        token.transfer(vault, 5);
        vm.expectRevert(abi.encodeWithSelector(ISecurityToken.SystemHolderHoldsTokens.selector, vault, 5));
        vm.prank(officer);
        token.setSystemHolder(vault, false);
    }

    // ------------------------------------------------------------------------ Identity registry

    function test_syncIdentity_revertsWhenCallerNotRegistry() public {
        vm.expectRevert(abi.encodeWithSelector(IIdentityListener.NotIdentityRegistry.selector, address(this)));
        token.syncIdentity(1, Identity(FRANCE, RETAIL, false, START, START), new address[](0));
    }

    function test_syncWalletUnlinked_revertsWhenCallerNotRegistry() public {
        vm.expectRevert(abi.encodeWithSelector(IIdentityListener.NotIdentityRegistry.selector, address(this)));
        token.syncWalletUnlinked(alice);
    }

    function test_syncIdentity_revertsWhenWalletIsSystemHolder() public {
        _registerVault();
        Attestation memory attestation = _attestation(_key(alice), vault, FRANCE, RETAIL);
        bytes memory signature = _sign(providerKey, attestation);
        vm.expectRevert(abi.encodeWithSelector(IIdentityListener.WalletIsSystemHolder.selector, vault));
        registry.attest(attestation, signature);
    }

    function test_syncIdentity_copiesIdentity() public view {
        WalletRecord memory record = token.walletRecord(alice);
        assertEq(record.identity, aliceId);
        assertEq(record.country, FRANCE);
        assertEq(record.category, RETAIL);
        assertEq(record.kycExpiry, START + KYC_VALIDITY);
        assertFalse(record.sharedIdentity);
        assertTrue(token.isVerified(alice));
        assertFalse(token.isVerified(stranger));
    }

    function test_syncWalletUnlinked_forgetsEmptyWallet() public {
        vm.prank(officer);
        registry.unlinkWallet(bob);
        assertEq(token.walletRecord(bob).identity, 0);
        assertFalse(token.isVerified(bob));
    }

    function test_syncWalletUnlinked_revertsWhenWalletHoldsTokens() public {
        vm.expectRevert(abi.encodeWithSelector(IIdentityListener.WalletHoldsTokens.selector, alice, 1000));
        vm.prank(officer);
        registry.unlinkWallet(alice);
    }

    function test_syncIdentity_revertsWhenHolderChangesIdentity() public {
        vm.startPrank(officer);
        registry.unbindToken(address(token));
        registry.unlinkWallet(alice);
        vm.stopPrank();
        _afterComplianceAction();
        _link(alice, bob);
        vm.prank(officer);
        registry.bindToken(address(token));
        vm.expectRevert(abi.encodeWithSelector(IIdentityListener.WalletHoldsTokens.selector, alice, 1000));
        registry.sync(bobId);
    }

    function test_identityBalanceOf_returnsZeroForUnknownIdentity() public view {
        assertEq(token.identityBalanceOf(99), 0);
    }

    // ---------------------------------------------------------------------------------- Helpers

    function _revokeInForce(address wallet) internal returns (bytes32 digest) {
        Attestation memory attestation = _attestation(_key(wallet), wallet, FRANCE, RETAIL);
        _submit(attestation);
        digest = registry.attestationDigest(attestation);
        vm.prank(provider);
        registry.revokeAttestation(digest);
    }
}

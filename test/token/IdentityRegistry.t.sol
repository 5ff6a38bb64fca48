// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Attestation, IIdentityRegistry, Identity} from "../../contracts/token/interfaces/IIdentityRegistry.sol";
import {TokenFixture} from "./TokenFixture.sol";
import {IAccessManaged} from "@openzeppelin/contracts/access/manager/IAccessManaged.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

contract IdentityRegistryTest is TokenFixture {
    bytes32 internal constant DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");

    /// @dev Expects `attestation` signed by `key` to revert with `err`.
    function _expectAttestRevert(uint256 key, Attestation memory attestation, bytes memory err) internal {
        bytes memory signature = _sign(key, attestation);
        vm.expectRevert(err);
        registry.attest(attestation, signature);
    }

    // ------------------------------------------------------------------------------ Attestations

    function test_attestationDigest_followsEip712() public view {
        Attestation memory a = Attestation(bytes32("key"), alice, FRANCE, ACCREDITED, true, 7, 9);
        bytes32 structHash = keccak256(
            abi.encode(
                keccak256(bytes(registry.ATTESTATION_TYPE())),
                a.identity,
                a.wallet,
                a.country,
                a.category,
                a.amlFlagged,
                a.issuedAt,
                a.expiresAt
            )
        );
        bytes32 domain = keccak256(
            abi.encode(
                DOMAIN_TYPEHASH, keccak256("Stoa Identity Registry"), keccak256("1"), block.chainid, address(registry)
            )
        );
        assertEq(registry.attestationDigest(a), keccak256(abi.encodePacked("\x19\x01", domain, structHash)));
        assertEq(
            registry.ATTESTATION_TYPE(),
            "Attestation(bytes32 identity,address wallet,uint16 country,uint8 category,bool amlFlagged,uint40 issuedAt,uint40 expiresAt)"
        );
    }

    function test_attest_createsIdentityAndLinksWallet() public {
        Attestation memory attestation = _attestation(_key(alice), alice, GERMANY, ACCREDITED);
        bytes32 digest = registry.attestationDigest(attestation);
        bytes memory signature = _sign(providerKey, attestation);
        vm.expectEmit(address(registry));
        emit IIdentityRegistry.IdentityRegistered(1, provider, _key(alice));
        vm.expectEmit(address(registry));
        emit IIdentityRegistry.WalletLinked(1, alice);
        vm.expectEmit(address(registry));
        emit IIdentityRegistry.AttestationApplied(1, digest, provider, attestation.expiresAt);
        vm.prank(stranger);
        uint32 id = registry.attest(attestation, signature);

        assertEq(id, 1);
        assertEq(registry.identityCount(), 1);
        assertEq(registry.identityOf(alice), 1);
        assertEq(registry.identityIdOf(provider, _key(alice)), 1);
        assertTrue(registry.isVerified(alice));
        Identity memory data = registry.identity(1);
        assertEq(data.country, GERMANY);
        assertEq(data.category, ACCREDITED);
        assertEq(data.kycExpiry, attestation.expiresAt);
        assertEq(data.issuedAt, attestation.issuedAt);
        assertEq(token.walletRecord(alice).country, GERMANY);
    }

    function test_attest_linksSecondWalletAndRefreshes() public {
        uint32 id = _verify(alice);
        address second = makeAddr("second");
        Attestation memory attestation = _attestation(_key(alice), second, GERMANY, RETAIL);
        assertEq(_submit(attestation), id);
        address[] memory wallets = registry.walletsOf(id);
        assertEq(wallets.length, 2);
        assertEq(wallets[1], second);
        assertEq(registry.identity(id).country, GERMANY);
        assertEq(token.walletRecord(alice).country, GERMANY);
        assertTrue(token.walletRecord(alice).sharedIdentity);
    }

    function test_attest_refreshesExistingWallet() public {
        uint32 id = _verify(alice);
        _verify(alice, GERMANY, INSTITUTIONAL);
        assertEq(registry.walletsOf(id).length, 1);
        assertEq(registry.identity(id).category, INSTITUTIONAL);
    }

    function test_attest_revertsWhenSignerNotProvider() public {
        uint256 otherKey = 0xB0B;
        _expectAttestRevert(
            otherKey,
            _attestation(_key(alice), alice, FRANCE, RETAIL),
            abi.encodeWithSelector(IIdentityRegistry.UnknownProvider.selector, vm.addr(otherKey))
        );
    }

    function test_attest_revertsWhenSignatureMalformed() public {
        Attestation memory attestation = _attestation(_key(alice), alice, FRANCE, RETAIL);
        vm.expectRevert(abi.encodeWithSelector(ECDSA.ECDSAInvalidSignatureLength.selector, 1));
        registry.attest(attestation, hex"01");
    }

    function test_attest_revertsWhenExpired() public {
        Attestation memory attestation = _attestation(_key(alice), alice, FRANCE, RETAIL);
        attestation.expiresAt = uint40(block.timestamp);
        _expectAttestRevert(
            providerKey,
            attestation,
            abi.encodeWithSelector(
                IIdentityRegistry.AttestationExpired.selector, registry.attestationDigest(attestation), block.timestamp
            )
        );
    }

    function test_attest_revertsWhenRevokedBeforeSubmission() public {
        Attestation memory attestation = _attestation(_key(alice), alice, FRANCE, RETAIL);
        bytes32 digest = registry.attestationDigest(attestation);
        vm.prank(provider);
        registry.revokeAttestation(digest);
        _expectAttestRevert(
            providerKey,
            attestation,
            abi.encodeWithSelector(IIdentityRegistry.AttestationRevokedAlready.selector, digest)
        );
    }

    function test_attest_revertsWhenStale() public {
        Attestation memory older = _attestation(_key(alice), alice, FRANCE, RETAIL);
        Attestation memory newer = _attestation(_key(alice), alice, GERMANY, RETAIL);
        uint32 id = _submit(newer);
        _expectAttestRevert(
            providerKey,
            older,
            abi.encodeWithSelector(IIdentityRegistry.AttestationStale.selector, id, older.issuedAt, newer.issuedAt)
        );
    }

    function test_attest_revertsWhenWalletZero() public {
        _expectAttestRevert(
            providerKey,
            _attestation(_key(alice), address(0), FRANCE, RETAIL),
            abi.encodeWithSelector(IIdentityRegistry.InvalidWallet.selector, address(0))
        );
    }

    function test_attest_revertsWhenCountryInvalid() public {
        _expectAttestRevert(
            providerKey,
            _attestation(_key(alice), alice, 1000, RETAIL),
            abi.encodeWithSelector(IIdentityRegistry.InvalidCountry.selector, 1000)
        );
    }

    function test_attest_revertsWhenWalletLinkedElsewhere() public {
        uint32 aliceId = _verify(alice);
        _verify(bob);
        _expectAttestRevert(
            providerKey,
            _attestation(_key(bob), alice, FRANCE, RETAIL),
            abi.encodeWithSelector(IIdentityRegistry.WalletLinkedElsewhere.selector, alice, aliceId)
        );
    }

    function test_attest_revertsWhenTooManyWallets() public {
        uint32 id = _verify(alice);
        for (uint256 i = 1; i < registry.MAX_WALLETS(); ++i) {
            _link(makeAddr(string.concat("wallet", vm.toString(i))), alice);
        }
        _expectAttestRevert(
            providerKey,
            _attestation(_key(alice), stranger, FRANCE, RETAIL),
            abi.encodeWithSelector(IIdentityRegistry.TooManyWallets.selector, id)
        );
    }

    function test_revokeAttestation_endsKycInForce() public {
        Attestation memory attestation = _attestation(_key(alice), alice, FRANCE, RETAIL);
        uint32 id = _submit(attestation);
        bytes32 digest = registry.attestationDigest(attestation);
        vm.expectEmit(address(registry));
        emit IIdentityRegistry.AttestationRevoked(digest, provider);
        vm.prank(provider);
        registry.revokeAttestation(digest);
        assertEq(registry.identity(id).kycExpiry, 0);
        assertFalse(registry.isVerified(alice));
        assertFalse(token.isVerified(alice));
    }

    function test_revokeAttestation_leavesNewerAttestation() public {
        Attestation memory older = _attestation(_key(alice), alice, FRANCE, RETAIL);
        _submit(older);
        _verify(alice);
        bytes32 digest = registry.attestationDigest(older);
        vm.prank(provider);
        registry.revokeAttestation(digest);
        assertTrue(registry.isVerified(alice));
    }

    function test_revokeAttestation_revertsWhenCallerNotProvider() public {
        vm.expectRevert(abi.encodeWithSelector(IIdentityRegistry.NotProvider.selector, stranger));
        vm.prank(stranger);
        registry.revokeAttestation(bytes32(uint256(1)));
    }

    /// @dev Issue 15 case 5: only the signer revokes an applied attestation.
    function test_revokeAttestation_revertsWhenNotSigner() public {
        Attestation memory attestation = _attestation(_key(alice), alice, FRANCE, RETAIL);
        _submit(attestation);
        bytes32 digest = registry.attestationDigest(attestation);
        address other = makeAddr("other provider");
        vm.prank(officer);
        registry.addProvider(other);
        vm.expectRevert(abi.encodeWithSelector(IIdentityRegistry.NotSigner.selector, digest, provider));
        vm.prank(other);
        registry.revokeAttestation(digest);
        assertTrue(registry.isVerified(alice));
    }

    /// @dev Issue 15 case 5: an issue time in the future would freeze the identity; it is refused.
    function test_attest_revertsWhenIssuedInFuture() public {
        Attestation memory attestation = _attestation(_key(alice), alice, FRANCE, RETAIL);
        attestation.issuedAt = uint40(block.timestamp + 1);
        bytes32 digest = registry.attestationDigest(attestation);
        bytes memory signature = _sign(providerKey, attestation);
        vm.expectRevert(
            abi.encodeWithSelector(IIdentityRegistry.AttestationIssuedInFuture.selector, digest, attestation.issuedAt)
        );
        registry.attest(attestation, signature);
    }

    /// @dev Issue 15 case 5: keys are per provider: another provider's identical key names another identity, so it
    /// cannot overwrite this one.
    function test_attest_keysArePerProvider() public {
        uint32 id = _verify(alice);
        uint256 otherKey = 0xB0B;
        vm.prank(officer);
        registry.addProvider(vm.addr(otherKey));
        Attestation memory collision = _attestation(_key(alice), bob, USA, INSTITUTIONAL);
        uint32 other = registry.attest(collision, _sign(otherKey, collision));
        assertEq(other, id + 1);
        assertEq(registry.identityIdOf(vm.addr(otherKey), _key(alice)), other);
        assertEq(registry.identity(id).country, FRANCE);
    }

    function test_revokeAttestation_revertsWhenRevoked() public {
        vm.startPrank(provider);
        registry.revokeAttestation(bytes32(uint256(1)));
        vm.expectRevert(
            abi.encodeWithSelector(IIdentityRegistry.AttestationRevokedAlready.selector, bytes32(uint256(1)))
        );
        registry.revokeAttestation(bytes32(uint256(1)));
        vm.stopPrank();
    }

    function test_sync_pushesToNewlyBoundToken() public {
        uint32 id = _verify(alice);
        vm.prank(officer);
        registry.unbindToken(address(token));
        vm.prank(officer);
        registry.setAmlFlag(id, true);
        assertFalse(token.walletRecord(alice).amlFlagged);
        vm.prank(officer);
        registry.bindToken(address(token));
        vm.prank(stranger);
        registry.sync(id);
        assertTrue(token.walletRecord(alice).amlFlagged);
    }

    function test_sync_revertsWhenIdentityUnknown() public {
        vm.expectRevert(abi.encodeWithSelector(IIdentityRegistry.UnknownIdentity.selector, 1));
        registry.sync(1);
    }

    // --------------------------------------------------------------------------- Compliance role

    function test_addProvider_registers() public {
        vm.expectEmit(address(registry));
        emit IIdentityRegistry.ProviderAdded(stranger);
        vm.prank(officer);
        registry.addProvider(stranger);
        assertTrue(registry.isProvider(stranger));
    }

    function test_addProvider_revertsWhenRegistered() public {
        vm.expectRevert(abi.encodeWithSelector(IIdentityRegistry.ProviderAlreadyRegistered.selector, provider));
        vm.prank(officer);
        registry.addProvider(provider);
    }

    function test_addProvider_revertsWhenCallerNotCompliance() public {
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, stranger));
        vm.prank(stranger);
        registry.addProvider(stranger);
    }

    function test_removeProvider_stopsNewAttestations() public {
        vm.expectEmit(address(registry));
        emit IIdentityRegistry.ProviderRemoved(provider);
        vm.prank(officer);
        registry.removeProvider(provider);
        assertFalse(registry.isProvider(provider));
        _expectAttestRevert(
            providerKey,
            _attestation(_key(alice), alice, FRANCE, RETAIL),
            abi.encodeWithSelector(IIdentityRegistry.UnknownProvider.selector, provider)
        );
    }

    function test_removeProvider_revertsWhenUnknown() public {
        vm.expectRevert(abi.encodeWithSelector(IIdentityRegistry.ProviderNotRegistered.selector, stranger));
        vm.prank(officer);
        registry.removeProvider(stranger);
    }

    function test_setAmlFlag_unverifies() public {
        uint32 id = _verify(alice);
        vm.expectEmit(address(registry));
        emit IIdentityRegistry.AmlFlagSet(id, true);
        vm.prank(officer);
        registry.setAmlFlag(id, true);
        assertFalse(registry.isVerified(alice));
        assertTrue(token.walletRecord(alice).amlFlagged);
    }

    /// @dev Issue 15 case 4: an attestation signed before the AML flag (AML clear) and submitted after it is stale.
    function test_setAmlFlag_supersedesEarlierAttestation() public {
        uint32 id = _verify(alice);
        Attestation memory signedBefore = _attestation(_key(alice), alice, FRANCE, RETAIL);
        bytes memory signature = _sign(providerKey, signedBefore);
        vm.warp(block.timestamp + 1 days);
        vm.prank(officer);
        registry.setAmlFlag(id, true);
        assertEq(registry.identity(id).issuedAt, block.timestamp);
        vm.expectRevert(
            abi.encodeWithSelector(
                IIdentityRegistry.AttestationStale.selector, id, signedBefore.issuedAt, uint40(block.timestamp)
            )
        );
        registry.attest(signedBefore, signature);
        assertTrue(registry.identity(id).amlFlagged);
    }

    function test_setAmlFlag_revertsWhenIdentityUnknown() public {
        vm.expectRevert(abi.encodeWithSelector(IIdentityRegistry.UnknownIdentity.selector, 0));
        vm.prank(officer);
        registry.setAmlFlag(0, true);
    }

    function test_unlinkWallet_removesWallet() public {
        uint32 id = _verify(alice);
        address second = makeAddr("second");
        _link(second, alice);
        vm.expectEmit(address(registry));
        emit IIdentityRegistry.WalletUnlinked(id, alice);
        vm.prank(officer);
        registry.unlinkWallet(alice);
        address[] memory wallets = registry.walletsOf(id);
        assertEq(wallets.length, 1);
        assertEq(wallets[0], second);
        assertEq(registry.identityOf(alice), 0);
        assertFalse(registry.isVerified(alice));
        assertFalse(token.walletRecord(second).sharedIdentity);
    }

    /// @dev Issue 15 case 4: an attestation signed before the unlink cannot link the wallet again, to its identity
    /// or to another one.
    function test_unlinkWallet_supersedesEarlierAttestations() public {
        uint32 id = _verify(alice);
        _link(makeAddr("second"), alice);
        Attestation memory relink = _attestation(_key(alice), alice, FRANCE, RETAIL);
        bytes memory relinkSignature = _sign(providerKey, relink);
        Attestation memory elsewhere = _attestation(_key(bob), alice, FRANCE, RETAIL);
        bytes memory elsewhereSignature = _sign(providerKey, elsewhere);
        vm.warp(block.timestamp + 1 days);
        vm.prank(officer);
        registry.unlinkWallet(alice);
        vm.expectRevert(
            abi.encodeWithSelector(
                IIdentityRegistry.AttestationStale.selector, id, relink.issuedAt, uint40(block.timestamp)
            )
        );
        registry.attest(relink, relinkSignature);
        vm.expectRevert(
            abi.encodeWithSelector(
                IIdentityRegistry.AttestationBeforeUnlink.selector, alice, elsewhere.issuedAt, uint40(block.timestamp)
            )
        );
        registry.attest(elsewhere, elsewhereSignature);
        assertEq(registry.identityOf(alice), 0);
    }

    function test_unlinkWallet_revertsWhenNotLinked() public {
        vm.expectRevert(abi.encodeWithSelector(IIdentityRegistry.WalletNotLinked.selector, stranger));
        vm.prank(officer);
        registry.unlinkWallet(stranger);
    }

    function test_bindToken_revertsWhenBound() public {
        vm.expectRevert(abi.encodeWithSelector(IIdentityRegistry.TokenAlreadyBound.selector, address(token)));
        vm.prank(officer);
        registry.bindToken(address(token));
    }

    function test_bindToken_revertsWhenFull() public {
        vm.startPrank(officer);
        for (uint256 i = 1; i < registry.MAX_TOKENS(); ++i) {
            registry.bindToken(address(uint160(i)));
        }
        vm.expectRevert(IIdentityRegistry.TooManyTokens.selector);
        registry.bindToken(stranger);
        vm.stopPrank();
        assertEq(registry.boundTokens().length, registry.MAX_TOKENS());
    }

    function test_unbindToken_removes() public {
        vm.expectEmit(address(registry));
        emit IIdentityRegistry.TokenUnbound(address(token));
        vm.prank(officer);
        registry.unbindToken(address(token));
        assertEq(registry.boundTokens().length, 0);
    }

    function test_bindToken_emits() public {
        vm.expectEmit(address(registry));
        emit IIdentityRegistry.TokenBound(stranger);
        vm.prank(officer);
        registry.bindToken(stranger);
        assertEq(registry.boundTokens()[1], stranger);
    }

    function test_unbindToken_keepsOthers() public {
        vm.startPrank(officer);
        registry.bindToken(alice);
        registry.bindToken(bob);
        registry.unbindToken(address(token));
        vm.stopPrank();
        address[] memory tokens = registry.boundTokens();
        assertEq(tokens.length, 2);
        assertEq(tokens[0], bob);
        assertEq(tokens[1], alice);
    }

    function test_unbindToken_revertsWhenNotBound() public {
        vm.expectRevert(abi.encodeWithSelector(IIdentityRegistry.TokenNotBound.selector, stranger));
        vm.prank(officer);
        registry.unbindToken(stranger);
    }

    // ----------------------------------------------------------------------------------- Views

    function test_isVerified_falseWhenExpiredOrUnknown() public {
        _verify(alice);
        assertFalse(registry.isVerified(stranger));
        vm.warp(START + KYC_VALIDITY);
        assertFalse(registry.isVerified(alice));
    }
}

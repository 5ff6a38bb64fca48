// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IdentityRegistry} from "../../contracts/token/IdentityRegistry.sol";
import {SecurityToken} from "../../contracts/token/SecurityToken.sol";
import {TokenRoles} from "../../contracts/token/TokenRoles.sol";
import {Attestation} from "../../contracts/token/interfaces/IIdentityRegistry.sol";
import {Restrictions} from "../../contracts/token/libraries/Restrictions.sol";
import {AccessManager} from "@openzeppelin/contracts/access/manager/AccessManager.sol";
import {Test} from "forge-std/Test.sol";

/// @notice The token stack wired as the deployment script does, one KYC provider, every built-in rule on.
abstract contract TokenFixture is Test {
    uint16 internal constant FRANCE = 250;
    uint16 internal constant GERMANY = 276;
    uint16 internal constant USA = 840;
    uint8 internal constant RETAIL = 0;
    uint8 internal constant ACCREDITED = 1;
    uint8 internal constant INSTITUTIONAL = 2;
    uint32 internal constant MAX_HOLDERS = 100;
    uint128 internal constant MAX_BALANCE = 1_000_000;
    uint40 internal constant START = 1_700_000_000;
    uint40 internal constant KYC_VALIDITY = 365 days;

    AccessManager internal manager;
    IdentityRegistry internal registry;
    SecurityToken internal token;

    uint256 internal providerKey = 0xA11CE;
    address internal provider;
    address internal issuer = makeAddr("issuer");
    address internal agent = makeAddr("agent");
    address internal officer = makeAddr("compliance");

    address internal alice = makeAddr("alice");
    address internal bob = makeAddr("bob");
    address internal carol = makeAddr("carol");
    address internal stranger = makeAddr("stranger");

    /// @dev Strictly increasing issue times for the attestations signed in tests.
    uint40 private _issuedAt = START - 1 days;

    function setUp() public virtual {
        vm.warp(START);
        manager = new AccessManager(address(this));
        registry = new IdentityRegistry(address(manager));
        token = new SecurityToken("Stoa Share", "STOA", 0, registry, address(manager));
        TokenRoles.configure(manager, address(token), address(registry));
        manager.grantRole(TokenRoles.ISSUER, issuer, 0);
        manager.grantRole(TokenRoles.AGENT, agent, 0);
        manager.grantRole(TokenRoles.COMPLIANCE, officer, 0);

        provider = vm.addr(providerKey);
        vm.startPrank(officer);
        registry.addProvider(provider);
        registry.bindToken(address(token));
        uint16[] memory countries = new uint16[](2);
        countries[0] = FRANCE;
        countries[1] = GERMANY;
        token.setCountriesAllowed(countries, true);
        token.setAllowedCategories(uint16(1 << RETAIL | 1 << ACCREDITED | 1 << INSTITUTIONAL));
        token.setLimits(MAX_HOLDERS, MAX_BALANCE);
        token.setRules(Restrictions.RULE_ALL);
        vm.stopPrank();
    }

    // ------------------------------------------------------------------------------ Attestations

    function _attestation(bytes32 key, address wallet, uint16 country, uint8 category)
        internal
        returns (Attestation memory)
    {
        return Attestation({
            identity: key,
            wallet: wallet,
            country: country,
            category: category,
            amlFlagged: false,
            issuedAt: ++_issuedAt,
            expiresAt: uint40(block.timestamp) + KYC_VALIDITY
        });
    }

    /// @dev A compliance action (AML flag, unlink) supersedes every attestation issued until now: attestations signed
    /// from here on are issued after it, and the clock moves an hour on so that they are not in the future.
    function _afterComplianceAction() internal {
        if (_issuedAt < block.timestamp) _issuedAt = uint40(block.timestamp);
        vm.warp(block.timestamp + 1 hours);
    }

    function _sign(uint256 key, Attestation memory attestation) internal view returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, registry.attestationDigest(attestation));
        return abi.encodePacked(r, s, v);
    }

    function _submit(Attestation memory attestation) internal returns (uint32) {
        return registry.attest(attestation, _sign(providerKey, attestation));
    }

    /// @dev Attests `wallet` as the only wallet of its own identity, in France, retail.
    function _verify(address wallet) internal returns (uint32) {
        return _verify(wallet, FRANCE, RETAIL);
    }

    function _verify(address wallet, uint16 country, uint8 category) internal returns (uint32) {
        return _submit(_attestation(_key(wallet), wallet, country, category));
    }

    /// @dev Links `wallet` to the identity that `owner` was verified under.
    function _link(address wallet, address owner) internal returns (uint32) {
        return _submit(_attestation(_key(owner), wallet, FRANCE, RETAIL));
    }

    function _key(address wallet) internal pure returns (bytes32) {
        return keccak256(abi.encode("identity", wallet));
    }

    // ------------------------------------------------------------------------------------ Tokens

    function _mint(address to, uint256 amount) internal {
        vm.prank(issuer);
        token.mint(to, amount);
    }

    function _setRules(uint8 rules) internal {
        vm.prank(officer);
        token.setRules(rules);
    }
}

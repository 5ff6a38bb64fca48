// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {TokenFixture} from "./TokenFixture.sol";
import {StdInvariant} from "forge-std/StdInvariant.sol";

/// @notice Invariants of the token under random holder transfers, mints, burns, freezes, forced transfers, recoveries,
/// KYC refreshes, AML flags, lockups, country list changes and time. The test contract is its own handler; every handler bounds its inputs
/// and only calls what the dry run allows, so `fail_on_revert = true` also checks that the dry run never lies.
/// Five identities: A (wallets 0, 1), B (2), C (3, 4), D (5, a country that is not allowed); wallet 6 has no identity
/// and wallet 7 is a system holder.
contract SecurityTokenInvariantTest is TokenFixture {
    uint256 internal constant WALLETS = 8;
    uint256 internal constant IDENTITIES = 4;

    address[WALLETS] internal wallets;
    /// @dev Identity owner (first wallet) of identity index i.
    address[IDENTITIES] internal owners;
    uint32[IDENTITIES] internal ids;

    /// @dev Credits by `transfer`/`mint` to a receiver that was neither a verified wallet of an allowed country nor a
    /// system holder (must stay 0).
    uint256 internal unverifiedCredits;

    function setUp() public override {
        super.setUp();
        for (uint256 i; i < WALLETS; ++i) {
            wallets[i] = makeAddr(string.concat("wallet", vm.toString(i)));
        }
        owners = [wallets[0], wallets[2], wallets[3], wallets[5]];
        ids[0] = _verify(wallets[0]);
        _link(wallets[1], wallets[0]);
        ids[1] = _verify(wallets[2]);
        ids[2] = _verify(wallets[3]);
        _link(wallets[4], wallets[3]);
        ids[3] = _verify(wallets[5], USA, RETAIL);
        vm.startPrank(officer);
        token.setSystemHolder(wallets[7], true);
        token.setLimits(2, 10_000);
        vm.stopPrank();

        bytes4[] memory selectors = new bytes4[](13);
        selectors[0] = this.transfer.selector;
        selectors[1] = this.mint.selector;
        selectors[2] = this.burn.selector;
        selectors[3] = this.freezePartial.selector;
        selectors[4] = this.unfreezePartial.selector;
        selectors[5] = this.setFrozen.selector;
        selectors[6] = this.forcedTransfer.selector;
        selectors[7] = this.recover.selector;
        selectors[8] = this.warp.selector;
        selectors[9] = this.refreshKyc.selector;
        selectors[10] = this.setAml.selector;
        selectors[11] = this.setLockup.selector;
        selectors[12] = this.setCountry.selector;
        targetSelector(StdInvariant.FuzzSelector({addr: address(this), selectors: selectors}));
        targetContract(address(this));
    }

    function _wallet(uint256 seed) internal view returns (address) {
        return wallets[seed % WALLETS];
    }

    /// @dev Computed from the registry and the country bitmap, not from the token's cached records.
    function _eligible(address wallet) internal view returns (bool) {
        if (token.isSystemHolder(wallet)) return true;
        uint32 id = registry.identityOf(wallet);
        return registry.isVerified(wallet) && token.isCountryAllowed(registry.identity(id).country);
    }

    // ---------------------------------------------------------------------------------- Handlers

    function transfer(uint256 fromSeed, uint256 toSeed, uint256 amount) external {
        address from = _wallet(fromSeed);
        address to = _wallet(toSeed);
        amount = bound(amount, 0, token.balanceOf(from));
        (bool allowed,) = token.canTransfer(from, to, amount);
        if (!allowed) return;
        if (amount != 0 && !_eligible(to)) ++unverifiedCredits;
        vm.prank(from);
        token.transfer(to, amount);
    }

    function mint(uint256 toSeed, uint256 amount) external {
        address to = _wallet(toSeed);
        amount = bound(amount, 1, 5000);
        (bool allowed,) = token.canTransfer(address(0), to, amount);
        if (!allowed) return;
        if (!_eligible(to)) ++unverifiedCredits;
        _mint(to, amount);
    }

    function burn(uint256 fromSeed, uint256 amount) external {
        address from = _wallet(fromSeed);
        amount = bound(amount, 0, token.balanceOf(from));
        vm.prank(issuer);
        token.burn(from, amount);
    }

    function freezePartial(uint256 walletSeed, uint256 amount) external {
        address wallet = _wallet(walletSeed);
        amount = bound(amount, 0, token.balanceOf(wallet) - token.getFrozenTokens(wallet));
        vm.prank(agent);
        token.freezePartialTokens(wallet, amount);
    }

    function unfreezePartial(uint256 walletSeed, uint256 amount) external {
        address wallet = _wallet(walletSeed);
        amount = bound(amount, 0, token.getFrozenTokens(wallet));
        vm.prank(agent);
        token.unfreezePartialTokens(wallet, amount);
    }

    function setFrozen(uint256 walletSeed, bool freeze) external {
        vm.prank(agent);
        token.setAddressFrozen(_wallet(walletSeed), freeze);
    }

    function forcedTransfer(uint256 fromSeed, uint256 toSeed, uint256 amount) external {
        address from = _wallet(fromSeed);
        address to = _wallet(toSeed);
        if (token.walletRecord(to).identity == 0 && !token.isSystemHolder(to)) return;
        amount = bound(amount, 0, token.balanceOf(from));
        vm.prank(agent);
        token.forcedTransfer(from, to, amount);
    }

    /// @dev Recovers wallet 0 to 1, 1 to 0, 3 to 4 or 4 to 3 (the wallets of identities A and C).
    function recover(uint256 seed) external {
        uint256 lost = [uint256(0), 1, 3, 4][seed % 4];
        uint256 recovered = lost == 0 ? 1 : lost == 1 ? 0 : lost == 3 ? 4 : 3;
        if (token.balanceOf(wallets[lost]) == 0) return;
        vm.prank(agent);
        token.recoveryAddress(wallets[lost], wallets[recovered]);
    }

    function warp(uint256 seconds_) external {
        vm.warp(block.timestamp + bound(seconds_, 0, 90 days));
    }

    function refreshKyc(uint256 identitySeed) external {
        uint256 i = identitySeed % IDENTITIES;
        _verify(owners[i], i == 3 ? USA : FRANCE, RETAIL);
    }

    function setAml(uint256 identitySeed, bool flagged) external {
        vm.prank(officer);
        registry.setAmlFlag(ids[identitySeed % IDENTITIES], flagged);
        _afterComplianceAction();
    }

    function setLockup(uint256 identitySeed, uint256 duration) external {
        vm.prank(agent);
        token.setLockup(ids[identitySeed % IDENTITIES], uint40(block.timestamp + bound(duration, 0, 30 days)));
    }

    /// @dev Allows or denies France (identities A, B, C) or the USA (identity D).
    function setCountry(uint256 seed, bool allowed) external {
        uint16[] memory countries = new uint16[](1);
        countries[0] = seed % 2 == 0 ? FRANCE : USA;
        vm.prank(officer);
        token.setCountriesAllowed(countries, allowed);
    }

    // -------------------------------------------------------------------------------- Invariants

    function invariant_balancesSumToSupply() public view {
        uint256 sum;
        for (uint256 i; i < WALLETS; ++i) {
            sum += token.balanceOf(wallets[i]);
        }
        assertEq(sum, token.totalSupply());
    }

    function invariant_frozenWithinBalance() public view {
        for (uint256 i; i < WALLETS; ++i) {
            assertLe(token.getFrozenTokens(wallets[i]), token.balanceOf(wallets[i]));
        }
    }

    function invariant_holderCountMatchesIdentities() public view {
        uint32 holders;
        for (uint256 i; i < IDENTITIES; ++i) {
            address[] memory identityWallets = registry.walletsOf(ids[i]);
            uint256 held;
            for (uint256 j; j < identityWallets.length; ++j) {
                held += token.balanceOf(identityWallets[j]);
            }
            assertEq(token.identityBalanceOf(ids[i]), held, "identity balance");
            if (held != 0) ++holders;
        }
        assertEq(token.holderCount(), holders);
    }

    /// @dev Only wallets of an identity and system holders hold tokens, and transfers and mints only credit verified
    /// wallets or system holders. Wallets may keep tokens after their KYC lapses, and forced transfers and recoveries
    /// may credit a wallet of an identity whatever its status (the documented exceptions).
    function invariant_onlyEligibleReceive() public view {
        assertEq(unverifiedCredits, 0);
        for (uint256 i; i < WALLETS; ++i) {
            address wallet = wallets[i];
            if (token.balanceOf(wallet) == 0) continue;
            assertTrue(token.walletRecord(wallet).identity != 0 || token.isSystemHolder(wallet));
        }
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {WalletRecord} from "../../../contracts/token/interfaces/ISecurityToken.sol";
import {PackedWallet, PackedWallets} from "../../../contracts/token/libraries/PackedWallets.sol";
import {Test} from "forge-std/Test.sol";

contract PackedWalletsTest is Test {
    function _assertEq(WalletRecord memory a, WalletRecord memory b) internal pure {
        assertEq(abi.encode(a), abi.encode(b));
    }

    function testFuzz_pack_roundTrips(WalletRecord memory record) public pure {
        PackedWallet packed = PackedWallets.pack(record);
        _assertEq(packed.unpack(), record);
        assertEq(packed.identity(), record.identity);
        assertEq(packed.lockupUntil(), record.lockupUntil);
        assertEq(packed.has(PackedWallets.SHARED_IDENTITY), record.sharedIdentity);
    }

    function testFuzz_with_changesOnlyItsFlag(WalletRecord memory record, bool on) public pure {
        WalletRecord memory changed = PackedWallets.pack(record).with(PackedWallets.PARTIALLY_FROZEN, on).unpack();
        record.partiallyFrozen = on;
        _assertEq(changed, record);
    }

    function testFuzz_withLockup_changesOnlyLockup(WalletRecord memory record, uint40 until) public pure {
        WalletRecord memory changed = PackedWallets.pack(record).withLockup(until).unpack();
        record.lockupUntil = until;
        _assertEq(changed, record);
    }
}

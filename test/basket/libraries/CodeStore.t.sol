// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {CodeStore} from "../../../contracts/basket/libraries/CodeStore.sol";
import {Test} from "forge-std/Test.sol";

contract CodeStoreHarness {
    function write(bytes memory data) external returns (address) {
        return CodeStore.write(data);
    }

    function read(address pointer) external view returns (bytes memory) {
        return CodeStore.read(pointer);
    }
}

/// @notice Unit and fuzz tests of `CodeStore`.
contract CodeStoreTest is Test {
    CodeStoreHarness internal harness = new CodeStoreHarness();

    function testFuzz_write_readsBackTheData(bytes memory data) public {
        address pointer = harness.write(data);
        assertEq(harness.read(pointer), data);
        assertEq(pointer.code.length, data.length + 1);
        assertEq(uint8(pointer.code[0]), 0, "a STOP byte first");
    }

    function test_write_storesTheLargestBlob() public {
        bytes memory data = new bytes(24_575);
        data[24_574] = 0x2a;
        assertEq(harness.read(harness.write(data)), data);
    }

    function test_write_revertsAboveTheCodeSizeLimit() public {
        vm.expectRevert(abi.encodeWithSelector(CodeStore.DataTooLarge.selector, 24_576));
        harness.write(new bytes(24_576));
    }
}

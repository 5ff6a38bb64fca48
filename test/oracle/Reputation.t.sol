// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Reputation} from "../../contracts/oracle/Reputation.sol";
import {IReputation} from "../../contracts/oracle/interfaces/IReputation.sol";
import {Test} from "forge-std/Test.sol";

contract ReputationTest is Test {
    address internal holder = makeAddr("holder");

    function test_constructor_mintsWholeSupplyToHolder() public {
        Reputation rep = new Reputation(holder, 1000e18);
        assertEq(rep.totalSupply(), 1000e18);
        assertEq(rep.balanceOf(holder), 1000e18);
        assertEq(rep.symbol(), "REP");
        assertEq(rep.decimals(), 18);
    }

    function test_constructor_revertsWhenSupplyTooLarge() public {
        uint256 supply = uint256(type(uint96).max) + 1;
        vm.expectRevert(abi.encodeWithSelector(IReputation.SupplyTooLarge.selector, supply, type(uint96).max));
        new Reputation(holder, supply);
    }

    function test_burn_destroysCallerTokens() public {
        Reputation rep = new Reputation(holder, 1000e18);
        vm.prank(holder);
        rep.burn(400e18);
        assertEq(rep.totalSupply(), 600e18);
        assertEq(rep.balanceOf(holder), 600e18);
    }
}

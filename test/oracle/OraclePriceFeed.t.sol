// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IOracle} from "../../contracts/oracle/interfaces/IOracle.sol";
import {IOraclePriceFeed} from "../../contracts/oracle/interfaces/IOraclePriceFeed.sol";
import {OracleFixture} from "./OracleFixture.sol";
import {IAccessManaged} from "@openzeppelin/contracts/access/manager/IAccessManaged.sol";

contract OraclePriceFeedTest is OracleFixture {
    address internal asset = makeAddr("asset");

    /// @dev A scalar NAV question finalized at `outcome`.
    function _finalNav(uint48 outcome) internal returns (uint256 q) {
        q = _create(_scalarParams(0));
        vm.warp(block.timestamp + 1 days);
        _report(q, outcome);
        _finalize(q);
    }

    function _set(uint256 q) internal {
        vm.prank(feeder);
        feed.setQuestion(asset, q);
    }

    function test_setQuestion_cachesFinalValue() public {
        uint256 q = _finalNav(10_251);
        vm.expectEmit(address(feed));
        emit IOraclePriceFeed.QuestionSet(asset, q, 102.5e18, block.timestamp);
        _set(q);
        (int256 value, uint256 updatedAt) = feed.price(asset);
        assertEq(value, 102.5e18);
        assertEq(updatedAt, block.timestamp);
        assertEq(feed.questionOf(asset), q);
        assertEq(feed.oracle(), address(oracle));
    }

    function test_setQuestion_movesToNewerQuestion() public {
        _set(_finalNav(10_001));
        uint256 q2 = _finalNav(10_101);
        _set(q2);
        (int256 value,) = feed.price(asset);
        assertEq(value, 101e18);
    }

    function test_setQuestion_revertsWhenStale() public {
        uint256 q1 = _finalNav(10_001);
        uint256 q2 = _finalNav(10_101);
        uint256 finalizedAt1 = oracle.state(q1).windowEnd;
        _set(q2);
        vm.prank(feeder);
        vm.expectRevert(
            abi.encodeWithSelector(IOraclePriceFeed.StaleQuestion.selector, asset, q1, finalizedAt1, block.timestamp)
        );
        feed.setQuestion(asset, q1);
    }

    function test_setQuestion_revertsUnlessFinal() public {
        uint256 q = _create(_scalarParams(0));
        vm.prank(feeder);
        vm.expectRevert(abi.encodeWithSelector(IOracle.NotFinal.selector, q, IOracle.Status.Pending));
        feed.setQuestion(asset, q);
    }

    function test_setQuestion_revertsWhenNotFeeder() public {
        uint256 q = _finalNav(10_001);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, alice));
        feed.setQuestion(asset, q);
    }

    function test_price_revertsForUnknownAsset() public {
        vm.expectRevert(abi.encodeWithSelector(IOraclePriceFeed.UnknownAsset.selector, asset));
        feed.price(asset);
    }
}

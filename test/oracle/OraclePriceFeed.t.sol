// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IOracle} from "../../contracts/oracle/interfaces/IOracle.sol";
import {IOraclePriceFeed} from "../../contracts/oracle/interfaces/IOraclePriceFeed.sol";
import {OracleFixture} from "./OracleFixture.sol";
import {IAccessManaged} from "@openzeppelin/contracts/access/manager/IAccessManaged.sol";

contract OraclePriceFeedTest is OracleFixture {
    address internal asset = makeAddr("asset");

    /// @dev A scalar NAV question about `subject` finalized at `outcome`.
    function _finalNav(uint48 outcome, address subject) internal returns (uint256 q) {
        IOracle.QuestionParams memory p = _scalarParams(0);
        p.subject = subject;
        q = _create(p);
        vm.warp(block.timestamp + 1 days);
        _report(q, outcome);
        _finalize(q);
    }

    function _finalNav(uint48 outcome) internal returns (uint256) {
        return _finalNav(outcome, asset);
    }

    function _set(uint256 q) internal {
        vm.prank(feeder);
        feed.setQuestion(asset, q);
    }

    /// @dev Issue 15 case 6: the price is dated by the observation (the question's end time), not finalization.
    function test_setQuestion_cachesFinalValueAtObservationTime() public {
        uint256 q = _finalNav(10_251);
        uint256 observedAt = oracle.config(q).endTime;
        assertLt(observedAt, block.timestamp);
        vm.expectEmit(address(feed));
        emit IOraclePriceFeed.QuestionSet(asset, q, 102.5e18, observedAt);
        _set(q);
        (int256 value, uint256 updatedAt) = feed.price(asset);
        assertEq(value, 102.5e18);
        assertEq(updatedAt, observedAt);
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
        (uint256 observedAt1, uint256 observedAt2) = (oracle.config(q1).endTime, oracle.config(q2).endTime);
        _set(q2);
        vm.prank(feeder);
        vm.expectRevert(
            abi.encodeWithSelector(IOraclePriceFeed.StaleQuestion.selector, asset, q1, observedAt1, observedAt2)
        );
        feed.setQuestion(asset, q1);
    }

    /// @dev Issue 15 case 6: a question about asset B cannot price asset A.
    function test_setQuestion_revertsForQuestionAboutAnotherAsset() public {
        address other = makeAddr("other asset");
        uint256 q = _finalNav(10_001, other);
        vm.prank(feeder);
        vm.expectRevert(abi.encodeWithSelector(IOraclePriceFeed.QuestionNotAboutAsset.selector, asset, q, other));
        feed.setQuestion(asset, q);
        q = _finalNav(10_001, address(0));
        vm.prank(feeder);
        vm.expectRevert(abi.encodeWithSelector(IOraclePriceFeed.QuestionNotAboutAsset.selector, asset, q, address(0)));
        feed.setQuestion(asset, q);
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

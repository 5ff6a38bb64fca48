// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IExecutor} from "../../contracts/governance/interfaces/IExecutor.sol";
import {IGovernance} from "../../contracts/governance/interfaces/IGovernance.sol";
import {GovernanceFixture} from "./GovernanceFixture.sol";

contract FollowingTest is GovernanceFixture {
    IGovernance.Topic internal constant GENERAL = IGovernance.Topic.General;

    /// @dev Neurons 1..20, 1 ether each, maximum delay, fully aged (2.5 ether of power each).
    function setUp() public override {
        super.setUp();
        for (uint32 i = 1; i <= 20; ++i) {
            _stake(_owner(i), 1 ether, MAX_DELAY);
        }
        vm.warp(block.timestamp + MAX_AGE + 2 * EPOCH);
    }

    function _follow(uint32 neuronId, IGovernance.Topic topic, uint32[] memory list) internal {
        vm.prank(_owner(neuronId));
        gov.setFollowing(neuronId, topic, list);
    }

    function _vote(uint256 proposalId, uint32 neuronId, bool yes) internal {
        vm.prank(_owner(neuronId));
        gov.vote(proposalId, neuronId, yes);
    }

    function _ballot(uint256 proposalId, uint32 neuronId) internal view returns (IGovernance.Vote) {
        return gov.ballot(proposalId, neuronId);
    }

    // ---------------------------------------------------------------- setFollowing

    function test_setFollowing_storesFifteenAcrossTwoSlots() public {
        uint32[] memory list = _range(2, 15);
        vm.expectEmit(address(gov));
        emit IGovernance.FollowingSet(1, GENERAL, list);
        _follow(1, GENERAL, list);
        assertEq(abi.encode(gov.followees(1, GENERAL)), abi.encode(list));
        _follow(1, GENERAL, new uint32[](0));
        assertEq(gov.followees(1, GENERAL).length, 0);
    }

    function test_setFollowing_byHotKey() public {
        address hot = makeAddr("hot");
        vm.prank(_owner(1));
        neurons.setHotKey(1, hot);
        vm.prank(hot);
        gov.setFollowing(1, IGovernance.Topic.CatchAll, _ids(2));
        assertEq(gov.followees(1, IGovernance.Topic.CatchAll)[0], 2);
    }

    function test_setFollowing_revertsAboveFifteen() public {
        vm.expectRevert(abi.encodeWithSelector(IGovernance.GovernanceTooManyFollowees.selector, 16, 15));
        _follow(1, GENERAL, _range(2, 16));
    }

    function test_setFollowing_revertsOnInvalidFollowee() public {
        uint32[4] memory bad = [uint32(0), 1, 21, 2];
        uint32[][4] memory lists = [_ids(0), _ids(1), _ids(21), _ids(2, 3, 2)];
        for (uint256 i; i < bad.length; ++i) {
            vm.expectRevert(abi.encodeWithSelector(IGovernance.GovernanceInvalidFollowee.selector, bad[i]));
            _follow(1, GENERAL, lists[i]);
        }
    }

    function test_setFollowing_revertsWhenNotController() public {
        vm.expectRevert(abi.encodeWithSelector(IGovernance.GovernanceNotNeuronController.selector, 1, address(this)));
        gov.setFollowing(1, GENERAL, _ids(2));
    }

    // ---------------------------------------------------------------- resolveFollowers

    function test_resolveFollowers_yesOnMajorityWithProvenance() public {
        _follow(10, GENERAL, _ids(1, 2, 3));
        uint256 id = _propose(_owner(1), 1, GENERAL);
        assertEq(gov.resolveFollowers(id, _ids(10)), 0);
        _vote(id, 3, true);
        vm.expectEmit(address(gov));
        emit IGovernance.FollowerResolved(id, 10, true, 2.5 ether, 1 | (uint256(3) << 32));
        assertEq(gov.resolveFollowers(id, _ids(10)), 1);
        assertEq(uint256(_ballot(id, 10)), uint256(IGovernance.Vote.Yes));
        assertEq(gov.proposal(id).yes, 7.5 ether);
    }

    function test_resolveFollowers_noWhenHalfVotedNo() public {
        _follow(10, GENERAL, _ids(2, 3));
        uint256 id = _propose(_owner(1), 1, GENERAL);
        _vote(id, 2, false);
        gov.resolveFollowers(id, _ids(10));
        assertEq(uint256(_ballot(id, 10)), uint256(IGovernance.Vote.No));
        assertEq(gov.proposal(id).no, 5 ether);
    }

    function test_resolveFollowers_skipsUndetermined() public {
        _follow(10, GENERAL, _ids(2, 3, 4));
        uint256 id = _propose(_owner(1), 1, GENERAL);
        _vote(id, 2, false);
        assertEq(gov.resolveFollowers(id, _ids(10, 11, 0)), 0);
        assertEq(uint256(_ballot(id, 10)), uint256(IGovernance.Vote.None));
    }

    function test_resolveFollowers_catchAllAppliesExceptGovernance() public {
        _follow(10, IGovernance.Topic.CatchAll, _ids(1));
        uint256 general = _propose(_owner(1), 1, GENERAL);
        uint256 governance = _propose(_owner(1), 1, IGovernance.Topic.Governance);
        assertEq(gov.resolveFollowers(general, _ids(10)), 1);
        assertEq(gov.resolveFollowers(governance, _ids(10)), 0);
    }

    /// @dev Issue 15 case 1: a setParams proposal is a Governance proposal whatever the proposer would label it, so
    /// the catch-all followers stay out, even with a General list of the proposer's.
    function test_resolveFollowers_catchAllNeverCoversGovernanceActions() public {
        _follow(10, IGovernance.Topic.CatchAll, _ids(1));
        _follow(11, GENERAL, _ids(1));
        IExecutor.Action[] memory actions = new IExecutor.Action[](1);
        actions[0] = IExecutor.Action(address(gov), 0, abi.encodeCall(IGovernance.setParams, (_defaultParams())));
        vm.prank(_owner(1));
        uint256 id = gov.propose(1, actions, "", bytes32(0));
        assertEq(uint256(gov.proposal(id).topic), uint256(IGovernance.Topic.Governance));
        assertEq(gov.resolveFollowers(id, _ids(10, 11)), 0);
    }

    function test_resolveFollowers_topicListOverridesCatchAll() public {
        _follow(10, IGovernance.Topic.CatchAll, _ids(1));
        _follow(10, GENERAL, _ids(2));
        uint256 id = _propose(_owner(1), 1, GENERAL);
        assertEq(gov.resolveFollowers(id, _ids(10)), 0);
        _vote(id, 2, false);
        gov.resolveFollowers(id, _ids(10));
        assertEq(uint256(_ballot(id, 10)), uint256(IGovernance.Vote.No));
    }

    function test_resolveFollowers_earlierInBatchCountsForLater() public {
        _follow(10, GENERAL, _ids(1));
        _follow(11, GENERAL, _ids(10));
        _follow(12, GENERAL, _ids(11));
        uint256 id = _propose(_owner(1), 1, GENERAL);
        assertEq(gov.resolveFollowers(id, _ids(12, 11)), 0);
        assertEq(gov.resolveFollowers(id, _ids(10, 11, 12)), 3);
    }

    function test_resolveFollowers_directVoteBeforeCascadeWins() public {
        _follow(10, GENERAL, _ids(1));
        uint256 id = _propose(_owner(1), 1, GENERAL);
        _vote(id, 10, false);
        assertEq(gov.resolveFollowers(id, _ids(10)), 0);
        assertEq(uint256(_ballot(id, 10)), uint256(IGovernance.Vote.No));
    }

    function test_resolveFollowers_cycleTerminatesAndWritesOnce() public {
        _follow(10, GENERAL, _ids(11));
        _follow(11, GENERAL, _ids(10));
        uint256 id = _propose(_owner(1), 1, GENERAL);
        assertEq(gov.resolveFollowers(id, _ids(10, 11)), 0);
        _vote(id, 10, true);
        uint32[] memory twice = new uint32[](4);
        (twice[0], twice[1], twice[2], twice[3]) = (10, 11, 10, 11);
        assertEq(gov.resolveFollowers(id, twice), 1);
        assertEq(gov.resolveFollowers(id, _ids(10, 11)), 0);
        assertEq(gov.proposal(id).yes, 7.5 ether);
    }

    function test_resolveFollowers_skipsNeuronNotEligibleAtCreation() public {
        uint256 id = _propose(_owner(1), 1, GENERAL);
        uint32 late = _stake(_owner(21), 1 ether, MAX_DELAY);
        _follow(late, GENERAL, _ids(1));
        assertEq(gov.resolveFollowers(id, _ids(late)), 0);
    }

    function test_resolveFollowers_flipExtendsDeadline() public {
        for (uint32 i = 10; i <= 12; ++i) {
            _follow(i, GENERAL, _ids(1));
        }
        uint256 id = _propose(_owner(1), 1, GENERAL);
        vm.warp(block.timestamp + 1 days);
        _vote(id, 2, false);
        _vote(id, 3, false);
        uint256 deadline = gov.proposal(id).deadline;
        vm.warp(block.timestamp + 1 days);
        gov.resolveFollowers(id, _range(10, 3));
        assertGt(gov.proposal(id).deadline, deadline);
    }

    function test_resolveFollowers_revertsWhenClosed() public {
        uint256 id = _propose(_owner(1), 1, GENERAL);
        uint256 deadline = gov.proposal(id).deadline;
        vm.warp(deadline);
        vm.expectRevert(abi.encodeWithSelector(IGovernance.GovernanceVotingClosed.selector, id, deadline));
        gov.resolveFollowers(id, _ids(10));
    }

    function test_resolveFollowers_revertsForUnknownProposal() public {
        vm.expectRevert(abi.encodeWithSelector(IGovernance.GovernanceUnknownProposal.selector, 9));
        gov.resolveFollowers(9, _ids(10));
    }
}

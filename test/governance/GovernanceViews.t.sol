// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IExecutor} from "../../contracts/governance/interfaces/IExecutor.sol";
import {IGovernance} from "../../contracts/governance/interfaces/IGovernance.sol";
import {INeurons} from "../../contracts/governance/interfaces/INeurons.sol";
import {GovernanceFixture} from "./GovernanceFixture.sol";
import {Target} from "./mocks/Target.sol";

contract GovernanceViewsTest is GovernanceFixture {
    function test_views_reportDeployment() public view {
        assertEq(gov.stakeToken(), address(token));
        assertEq(neurons.stakeToken(), address(token));
        assertEq(neurons.governance(), address(gov));
        assertEq(address(neurons.identityRegistry()), address(registry));
        assertEq(IExecutor(executor).governance(), address(gov));
        assertEq(abi.encode(gov.windows()), abi.encode(_windows()));
        assertEq(abi.encode(gov.params()), abi.encode(_defaultParams()));
        assertEq(abi.encode(neurons.config()), abi.encode(_neuronConfig()));
        assertEq(gov.proposalCount(), 0);
    }

    function test_decision_revertsForUnknownProposal() public {
        vm.expectRevert(abi.encodeWithSelector(IGovernance.GovernanceUnknownProposal.selector, 1));
        gov.decision(1);
    }

    function test_votingPowerAt_revertsForUnknownProposal() public {
        vm.expectRevert(abi.encodeWithSelector(IGovernance.GovernanceUnknownProposal.selector, 1));
        gov.votingPowerAt(1, 1);
    }

    function test_componentsBatch_packsStakeDelayAndAge() public {
        uint32 a = _stake(_owner(1), 3 ether, MAX_DELAY);
        uint32 b = _stake(_owner(2), 1 ether, MIN_DELAY - EPOCH);
        vm.warp(block.timestamp + 10 days);
        (,, INeurons.NeuronState memory s) = neurons.neuron(a);
        uint256[] memory packed = neurons.componentsBatch(_ids(a, b, 9), neurons.currentSeq(), block.timestamp);
        assertEq(packed[0], 3 ether | (uint256(MAX_DELAY) << 96) | ((block.timestamp - s.since) << 128));
        assertEq(packed[1], 0);
        assertEq(packed[2], 0);
        assertEq(neurons.currentSeq(), 2);
    }

    function test_sumsAt_tracksAgingExactly() public {
        uint32 a = _stake(_owner(1), 2 ether, MAX_DELAY);
        (,, INeurons.NeuronState memory s) = neurons.neuron(a);
        vm.warp(s.since + 5 days + 7);
        uint256[4] memory sums = neurons.sumsAt(block.timestamp);
        uint256 age = 5 days + 7;
        assertEq(sums[0], 2 ether);
        assertEq(sums[1], 2 ether * uint256(MAX_DELAY));
        assertEq(sums[2], 2 ether * age);
        assertEq(sums[3], 2 ether * uint256(MAX_DELAY) * age);
    }

    /// @dev Several proposals and several changes in between: each proposal sees the state at its creation.
    function test_votingPowerAt_readsHistoryAcrossProposals() public {
        uint32 p = _stake(_owner(1), 100 ether, MAX_DELAY);
        uint32 n = _stake(_owner(2), 10 ether, MAX_DELAY - 10 days);
        vm.warp(block.timestamp + 30 days);
        uint256 first = _propose(_owner(p), p, IGovernance.Topic.General);
        uint256 before = gov.votingPower(n);
        vm.prank(_owner(2));
        neurons.startDissolving(n);
        uint256 second = _propose(_owner(p), p, IGovernance.Topic.General);
        uint256 dissolving = gov.votingPower(n);
        vm.startPrank(_owner(2));
        neurons.stopDissolving(n);
        neurons.increaseDissolveDelay(n, 1);
        vm.stopPrank();
        uint256 third = _propose(_owner(p), p, IGovernance.Topic.General);

        assertEq(gov.votingPowerAt(first, n), before);
        assertEq(gov.votingPowerAt(second, n), dissolving);
        assertEq(gov.votingPowerAt(third, n), gov.votingPower(n));
        assertLt(dissolving, before);
    }

    function test_execute_spendsExecutorEther() public {
        uint32 p = _stake(_owner(1), 100 ether, MAX_DELAY);
        vm.deal(executor, 1 ether);
        IExecutor.Action[] memory actions = new IExecutor.Action[](1);
        actions[0] = IExecutor.Action(address(target), 0.4 ether, abi.encodeCall(Target.set, (1)));
        _register(address(target), Target.set.selector, IGovernance.Topic.Treasury);
        vm.prank(_owner(p));
        uint256 id = gov.propose(p, actions, "", bytes32(0));
        gov.settle(id);
        vm.warp(block.timestamp + TIMELOCK);
        gov.execute(id, actions);
        assertEq(address(target).balance, 0.4 ether);
        assertEq(executor.balance, 0.6 ether);
    }
}

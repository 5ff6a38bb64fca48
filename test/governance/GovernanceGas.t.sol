// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IGovernance} from "../../contracts/governance/interfaces/IGovernance.sol";
import {GovernanceFixture} from "./GovernanceFixture.sol";
import {OzReferenceGovernor, OzVotesToken} from "./mocks/OzReferenceGovernor.sol";
import {IGovernor} from "@openzeppelin/contracts/governance/IGovernor.sol";

/// @notice Gas snapshots of area `governance` (run with `forge test --isolate --match-test gas`).
contract GovernanceGasTest is GovernanceFixture {
    uint256 internal constant BATCH = 100;

    function test_gas_ozGovernorCastVote() public {
        OzVotesToken votes = new OzVotesToken();
        OzReferenceGovernor governor = new OzReferenceGovernor(votes);
        address proposer = makeAddr("proposer");
        address voter = makeAddr("voter");
        votes.mint(proposer, 100 ether);
        votes.mint(voter, 100 ether);
        vm.prank(proposer);
        votes.delegate(proposer);
        vm.prank(voter);
        votes.delegate(voter);
        vm.roll(block.number + 1);
        address[] memory targets = new address[](1);
        targets[0] = address(target);
        uint256[] memory values = new uint256[](1);
        bytes[] memory calldatas = new bytes[](1);
        calldatas[0] = _actions(42)[0].data;
        vm.prank(proposer);
        uint256 proposalId = governor.propose(targets, values, calldatas, "summary");
        vm.roll(block.number + 2);
        assertEq(uint256(governor.state(proposalId)), uint256(IGovernor.ProposalState.Active));

        vm.prank(voter);
        governor.castVote(proposalId, 1);
        vm.snapshotGasLastCall("governance", "oz governor castVote");
    }

    function test_gas_neuronVote() public {
        uint32 proposer = _stake(_owner(1), 100 ether, MAX_DELAY);
        uint32 voter = _stake(_owner(2), 100 ether, MAX_DELAY);
        vm.warp(block.timestamp + 30 days);
        uint256 proposalId = _propose(_owner(proposer), proposer, IGovernance.Topic.General);

        vm.prank(_owner(voter));
        gov.vote(proposalId, voter, true);
        vm.snapshotGasLastCall("governance", "neuron vote");
        assertEq(uint256(gov.ballot(proposalId, voter)), uint256(IGovernance.Vote.Yes));
    }

    function test_gas_propose() public {
        uint32 proposer = _stake(_owner(1), 100 ether, MAX_DELAY);
        uint32 other = _stake(_owner(2), 100 ether, MAX_DELAY);
        vm.warp(block.timestamp + 30 days);
        // Steady state: not the first proposal ever, no epoch boundary to replay since the last one.
        _propose(_owner(other), other, IGovernance.Topic.General);

        vm.prank(_owner(proposer));
        gov.propose(proposer, _actions(42), "ipfs://summary", keccak256("summary"));
        vm.snapshotGasLastCall("governance", "propose");
    }

    function test_gas_resolveFollower3Followees() public {
        _measureResolve(3, 2, "resolve follower 3 followees");
    }

    function test_gas_resolveFollower15Followees() public {
        _measureResolve(15, 8, "resolve follower 15 followees");
    }

    /// @dev An adopted proposal: the fee goes back into the proposer neuron's stake.
    function test_gas_settle() public {
        uint32 proposer = _stake(_owner(1), 100 ether, MAX_DELAY);
        vm.warp(block.timestamp + 30 days);
        uint256 proposalId = _propose(_owner(proposer), proposer, IGovernance.Topic.General);
        gov.settle(proposalId);
        vm.snapshotGasLastCall("governance", "settle");
    }

    function test_gas_execute() public {
        uint32 proposer = _stake(_owner(1), 100 ether, MAX_DELAY);
        vm.warp(block.timestamp + 30 days);
        uint256 proposalId = _propose(_owner(proposer), proposer, IGovernance.Topic.General);
        gov.settle(proposalId);
        vm.warp(block.timestamp + TIMELOCK);

        gov.execute(proposalId, _actions(42));
        vm.snapshotGasLastCall("governance", "execute");
        assertEq(target.value(), 42);
    }

    /// @dev `followees` roots of which the first `yesVotes` vote yes (the proposer among them), then one batch of
    /// BATCH followers of all roots; records gas per follower.
    function _measureResolve(uint32 followees, uint32 yesVotes, string memory name) private {
        for (uint32 i = 1; i <= followees; ++i) {
            _stake(_owner(i), 100 ether, MAX_DELAY);
        }
        uint32[] memory roots = _range(1, followees);
        uint32 first = followees + 1;
        for (uint32 i; i < BATCH; ++i) {
            uint32 id = _stake(_owner(first + i), 1 ether, MAX_DELAY);
            vm.prank(_owner(id));
            gov.setFollowing(id, IGovernance.Topic.General, roots);
        }
        vm.warp(block.timestamp + 30 days);
        uint256 proposalId = _propose(_owner(1), 1, IGovernance.Topic.General);
        for (uint32 i = 2; i <= yesVotes; ++i) {
            vm.prank(_owner(i));
            gov.vote(proposalId, i, true);
        }
        uint32[] memory batch = _range(first, uint32(BATCH));

        uint256 resolved = gov.resolveFollowers(proposalId, batch);
        vm.snapshotValue("governance", name, vm.lastCallGas().gasTotalUsed / BATCH);
        assertEq(resolved, BATCH);
    }
}

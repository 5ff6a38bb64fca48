// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Governance} from "../../../contracts/governance/Governance.sol";
import {Neurons} from "../../../contracts/governance/Neurons.sol";
import {IGovernance} from "../../../contracts/governance/interfaces/IGovernance.sol";
import {INeurons} from "../../../contracts/governance/interfaces/INeurons.sol";
import {GovernanceFixture} from "../GovernanceFixture.sol";
import {GovernanceHandler} from "./GovernanceHandler.sol";

/// @notice Invariants of neurons, ballots, tallies, total power, wait-for-quiet and fee accounting, recomputed
/// from state after random bounded sequences of neuron actions, proposals, votes, following and cascades.
contract GovernanceInvariantTest is GovernanceFixture {
    GovernanceHandler internal handler;

    function setUp() public override {
        super.setUp();
        handler = new GovernanceHandler(gov, token, registry);
        _register(handler.GENERAL_TARGET(), handler.GENERAL_SELECTOR(), IGovernance.Topic.General);
        registry.setVerified(address(handler), true);
        for (uint256 i; i < 6; ++i) {
            handler.stake(uint96(uint256(keccak256(abi.encode(i)))), uint32(MIN_DELAY + i * 200 days));
        }
        targetContract(address(handler));
    }

    /// @dev Tallies equal the sum of the ballots' powers; each power is the one fixed at creation; the total fixed at
    /// creation is the sum of all eligible powers up to rounding (at most one unit per neuron, never below).
    function invariant_talliesAndTotalsMatchBallots() public view {
        uint32 count = neurons.neuronCount();
        for (uint256 pid = 1; pid <= gov.proposalCount(); ++pid) {
            IGovernance.ProposalView memory p = gov.proposal(pid);
            uint256 yes;
            uint256 no;
            uint256 all;
            for (uint32 n = 1; n <= count; ++n) {
                uint256 power = gov.votingPowerAt(pid, n);
                all += power;
                IGovernance.Vote b = gov.ballot(pid, n);
                if (b == IGovernance.Vote.Yes) yes += power;
                else if (b == IGovernance.Vote.No) no += power;
                if (b != IGovernance.Vote.None) assertGt(power, 0, "ballot without power");
            }
            assertEq(p.yes, yes, "yes tally");
            assertEq(p.no, no, "no tally");
            assertGe(p.totalPower, all, "total below sum");
            assertLe(p.totalPower - all, count, "total above sum beyond rounding");
        }
    }

    /// @dev The live total (aggregates replayed to now) equals the sum of current powers up to rounding.
    function invariant_liveTotalMatchesNeurons() public view {
        uint32 count = neurons.neuronCount();
        uint256 all;
        for (uint32 n = 1; n <= count; ++n) {
            all += gov.votingPower(n);
        }
        uint256 total = gov.totalVotingPower();
        assertGe(total, all, "live total below sum");
        assertLe(total - all, count, "live total above sum beyond rounding");
    }

    /// @dev Dissolve state machine: aging starts and dissolve times sit on epoch boundaries; a non-dissolving
    /// neuron's delay is within the cap; a dissolving one is dissolved at most maxDelay (plus the rounding to the
    /// epoch) ahead.
    function invariant_neuronStatesWellFormed() public view {
        uint32 count = neurons.neuronCount();
        for (uint32 n = 1; n <= count; ++n) {
            (,, INeurons.NeuronState memory s) = neurons.neuron(n);
            assertEq(s.since % EPOCH, 0, "since off the epoch grid");
            if (s.dissolving) {
                assertEq(s.dissolveDelay, 0);
                if (s.since > block.timestamp) assertLt(s.since - block.timestamp, MAX_DELAY + EPOCH);
            } else {
                assertLe(s.dissolveDelay, MAX_DELAY);
                assertLe(s.since, block.timestamp + EPOCH);
            }
        }
    }

    /// @dev Wait-for-quiet: period <= deadline - createdAt <= period + 2W.
    function invariant_deadlineWithinWaitForQuietBounds() public view {
        for (uint256 pid = 1; pid <= gov.proposalCount(); ++pid) {
            IGovernance.ProposalView memory p = gov.proposal(pid);
            assertGe(p.deadline, p.createdAt + PERIOD);
            assertLe(p.deadline, p.createdAt + PERIOD + 2 * W);
        }
    }

    /// @dev Tokens are conserved: the neurons hold exactly the stakes (which include the fees of unsettled
    /// proposals, charged against them) and the kept fees not collected yet; governance holds nothing; every minted
    /// token is in a known place.
    function invariant_tokensConserved() public view {
        uint32 count = neurons.neuronCount();
        uint256 stakes;
        uint256 held;
        for (uint32 n = 1; n <= count; ++n) {
            (address owner,, INeurons.NeuronState memory s) = neurons.neuron(n);
            stakes += s.stake;
            held += token.balanceOf(owner);
        }
        uint256 kept = neurons.keptFees();
        assertEq(token.balanceOf(address(neurons)), stakes + kept, "stakes and kept fees");
        assertEq(token.balanceOf(address(gov)), 0, "governance holds nothing");
        assertEq(
            token.totalSupply(),
            stakes + kept + held + token.balanceOf(executor) + token.balanceOf(address(handler)),
            "supply"
        );
    }

    /// @dev Each neuron's pending fees are the fees of its unsettled proposals, and never exceed its stake.
    function invariant_pendingFeesMatchOpenProposals() public view {
        uint32 count = neurons.neuronCount();
        for (uint32 n = 1; n <= count; ++n) {
            uint256 pending;
            for (uint256 pid = 1; pid <= gov.proposalCount(); ++pid) {
                IGovernance.ProposalView memory p = gov.proposal(pid);
                if (p.neuronId == n && p.status == IGovernance.ProposalStatus.Open) pending += p.rejectFee;
            }
            (,, INeurons.NeuronState memory s) = neurons.neuron(n);
            assertEq(neurons.pendingFees(n), pending, "pending fees");
            assertLe(pending, s.stake, "pending fees above stake");
        }
    }

    /// @dev The open-proposal counters equal the unsettled proposals per neuron.
    function invariant_openProposalCounters() public view {
        uint32 count = neurons.neuronCount();
        for (uint32 n = 1; n <= count; ++n) {
            uint256 open;
            for (uint256 pid = 1; pid <= gov.proposalCount(); ++pid) {
                IGovernance.ProposalView memory p = gov.proposal(pid);
                if (p.neuronId == n && p.status == IGovernance.ProposalStatus.Open) ++open;
            }
            assertEq(gov.openProposals(n), open);
        }
    }
}

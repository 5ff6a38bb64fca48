// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Governance} from "../../../contracts/governance/Governance.sol";
import {Neurons} from "../../../contracts/governance/Neurons.sol";
import {IExecutor} from "../../../contracts/governance/interfaces/IExecutor.sol";
import {IGovernance} from "../../../contracts/governance/interfaces/IGovernance.sol";
import {INeurons} from "../../../contracts/governance/interfaces/INeurons.sol";
import {TestIdentityRegistry} from "../mocks/TestIdentityRegistry.sol";
import {TestToken} from "../mocks/TestToken.sol";
import {Test} from "forge-std/Test.sol";

/// @notice Bounded handler: every call it makes is valid, so `fail_on_revert` catches any unexpected revert. Keeps
/// ghost ballots (first value seen) and checks each cascade batch against an in-test NNS reference evaluator.
contract GovernanceHandler is Test {
    uint256 internal constant MAX_NEURONS = 12;
    uint256 internal constant MAX_PROPOSALS = 10;
    /// @dev The (target, selector) the test registers under General.
    address public constant GENERAL_TARGET = address(0x6e6e);
    bytes4 public constant GENERAL_SELECTOR = 0x12345678;

    Governance public immutable gov;
    Neurons public immutable neurons;
    TestToken public immutable token;
    TestIdentityRegistry public immutable registry;
    uint256 public immutable maxDelay;
    uint256 public immutable minDelay;

    mapping(uint256 proposalId => mapping(uint32 neuronId => IGovernance.Vote)) public ghostBallot;
    uint256 public cascadeWrites;

    constructor(Governance gov_, TestToken token_, TestIdentityRegistry registry_) {
        gov = gov_;
        neurons = Neurons(address(gov_.neurons()));
        token = token_;
        registry = registry_;
        INeurons.Config memory c = neurons.config();
        maxDelay = c.maxDelay;
        minDelay = c.minDelay;
    }

    function ownerOf(uint32 neuronId) public pure returns (address) {
        return address(uint160(0xA0000 + neuronId));
    }

    function _neuron(uint256 seed) internal view returns (uint32 id, INeurons.NeuronState memory state) {
        uint32 count = neurons.neuronCount();
        if (count == 0) return (0, state);
        id = uint32(seed % count) + 1;
        (,, state) = neurons.neuron(id);
    }

    function _openProposal(uint256 seed) internal view returns (uint256 id) {
        uint256 count = gov.proposalCount();
        if (count == 0) return 0;
        id = seed % count + 1;
        IGovernance.ProposalView memory p = gov.proposal(id);
        if (p.status != IGovernance.ProposalStatus.Open || block.timestamp >= p.deadline) return 0;
    }

    // ---------------------------------------------------------------- neurons

    function stake(uint96 amount, uint32 delay) external {
        uint32 id = neurons.neuronCount() + 1;
        if (id > MAX_NEURONS) return;
        amount = uint96(bound(amount, 1, 1e24));
        delay = uint32(bound(delay, 0, maxDelay));
        address owner = ownerOf(id);
        registry.setVerified(owner, true);
        token.mint(owner, amount);
        vm.startPrank(owner);
        token.approve(address(neurons), amount);
        neurons.stake(amount, delay);
        vm.stopPrank();
    }

    function increaseStake(uint256 seed, uint96 amount) external {
        (uint32 id,) = _neuron(seed);
        if (id == 0) return;
        amount = uint96(bound(amount, 1, 1e24));
        token.mint(ownerOf(id), amount);
        vm.startPrank(ownerOf(id));
        token.approve(address(neurons), amount);
        neurons.increaseStake(id, amount);
        vm.stopPrank();
    }

    function increaseDelay(uint256 seed, uint32 additional) external {
        (uint32 id, INeurons.NeuronState memory s) = _neuron(seed);
        if (id == 0) return;
        uint256 current = s.dissolving ? (s.since > block.timestamp ? s.since - block.timestamp : 0) : s.dissolveDelay;
        if (current >= maxDelay) return;
        additional = uint32(bound(additional, 0, maxDelay - current));
        vm.prank(ownerOf(id));
        neurons.increaseDissolveDelay(id, additional);
    }

    function startDissolving(uint256 seed) external {
        (uint32 id, INeurons.NeuronState memory s) = _neuron(seed);
        if (id == 0 || s.dissolving) return;
        vm.prank(ownerOf(id));
        neurons.startDissolving(id);
    }

    function stopDissolving(uint256 seed) external {
        (uint32 id, INeurons.NeuronState memory s) = _neuron(seed);
        if (id == 0 || !s.dissolving || s.since <= block.timestamp) return;
        vm.prank(ownerOf(id));
        neurons.stopDissolving(id);
    }

    function disburse(uint256 seed) external {
        (uint32 id, INeurons.NeuronState memory s) = _neuron(seed);
        if (id == 0 || !s.dissolving || s.since > block.timestamp || neurons.pendingFees(id) != 0) return;
        vm.prank(ownerOf(id));
        neurons.disburse(id);
    }

    function warp(uint256 seconds_) external {
        // Mostly within a voting period; one step in eight long enough for dissolving and aging.
        vm.warp(block.timestamp + bound(seconds_, 0, seconds_ % 8 == 0 ? 400 days : 1 days));
    }

    // ---------------------------------------------------------------- governance

    /// @dev Few topics, so that following lists and proposals meet: General, Governance, CatchAll.
    function _topic(uint256 index) internal pure returns (IGovernance.Topic) {
        return [IGovernance.Topic.General, IGovernance.Topic.Governance, IGovernance.Topic.CatchAll][index];
    }

    function setFollowing(uint256 seed, uint8 topicSeed, uint256 listSeed) external {
        (uint32 id,) = _neuron(seed);
        if (id == 0) return;
        uint32 count = neurons.neuronCount();
        uint32[] memory list = new uint32[](listSeed % 6);
        uint256 n;
        for (uint256 i; i < list.length; ++i) {
            uint32 f = uint32(uint256(keccak256(abi.encode(listSeed, i))) % count) + 1;
            bool fresh = f != id;
            for (uint256 j; j < n && fresh; ++j) {
                fresh = list[j] != f;
            }
            if (fresh) list[n++] = f;
        }
        assembly ("memory-safe") {
            mstore(list, n)
        }
        vm.prank(ownerOf(id));
        gov.setFollowing(id, _topic(topicSeed % 3), list);
    }

    /// @dev A General-topic proposal (one action on `GENERAL_TARGET`, registered by the test) or a Governance-topic
    /// motion (no action); the fee comes out of the neuron's stake.
    function propose(uint256 seed, uint8 topicSeed) external {
        (uint32 id, INeurons.NeuronState memory state) = _neuron(seed);
        if (id == 0 || gov.proposalCount() >= MAX_PROPOSALS || gov.votingPower(id) == 0) return;
        if (gov.openProposals(id) >= gov.params().maxOpenProposals || state.stake < gov.params().rejectFee) return;
        IExecutor.Action[] memory actions = new IExecutor.Action[](topicSeed % 2);
        if (actions.length != 0) {
            actions[0] = IExecutor.Action(GENERAL_TARGET, 0, abi.encodeWithSelector(GENERAL_SELECTOR));
        }
        vm.prank(ownerOf(id));
        uint256 pid = gov.propose(id, actions, "uri", bytes32(0));
        _recordBallots(pid);
    }

    function collectFees() external {
        neurons.collectFees();
    }

    function vote(uint256 proposalSeed, uint256 seed, bool yes) external {
        uint256 pid = _openProposal(proposalSeed);
        (uint32 id,) = _neuron(seed);
        if (pid == 0 || id == 0) return;
        if (gov.ballot(pid, id) != IGovernance.Vote.None || gov.votingPowerAt(pid, id) == 0) return;
        vm.prank(ownerOf(id));
        gov.vote(pid, id, yes);
        _recordBallots(pid);
    }

    function resolve(uint256 proposalSeed, uint256 batchSeed) external {
        uint256 pid = _openProposal(proposalSeed);
        if (pid == 0) return;
        uint32[] memory batch = new uint32[](batchSeed % 32);
        for (uint256 i; i < batch.length; ++i) {
            batch[i] = uint32(uint256(keccak256(abi.encode(batchSeed, i))) % (MAX_NEURONS + 2));
        }
        IGovernance.Vote[] memory expected = _reference(pid, batch);
        uint256 resolved = gov.resolveFollowers(pid, batch);
        uint256 written;
        for (uint32 n = 1; n < expected.length; ++n) {
            assertEq(uint256(gov.ballot(pid, n)), uint256(expected[n]), "cascade differs from the NNS reference");
            if (ghostBallot[pid][n] == IGovernance.Vote.None && expected[n] != IGovernance.Vote.None) ++written;
        }
        assertEq(resolved, written, "resolved count");
        cascadeWrites += resolved;
        _recordBallots(pid);
    }

    function settle(uint256 proposalSeed) external {
        uint256 count = gov.proposalCount();
        if (count == 0) return;
        uint256 pid = proposalSeed % count + 1;
        if (gov.proposal(pid).status != IGovernance.ProposalStatus.Open) return;
        if (gov.decision(pid) == IGovernance.ProposalStatus.Open) return;
        gov.settle(pid);
    }

    /// @dev In-test NNS reference: sequentially over the batch, a neuron without a ballot, eligible at creation,
    /// gets yes if more than half of its applicable followees have yes, no if at least half have no.
    function _reference(uint256 pid, uint32[] memory batch) internal view returns (IGovernance.Vote[] memory b) {
        uint32 count = neurons.neuronCount();
        b = new IGovernance.Vote[](count + 1);
        for (uint32 n = 1; n <= count; ++n) {
            b[n] = gov.ballot(pid, n);
        }
        IGovernance.Topic topic = gov.proposal(pid).topic;
        for (uint256 i; i < batch.length; ++i) {
            uint32 n = batch[i];
            if (n == 0 || n > count || b[n] != IGovernance.Vote.None || gov.votingPowerAt(pid, n) == 0) continue;
            uint32[] memory list = gov.followees(n, topic);
            if (list.length == 0 && topic != IGovernance.Topic.Governance) {
                list = gov.followees(n, IGovernance.Topic.CatchAll);
            }
            uint256 yes;
            uint256 no;
            for (uint256 j; j < list.length; ++j) {
                if (b[list[j]] == IGovernance.Vote.Yes) ++yes;
                else if (b[list[j]] == IGovernance.Vote.No) ++no;
            }
            if (list.length == 0) continue;
            if (2 * yes > list.length) b[n] = IGovernance.Vote.Yes;
            else if (2 * no >= list.length) b[n] = IGovernance.Vote.No;
        }
    }

    /// @dev Ballots are written once: a recorded ballot never changes; new ones are recorded.
    function _recordBallots(uint256 pid) internal {
        uint32 count = neurons.neuronCount();
        for (uint32 n = 1; n <= count; ++n) {
            IGovernance.Vote current = gov.ballot(pid, n);
            IGovernance.Vote seen = ghostBallot[pid][n];
            if (seen == IGovernance.Vote.None) ghostBallot[pid][n] = current;
            else assertEq(uint256(current), uint256(seen), "ballot rewritten");
        }
    }
}

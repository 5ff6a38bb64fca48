// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Governance} from "../../contracts/governance/Governance.sol";
import {IExecutor} from "../../contracts/governance/interfaces/IExecutor.sol";
import {IGovernance} from "../../contracts/governance/interfaces/IGovernance.sol";
import {INeurons} from "../../contracts/governance/interfaces/INeurons.sol";
import {IIdentityRegistry} from "../../contracts/token/interfaces/IIdentityRegistry.sol";
import {GovernanceFixture} from "./GovernanceFixture.sol";
import {Target} from "./mocks/Target.sol";

contract GovernanceTest is GovernanceFixture {
    uint32 internal big;
    uint32 internal mid;
    uint32 internal small;

    /// @dev Powers (NNS maximum 2.5x once aged): big 40, mid 35, small 25 => no neuron alone decides early.
    function setUp() public override {
        super.setUp();
        big = _stake(_owner(1), 40 ether, MAX_DELAY);
        mid = _stake(_owner(2), 35 ether, MAX_DELAY);
        small = _stake(_owner(3), 25 ether, MAX_DELAY);
        vm.warp(block.timestamp + MAX_AGE + 2 * EPOCH);
        _register(address(target), Target.set.selector, IGovernance.Topic.General);
        _register(address(target), Target.refuse.selector, IGovernance.Topic.General);
    }

    function _vote(uint256 proposalId, uint32 neuronId, bool yes) internal {
        vm.prank(_owner(neuronId));
        gov.vote(proposalId, neuronId, yes);
    }

    // ---------------------------------------------------------------- constructor and params

    function test_constructor_revertsOnInvalidWindows() public {
        IGovernance.Windows memory bad = IGovernance.Windows(PERIOD, PERIOD + 1);
        vm.expectRevert(abi.encodeWithSelector(IGovernance.GovernanceInvalidWindows.selector, bad));
        new Governance(token, IIdentityRegistry(address(registry)), _neuronConfig(), bad, _defaultParams());
    }

    function test_setParams_revertsForOthers() public {
        vm.expectRevert(abi.encodeWithSelector(IGovernance.GovernanceOnlyExecutor.selector, address(this)));
        gov.setParams(_defaultParams());
    }

    function test_setParams_revertsAboveCaps() public {
        IGovernance.Params memory bad = IGovernance.Params(20_001, 0, 1, 0, 0, WINDOW);
        vm.expectRevert(abi.encodeWithSelector(IGovernance.GovernanceInvalidParams.selector, bad));
        vm.prank(executor);
        gov.setParams(bad);
    }

    function test_setParams_revertsForZeroExecutionWindow() public {
        IGovernance.Params memory bad = IGovernance.Params(0, 0, 1, 0, 0, 0);
        vm.expectRevert(abi.encodeWithSelector(IGovernance.GovernanceInvalidParams.selector, bad));
        vm.prank(executor);
        gov.setParams(bad);
    }

    function test_setParams_zeroBonusesGiveOneShareOneVote() public {
        vm.prank(executor);
        gov.setParams(IGovernance.Params(0, 0, MAX_OPEN, TIMELOCK, FEE, WINDOW));
        assertEq(gov.votingPower(big), 40 ether);
        assertEq(gov.totalVotingPower(), 100 ether);
    }

    function test_setParams_throughAnAdoptedProposal() public {
        IExecutor.Action[] memory actions = new IExecutor.Action[](1);
        IGovernance.Params memory next = IGovernance.Params(5000, 0, 1, 0, 0, WINDOW);
        actions[0] = IExecutor.Action(address(gov), 0, abi.encodeCall(IGovernance.setParams, (next)));
        vm.prank(_owner(big));
        uint256 id = gov.propose(big, actions, "uri", bytes32(0));
        _vote(id, mid, true);
        gov.settle(id);
        vm.warp(block.timestamp + TIMELOCK);
        gov.execute(id, actions);
        assertEq(abi.encode(gov.params()), abi.encode(next));
    }

    // ---------------------------------------------------------------- propose

    function test_propose_fixesPowerChargesFeeAgainstStakeAndVotesYes() public {
        uint256 neuronsBalance = token.balanceOf(address(neurons));
        vm.expectEmit(address(gov));
        emit IGovernance.VoteCast(1, big, true, 100 ether);
        vm.prank(_owner(big));
        uint256 id = gov.propose(big, _actions(1), "ipfs://x", keccak256("x"));

        IGovernance.ProposalView memory p = gov.proposal(id);
        assertEq(p.yes, 100 ether);
        assertEq(p.no, 0);
        assertEq(p.totalPower, 250 ether);
        assertEq(p.deadline, block.timestamp + PERIOD);
        assertEq(p.rejectFee, FEE);
        assertEq(p.proposer, _owner(big));
        assertEq(p.actionsHash, keccak256(abi.encode(_actions(1))));
        assertEq(uint256(gov.ballot(id, big)), uint256(IGovernance.Vote.Yes));
        assertEq(uint256(p.topic), uint256(IGovernance.Topic.General));
        // The fee is charged against the neuron's stake; no token moves.
        assertEq(neurons.pendingFees(big), FEE);
        assertEq(token.balanceOf(address(neurons)), neuronsBalance);
        assertEq(token.balanceOf(address(gov)), 0);
        assertEq(gov.openProposals(big), 1);
        assertEq(uint256(gov.decision(id)), uint256(IGovernance.ProposalStatus.Open));
    }

    function test_propose_byHotKey() public {
        address hot = makeAddr("hot");
        vm.prank(_owner(big));
        neurons.setHotKey(big, hot);
        vm.prank(hot);
        uint256 id = gov.propose(big, _actions(1), "", bytes32(0));
        assertEq(gov.proposal(id).proposer, hot);
    }

    /// @dev Issue 15 case 1: the topic follows from the actions; the proposer has no say.
    function test_propose_derivesTopicFromActions() public {
        IExecutor.Action[] memory actions = new IExecutor.Action[](1);
        actions[0] = IExecutor.Action(address(gov), 0, abi.encodeCall(IGovernance.setParams, (_defaultParams())));
        vm.prank(_owner(big));
        uint256 id = gov.propose(big, actions, "", bytes32(0));
        assertEq(uint256(gov.proposal(id).topic), uint256(IGovernance.Topic.Governance));
        vm.prank(_owner(big));
        id = gov.propose(big, new IExecutor.Action[](0), "", bytes32(0));
        assertEq(uint256(gov.proposal(id).topic), uint256(IGovernance.Topic.Governance), "a motion");
    }

    /// @dev Issue 15 case 1: a setParams action filed next to a General action cannot ride the General topic.
    function test_propose_revertsForMixedTopics() public {
        IExecutor.Action[] memory actions = new IExecutor.Action[](2);
        actions[0] = _actions(1)[0];
        actions[1] = IExecutor.Action(address(gov), 0, abi.encodeCall(IGovernance.setParams, (_defaultParams())));
        vm.expectRevert(
            abi.encodeWithSelector(
                IGovernance.GovernanceMixedTopics.selector,
                1,
                address(gov),
                IGovernance.setParams.selector,
                IGovernance.Topic.Governance,
                IGovernance.Topic.General
            )
        );
        vm.prank(_owner(big));
        gov.propose(big, actions, "", bytes32(0));
    }

    function test_propose_revertsForUnregisteredAction() public {
        IExecutor.Action[] memory actions = new IExecutor.Action[](2);
        actions[0] = _actions(1)[0];
        actions[1] = IExecutor.Action(address(target), 1 ether, "");
        vm.expectRevert(
            abi.encodeWithSelector(IGovernance.GovernanceUnregisteredAction.selector, 1, address(target), bytes4(0))
        );
        vm.prank(_owner(big));
        gov.propose(big, actions, "", bytes32(0));
    }

    function test_propose_revertsWhenStakeBelowFee() public {
        vm.prank(executor);
        gov.setParams(IGovernance.Params(10_000, 2500, MAX_OPEN, TIMELOCK, 30 ether, WINDOW));
        vm.prank(_owner(big));
        gov.propose(big, _actions(1), "", bytes32(0));
        vm.expectRevert(abi.encodeWithSelector(INeurons.NeuronsInsufficientStake.selector, big, 10 ether, 30 ether));
        vm.prank(_owner(big));
        gov.propose(big, _actions(1), "", bytes32(0));
    }

    // ---------------------------------------------------------------- action topics

    function test_setActionTopics_registrarSetsAndClears() public {
        vm.expectEmit(address(gov));
        emit IGovernance.ActionTopicSet(address(target), Target.set.selector, IGovernance.Topic.Oracle);
        _register(address(target), Target.set.selector, IGovernance.Topic.Oracle);
        (bool registered, IGovernance.Topic topic) = gov.actionTopic(address(target), Target.set.selector);
        assertTrue(registered);
        assertEq(uint256(topic), uint256(IGovernance.Topic.Oracle));
        _register(address(target), Target.set.selector, IGovernance.Topic.CatchAll);
        (registered,) = gov.actionTopic(address(target), Target.set.selector);
        assertFalse(registered);
    }

    function test_setActionTopics_revertsForOthersAndAfterRenounce() public {
        IGovernance.ActionTopic[] memory entries = new IGovernance.ActionTopic[](1);
        entries[0] = IGovernance.ActionTopic(address(target), Target.set.selector, IGovernance.Topic.General);
        vm.expectRevert(abi.encodeWithSelector(IGovernance.GovernanceOnlyRegistrar.selector, _owner(1)));
        vm.prank(_owner(1));
        gov.setActionTopics(entries);

        vm.expectEmit(address(gov));
        emit IGovernance.RegistrarRenounced(address(this));
        gov.renounceRegistrar();
        assertEq(gov.registrar(), address(0));
        vm.expectRevert(abi.encodeWithSelector(IGovernance.GovernanceOnlyRegistrar.selector, address(this)));
        gov.setActionTopics(entries);
        vm.expectRevert(abi.encodeWithSelector(IGovernance.GovernanceOnlyRegistrar.selector, address(this)));
        gov.renounceRegistrar();
    }

    /// @dev After the registrar renounced, only an adopted Governance-topic proposal changes the registry.
    function test_setActionTopics_throughGovernanceProposal() public {
        gov.renounceRegistrar();
        IGovernance.ActionTopic[] memory entries = new IGovernance.ActionTopic[](1);
        entries[0] = IGovernance.ActionTopic(address(target), Target.set.selector, IGovernance.Topic.Treasury);
        IExecutor.Action[] memory actions = new IExecutor.Action[](1);
        actions[0] = IExecutor.Action(address(gov), 0, abi.encodeCall(IGovernance.setActionTopics, (entries)));
        vm.prank(_owner(big));
        uint256 id = gov.propose(big, actions, "", bytes32(0));
        assertEq(uint256(gov.proposal(id).topic), uint256(IGovernance.Topic.Governance));
        _vote(id, mid, true);
        gov.settle(id);
        vm.warp(block.timestamp + TIMELOCK);
        gov.execute(id, actions);
        assertEq(uint256(gov.topicOf(_actions(1))), uint256(IGovernance.Topic.Treasury));
    }

    function test_propose_revertsWhenNotController() public {
        vm.expectRevert(abi.encodeWithSelector(IGovernance.GovernanceNotNeuronController.selector, big, address(this)));
        gov.propose(big, _actions(1), "", bytes32(0));
    }

    function test_propose_revertsWhenNotEligible() public {
        uint32 young = _stake(_owner(4), 1 ether, MIN_DELAY - EPOCH);
        vm.expectRevert(abi.encodeWithSelector(IGovernance.GovernanceNeuronNotEligible.selector, young));
        vm.prank(_owner(young));
        gov.propose(young, _actions(1), "", bytes32(0));
    }

    function test_propose_revertsAboveOpenLimit() public {
        for (uint256 i; i < MAX_OPEN; ++i) {
            _propose(_owner(small), small, IGovernance.Topic.General);
        }
        vm.expectRevert(abi.encodeWithSelector(IGovernance.GovernanceTooManyOpenProposals.selector, small, MAX_OPEN));
        vm.prank(_owner(small));
        gov.propose(small, _actions(1), "", bytes32(0));
    }

    // ---------------------------------------------------------------- vote

    function test_vote_writesBallotAndTally() public {
        uint256 id = _propose(_owner(big), big, IGovernance.Topic.General);
        vm.expectEmit(address(gov));
        emit IGovernance.VoteCast(id, small, false, 62.5 ether);
        _vote(id, small, false);
        assertEq(uint256(gov.ballot(id, small)), uint256(IGovernance.Vote.No));
        assertEq(gov.proposal(id).no, 62.5 ether);
    }

    function test_vote_revertsWhenAlreadyVoted() public {
        uint256 id = _propose(_owner(big), big, IGovernance.Topic.General);
        vm.expectRevert(abi.encodeWithSelector(IGovernance.GovernanceAlreadyVoted.selector, id, big));
        _vote(id, big, false);
    }

    function test_vote_revertsForUnknownProposal() public {
        vm.expectRevert(abi.encodeWithSelector(IGovernance.GovernanceUnknownProposal.selector, 7));
        _vote(7, big, true);
    }

    function test_vote_revertsAfterDeadline() public {
        uint256 id = _propose(_owner(big), big, IGovernance.Topic.General);
        uint256 deadline = gov.proposal(id).deadline;
        vm.warp(deadline);
        vm.expectRevert(abi.encodeWithSelector(IGovernance.GovernanceVotingClosed.selector, id, deadline));
        _vote(id, small, true);
    }

    function test_vote_revertsWhenNotController() public {
        uint256 id = _propose(_owner(big), big, IGovernance.Topic.General);
        vm.expectRevert(
            abi.encodeWithSelector(IGovernance.GovernanceNotNeuronController.selector, small, address(this))
        );
        gov.vote(id, small, true);
    }

    function test_vote_revertsForNeuronCreatedAfterProposal() public {
        uint256 id = _propose(_owner(big), big, IGovernance.Topic.General);
        uint32 late = _stake(_owner(4), 1 ether, MAX_DELAY);
        vm.expectRevert(abi.encodeWithSelector(IGovernance.GovernanceNeuronNotEligible.selector, late));
        _vote(id, late, true);
    }

    function test_vote_usesPowerFixedAtCreation() public {
        uint256 id = _propose(_owner(big), big, IGovernance.Topic.General);
        token.mint(_owner(small), 100 ether);
        vm.startPrank(_owner(small));
        token.approve(address(neurons), 100 ether);
        neurons.increaseStake(small, 100 ether);
        neurons.startDissolving(small);
        vm.stopPrank();
        _vote(id, small, true);
        assertEq(gov.votingPowerAt(id, small), 62.5 ether);
        assertEq(gov.proposal(id).yes, 162.5 ether);
    }

    // ---------------------------------------------------------------- decision and wait-for-quiet

    function test_decision_adoptsEarlyAboveHalf() public {
        uint256 id = _propose(_owner(big), big, IGovernance.Topic.General);
        _vote(id, small, true);
        assertEq(uint256(gov.decision(id)), uint256(IGovernance.ProposalStatus.Adopted));
    }

    function test_decision_rejectsEarlyAtHalf() public {
        _stake(_owner(4), 40 ether, MAX_DELAY);
        vm.warp(block.timestamp + MAX_AGE + 2 * EPOCH);
        uint256 id = _propose(_owner(small), small, IGovernance.Topic.General);
        _vote(id, big, false);
        _vote(id, 4, false);
        assertEq(uint256(gov.decision(id)), uint256(IGovernance.ProposalStatus.Rejected));
    }

    function test_decision_atDeadlineNeedsMajorityAndMinimumShare() public {
        uint256 id = _propose(_owner(small), small, IGovernance.Topic.General);
        vm.warp(gov.proposal(id).deadline - 1);
        assertEq(uint256(gov.decision(id)), uint256(IGovernance.ProposalStatus.Open));
        vm.warp(gov.proposal(id).deadline);
        assertEq(uint256(gov.decision(id)), uint256(IGovernance.ProposalStatus.Adopted));
    }

    function test_decision_atDeadlineRejectsBelowMinimumShare() public {
        uint32 dust = _stake(_owner(4), 0.1 ether, MAX_DELAY);
        vm.warp(block.timestamp + 30 days);
        uint256 id = _propose(_owner(dust), dust, IGovernance.Topic.General);
        vm.warp(gov.proposal(id).deadline);
        assertEq(uint256(gov.decision(id)), uint256(IGovernance.ProposalStatus.Rejected));
    }

    function test_vote_flipExtendsDeadlineByWaitForQuiet() public {
        uint256 id = _propose(_owner(small), small, IGovernance.Topic.General);
        uint256 createdAt = block.timestamp;
        vm.warp(createdAt + 3 days);
        uint256 expected = createdAt + W + (PERIOD + 3 days) / 2;
        vm.expectEmit(address(gov));
        emit IGovernance.DeadlineExtended(id, expected);
        _vote(id, mid, false);
        assertEq(gov.proposal(id).deadline, expected);
    }

    function test_vote_lateFlipsStayBelowCap() public {
        uint256 id = _propose(_owner(small), small, IGovernance.Topic.General);
        uint256 createdAt = block.timestamp;
        vm.warp(createdAt + PERIOD - 1);
        _vote(id, mid, false);
        uint256 first = gov.proposal(id).deadline;
        assertEq(first, createdAt + W + (2 * PERIOD - 1) / 2);
        vm.warp(first - 1);
        _vote(id, big, true);
        assertEq(gov.proposal(id).deadline, createdAt + W + (PERIOD + first - 1 - createdAt) / 2);
        assertLe(gov.proposal(id).deadline, createdAt + PERIOD + 2 * W);
    }

    function test_vote_withoutFlipKeepsDeadline() public {
        uint256 id = _propose(_owner(small), small, IGovernance.Topic.General);
        uint256 deadline = gov.proposal(id).deadline;
        vm.warp(block.timestamp + 1 days);
        _vote(id, mid, true);
        assertEq(gov.proposal(id).deadline, deadline);
    }

    // ---------------------------------------------------------------- settle

    function test_settle_adoptedRefundsFee() public {
        uint256 id = _propose(_owner(big), big, IGovernance.Topic.General);
        _vote(id, small, true);
        vm.expectEmit(address(gov));
        emit IGovernance.ProposalSettled(
            id, true, 162.5 ether, 0, block.timestamp + TIMELOCK, block.timestamp + TIMELOCK + WINDOW
        );
        gov.settle(id);
        (,, INeurons.NeuronState memory state) = neurons.neuron(big);
        assertEq(state.stake, 40 ether, "stake whole");
        assertEq(neurons.pendingFees(big), 0);
        assertEq(neurons.keptFees(), 0);
        assertEq(gov.openProposals(big), 0);
        assertEq(uint256(gov.proposal(id).status), uint256(IGovernance.ProposalStatus.Adopted));
        assertEq(gov.proposal(id).decidedAt, block.timestamp);
        assertEq(gov.proposal(id).readyAt, block.timestamp + TIMELOCK);
        assertEq(gov.proposal(id).expiresAt, block.timestamp + TIMELOCK + WINDOW);
    }

    function test_settle_rejectedKeepsFeeInTreasury() public {
        uint256 id = _propose(_owner(small), small, IGovernance.Topic.General);
        _vote(id, big, false);
        _vote(id, mid, false);
        gov.settle(id);
        (,, INeurons.NeuronState memory state) = neurons.neuron(small);
        assertEq(state.stake, 25 ether - FEE, "fee kept");
        assertEq(neurons.pendingFees(small), 0);
        assertEq(neurons.keptFees(), FEE);
        assertEq(gov.votingPower(small), (25 ether - FEE) * 5 / 2);
        assertEq(uint256(gov.proposal(id).status), uint256(IGovernance.ProposalStatus.Rejected));
        assertEq(gov.proposal(id).readyAt, 0);

        vm.expectEmit(address(neurons));
        emit INeurons.FeesCollected(executor, FEE);
        assertEq(neurons.collectFees(), FEE);
        assertEq(token.balanceOf(executor), FEE);
        assertEq(neurons.keptFees(), 0);
    }

    /// @dev A charged fee holds the stake until the proposal is settled, which anyone may do once it is decided.
    function test_disburse_waitsForSettlementOfPendingFees() public {
        uint256 id = _propose(_owner(small), small, IGovernance.Topic.General);
        vm.startPrank(_owner(small));
        neurons.startDissolving(small);
        vm.warp(block.timestamp + MAX_DELAY + EPOCH);
        vm.expectRevert(abi.encodeWithSelector(INeurons.NeuronsFeesPending.selector, small, FEE));
        neurons.disburse(small);
        vm.stopPrank();
        gov.settle(id);
        vm.prank(_owner(small));
        neurons.disburse(small);
        assertEq(token.balanceOf(_owner(small)), 25 ether);
    }

    function test_feeFunctions_revertForOthers() public {
        vm.expectRevert(abi.encodeWithSelector(INeurons.NeuronsOnlyGovernance.selector, address(this)));
        neurons.chargeFee(big, 1);
        vm.expectRevert(abi.encodeWithSelector(INeurons.NeuronsOnlyGovernance.selector, address(this)));
        neurons.refundFee(big, 1);
        vm.expectRevert(abi.encodeWithSelector(INeurons.NeuronsOnlyGovernance.selector, address(this)));
        neurons.keepFee(big, 1);
    }

    function test_settle_revertsWhenUndecided() public {
        uint256 id = _propose(_owner(small), small, IGovernance.Topic.General);
        vm.expectRevert(abi.encodeWithSelector(IGovernance.GovernanceNotDecided.selector, id));
        gov.settle(id);
    }

    function test_settle_revertsWhenSettled() public {
        uint256 id = _propose(_owner(big), big, IGovernance.Topic.General);
        _vote(id, small, true);
        gov.settle(id);
        vm.expectRevert(
            abi.encodeWithSelector(
                IGovernance.GovernanceAlreadySettled.selector, id, IGovernance.ProposalStatus.Adopted
            )
        );
        gov.settle(id);
    }

    function test_settle_revertsForUnknownProposal() public {
        vm.expectRevert(abi.encodeWithSelector(IGovernance.GovernanceUnknownProposal.selector, 3));
        gov.settle(3);
    }

    function test_vote_revertsAfterSettlement() public {
        uint256 id = _propose(_owner(big), big, IGovernance.Topic.General);
        _vote(id, small, true);
        gov.settle(id);
        uint256 deadline = gov.proposal(id).deadline;
        vm.expectRevert(abi.encodeWithSelector(IGovernance.GovernanceVotingClosed.selector, id, deadline));
        _vote(id, mid, true);
    }

    // ---------------------------------------------------------------- execute

    function _adopted() internal returns (uint256 id) {
        id = _propose(_owner(big), big, IGovernance.Topic.General);
        _vote(id, small, true);
        gov.settle(id);
    }

    function test_execute_runsActionsThroughExecutor() public {
        uint256 id = _adopted();
        vm.warp(block.timestamp + TIMELOCK);
        vm.expectEmit(address(gov));
        emit IGovernance.ProposalExecuted(id);
        gov.execute(id, _actions(42));
        assertEq(target.value(), 42);
        assertEq(target.lastCaller(), executor);
        assertEq(uint256(gov.decision(id)), uint256(IGovernance.ProposalStatus.Executed));
    }

    function test_execute_revertsBeforeTimelock() public {
        uint256 id = _adopted();
        vm.expectRevert(
            abi.encodeWithSelector(IGovernance.GovernanceTimelocked.selector, id, block.timestamp + TIMELOCK)
        );
        gov.execute(id, _actions(42));
    }

    /// @dev Issue 15 case 3: an adopted proposal expires after its execution window.
    function test_execute_revertsAfterExecutionWindow() public {
        uint256 id = _adopted();
        uint256 expiresAt = block.timestamp + TIMELOCK + WINDOW;
        vm.warp(expiresAt - 1);
        assertEq(uint256(gov.decision(id)), uint256(IGovernance.ProposalStatus.Adopted));
        vm.warp(expiresAt);
        assertEq(uint256(gov.decision(id)), uint256(IGovernance.ProposalStatus.Expired));
        vm.expectRevert(abi.encodeWithSelector(IGovernance.GovernanceExpired.selector, id, expiresAt));
        gov.execute(id, _actions(42));
    }

    /// @dev Issue 15 case 3: the timelock is fixed when the proposal is settled, not read at execution.
    function test_execute_timelockFixedAtSettlement() public {
        uint256 id = _adopted();
        uint256 readyAt = block.timestamp + TIMELOCK;
        vm.prank(executor);
        gov.setParams(IGovernance.Params(10_000, 2500, MAX_OPEN, 30 days, FEE, WINDOW));
        vm.warp(readyAt);
        gov.execute(id, _actions(42));
        assertEq(target.value(), 42);
    }

    function test_execute_revertsOnOtherActions() public {
        uint256 id = _adopted();
        vm.warp(block.timestamp + TIMELOCK);
        vm.expectRevert(abi.encodeWithSelector(IGovernance.GovernanceActionsMismatch.selector, id));
        gov.execute(id, _actions(43));
    }

    function test_execute_revertsWhenNotAdopted() public {
        uint256 id = _propose(_owner(small), small, IGovernance.Topic.General);
        vm.expectRevert(
            abi.encodeWithSelector(IGovernance.GovernanceNotAdopted.selector, id, IGovernance.ProposalStatus.Open)
        );
        gov.execute(id, _actions(42));
    }

    function test_execute_revertsWhenExecuted() public {
        uint256 id = _adopted();
        vm.warp(block.timestamp + TIMELOCK);
        gov.execute(id, _actions(42));
        vm.expectRevert(
            abi.encodeWithSelector(IGovernance.GovernanceNotAdopted.selector, id, IGovernance.ProposalStatus.Executed)
        );
        gov.execute(id, _actions(42));
    }

    function test_execute_bubblesFailingActionRevertData() public {
        IExecutor.Action[] memory actions = new IExecutor.Action[](2);
        actions[0] = _actions(5)[0];
        actions[1] = IExecutor.Action(address(target), 0, abi.encodeCall(Target.refuse, (7)));
        vm.prank(_owner(big));
        uint256 id = gov.propose(big, actions, "", bytes32(0));
        _vote(id, small, true);
        gov.settle(id);
        vm.warp(block.timestamp + TIMELOCK);
        vm.expectRevert(abi.encodeWithSelector(Target.TargetRefused.selector, 7));
        gov.execute(id, actions);
        assertEq(target.value(), 0);
        assertEq(uint256(gov.proposal(id).status), uint256(IGovernance.ProposalStatus.Adopted));
    }

    function test_executorExecute_revertsForOthers() public {
        vm.expectRevert(abi.encodeWithSelector(IExecutor.ExecutorUnauthorized.selector, address(this)));
        IExecutor(executor).execute(_actions(1));
    }
}

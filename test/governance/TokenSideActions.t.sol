// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Governance} from "../../contracts/governance/Governance.sol";
import {Neurons} from "../../contracts/governance/Neurons.sol";
import {IExecutor} from "../../contracts/governance/interfaces/IExecutor.sol";
import {IGovernance} from "../../contracts/governance/interfaces/IGovernance.sol";
import {INeurons} from "../../contracts/governance/interfaces/INeurons.sol";
import {TokenRoles} from "../../contracts/token/TokenRoles.sol";
import {ICompliance} from "../../contracts/token/interfaces/ICompliance.sol";
import {ISecurityToken} from "../../contracts/token/interfaces/ISecurityToken.sol";
import {TokenFixture} from "../token/TokenFixture.sol";
import {IAccessManager} from "@openzeppelin/contracts/access/manager/IAccessManager.sol";

/// @notice Issue 15 case 2: governance staking the real security token. No token-side action (pause, frozen
/// proposer, voter, neurons, governance or executor wallets, AML flag, lapsed KYC, max holders, max balance) stops an
/// adopted proposal from being proposed, settled and executed: propose, vote, settle and execute move no token (the
/// reject fee is charged against the proposer neuron's stake).
contract TokenSideActionsTest is TokenFixture {
    uint96 internal constant FEE = 10;

    Governance internal gov;
    Neurons internal neurons;
    address internal executor;
    uint32 internal aliceNeuron;
    uint32 internal bobNeuron;

    function setUp() public override {
        super.setUp();
        gov = new Governance(
            token,
            registry,
            INeurons.Config(1 days, 8 * 365 days, 4 * 365 days, 180 days),
            IGovernance.Windows(1 days, 12 hours),
            IGovernance.Params(10_000, 2500, 3, 1 hours, FEE, 7 days)
        );
        neurons = Neurons(address(gov.neurons()));
        executor = address(gov.executor());
        IGovernance.ActionTopic[] memory entries = new IGovernance.ActionTopic[](2);
        entries[0] =
            IGovernance.ActionTopic(address(token), ISecurityToken.unpause.selector, IGovernance.Topic.TokenCompliance);
        entries[1] =
            IGovernance.ActionTopic(address(manager), IAccessManager.revokeRole.selector, IGovernance.Topic.Governance);
        gov.setActionTopics(entries);
        gov.renounceRegistrar();

        vm.startPrank(officer);
        token.setSystemHolder(address(neurons), true);
        token.setSystemHolder(executor, true);
        vm.stopPrank();
        // The executor is the AccessManager's admin and holds the agent role.
        manager.grantRole(0, executor, 0);
        manager.grantRole(TokenRoles.AGENT, executor, 0);

        _verify(alice);
        _verify(bob);
        _mint(alice, 1000);
        _mint(bob, 1000);
        aliceNeuron = _stakeAll(alice);
        bobNeuron = _stakeAll(bob);
    }

    function _stakeAll(address owner) internal returns (uint32 neuronId) {
        vm.startPrank(owner);
        token.approve(address(neurons), 1000);
        neuronId = neurons.stake(1000, 8 * 365 days);
        vm.stopPrank();
    }

    /// @dev Everything the token's agent and compliance roles can do against governance: pause; freeze the
    /// proposer, the voter, neurons, governance and the executor; AML-flag the proposer; one holder and one token at
    /// most; then the KYC of both stakers lapses.
    function _lockDown() internal {
        vm.startPrank(agent);
        token.pause();
        token.setAddressFrozen(alice, true);
        token.setAddressFrozen(bob, true);
        token.setAddressFrozen(address(neurons), true);
        token.setAddressFrozen(address(gov), true);
        token.setAddressFrozen(executor, true);
        vm.stopPrank();
        vm.startPrank(officer);
        registry.setAmlFlag(registry.identityOf(alice), true);
        token.setLimits(1, 1);
        vm.stopPrank();
        vm.warp(block.timestamp + KYC_VALIDITY + 1);
        assertFalse(registry.isVerified(alice));
        assertFalse(registry.isVerified(bob));
    }

    /// @dev Alice proposes `actions`, Bob votes yes, anyone settles and, after the timelock, executes.
    function _adoptAndExecute(IExecutor.Action[] memory actions, IGovernance.Topic topic) internal {
        vm.prank(alice);
        uint256 id = gov.propose(aliceNeuron, actions, "", bytes32(0));
        assertEq(uint256(gov.proposal(id).topic), uint256(topic));
        vm.prank(bob);
        gov.vote(id, bobNeuron, true);
        gov.settle(id);
        (,, INeurons.NeuronState memory state) = neurons.neuron(aliceNeuron);
        assertEq(state.stake, 1000, "fee refunded into the stake");
        vm.warp(block.timestamp + 1 hours);
        gov.execute(id, actions);
        assertEq(uint256(gov.decision(id)), uint256(IGovernance.ProposalStatus.Executed));
    }

    function _unpause() internal view returns (IExecutor.Action[] memory actions) {
        actions = new IExecutor.Action[](1);
        actions[0] = IExecutor.Action(address(token), 0, abi.encodeCall(ISecurityToken.unpause, ()));
    }

    /// @dev The agent pauses and locks everything down, then loses its role: the executor alone holds the agent role,
    /// and a proposal made under the lockdown unpauses the token.
    function test_lockDown_executorAloneUnpausesThroughGovernance() public {
        _lockDown();
        manager.revokeRole(TokenRoles.AGENT, agent);
        _adoptAndExecute(_unpause(), IGovernance.Topic.TokenCompliance);
        assertFalse(token.paused());
    }

    /// @dev A rogue agent locks everything down; a proposal revoking its own role passes and executes.
    function test_lockDown_proposalRevokesTheAgentsRole() public {
        _lockDown();
        IExecutor.Action[] memory actions = new IExecutor.Action[](1);
        actions[0] =
            IExecutor.Action(address(manager), 0, abi.encodeCall(IAccessManager.revokeRole, (TokenRoles.AGENT, agent)));
        _adoptAndExecute(actions, IGovernance.Topic.Governance);
        (bool isAgent,) = manager.hasRole(TokenRoles.AGENT, agent);
        assertFalse(isAgent);
        (bool executorIsAgent,) = manager.hasRole(TokenRoles.AGENT, executor);
        assertTrue(executorIsAgent);
    }

    /// @dev A rejected proposal under the lockdown settles too; only collecting the kept fee waits for the token.
    function test_lockDown_rejectedProposalSettlesAndFeeWaitsForTheToken() public {
        _lockDown();
        vm.prank(alice);
        uint256 id = gov.propose(aliceNeuron, _unpause(), "", bytes32(0));
        vm.prank(bob);
        gov.vote(id, bobNeuron, false);
        vm.warp(gov.proposal(id).deadline);
        gov.settle(id);
        assertEq(neurons.keptFees(), FEE);
        vm.expectRevert(abi.encodeWithSelector(ICompliance.TransfersPaused.selector, address(neurons), executor));
        neurons.collectFees();
        assertEq(neurons.keptFees(), FEE);
    }
}

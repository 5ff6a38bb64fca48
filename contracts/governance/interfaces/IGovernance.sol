// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IExecutor} from "./IExecutor.sol";
import {INeurons} from "./INeurons.sol";

/// @title IGovernance
/// @notice Governance after DFINITY's Network Nervous System: neurons ({INeurons}) vote directly or follow other
/// neurons per topic, and adopted proposals run through a timelocked {IExecutor}.
/// Voting power of every neuron and the total are fixed when a proposal is created, without a loop over neurons
/// (see contracts/governance/README.md for the model, the storage layout and the total-power scheme).
interface IGovernance {
    // ---------------------------------------------------------------- types

    /// @notice Proposal topics. `CatchAll` is not a proposal topic: it names the catch-all followee list, which
    /// applies to every topic without its own list except `Governance`.
    enum Topic {
        Governance,
        TokenCompliance,
        Oracle,
        Basket,
        Treasury,
        General,
        CatchAll
    }

    /// @notice A ballot; stored in 2 bits per neuron.
    enum Vote {
        None,
        Yes,
        No
    }

    /// @notice Lifecycle of a proposal. Stored: `Open` until {settle}, then `Adopted` or `Rejected`, `Executed` after
    /// {execute}. `Expired` is never stored: {decision} reports it for an adopted proposal not executed within its
    /// execution window.
    enum ProposalStatus {
        Open,
        Adopted,
        Rejected,
        Executed,
        Expired
    }

    /// @notice One entry of the action-topic registry: calls of `selector` on `target` belong to `topic`
    /// (`CatchAll` clears the entry). `selector` is the first four bytes of the call data, zero-padded when shorter.
    struct ActionTopic {
        address target;
        bytes4 selector;
        Topic topic;
    }

    /// @notice Parameters changeable by governance (through the executor), within the caps below.
    /// @param delayBonusBps Bonus at the maximum dissolve delay, basis points (10,000 = +100%, NNS).
    /// @param ageBonusBps Bonus at the maximum age, basis points (2,500 = +25%, NNS).
    /// @param maxOpenProposals Open (unsettled) proposals allowed per proposing neuron.
    /// @param executionDelay Timelock between settlement of an adopted proposal and its execution, seconds; fixed for
    /// a proposal when it is settled.
    /// @param rejectFee Stake charged against the proposer neuron's stake (the NNS's neuron fees); refunded into the
    /// neuron if adopted, kept for the executor if not. No token moves.
    /// @param executionWindow Time after the timelock during which an adopted proposal may be executed, seconds
    /// (non-zero); fixed when it is settled. Past it the proposal is `Expired`.
    struct Params {
        uint16 delayBonusBps;
        uint16 ageBonusBps;
        uint8 maxOpenProposals;
        uint32 executionDelay;
        uint96 rejectFee;
        uint32 executionWindow;
    }

    /// @notice Voting windows fixed at deployment.
    /// @param votingPeriod Initial voting period (NNS 4 days; cap 30 days).
    /// @param waitForQuiet Wait-for-quiet extension W (NNS 2 days), at most the period; deadlines never pass
    /// period + 2W.
    struct Windows {
        uint32 votingPeriod;
        uint32 waitForQuiet;
    }

    /// @notice A proposal as returned by {proposal}.
    struct ProposalView {
        uint256 yes;
        uint256 no;
        uint256 totalPower;
        uint256 createdAt;
        uint256 deadline;
        uint256 decidedAt;
        uint256 readyAt;
        uint256 expiresAt;
        uint256 seq;
        uint256 rejectFee;
        uint32 neuronId;
        address proposer;
        Topic topic;
        ProposalStatus status;
        bytes32 actionsHash;
    }

    // ---------------------------------------------------------------- errors

    /// @notice Thrown by the constructor when the voting period is zero or above its cap or W exceeds it.
    error GovernanceInvalidWindows(Windows windows);
    /// @notice Thrown by {setParams} when a bonus, the execution delay or the execution window exceeds its cap, or
    /// `maxOpenProposals` or `executionWindow` is zero.
    error GovernanceInvalidParams(Params params);
    /// @notice Thrown by {setParams} when called by anyone but the executor.
    error GovernanceOnlyExecutor(address caller);
    /// @notice Thrown by {setActionTopics} when called by anyone but the executor or the registrar (before
    /// {renounceRegistrar}); by {renounceRegistrar} when called by anyone but the registrar.
    error GovernanceOnlyRegistrar(address caller);
    /// @notice Thrown by {propose} when action `index` calls a (target, selector) absent from the registry.
    error GovernanceUnregisteredAction(uint256 index, address target, bytes4 selector);
    /// @notice Thrown by {propose} when action `index` belongs to `topic` while the actions before it belong to
    /// `expected`: a proposal carries one topic.
    error GovernanceMixedTopics(uint256 index, address target, bytes4 selector, Topic topic, Topic expected);
    /// @notice Thrown when an action for the owner or hot key is called by anyone else (or the neuron does not exist).
    error GovernanceNotNeuronController(uint32 neuronId, address caller);
    /// @notice Thrown by {setFollowing} for more than 15 followees.
    error GovernanceTooManyFollowees(uint256 count, uint256 max);
    /// @notice Thrown by {setFollowing} for a followee that does not exist, is the neuron itself, or is repeated.
    error GovernanceInvalidFollowee(uint32 followee);
    /// @notice Thrown when a neuron has no voting power: dissolve delay below `minDelay`, no stake, or (for
    /// {vote}) not existing when the proposal was created.
    error GovernanceNeuronNotEligible(uint32 neuronId);
    /// @notice Thrown by {propose} when the neuron already has `limit` open proposals.
    error GovernanceTooManyOpenProposals(uint32 neuronId, uint256 limit);
    /// @notice Thrown for a proposal id that was never created.
    error GovernanceUnknownProposal(uint256 proposalId);
    /// @notice Thrown by {vote} and {resolveFollowers} after the deadline or once the proposal is settled.
    error GovernanceVotingClosed(uint256 proposalId, uint256 deadline);
    /// @notice Thrown by {vote} when the neuron already has a ballot.
    error GovernanceAlreadyVoted(uint256 proposalId, uint32 neuronId);
    /// @notice Thrown by {settle} when the proposal is not decided yet.
    error GovernanceNotDecided(uint256 proposalId);
    /// @notice Thrown by {settle} when the proposal is already settled.
    error GovernanceAlreadySettled(uint256 proposalId, ProposalStatus status);
    /// @notice Thrown by {execute} when the proposal's stored status is not `Adopted`.
    error GovernanceNotAdopted(uint256 proposalId, ProposalStatus status);
    /// @notice Thrown by {execute} before the timelock has elapsed.
    error GovernanceTimelocked(uint256 proposalId, uint256 readyAt);
    /// @notice Thrown by {execute} when the actions differ from the proposed ones.
    error GovernanceActionsMismatch(uint256 proposalId);
    /// @notice Thrown by {execute} once the execution window has passed (`expiredAt` = readyAt + executionWindow).
    error GovernanceExpired(uint256 proposalId, uint256 expiredAt);

    // ---------------------------------------------------------------- events

    /// @notice Emitted by {setParams} (and at deployment).
    event ParamsSet(Params params);
    /// @notice Emitted for each registry entry set by {setActionTopics} (and at deployment for Governance's own
    /// functions); `topic` `CatchAll` means the entry was cleared.
    event ActionTopicSet(address indexed target, bytes4 indexed selector, Topic topic);
    /// @notice Emitted by {renounceRegistrar}: from now on only Governance-topic proposals change the registry.
    event RegistrarRenounced(address registrar);
    /// @notice Emitted by {setFollowing}: the complete followee list of `neuronId` for `topic` (empty clears it).
    event FollowingSet(uint32 indexed neuronId, Topic indexed topic, uint32[] followees);
    /// @notice Emitted by {propose}; a {VoteCast} for the proposer's neuron follows.
    event ProposalCreated(
        uint256 indexed proposalId,
        uint32 indexed neuronId,
        Topic indexed topic,
        address proposer,
        IExecutor.Action[] actions,
        string summaryURI,
        bytes32 summaryHash,
        uint256 totalPower,
        uint256 deadline
    );
    /// @notice Emitted for a direct ballot ({vote}, and the proposer's automatic yes in {propose}).
    event VoteCast(uint256 indexed proposalId, uint32 indexed neuronId, bool yes, uint256 power);
    /// @notice Emitted by {resolveFollowers} for each ballot derived from following. `decidedBy` holds the followees
    /// that decided it: the first floor(n/2)+1 yes (or ceil(n/2) no) ballots of the applicable list of n followees,
    /// in list order, as 32-bit neuron ids packed from the low bits (at most 8; unused bits zero).
    event FollowerResolved(
        uint256 indexed proposalId, uint32 indexed neuronId, bool yes, uint256 power, uint256 decidedBy
    );
    /// @notice Emitted when wait-for-quiet moves the deadline.
    event DeadlineExtended(uint256 indexed proposalId, uint256 deadline);
    /// @notice Emitted by {settle}: the fee went back into the proposer neuron's stake (`adopted`) or was kept for the
    /// executor. An adopted proposal may be executed from `readyAt` until before `expiresAt` (0 and 0 if rejected).
    event ProposalSettled(
        uint256 indexed proposalId, bool adopted, uint256 yes, uint256 no, uint256 readyAt, uint256 expiresAt
    );
    /// @notice Emitted by {execute} before the executor runs the actions.
    event ProposalExecuted(uint256 indexed proposalId);

    // ---------------------------------------------------------------- following

    /// @notice Replaces the neuron's followee list for `topic` (`CatchAll` for the catch-all list). At most 15
    /// existing neurons, no repeats, not itself ({GovernanceTooManyFollowees}, {GovernanceInvalidFollowee}).
    /// Owner or hot key. Emits {FollowingSet}.
    function setFollowing(uint32 neuronId, Topic topic, uint32[] calldata followees) external;

    // ---------------------------------------------------------------- proposals

    /// @notice Creates a proposal on behalf of neuron `neuronId` (caller: owner or hot key): its topic follows from
    /// its actions ({topicOf}), the total voting power and the neuron's are fixed, the neuron's yes ballot is cast,
    /// then the reject fee is charged against the neuron's stake (no token moves). Reverts with
    /// {GovernanceUnregisteredAction}, {GovernanceMixedTopics}, {GovernanceNotNeuronController},
    /// {GovernanceTooManyOpenProposals}, {GovernanceNeuronNotEligible}, or {INeurons.NeuronsInsufficientStake}.
    function propose(
        uint32 neuronId,
        IExecutor.Action[] calldata actions,
        string calldata summaryURI,
        bytes32 summaryHash
    ) external returns (uint256 proposalId);

    /// @notice Casts neuron `neuronId`'s ballot with its voting power at the proposal's creation (caller: owner or
    /// hot key). Wait-for-quiet may extend the deadline. Reverts with {GovernanceUnknownProposal},
    /// {GovernanceVotingClosed}, {GovernanceNotNeuronController}, {GovernanceAlreadyVoted},
    /// {GovernanceNeuronNotEligible}.
    function vote(uint256 proposalId, uint32 neuronId, bool yes) external;

    /// @notice Writes the ballots that following determines, in order: for each listed neuron without a ballot,
    /// eligible at creation, whose applicable followee list (topic list, else catch-all except for `Governance`)
    /// has more than half yes ballots (yes) or at least half no ballots (no). Ballots written earlier in the batch
    /// count for later neurons. Other neurons are skipped. Callable by anyone; reverts only with
    /// {GovernanceUnknownProposal} / {GovernanceVotingClosed}. Emits {FollowerResolved} per ballot.
    /// @return resolved Number of ballots written.
    function resolveFollowers(uint256 proposalId, uint32[] calldata neuronIds) external returns (uint256 resolved);

    /// @notice Records the decision of a decided proposal (see {decision}): adopted refunds the fee into the proposer
    /// neuron's stake and fixes the execution time and window from the current `executionDelay` and
    /// `executionWindow`; rejected keeps the fee for the executor ({INeurons.collectFees}). Frees the proposer's
    /// open-proposal slot. Moves no token. Callable by anyone. Reverts with {GovernanceNotDecided} /
    /// {GovernanceAlreadySettled}.
    function settle(uint256 proposalId) external;

    /// @notice Executes a settled adopted proposal through the executor from `readyAt` until before `expiresAt` (see
    /// {proposal}). Callable by anyone. Reverts with {GovernanceNotAdopted}, {GovernanceTimelocked},
    /// {GovernanceExpired}, {GovernanceActionsMismatch}, or the failing action's revert data.
    function execute(uint256 proposalId, IExecutor.Action[] calldata actions) external;

    /// @notice Sets the governable parameters. Executor only ({GovernanceOnlyExecutor}); a Governance-topic action.
    function setParams(Params calldata params) external;

    /// @notice Sets entries of the action-topic registry, from which {propose} derives a proposal's topic. The
    /// executor (a Governance-topic action, so only Governance-topic proposals change the registry) or, until it
    /// renounces, the registrar (the deployer, to register the platform's contracts). Emits {ActionTopicSet} per entry.
    /// Reverts with {GovernanceOnlyRegistrar}.
    function setActionTopics(ActionTopic[] calldata entries) external;

    /// @notice The registrar gives up {setActionTopics} for good. Registrar only ({GovernanceOnlyRegistrar}). Emits
    /// {RegistrarRenounced}.
    function renounceRegistrar() external;

    // ---------------------------------------------------------------- views

    /// @notice The neurons module (deployed by this contract).
    function neurons() external view returns (INeurons);
    /// @notice The token staked in neurons and taken as reject fee.
    function stakeToken() external view returns (address);
    /// @notice The timelocked executor holding the platform's privileged roles.
    function executor() external view returns (IExecutor);
    /// @notice Voting windows.
    function windows() external view returns (Windows memory);
    /// @notice Current governable parameters.
    function params() external view returns (Params memory);
    /// @notice The account that may set registry entries besides the executor (zero once renounced).
    function registrar() external view returns (address);
    /// @notice The registry entry of (`target`, `selector`): whether it is registered and its topic.
    function actionTopic(address target, bytes4 selector) external view returns (bool registered, Topic topic);
    /// @notice The topic of a proposal with `actions`: the registry's topic of every action, `Governance` for none
    /// (a motion). Reverts like {propose} with {GovernanceUnregisteredAction} / {GovernanceMixedTopics}.
    function topicOf(IExecutor.Action[] calldata actions) external view returns (Topic);
    /// @notice Number of proposals created; ids are 1..proposalCount.
    function proposalCount() external view returns (uint256);
    /// @notice Open (unsettled) proposals made by neuron `neuronId`.
    function openProposals(uint32 neuronId) external view returns (uint256);
    /// @notice The neuron's followee list for `topic`.
    function followees(uint32 neuronId, Topic topic) external view returns (uint32[] memory);
    /// @notice Current voting power of a neuron (0 if not eligible).
    function votingPower(uint32 neuronId) external view returns (uint256);
    /// @notice Current total voting power of all eligible neurons (what a proposal created now would fix).
    function totalVotingPower() external view returns (uint256);
    /// @notice Voting power of a neuron fixed for `proposalId` (0 if not eligible at creation).
    function votingPowerAt(uint256 proposalId, uint32 neuronId) external view returns (uint256);
    /// @notice A neuron's ballot on a proposal.
    function ballot(uint256 proposalId, uint32 neuronId) external view returns (Vote);
    /// @notice A proposal's stored data.
    function proposal(uint256 proposalId) external view returns (ProposalView memory);
    /// @notice Live outcome: `Adopted` / `Rejected` once decided (early, or at the deadline), else `Open`;
    /// `Executed` after execution; `Expired` for a settled adopted proposal past its execution window.
    function decision(uint256 proposalId) external view returns (ProposalStatus);
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IIdentityRegistry} from "../token/interfaces/IIdentityRegistry.sol";
import {Executor} from "./Executor.sol";
import {Neurons} from "./Neurons.sol";
import {IExecutor} from "./interfaces/IExecutor.sol";
import {IGovernance} from "./interfaces/IGovernance.sol";
import {INeurons} from "./interfaces/INeurons.sol";
import {VotingPower} from "./libraries/VotingPower.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

/// @title Governance
/// @notice Proposals, following and the on-chain verified cascade after DFINITY's NNS, over the {Neurons} module
/// and the timelocked {Executor} that it deploys.
/// @dev See contracts/governance/README.md. Sections: constants and immutables, storage, constructor, following,
/// proposals and ballots, settlement and execution, parameters and action topics, views.
contract Governance is IGovernance {
    using SafeCast for uint256;

    // ---------------------------------------------------------------- constants and immutables

    uint256 private constant MAX_FOLLOWEES = 15;
    /// @dev Followee ids in the first slot of a list (after the 8-bit length); the second slot holds 8 more.
    uint256 private constant IDS_IN_HEAD = 7;
    uint256 private constant MIN_YES_BPS = 300;
    uint256 private constant DELAY_BONUS_CAP_BPS = 20_000;
    uint256 private constant AGE_BONUS_CAP_BPS = 10_000;
    uint256 private constant VOTING_PERIOD_CAP = 30 days;
    uint256 private constant EXECUTION_DELAY_CAP = 30 days;
    uint256 private constant EXECUTION_WINDOW_CAP = 365 days;

    IERC20 private immutable _token;
    /// @inheritdoc IGovernance
    INeurons public immutable neurons;
    /// @inheritdoc IGovernance
    IExecutor public immutable executor;
    uint256 private immutable _maxDelay;
    uint256 private immutable _maxAge;
    uint256 private immutable _minDelay;
    uint256 private immutable _votingPeriod;
    uint256 private immutable _waitForQuiet;

    // ---------------------------------------------------------------- storage

    struct Tally {
        uint128 yes;
        uint128 no;
    }

    /// @dev What {vote} and {resolveFollowers} read besides the tally: one slot.
    struct ProposalCore {
        uint40 createdAt;
        uint40 deadline;
        uint48 seq;
        uint16 delayBonusBps;
        uint16 ageBonusBps;
        Topic topic;
        ProposalStatus status;
        uint32 neuronId;
        uint40 decidedAt;
    }

    /// @dev `readyAt` and `expiresAt` are fixed by {settle} for an adopted proposal.
    struct Proposal {
        Tally tally;
        ProposalCore core;
        uint128 totalPower;
        uint96 rejectFee;
        address proposer;
        uint40 readyAt;
        uint40 expiresAt;
        bytes32 actionsHash;
    }

    Params private _params;
    /// @inheritdoc IGovernance
    uint256 public proposalCount;
    /// @inheritdoc IGovernance
    address public registrar;
    /// @dev Action-topic registry: topic + 1, 0 when unregistered.
    mapping(address target => mapping(bytes4 selector => uint256)) private _actionTopics;

    mapping(uint32 neuronId => uint256) private _openProposals;
    /// @dev Followee lists: word 0 = length (8 bits) + 7 ids (32 bits each), word 1 = 8 ids.
    mapping(uint32 neuronId => mapping(Topic => uint256[2])) private _follow;

    mapping(uint256 proposalId => Proposal) private _proposals;
    /// @dev Ballots, 2 bits per neuron ({Vote}), 128 neurons per word: word `id >> 7`, bits `(id & 127) * 2`.
    mapping(uint256 proposalId => mapping(uint256 word => uint256)) private _ballots;

    // ---------------------------------------------------------------- constructor

    constructor(
        IERC20 token,
        IIdentityRegistry registry,
        INeurons.Config memory neuronConfig,
        Windows memory windows_,
        Params memory params_
    ) {
        if (
            windows_.votingPeriod == 0 || windows_.votingPeriod > VOTING_PERIOD_CAP
                || windows_.waitForQuiet > windows_.votingPeriod
        ) revert GovernanceInvalidWindows(windows_);
        _token = token;
        executor = new Executor(address(this));
        neurons = new Neurons(token, registry, neuronConfig, address(this), address(executor));
        _maxDelay = neuronConfig.maxDelay;
        _maxAge = neuronConfig.maxAge;
        _minDelay = neuronConfig.minDelay;
        _votingPeriod = windows_.votingPeriod;
        _waitForQuiet = windows_.waitForQuiet;
        _setParams(params_);
        registrar = msg.sender;
        _setActionTopic(ActionTopic(address(this), IGovernance.setParams.selector, Topic.Governance));
        _setActionTopic(ActionTopic(address(this), IGovernance.setActionTopics.selector, Topic.Governance));
    }

    function _controlled(uint32 neuronId) private view {
        (address owner, address hotKey) = neurons.controllers(neuronId);
        if (msg.sender != owner && msg.sender != hotKey) revert GovernanceNotNeuronController(neuronId, msg.sender);
    }

    function _horizons() private view returns (VotingPower.Horizons memory) {
        return VotingPower.Horizons(_maxDelay, _maxAge, _minDelay);
    }

    // ---------------------------------------------------------------- following

    /// @inheritdoc IGovernance
    function setFollowing(uint32 neuronId, Topic topic, uint32[] calldata followees_) external {
        _controlled(neuronId);
        uint256 length = followees_.length;
        if (length > MAX_FOLLOWEES) revert GovernanceTooManyFollowees(length, MAX_FOLLOWEES);
        uint256 count = neurons.neuronCount();
        uint256[2] memory words = [length, 0];
        for (uint256 i; i < length; ++i) {
            uint32 f = followees_[i];
            if (f == 0 || f > count || f == neuronId) revert GovernanceInvalidFollowee(f);
            for (uint256 j; j < i; ++j) {
                if (followees_[j] == f) revert GovernanceInvalidFollowee(f);
            }
            if (i < IDS_IN_HEAD) words[0] |= uint256(f) << (8 + 32 * i);
            else words[1] |= uint256(f) << (32 * (i - IDS_IN_HEAD));
        }
        _follow[neuronId][topic] = words;
        emit FollowingSet(neuronId, topic, followees_);
    }

    /// @dev The applicable followee list: the topic's, else the catch-all unless the topic is Governance.
    function _followList(uint32 neuronId, Topic topic) private view returns (uint256[2] storage list, uint256 head) {
        list = _follow[neuronId][topic];
        head = list[0];
        if (head & 0xff == 0 && topic != Topic.Governance) {
            list = _follow[neuronId][Topic.CatchAll];
            head = list[0];
        }
    }

    // ---------------------------------------------------------------- proposals and ballots

    /// @inheritdoc IGovernance
    function propose(
        uint32 neuronId,
        IExecutor.Action[] calldata actions,
        string calldata summaryURI,
        bytes32 summaryHash
    ) external returns (uint256 proposalId) {
        Topic topic = topicOf(actions);
        Params memory p = _params;
        uint256 power;
        uint256 total;
        (proposalId, power, total) = _storeProposal(neuronId, topic, p);
        _proposals[proposalId].actionsHash = keccak256(abi.encode(actions));
        emit ProposalCreated(
            proposalId,
            neuronId,
            topic,
            msg.sender,
            actions,
            summaryURI,
            summaryHash,
            total,
            block.timestamp + _votingPeriod
        );
        emit VoteCast(proposalId, neuronId, true, power);
        if (p.rejectFee != 0) neurons.chargeFee(neuronId, p.rejectFee);
    }

    /// @dev Checks the caller controls an eligible neuron below its open-proposal limit, takes a slot of that limit
    /// and returns the neuron's power now.
    function _admitProposer(uint32 neuronId, uint256 seq, Params memory p) private returns (uint256 power) {
        _controlled(neuronId);
        uint256 open = _openProposals[neuronId];
        if (open >= p.maxOpenProposals) revert GovernanceTooManyOpenProposals(neuronId, p.maxOpenProposals);
        power = _powerOf(neuronId, seq, block.timestamp, p.delayBonusBps, p.ageBonusBps);
        if (power == 0) revert GovernanceNeuronNotEligible(neuronId);
        _openProposals[neuronId] = open + 1;
    }

    /// @dev Fixes the total power and stores a new proposal (without its actions hash) with the proposer's yes ballot.
    function _storeProposal(uint32 neuronId, Topic topic, Params memory p)
        private
        returns (uint256 proposalId, uint256 power, uint256 total)
    {
        (uint256 seq, uint256[4] memory sums) = neurons.snapshot();
        power = _admitProposer(neuronId, seq, p);
        total = VotingPower.totalDown(sums, p.delayBonusBps, p.ageBonusBps, _horizons());
        proposalId = ++proposalCount;
        Proposal storage proposal_ = _proposals[proposalId];
        // power <= total, checked to fit uint128 below.
        // forge-lint: disable-next-line(unsafe-typecast)
        proposal_.tally = Tally(uint128(power), 0);
        // Timestamps fit uint40, seq is a uint48 of Neurons.
        // forge-lint: disable-next-item(unsafe-typecast)
        proposal_.core = ProposalCore(
            uint40(block.timestamp),
            uint40(block.timestamp + _votingPeriod),
            uint48(seq),
            p.delayBonusBps,
            p.ageBonusBps,
            topic,
            ProposalStatus.Open,
            neuronId,
            0
        );
        proposal_.totalPower = total.toUint128();
        proposal_.rejectFee = p.rejectFee;
        proposal_.proposer = msg.sender;
        _ballots[proposalId][neuronId >> 7] = uint256(Vote.Yes) << ((neuronId & 127) << 1);
    }

    /// @inheritdoc IGovernance
    function vote(uint256 proposalId, uint32 neuronId, bool yes) external {
        Proposal storage p = _proposals[proposalId];
        ProposalCore memory core = _openCore(p, proposalId);
        _controlled(neuronId);
        mapping(uint256 => uint256) storage ballots = _ballots[proposalId];
        uint256 word = ballots[neuronId >> 7];
        uint256 shift = (neuronId & 127) << 1;
        if ((word >> shift) & 3 != 0) revert GovernanceAlreadyVoted(proposalId, neuronId);
        uint256 power = _powerAt(core, neuronId);
        if (power == 0) revert GovernanceNeuronNotEligible(neuronId);
        ballots[neuronId >> 7] = word | (uint256(yes ? Vote.Yes : Vote.No) << shift);
        _addToTally(p, core, proposalId, yes ? power : 0, yes ? 0 : power);
        emit VoteCast(proposalId, neuronId, yes, power);
    }

    /// @inheritdoc IGovernance
    function resolveFollowers(uint256 proposalId, uint32[] calldata neuronIds) external returns (uint256 resolved) {
        Proposal storage p = _proposals[proposalId];
        ProposalCore memory core = _openCore(p, proposalId);
        mapping(uint256 => uint256) storage ballots = _ballots[proposalId];
        uint256[] memory packed = neurons.componentsBatch(neuronIds, core.seq, core.createdAt);
        uint256 addYes;
        uint256 addNo;
        for (uint256 i; i < neuronIds.length; ++i) {
            (Vote followed, uint256 power) = _resolveFollower(proposalId, core, ballots, neuronIds[i], packed[i]);
            if (followed == Vote.None) continue;
            if (followed == Vote.Yes) addYes += power;
            else addNo += power;
            ++resolved;
        }
        if (resolved != 0) _addToTally(p, core, proposalId, addYes, addNo);
    }

    /// @dev Writes the ballot of one follower if following determines it (see {resolveFollowers}); `components`
    /// packs its stake, delay and age at creation as returned by {INeurons.componentsBatch}.
    function _resolveFollower(
        uint256 proposalId,
        ProposalCore memory core,
        mapping(uint256 => uint256) storage ballots,
        uint32 neuronId,
        uint256 components
    ) private returns (Vote followed, uint256 power) {
        // Unpacks s | u << 96 | v << 128 (INeurons.componentsBatch).
        // forge-lint: disable-next-line(unsafe-typecast)
        uint96 s = uint96(components);
        if (s == 0) return (Vote.None, 0);
        uint256 word = ballots[neuronId >> 7];
        uint256 shift = (neuronId & 127) << 1;
        if ((word >> shift) & 3 != 0) return (Vote.None, 0);
        uint256 decidedBy;
        (followed, decidedBy) = _followedVote(ballots, neuronId, core.topic);
        if (followed == Vote.None) return (Vote.None, 0);
        // forge-lint: disable-next-item(unsafe-typecast)
        power = VotingPower.powerDown(
            s, uint32(components >> 96), uint32(components >> 128), core.delayBonusBps, core.ageBonusBps, _horizons()
        );
        ballots[neuronId >> 7] = word | (uint256(followed) << shift);
        emit FollowerResolved(proposalId, neuronId, followed == Vote.Yes, power, decidedBy);
    }

    /// @dev The NNS following rule over the applicable list: yes if more than half of the followees voted yes, no
    /// if at least half voted no, else none; with the first quorum of the deciding side (floor(n/2)+1 yes or
    /// ceil(n/2) no followees, at most 8, in list order) packed 32 bits per id from the low bits.
    function _followedVote(mapping(uint256 => uint256) storage ballots, uint32 neuronId, Topic topic)
        private
        view
        returns (Vote, uint256)
    {
        (uint256[2] storage list, uint256 packed) = _followList(neuronId, topic);
        uint256 length = packed & 0xff;
        uint256 yesIds;
        uint256 noIds;
        uint256 yesCount;
        uint256 noCount;
        packed >>= 8;
        for (uint256 i; i < length; ++i) {
            if (i == IDS_IN_HEAD) packed = list[1];
            uint256 f = packed & 0xffffffff;
            packed >>= 32;
            uint256 b = (ballots[f >> 7] >> ((f & 127) << 1)) & 3;
            if (b == uint256(Vote.Yes)) {
                yesIds |= f << (32 * yesCount);
                if (2 * ++yesCount > length) return (Vote.Yes, yesIds);
            } else if (b == uint256(Vote.No)) {
                noIds |= f << (32 * noCount);
                if (2 * ++noCount >= length) return (Vote.No, noIds);
            }
        }
        return (Vote.None, 0);
    }

    function _openCore(Proposal storage p, uint256 proposalId) private view returns (ProposalCore memory core) {
        core = p.core;
        if (core.createdAt == 0) revert GovernanceUnknownProposal(proposalId);
        if (core.status != ProposalStatus.Open || block.timestamp >= core.deadline) {
            revert GovernanceVotingClosed(proposalId, core.deadline);
        }
    }

    /// @dev Power of neuron `neuronId` fixed for a proposal: its state at the proposal's sequence number, evaluated
    /// at the proposal's creation time with the bonuses then in force.
    function _powerAt(ProposalCore memory core, uint32 neuronId) private view returns (uint256) {
        return _powerOf(neuronId, core.seq, core.createdAt, core.delayBonusBps, core.ageBonusBps);
    }

    function _powerOf(uint32 neuronId, uint256 seq, uint256 t, uint256 delayBonusBps, uint256 ageBonusBps)
        private
        view
        returns (uint256)
    {
        (uint256 s, uint256 u, uint256 v) = neurons.components(neuronId, seq, t);
        return s == 0 ? 0 : VotingPower.powerDown(s, u, v, delayBonusBps, ageBonusBps, _horizons());
    }

    /// @dev Adds to the tally; when the lead flips, wait-for-quiet moves the deadline to
    /// createdAt + W + (period + elapsed) / 2 (= now + W + (period - elapsed) / 2), capped at period + 2W.
    function _addToTally(Proposal storage p, ProposalCore memory core, uint256 proposalId, uint256 yes, uint256 no)
        private
    {
        Tally memory t = p.tally;
        bool yesLed = t.yes > t.no;
        t.yes = (t.yes + yes).toUint128();
        t.no = (t.no + no).toUint128();
        p.tally = t;
        if ((t.yes > t.no) == yesLed) return;
        uint256 elapsed = block.timestamp - core.createdAt;
        uint256 deadline = Math.min(
            core.createdAt + _waitForQuiet + (_votingPeriod + elapsed) / 2,
            core.createdAt + _votingPeriod + 2 * _waitForQuiet
        );
        if (deadline > core.deadline) {
            // deadline <= createdAt + period + 2W, a timestamp.
            // forge-lint: disable-next-line(unsafe-typecast)
            p.core.deadline = uint40(deadline);
            emit DeadlineExtended(proposalId, deadline);
        }
    }

    // ---------------------------------------------------------------- settlement and execution

    /// @inheritdoc IGovernance
    function settle(uint256 proposalId) external {
        Proposal storage p = _proposals[proposalId];
        ProposalCore memory core = p.core;
        if (core.createdAt == 0) revert GovernanceUnknownProposal(proposalId);
        if (core.status != ProposalStatus.Open) revert GovernanceAlreadySettled(proposalId, core.status);
        ProposalStatus outcome = _decision(p, core);
        if (outcome == ProposalStatus.Open) revert GovernanceNotDecided(proposalId);
        p.core.status = outcome;
        p.core.decidedAt = uint40(block.timestamp);
        --_openProposals[core.neuronId];
        bool adopted = outcome == ProposalStatus.Adopted;
        uint256 readyAt;
        uint256 expiresAt;
        if (adopted) {
            Params memory params_ = _params;
            readyAt = block.timestamp + params_.executionDelay;
            expiresAt = readyAt + params_.executionWindow;
            // Both are now plus capped durations.
            // forge-lint: disable-next-item(unsafe-typecast)
            (p.readyAt, p.expiresAt) = (uint40(readyAt), uint40(expiresAt));
        }
        emit ProposalSettled(proposalId, adopted, p.tally.yes, p.tally.no, readyAt, expiresAt);
        uint96 fee = p.rejectFee;
        if (fee == 0) return;
        if (adopted) neurons.refundFee(core.neuronId, fee);
        else neurons.keepFee(core.neuronId, fee);
    }

    /// @inheritdoc IGovernance
    function execute(uint256 proposalId, IExecutor.Action[] calldata actions) external {
        Proposal storage p = _proposals[proposalId];
        ProposalCore memory core = p.core;
        if (core.status != ProposalStatus.Adopted) revert GovernanceNotAdopted(proposalId, core.status);
        (uint256 readyAt, uint256 expiresAt) = (p.readyAt, p.expiresAt);
        if (block.timestamp < readyAt) revert GovernanceTimelocked(proposalId, readyAt);
        if (block.timestamp >= expiresAt) revert GovernanceExpired(proposalId, expiresAt);
        if (keccak256(abi.encode(actions)) != p.actionsHash) revert GovernanceActionsMismatch(proposalId);
        p.core.status = ProposalStatus.Executed;
        emit ProposalExecuted(proposalId);
        executor.execute(actions);
    }

    function _decision(Proposal storage p, ProposalCore memory core) private view returns (ProposalStatus) {
        if (core.status == ProposalStatus.Adopted && block.timestamp >= p.expiresAt) return ProposalStatus.Expired;
        if (core.status != ProposalStatus.Open) return core.status;
        Tally memory t = p.tally;
        uint256 total = p.totalPower;
        if (2 * uint256(t.yes) > total) return ProposalStatus.Adopted;
        if (2 * uint256(t.no) >= total) return ProposalStatus.Rejected;
        if (block.timestamp < core.deadline) return ProposalStatus.Open;
        bool adopted = t.yes > t.no && uint256(t.yes) * VotingPower.BPS >= total * MIN_YES_BPS;
        return adopted ? ProposalStatus.Adopted : ProposalStatus.Rejected;
    }

    // ---------------------------------------------------------------- parameters and action topics

    /// @inheritdoc IGovernance
    function setParams(Params calldata params_) external {
        if (msg.sender != address(executor)) revert GovernanceOnlyExecutor(msg.sender);
        _setParams(params_);
    }

    function _setParams(Params memory params_) private {
        if (
            params_.delayBonusBps > DELAY_BONUS_CAP_BPS || params_.ageBonusBps > AGE_BONUS_CAP_BPS
                || params_.maxOpenProposals == 0 || params_.executionDelay > EXECUTION_DELAY_CAP
                || params_.executionWindow == 0 || params_.executionWindow > EXECUTION_WINDOW_CAP
        ) revert GovernanceInvalidParams(params_);
        _params = params_;
        emit ParamsSet(params_);
    }

    /// @inheritdoc IGovernance
    function setActionTopics(ActionTopic[] calldata entries) external {
        // After renouncing, `registrar` is zero: never a caller.
        if (msg.sender != address(executor) && msg.sender != registrar) revert GovernanceOnlyRegistrar(msg.sender);
        for (uint256 i; i < entries.length; ++i) {
            _setActionTopic(entries[i]);
        }
    }

    /// @inheritdoc IGovernance
    function renounceRegistrar() external {
        if (msg.sender != registrar) revert GovernanceOnlyRegistrar(msg.sender);
        registrar = address(0);
        emit RegistrarRenounced(msg.sender);
    }

    function _setActionTopic(ActionTopic memory entry) private {
        _actionTopics[entry.target][entry.selector] = entry.topic == Topic.CatchAll ? 0 : uint256(entry.topic) + 1;
        emit ActionTopicSet(entry.target, entry.selector, entry.topic);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IGovernance
    function actionTopic(address target, bytes4 selector) external view returns (bool registered, Topic topic) {
        uint256 entry = _actionTopics[target][selector];
        // entry - 1 is a Topic (set by _setActionTopic).
        // forge-lint: disable-next-line(unsafe-typecast)
        return entry == 0 ? (false, Topic.Governance) : (true, Topic(uint8(entry - 1)));
    }

    /// @inheritdoc IGovernance
    function topicOf(IExecutor.Action[] calldata actions) public view returns (Topic topic) {
        for (uint256 i; i < actions.length; ++i) {
            address target = actions[i].target;
            bytes4 selector = bytes4(actions[i].data);
            uint256 entry = _actionTopics[target][selector];
            if (entry == 0) revert GovernanceUnregisteredAction(i, target, selector);
            // entry - 1 is a Topic (set by _setActionTopic).
            // forge-lint: disable-next-line(unsafe-typecast)
            Topic t = Topic(uint8(entry - 1));
            if (i == 0) topic = t;
            else if (t != topic) revert GovernanceMixedTopics(i, target, selector, t, topic);
        }
        // No actions (a motion): Governance, the topic the catch-all never covers (NNS motions).
    }

    /// @inheritdoc IGovernance
    function stakeToken() external view returns (address) {
        return address(_token);
    }

    /// @inheritdoc IGovernance
    function windows() external view returns (Windows memory) {
        // forge-lint: disable-next-item(unsafe-typecast)
        return Windows(uint32(_votingPeriod), uint32(_waitForQuiet));
    }

    /// @inheritdoc IGovernance
    function params() external view returns (Params memory) {
        return _params;
    }

    /// @inheritdoc IGovernance
    function openProposals(uint32 neuronId) external view returns (uint256) {
        return _openProposals[neuronId];
    }

    /// @inheritdoc IGovernance
    function followees(uint32 neuronId, Topic topic) external view returns (uint32[] memory ids) {
        uint256[2] memory words = _follow[neuronId][topic];
        ids = new uint32[](words[0] & 0xff);
        for (uint256 i; i < ids.length; ++i) {
            ids[i] = i < IDS_IN_HEAD ? uint32(words[0] >> (8 + 32 * i)) : uint32(words[1] >> (32 * (i - IDS_IN_HEAD)));
        }
    }

    /// @inheritdoc IGovernance
    function votingPower(uint32 neuronId) external view returns (uint256) {
        Params memory p = _params;
        return _powerOf(neuronId, type(uint256).max, block.timestamp, p.delayBonusBps, p.ageBonusBps);
    }

    /// @inheritdoc IGovernance
    function totalVotingPower() external view returns (uint256) {
        Params memory p = _params;
        return VotingPower.totalDown(neurons.sumsAt(block.timestamp), p.delayBonusBps, p.ageBonusBps, _horizons());
    }

    /// @inheritdoc IGovernance
    function votingPowerAt(uint256 proposalId, uint32 neuronId) external view returns (uint256) {
        ProposalCore memory core = _proposals[proposalId].core;
        if (core.createdAt == 0) revert GovernanceUnknownProposal(proposalId);
        return _powerAt(core, neuronId);
    }

    /// @inheritdoc IGovernance
    function ballot(uint256 proposalId, uint32 neuronId) external view returns (Vote) {
        return Vote((_ballots[proposalId][neuronId >> 7] >> ((neuronId & 127) << 1)) & 3);
    }

    /// @inheritdoc IGovernance
    function proposal(uint256 proposalId) external view returns (ProposalView memory) {
        Proposal storage p = _proposals[proposalId];
        ProposalCore memory c = p.core;
        return ProposalView(
            p.tally.yes,
            p.tally.no,
            p.totalPower,
            c.createdAt,
            c.deadline,
            c.decidedAt,
            p.readyAt,
            p.expiresAt,
            c.seq,
            p.rejectFee,
            c.neuronId,
            p.proposer,
            c.topic,
            c.status,
            p.actionsHash
        );
    }

    /// @inheritdoc IGovernance
    function decision(uint256 proposalId) external view returns (ProposalStatus) {
        Proposal storage p = _proposals[proposalId];
        ProposalCore memory core = p.core;
        if (core.createdAt == 0) revert GovernanceUnknownProposal(proposalId);
        return _decision(p, core);
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IOracle} from "./interfaces/IOracle.sol";
import {IReputation} from "./interfaces/IReputation.sol";
import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

/// @title Oracle
/// @notice Augur v2-style reporting and disputes, escalating to an arbitrator role instead of forking.
/// @dev Payouts are lazy: `finalize` stores one payout rate, and each staker redeems one position
/// (question, round, outcome) without any loop. The only loops run over closed rounds (at most
/// MAX_ROUNDS) when a scalar round fills or the arbitrator resolves.
contract Oracle is IOracle, AccessManaged {
    using SafeERC20 for IReputation;
    using SafeCast for uint256;

    // ---------------------------------------------------------------- constants and immutables

    /// @inheritdoc IOracle
    uint256 public constant RATE_SCALE = 1e9;
    /// @inheritdoc IOracle
    uint256 public constant MAX_ROUNDS = 32;
    /// @inheritdoc IOracle
    uint256 public constant MAX_CATEGORICAL_OUTCOMES = 255;

    uint48 internal constant INVALID = 0;
    uint256 internal constant BPS = 10_000;

    IReputation internal immutable REP;

    // ---------------------------------------------------------------- storage

    Parameters internal _parameters;
    /// @inheritdoc IOracle
    uint256 public questionCount;
    mapping(uint256 questionId => State) internal _states;
    mapping(uint256 questionId => Config) internal _configs;
    /// @dev Closed rounds: 0 is the initial report, 1 .. rounds the filled dispute rounds.
    mapping(uint256 questionId => mapping(uint256 roundIndex => Round)) internal _rounds;
    /// @dev Stake of filled dispute rounds per outcome (round 0 is read from `_rounds`).
    mapping(uint256 questionId => mapping(uint48 outcome => uint256)) internal _disputeStakeOn;
    mapping(uint256 questionId => mapping(uint256 roundIndex => mapping(uint48 outcome => uint256))) internal _pooled;
    mapping(
        uint256 questionId => mapping(uint256 roundIndex => mapping(uint48 outcome => mapping(address => uint256)))
    ) internal _stakes;

    // ---------------------------------------------------------------- constructor

    /// @param initialAuthority The AccessManager holding the parameters and arbitrator roles.
    /// @param reputation_ The REP token staked.
    /// @param initialParameters The first parameters.
    constructor(address initialAuthority, IReputation reputation_, Parameters memory initialParameters)
        AccessManaged(initialAuthority)
    {
        REP = reputation_;
        _setParameters(initialParameters);
    }

    // ---------------------------------------------------------------- questions

    /// @inheritdoc IOracle
    function createQuestion(QuestionParams calldata params) external returns (uint256 questionId) {
        if (params.designatedReporter == address(0)) revert ZeroDesignatedReporter();
        if (params.endTime <= block.timestamp) revert EndTimeNotInFuture(params.endTime);
        uint48 numOutcomes = _numOutcomes(params);
        Parameters storage p = _parameters;
        (uint96 validityBond, uint96 noShowBond) = (p.validityBond, p.noShowBond);
        uint40 reportingEnd = params.endTime + p.reportingWindow;

        questionId = ++questionCount;
        _states[questionId].windowEnd = reportingEnd;
        _configs[questionId] = Config({
            designatedReporter: params.designatedReporter,
            endTime: params.endTime,
            kind: params.kind,
            creator: msg.sender,
            numOutcomes: numOutcomes,
            tolerance: params.tolerance,
            validityBond: validityBond,
            noShowBond: noShowBond,
            min: params.min,
            tick: params.tick,
            subject: params.subject
        });
        emit QuestionCreated(questionId, msg.sender, params.designatedReporter, numOutcomes, reportingEnd, params);
        REP.safeTransferFrom(msg.sender, address(this), uint256(validityBond) + noShowBond);
    }

    /// @dev Checks the shape of a question and returns its outcome count, Invalid included.
    function _numOutcomes(QuestionParams calldata params) internal pure returns (uint48) {
        Kind kind = params.kind;
        if (kind != Kind.Scalar) {
            if (params.min != 0 || params.max != 0 || params.tick != 0) {
                revert InvalidScalarRange(params.min, params.max, params.tick);
            }
            if (params.tolerance != 0) revert InvalidTolerance(kind, params.tolerance);
            if (kind == Kind.Binary) {
                if (params.outcomeCount != 0) revert InvalidOutcomeCount(kind, params.outcomeCount);
                return 3;
            }
            if (params.outcomeCount < 2 || params.outcomeCount > MAX_CATEGORICAL_OUTCOMES) {
                revert InvalidOutcomeCount(kind, params.outcomeCount);
            }
            return params.outcomeCount + 1;
        }
        if (params.outcomeCount != 0) revert InvalidOutcomeCount(kind, params.outcomeCount);
        if (params.max <= params.min || params.tick == 0) {
            revert InvalidScalarRange(params.min, params.max, params.tick);
        }
        uint256 span = uint256(int256(params.max) - params.min);
        uint256 ticks = span / params.tick;
        if (span % params.tick != 0 || ticks > type(uint48).max - 2) {
            revert InvalidScalarRange(params.min, params.max, params.tick);
        }
        if (params.tolerance >= ticks) revert InvalidTolerance(kind, params.tolerance);
        // forge-lint: disable-next-line(unsafe-typecast) ticks <= type(uint48).max - 2 was checked above
        return uint48(ticks + 2);
    }

    // ---------------------------------------------------------------- reporting

    /// @inheritdoc IOracle
    function initialReport(uint256 questionId, uint48 outcome, bytes32 evidenceHash) external {
        State memory s = _states[questionId];
        Config storage c = _configs[questionId];
        (address designatedReporter, uint40 endTime) = (c.designatedReporter, c.endTime);
        if (designatedReporter == address(0)) revert UnknownQuestion(questionId);
        if (s.status != Status.Pending) revert StatusMismatch(questionId, s.status);
        if (block.timestamp < endTime) revert ReportingNotStarted(questionId, endTime);
        _checkOutcome(questionId, outcome, c.numOutcomes);
        bool designated = block.timestamp < s.windowEnd;
        if (designated && msg.sender != designatedReporter) {
            revert NotDesignatedReporter(questionId, msg.sender, s.windowEnd);
        }
        Parameters storage p = _parameters;
        uint96 stake = designated ? p.reportBond : c.noShowBond;

        s.status = Status.Reported;
        s.windowEnd = uint40(block.timestamp) + p.shortDisputeWindow;
        s.outcome = outcome;
        s.totalStake = stake;
        s.designatedReported = designated;
        _states[questionId] = s;
        _rounds[questionId][0] = Round({outcome: outcome, stake: stake, winningStake: stake});
        _stakes[questionId][0][outcome][msg.sender] = stake;
        emit InitialReported(questionId, msg.sender, outcome, stake, designated, evidenceHash, s.windowEnd);
        if (designated) REP.safeTransferFrom(msg.sender, address(this), stake);
    }

    // ---------------------------------------------------------------- disputes

    /// @inheritdoc IOracle
    function contribute(uint256 questionId, uint48 outcome, uint256 amount, bytes32 evidenceHash)
        external
        returns (uint256 accepted)
    {
        State memory s = _states[questionId];
        if (s.status != Status.Reported && s.status != Status.Disputed) revert StatusMismatch(questionId, s.status);
        if (block.timestamp >= s.windowEnd) revert DisputeWindowClosed(questionId, s.windowEnd);
        if (amount == 0) revert ZeroAmount();
        Config storage c = _configs[questionId];
        (uint48 numOutcomes, uint48 tolerance) = (c.numOutcomes, c.tolerance);
        _checkOutcome(questionId, outcome, numOutcomes);
        if (_isCorrect(outcome, s.outcome, tolerance)) revert OutcomeNotDisputable(questionId, outcome, s.outcome);

        accepted = _pool(questionId, s, outcome, amount, evidenceHash, tolerance);
        REP.safeTransferFrom(msg.sender, address(this), accepted);
    }

    /// @dev Adds up to `amount` of the caller's stake to the open round's pool for `outcome`, filling the
    /// round when the pool reaches the bond size.
    function _pool(
        uint256 questionId,
        State memory s,
        uint48 outcome,
        uint256 amount,
        bytes32 evidenceHash,
        uint48 tolerance
    ) internal returns (uint256 accepted) {
        uint256 roundIndex = s.rounds + 1;
        uint256 size = _bondSize(questionId, s.totalStake, outcome);
        uint256 pooledAfter = _pooled[questionId][roundIndex][outcome];
        accepted = Math.min(amount, size - pooledAfter);
        pooledAfter += accepted;
        _pooled[questionId][roundIndex][outcome] = pooledAfter;
        _stakes[questionId][roundIndex][outcome][msg.sender] += accepted;
        emit DisputeContributed(questionId, roundIndex, msg.sender, outcome, accepted, pooledAfter, size, evidenceHash);
        if (pooledAfter == size) _fillRound(questionId, s, roundIndex, outcome, size, tolerance);
    }

    /// @dev Closes the open round on `outcome`: it becomes tentative, then a new window opens or the
    /// question escalates.
    function _fillRound(
        uint256 questionId,
        State memory s,
        uint256 roundIndex,
        uint48 outcome,
        uint256 size,
        uint48 tolerance
    ) internal {
        uint256 winning = _winningStake(questionId, outcome, tolerance, roundIndex) + size;
        _disputeStakeOn[questionId][outcome] += size;
        _rounds[questionId][roundIndex] =
            Round({outcome: outcome, stake: size.toUint96(), winningStake: winning.toUint96()});

        Parameters storage p = _parameters;
        uint256 total = s.totalStake + size;
        // forge-lint: disable-next-line(unsafe-typecast) a fill at maxRounds <= MAX_ROUNDS escalates
        s.rounds = uint8(roundIndex);
        s.outcome = outcome;
        s.totalStake = total.toUint96();
        bool escalate = roundIndex >= p.maxRounds || total >= p.escalationStake;
        if (escalate) {
            s.status = Status.Escalated;
            s.windowEnd = 0;
        } else {
            s.status = Status.Disputed;
            s.windowEnd =
                uint40(block.timestamp) + (roundIndex >= p.pacingRounds ? p.longDisputeWindow : p.shortDisputeWindow);
        }
        _states[questionId] = s;
        emit RoundFilled(questionId, roundIndex, outcome, size, total, s.windowEnd);
        if (escalate) emit Escalated(questionId, roundIndex, total);
    }

    /// @dev `2 x totalStake - 3 x stakeOn(outcome)`; positive for any outcome but the tentative one, which
    /// holds two thirds of the stake after each fill.
    function _bondSize(uint256 questionId, uint256 totalStake, uint48 outcome) internal view returns (uint256) {
        return 2 * totalStake - 3 * _stakeOn(questionId, outcome);
    }

    /// @dev Stake on exactly `outcome` over all closed rounds.
    function _stakeOn(uint256 questionId, uint48 outcome) internal view returns (uint256 stake) {
        stake = _disputeStakeOn[questionId][outcome];
        Round storage report = _rounds[questionId][0];
        if (report.outcome == outcome) stake += report.stake;
    }

    /// @dev Stake of rounds `0 .. count - 1` (all closed rounds when called) that counts as correct if
    /// `outcome` is final. Loops over the rounds only for scalar questions with a tolerance.
    function _winningStake(uint256 questionId, uint48 outcome, uint48 tolerance, uint256 count)
        internal
        view
        returns (uint256 stake)
    {
        if (tolerance == 0) return _stakeOn(questionId, outcome);
        for (uint256 i; i < count; ++i) {
            Round memory r = _rounds[questionId][i];
            if (_isCorrect(r.outcome, outcome, tolerance)) stake += r.stake;
        }
    }

    // ---------------------------------------------------------------- finalization

    /// @inheritdoc IOracle
    function finalize(uint256 questionId) external {
        State memory s = _states[questionId];
        if (s.status != Status.Reported && s.status != Status.Disputed) revert StatusMismatch(questionId, s.status);
        if (block.timestamp < s.windowEnd) revert DisputeWindowOpen(questionId, s.windowEnd);
        _settle(questionId, s, s.outcome, _rounds[questionId][s.rounds].winningStake, false);
    }

    /// @inheritdoc IOracle
    function resolveEscalated(uint256 questionId, uint48 outcome) external restricted {
        State memory s = _states[questionId];
        if (s.status != Status.Escalated) revert StatusMismatch(questionId, s.status);
        Config storage c = _configs[questionId];
        (uint48 numOutcomes, uint48 tolerance) = (c.numOutcomes, c.tolerance);
        _checkOutcome(questionId, outcome, numOutcomes);
        _settle(questionId, s, outcome, _winningStake(questionId, outcome, tolerance, s.rounds + 1), true);
    }

    /// @dev Fixes `outcome` and the payout rate: winners share the losing stake (plus the validity bond if
    /// Invalid) up to `rewardBps` of their stake; the rest is burned.
    function _settle(uint256 questionId, State memory s, uint48 outcome, uint256 winning, bool escalated) internal {
        uint256 losing = s.totalStake - winning;
        if (outcome == INVALID) losing += _configs[questionId].validityBond;
        uint256 rate;
        if (winning != 0) {
            rate = Math.min(uint256(_parameters.rewardBps) * RATE_SCALE / BPS, losing * RATE_SCALE / winning);
        }
        uint256 burned = losing - winning * rate / RATE_SCALE;

        s.status = Status.Final;
        s.outcome = outcome;
        s.escalated = escalated;
        // forge-lint: disable-next-line(unsafe-typecast) rate <= RATE_SCALE since rewardBps <= BPS
        s.payoutRate = uint32(rate);
        s.windowEnd = uint40(block.timestamp);
        _states[questionId] = s;
        emit Finalized(questionId, outcome, escalated, rate, burned);
        if (burned != 0) REP.burn(burned);
    }

    // ---------------------------------------------------------------- payouts

    /// @inheritdoc IOracle
    function redeem(uint256 questionId, uint256 roundIndex, uint48 outcome) external returns (uint256 amount) {
        State memory s = _states[questionId];
        uint256 stake = _stakes[questionId][roundIndex][outcome][msg.sender];
        if (stake == 0) revert NothingToRedeem(questionId, roundIndex, outcome, msg.sender);
        bool closed = roundIndex <= s.rounds;
        if (closed && _filled(questionId, s, roundIndex, outcome)) {
            // The initial report or a filled bond: paid by the final outcome.
            if (s.status != Status.Final) revert StatusMismatch(questionId, s.status);
            if (outcome == s.outcome || _isCorrect(outcome, s.outcome, _configs[questionId].tolerance)) {
                amount = stake + stake * s.payoutRate / RATE_SCALE;
            }
        } else {
            // A pool that did not fill: returned once its round is over.
            if (!closed && s.status != Status.Final) revert StatusMismatch(questionId, s.status);
            amount = stake;
        }
        delete _stakes[questionId][roundIndex][outcome][msg.sender];
        emit Redeemed(questionId, msg.sender, roundIndex, outcome, amount);
        if (amount != 0) REP.safeTransfer(msg.sender, amount);
    }

    /// @dev Whether closed round `roundIndex` was won by `outcome` (the initial report for round 0). Until an
    /// arbitrator decides, `s.outcome` is the last round's outcome, which saves reading that round.
    function _filled(uint256 questionId, State memory s, uint256 roundIndex, uint48 outcome)
        internal
        view
        returns (bool)
    {
        if (roundIndex == s.rounds && !s.escalated) return outcome == s.outcome;
        return _rounds[questionId][roundIndex].outcome == outcome;
    }

    /// @inheritdoc IOracle
    function claimCreatorBonds(uint256 questionId) external {
        State storage s = _states[questionId];
        if (s.status != Status.Final) revert StatusMismatch(questionId, s.status);
        Config storage c = _configs[questionId];
        uint256 amount = (s.outcome != INVALID ? c.validityBond : 0) + (s.designatedReported ? c.noShowBond : 0);
        if (s.creatorBondsClaimed || amount == 0) revert NoCreatorBonds(questionId);
        s.creatorBondsClaimed = true;
        address creator = c.creator;
        emit CreatorBondsClaimed(questionId, creator, amount);
        REP.safeTransfer(creator, amount);
    }

    // ---------------------------------------------------------------- parameters

    /// @inheritdoc IOracle
    function setParameters(Parameters calldata parameters_) external restricted {
        _setParameters(parameters_);
    }

    function _setParameters(Parameters memory p) internal {
        if (
            p.reportBond == 0 || p.noShowBond == 0 || p.escalationStake == 0 || p.reportingWindow == 0
                || p.shortDisputeWindow == 0 || p.longDisputeWindow == 0 || p.rewardBps > BPS || p.maxRounds == 0
                || p.maxRounds > MAX_ROUNDS
        ) revert InvalidParameters(p);
        _parameters = p;
        emit ParametersSet(p);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IOracle
    function reputation() external view returns (address) {
        return address(REP);
    }

    /// @inheritdoc IOracle
    function parameters() external view returns (Parameters memory) {
        return _parameters;
    }

    /// @inheritdoc IOracle
    function state(uint256 questionId) external view returns (State memory) {
        return _states[questionId];
    }

    /// @inheritdoc IOracle
    function config(uint256 questionId) external view returns (Config memory) {
        return _configs[questionId];
    }

    /// @inheritdoc IOracle
    function status(uint256 questionId) external view returns (Status) {
        if (_configs[questionId].creator == address(0)) revert UnknownQuestion(questionId);
        return _states[questionId].status;
    }

    /// @inheritdoc IOracle
    function round(uint256 questionId, uint256 roundIndex) external view returns (Round memory) {
        return _rounds[questionId][roundIndex];
    }

    /// @inheritdoc IOracle
    function stakeOn(uint256 questionId, uint48 outcome) external view returns (uint256) {
        return _stakeOn(questionId, outcome);
    }

    /// @inheritdoc IOracle
    function bondSize(uint256 questionId, uint48 outcome) external view returns (uint256) {
        return _bondSize(questionId, _states[questionId].totalStake, outcome);
    }

    /// @inheritdoc IOracle
    function pooled(uint256 questionId, uint256 roundIndex, uint48 outcome) external view returns (uint256) {
        return _pooled[questionId][roundIndex][outcome];
    }

    /// @inheritdoc IOracle
    function stakeOf(uint256 questionId, uint256 roundIndex, uint48 outcome, address account)
        external
        view
        returns (uint256)
    {
        return _stakes[questionId][roundIndex][outcome][account];
    }

    /// @inheritdoc IOracle
    function isCorrect(uint256 questionId, uint48 outcome, uint48 finalOutcome_) external view returns (bool) {
        return _isCorrect(outcome, finalOutcome_, _configs[questionId].tolerance);
    }

    /// @inheritdoc IOracle
    function finalOutcome(uint256 questionId) public view returns (uint48) {
        State storage s = _states[questionId];
        if (s.status != Status.Final) revert NotFinal(questionId, s.status);
        return s.outcome;
    }

    /// @inheritdoc IOracle
    function finalValue(uint256 questionId) external view returns (int256 value, uint256 finalizedAt) {
        value = valueOf(questionId, finalOutcome(questionId));
        finalizedAt = _states[questionId].windowEnd;
    }

    /// @inheritdoc IOracle
    function valueOf(uint256 questionId, uint48 outcome) public view returns (int256) {
        Config storage c = _configs[questionId];
        if (c.kind != Kind.Scalar) revert NotScalar(questionId);
        if (outcome == INVALID) revert NoValue(questionId);
        _checkOutcome(questionId, outcome, c.numOutcomes);
        return int256(c.min) + int256(uint256(outcome - 1) * c.tick);
    }

    // ---------------------------------------------------------------- helpers

    function _checkOutcome(uint256 questionId, uint48 outcome, uint48 numOutcomes) internal pure {
        if (outcome >= numOutcomes) revert OutcomeOutOfRange(questionId, outcome, numOutcomes);
    }

    /// @dev Equal outcomes, or two valid (scalar) outcomes at most `tolerance` ticks apart.
    function _isCorrect(uint48 outcome, uint48 target, uint48 tolerance) internal pure returns (bool) {
        if (outcome == target) return true;
        if (outcome == INVALID || target == INVALID) return false;
        return (outcome > target ? outcome - target : target - outcome) <= tolerance;
    }
}

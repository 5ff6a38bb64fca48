// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IIdentityRegistry} from "../token/interfaces/IIdentityRegistry.sol";
import {ISecurityToken} from "../token/interfaces/ISecurityToken.sol";
import {INeurons} from "./interfaces/INeurons.sol";
import {VotingPower} from "./libraries/VotingPower.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {Checkpoints} from "@openzeppelin/contracts/utils/structs/Checkpoints.sol";

/// @title Neurons
/// @notice Stake, dissolve delay and age of every neuron, the exact voting-power aggregates and the neuron history.
/// @dev Sections: immutables, storage, constructor, neuron actions, reject fees, history, aggregate, views. See README.md.
contract Neurons is INeurons {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;
    using SafeCast for int256;
    using Checkpoints for Checkpoints.Trace208;

    // ---------------------------------------------------------------- immutables

    uint256 private constant HORIZON_CAP = 8 * 365 days;

    /// @inheritdoc INeurons
    address public immutable governance;
    /// @inheritdoc INeurons
    address public immutable treasury;
    IERC20 private immutable _token;
    /// @inheritdoc INeurons
    IIdentityRegistry public immutable identityRegistry;
    uint256 private immutable _epoch;
    uint256 private immutable _maxDelay;
    uint256 private immutable _maxAge;
    uint256 private immutable _minDelay;
    /// @dev Whether the stake token books system holders' exposure (`ISecurityToken.lookThroughTransfer`): stakes are
    /// then reported, so that a look-through registration keeps stakers counted as holders while staked.
    bool private immutable _reportsStakes;

    // ---------------------------------------------------------------- storage

    /// @dev One slot: aggregate time, global change sequence, sequence at the last proposal, neuron count.
    struct Clock {
        uint40 aggregateTime;
        uint48 seq;
        uint48 lastProposalSeq;
        uint32 neuronCount;
    }

    /// @dev Slot 0: voting state (read by votes and the cascade); slot 1: owner and the reject fees of its open
    /// proposals (charged against the stake, which may not drop below them); slot 2: hot key.
    struct Neuron {
        NeuronState state;
        address owner;
        uint96 pendingFees;
        address hotKey;
    }

    Clock private _clock;
    /// @inheritdoc INeurons
    uint256 public keptFees;
    mapping(uint32 neuronId => Neuron) private _neurons;
    /// @dev Past states still needed by a proposal, keyed by the sequence number that produced them.
    mapping(uint32 neuronId => Checkpoints.Trace208) private _history;

    /// @dev Aggregates over eligible neurons of s, s.u, s.v, s.u.v (see {VotingPower}) at `_clock.aggregateTime`
    /// and their slopes per second; changes scheduled at epoch boundaries apply to times after the boundary.
    int256[4] private _sumValue;
    int256[4] private _sumSlope;
    mapping(uint256 boundary => int256[4]) private _jumps;
    mapping(uint256 boundary => int256[4]) private _slopeDeltas;
    /// @dev Bitmap of epoch indices with scheduled changes, 256 per word.
    mapping(uint256 word => uint256) private _pendingBoundaries;

    // ---------------------------------------------------------------- constructor

    constructor(
        IERC20 token,
        IIdentityRegistry registry,
        Config memory config_,
        address governance_,
        address treasury_
    ) {
        uint256 epoch = config_.epoch;
        if (
            epoch == 0 || config_.maxDelay == 0 || config_.maxAge == 0 || config_.maxDelay > HORIZON_CAP
                || config_.maxAge > HORIZON_CAP || config_.minDelay > config_.maxDelay || config_.maxDelay % epoch != 0
                || config_.maxAge % epoch != 0 || config_.minDelay % epoch != 0
        ) revert NeuronsInvalidConfig(config_);
        governance = governance_;
        treasury = treasury_;
        _token = token;
        identityRegistry = registry;
        _epoch = epoch;
        _maxDelay = config_.maxDelay;
        _maxAge = config_.maxAge;
        _minDelay = config_.minDelay;
        _clock.aggregateTime = uint40(block.timestamp);
        (bool answers, bytes memory result) =
            address(token).staticcall(abi.encodeCall(ISecurityToken.isLookThrough, (address(this))));
        _reportsStakes = answers && result.length == 32;
    }

    // ---------------------------------------------------------------- neuron actions

    /// @inheritdoc INeurons
    function stake(uint96 amount, uint32 dissolveDelay) external returns (uint32 neuronId) {
        if (!identityRegistry.isVerified(msg.sender)) revert NeuronsIdentityNotVerified(msg.sender);
        if (amount == 0) revert NeuronsZeroAmount();
        if (dissolveDelay > _maxDelay) revert NeuronsDissolveDelayTooLong(dissolveDelay, _maxDelay);
        neuronId = ++_clock.neuronCount;
        Neuron storage n = _neurons[neuronId];
        n.owner = msg.sender;
        emit NeuronStaked(neuronId, msg.sender);
        _update(neuronId, n, NeuronState(amount, dissolveDelay, _nextBoundary(block.timestamp), false, 0));
        _pullStake(amount);
    }

    /// @inheritdoc INeurons
    function increaseStake(uint32 neuronId, uint96 amount) external {
        Neuron storage n = _owned(neuronId);
        if (amount == 0) revert NeuronsZeroAmount();
        NeuronState memory next = n.state;
        uint256 newStake = uint256(next.stake) + amount;
        if (!next.dissolving && next.since < block.timestamp) {
            uint256 age = (block.timestamp - next.since) * next.stake / newStake;
            next.since = _nextBoundary(block.timestamp - age);
        }
        next.stake = newStake.toUint96();
        _update(neuronId, n, next);
        _pullStake(amount);
    }

    /// @dev Takes `amount` of stake from the caller, then reports it as the caller's exposure (after the transfer:
    /// the identity's total stays what it held, so no limit refuses it and a sole holding keeps its holder slot).
    function _pullStake(uint256 amount) private {
        _token.safeTransferFrom(msg.sender, address(this), amount);
        if (_reportsStakes) {
            ISecurityToken(address(_token)).lookThroughTransfer(address(0), msg.sender, amount, false, false);
        }
    }

    /// @inheritdoc INeurons
    function increaseDissolveDelay(uint32 neuronId, uint32 additional) external {
        Neuron storage n = _owned(neuronId);
        NeuronState memory next = n.state;
        uint256 delay;
        if (!next.dissolving) {
            delay = uint256(next.dissolveDelay) + additional;
            next.dissolveDelay = uint32(Math.min(delay, _maxDelay));
        } else if (next.since > block.timestamp) {
            delay = next.since - block.timestamp + additional;
            next.since = _nextBoundary(uint256(next.since) + additional);
        } else {
            delay = additional;
            next = NeuronState(next.stake, additional, _nextBoundary(block.timestamp), false, 0);
        }
        if (delay > _maxDelay) revert NeuronsDissolveDelayTooLong(delay, _maxDelay);
        _update(neuronId, n, next);
    }

    /// @inheritdoc INeurons
    function startDissolving(uint32 neuronId) external {
        Neuron storage n = _owned(neuronId);
        NeuronState memory next = n.state;
        if (next.dissolving) revert NeuronsDissolving(neuronId);
        next.since = _nextBoundary(block.timestamp + next.dissolveDelay);
        next.dissolveDelay = 0;
        next.dissolving = true;
        _update(neuronId, n, next);
    }

    /// @inheritdoc INeurons
    function stopDissolving(uint32 neuronId) external {
        Neuron storage n = _owned(neuronId);
        NeuronState memory prev = n.state;
        if (!prev.dissolving) revert NeuronsNotDissolving(neuronId);
        if (prev.since <= block.timestamp) revert NeuronsDissolved(neuronId);
        // The remaining delay is at most maxDelay plus the rounding of the dissolve time (< one epoch).
        uint256 remaining = Math.min(prev.since - block.timestamp, _maxDelay);
        // remaining <= maxDelay <= 8 years < 2^32.
        // forge-lint: disable-next-line(unsafe-typecast)
        _update(neuronId, n, NeuronState(prev.stake, uint32(remaining), _nextBoundary(block.timestamp), false, 0));
    }

    /// @inheritdoc INeurons
    function disburse(uint32 neuronId) external {
        Neuron storage n = _owned(neuronId);
        NeuronState memory next = n.state;
        if (!next.dissolving || next.since > block.timestamp) {
            revert NeuronsNotDissolved(neuronId, next.dissolving ? next.since : 0);
        }
        uint256 amount = next.stake;
        next.stake = 0;
        _update(neuronId, n, next);
        emit NeuronDisbursed(neuronId, msg.sender, amount);
        // The exposure is released first (forced: whatever the owner's status) and taken back by the transfer in the
        // same call: the holder slot it frees is the one the owner takes again.
        if (_reportsStakes) {
            ISecurityToken(address(_token)).lookThroughTransfer(msg.sender, address(0), amount, false, true);
        }
        _token.safeTransfer(msg.sender, amount);
    }

    /// @inheritdoc INeurons
    function setHotKey(uint32 neuronId, address hotKey) external {
        _owned(neuronId).hotKey = hotKey;
        emit HotKeySet(neuronId, hotKey);
    }

    // ---------------------------------------------------------------- reject fees

    /// @inheritdoc INeurons
    function chargeFee(uint32 neuronId, uint96 fee) external {
        _onlyGovernance();
        Neuron storage n = _neurons[neuronId];
        uint256 available = n.state.stake - n.pendingFees;
        if (available < fee) revert NeuronsInsufficientStake(neuronId, available, fee);
        n.pendingFees += fee;
    }

    /// @inheritdoc INeurons
    function refundFee(uint32 neuronId, uint96 fee) external {
        _onlyGovernance();
        _neurons[neuronId].pendingFees -= fee;
    }

    /// @inheritdoc INeurons
    function keepFee(uint32 neuronId, uint96 fee) external {
        _onlyGovernance();
        Neuron storage n = _neurons[neuronId];
        n.pendingFees -= fee;
        NeuronState memory next = n.state;
        next.stake -= fee;
        keptFees += fee;
        _update(neuronId, n, next);
    }

    /// @inheritdoc INeurons
    function collectFees() external returns (uint256 amount) {
        amount = keptFees;
        keptFees = 0;
        emit FeesCollected(treasury, amount);
        _token.safeTransfer(treasury, amount);
    }

    function _onlyGovernance() private view {
        if (msg.sender != governance) revert NeuronsOnlyGovernance(msg.sender);
    }

    function _owned(uint32 neuronId) private view returns (Neuron storage n) {
        n = _neurons[neuronId];
        if (n.owner != msg.sender) revert NeuronsNotOwner(neuronId, msg.sender);
    }

    function _nextBoundary(uint256 t) private view returns (uint40) {
        return (Math.ceilDiv(t, _epoch) * _epoch).toUint40();
    }

    function _horizons() private view returns (VotingPower.Horizons memory) {
        return VotingPower.Horizons(_maxDelay, _maxAge, _minDelay);
    }

    // ---------------------------------------------------------------- history

    /// @dev Replaces the neuron's state: moves its contribution in the aggregates from `prev` to `next`, keeps
    /// `prev` in the history when a proposal created since may need it, stamps `next` with a new sequence number.
    function _update(uint32 neuronId, Neuron storage n, NeuronState memory next) private {
        NeuronState memory prev = n.state;
        if (next.stake < prev.stake && next.stake < n.pendingFees) revert NeuronsFeesPending(neuronId, n.pendingFees);
        Clock memory clock = _clock;
        (int256[4] memory value, int256[4] memory slope,) = _sumsAt(block.timestamp);
        _contribute(prev, -1, value, slope);
        _contribute(next, 1, value, slope);
        _sumValue = value;
        _sumSlope = slope;
        if (prev.seq != 0 && prev.seq <= clock.lastProposalSeq) _history[neuronId].push(prev.seq, _pack(prev));
        next.seq = ++clock.seq;
        clock.aggregateTime = uint40(block.timestamp);
        _clock = clock;
        n.state = next;
        emit NeuronUpdated(neuronId, next.stake, next.dissolveDelay, next.since, next.dissolving, next.seq);
    }

    /// @dev The state of a neuron as of sequence number `seq`.
    function _stateAt(uint32 neuronId, uint256 seq) private view returns (NeuronState memory state) {
        state = _neurons[neuronId].state;
        // seq < state.seq, a uint48.
        // forge-lint: disable-next-line(unsafe-typecast)
        if (state.seq > seq) state = _unpack(_history[neuronId].upperLookupRecent(uint48(seq)));
    }

    function _pack(NeuronState memory s) private pure returns (uint208) {
        return uint208(s.stake) | (uint208(s.dissolveDelay) << 96) | (uint208(s.since) << 128)
            | (s.dissolving ? uint208(1) << 168 : 0);
    }

    function _unpack(uint208 packed) private pure returns (NeuronState memory) {
        // forge-lint: disable-next-item(unsafe-typecast)
        return NeuronState(uint96(packed), uint32(packed >> 96), uint40(packed >> 128), (packed >> 168) & 1 == 1, 0);
    }

    // ---------------------------------------------------------------- aggregate

    /// @inheritdoc INeurons
    function snapshot() external returns (uint256 seq, uint256[4] memory sums) {
        _onlyGovernance();
        (int256[4] memory value, int256[4] memory slope, bool replayed) = _sumsAt(block.timestamp);
        Clock memory clock = _clock;
        if (replayed) {
            _sumValue = value;
            _sumSlope = slope;
            clock.aggregateTime = uint40(block.timestamp);
        }
        clock.lastProposalSeq = clock.seq;
        _clock = clock;
        return (clock.seq, _toUint(value));
    }

    /// @dev Adds `sign` times the contribution of a neuron in state `n` from now on: its value now, its slope on
    /// the interval ending now, and its breakpoints at or after now (all epoch boundaries). Aging: s.v and s.u.v
    /// grow on (since, since + maxAge]. Dissolving: s.u shrinks on (dissolvedAt - maxDelay, dissolvedAt - minDelay],
    /// after which the neuron leaves every sum.
    // Casts to int256: s < 2^96 and u, v, minDelay < 2^32, so every product fits.
    // forge-lint: disable-next-item(unsafe-typecast)
    function _contribute(NeuronState memory n, int256 sign, int256[4] memory value, int256[4] memory slope) private {
        (uint256 s_, uint256 u_, uint256 v_) = VotingPower.components(n, block.timestamp, _horizons());
        if (s_ == 0) return;
        int256 s = sign * int256(s_);
        int256 su = s * int256(u_);
        value[0] += s;
        value[1] += su;
        value[2] += s * int256(v_);
        value[3] += su * int256(v_);
        if (n.dissolving) {
            uint256 shrinkStart = n.since > _maxDelay ? n.since - _maxDelay : 0;
            if (shrinkStart < block.timestamp) slope[1] -= s;
            else _schedule(shrinkStart, 1, 0, -s);
            uint256 leave = n.since - _minDelay;
            _schedule(leave, 0, -s, 0);
            _schedule(leave, 1, -s * int256(_minDelay), s);
        } else {
            uint256 agedAt = n.since + _maxAge;
            if (agedAt < block.timestamp) return;
            if (n.since < block.timestamp) {
                slope[2] += s;
                slope[3] += su;
            } else {
                _schedule(n.since, 2, 0, s);
                _schedule(n.since, 3, 0, su);
            }
            _schedule(agedAt, 2, 0, -s);
            _schedule(agedAt, 3, 0, -su);
        }
    }

    function _schedule(uint256 boundary, uint256 index, int256 jump, int256 slopeDelta) private {
        if (jump != 0) _jumps[boundary][index] += jump;
        if (slopeDelta != 0) _slopeDeltas[boundary][index] += slopeDelta;
        uint256 k = boundary / _epoch;
        _pendingBoundaries[k >> 8] |= uint256(1) << (k & 255);
    }

    /// @dev The aggregates at time `t` (>= the stored time): replays the scheduled boundaries before `t`, in order.
    function _sumsAt(uint256 t) private view returns (int256[4] memory value, int256[4] memory slope, bool replayed) {
        value = _sumValue;
        slope = _sumSlope;
        uint256 t0 = _clock.aggregateTime;
        if (t <= t0) return (value, slope, false);
        uint256 epoch = _epoch;
        uint256 last = (t - 1) / epoch;
        for (uint256 k = Math.ceilDiv(t0, epoch); k <= last; k = ((k >> 8) + 1) << 8) {
            uint256 word = _pendingBoundaries[k >> 8] >> (k & 255);
            if (last - k < 255) word &= (uint256(1) << (last - k + 1)) - 1;
            while (word != 0) {
                uint256 boundary = (k + Math.log2(word & (~word + 1))) * epoch;
                _advance(value, slope, boundary - t0);
                t0 = boundary;
                int256[4] storage jumps = _jumps[boundary];
                int256[4] storage slopeDeltas = _slopeDeltas[boundary];
                for (uint256 i; i < 4; ++i) {
                    value[i] += jumps[i];
                    slope[i] += slopeDeltas[i];
                }
                word &= word - 1;
                replayed = true;
            }
        }
        _advance(value, slope, t - t0);
    }

    function _advance(int256[4] memory value, int256[4] memory slope, uint256 dt) private pure {
        for (uint256 i; i < 4; ++i) {
            // dt is a time difference in seconds.
            // forge-lint: disable-next-line(unsafe-typecast)
            value[i] += slope[i] * int256(dt);
        }
    }

    function _toUint(int256[4] memory value) private pure returns (uint256[4] memory sums) {
        for (uint256 i; i < 4; ++i) {
            sums[i] = value[i].toUint256();
        }
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc INeurons
    function stakeToken() external view returns (address) {
        return address(_token);
    }

    /// @inheritdoc INeurons
    function config() external view returns (Config memory) {
        // forge-lint: disable-next-item(unsafe-typecast)
        return Config(uint32(_epoch), uint32(_maxDelay), uint32(_maxAge), uint32(_minDelay));
    }

    /// @inheritdoc INeurons
    function neuronCount() external view returns (uint32) {
        return _clock.neuronCount;
    }

    /// @inheritdoc INeurons
    function currentSeq() external view returns (uint256) {
        return _clock.seq;
    }

    /// @inheritdoc INeurons
    function neuron(uint32 neuronId) external view returns (address owner, address hotKey, NeuronState memory state) {
        Neuron storage n = _neurons[neuronId];
        return (n.owner, n.hotKey, n.state);
    }

    /// @inheritdoc INeurons
    function pendingFees(uint32 neuronId) external view returns (uint256) {
        return _neurons[neuronId].pendingFees;
    }

    /// @inheritdoc INeurons
    function controllers(uint32 neuronId) external view returns (address owner, address hotKey) {
        Neuron storage n = _neurons[neuronId];
        return (n.owner, n.hotKey);
    }

    /// @inheritdoc INeurons
    function components(uint32 neuronId, uint256 seq, uint256 t) external view returns (uint256, uint256, uint256) {
        return VotingPower.components(_stateAt(neuronId, seq), t, _horizons());
    }

    /// @inheritdoc INeurons
    function componentsBatch(uint32[] calldata neuronIds, uint256 seq, uint256 t)
        external
        view
        returns (uint256[] memory packed)
    {
        VotingPower.Horizons memory h = _horizons();
        packed = new uint256[](neuronIds.length);
        for (uint256 i; i < neuronIds.length; ++i) {
            (uint256 s, uint256 u, uint256 v) = VotingPower.components(_stateAt(neuronIds[i], seq), t, h);
            packed[i] = s | (u << 96) | (v << 128);
        }
    }

    /// @inheritdoc INeurons
    function sumsAt(uint256 t) external view returns (uint256[4] memory) {
        (int256[4] memory value,,) = _sumsAt(t);
        return _toUint(value);
    }
}

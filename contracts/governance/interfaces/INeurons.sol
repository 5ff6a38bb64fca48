// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IIdentityRegistry} from "../../token/interfaces/IIdentityRegistry.sol";

/// @title INeurons
/// @notice Neurons after DFINITY's NNS: stake tokens locked with a dissolve delay, aging while not dissolving.
/// Keeps, without a loop over neurons, the aggregates from which the total voting power at any time follows, and
/// the past neuron states that open proposals still need. Deployed by, and answering to, its {governance}.
interface INeurons {
    /// @notice The part of a neuron that determines its voting power; one storage slot.
    /// @param stake Tokens locked.
    /// @param dissolveDelay Dissolve delay in seconds while not dissolving; 0 while dissolving.
    /// @param since Not dissolving: start of aging (an epoch boundary, possibly in the future). Dissolving: the
    /// time it is dissolved (an epoch boundary).
    /// @param dissolving Whether the neuron is dissolving (dissolved once `since` has passed).
    /// @param seq Global sequence number of the change that produced this state.
    struct NeuronState {
        uint96 stake;
        uint32 dissolveDelay;
        uint40 since;
        bool dissolving;
        uint48 seq;
    }

    /// @notice Deployment-time horizons, in seconds; `maxDelay`, `maxAge` and `minDelay` are multiples of `epoch`.
    /// @param epoch Granularity of aging starts and dissolve times (e.g. 1 day).
    /// @param maxDelay Longest dissolve delay, where the delay bonus is full (NNS 8 years; cap 8 years).
    /// @param maxAge Age where the age bonus is full (NNS 4 years; cap 8 years).
    /// @param minDelay Dissolve delay needed to vote (NNS 6 months), at most `maxDelay`.
    struct Config {
        uint32 epoch;
        uint32 maxDelay;
        uint32 maxAge;
        uint32 minDelay;
    }

    /// @notice Thrown by the constructor when a horizon is zero, above its cap or not a multiple of the epoch, or
    /// when `minDelay > maxDelay`.
    error NeuronsInvalidConfig(Config config);
    /// @notice Thrown by {snapshot} and the fee functions when the caller is not {governance}.
    error NeuronsOnlyGovernance(address caller);
    /// @notice Thrown by {stake} when the caller is not a verified identity.
    error NeuronsIdentityNotVerified(address account);
    /// @notice Thrown by {stake} and {increaseStake} for a zero amount.
    error NeuronsZeroAmount();
    /// @notice Thrown when a dissolve delay would exceed `maxDelay`.
    error NeuronsDissolveDelayTooLong(uint256 delay, uint256 maxDelay);
    /// @notice Thrown when an owner-only action is called by anyone else (or the neuron does not exist).
    error NeuronsNotOwner(uint32 neuronId, address caller);
    /// @notice Thrown by {startDissolving} when the neuron is already dissolving or dissolved.
    error NeuronsDissolving(uint32 neuronId);
    /// @notice Thrown by {stopDissolving} when the neuron is not dissolving.
    error NeuronsNotDissolving(uint32 neuronId);
    /// @notice Thrown by {stopDissolving} when the neuron is already dissolved.
    error NeuronsDissolved(uint32 neuronId);
    /// @notice Thrown by {disburse} before the neuron is dissolved (`dissolvedAt` 0: not dissolving).
    error NeuronsNotDissolved(uint32 neuronId, uint256 dissolvedAt);
    /// @notice Thrown by {chargeFee} when the neuron's stake not already charged (`available`) is below the fee.
    error NeuronsInsufficientStake(uint32 neuronId, uint256 available, uint256 fee);
    /// @notice Thrown by {disburse} while the neuron's open proposals hold `pending` fees against its stake (settle
    /// them first: anyone may, at the latest once their deadline has passed).
    error NeuronsFeesPending(uint32 neuronId, uint256 pending);

    /// @notice Emitted by {stake} when neuron `neuronId` is created (a {NeuronUpdated} follows).
    event NeuronStaked(uint32 indexed neuronId, address indexed owner);
    /// @notice Emitted after every change of a neuron's voting state: stake, increase, delay, dissolving, disburse.
    event NeuronUpdated(
        uint32 indexed neuronId, uint256 stake, uint256 dissolveDelay, uint256 since, bool dissolving, uint256 seq
    );
    /// @notice Emitted by {disburse} when `amount` tokens go back to the owner.
    event NeuronDisbursed(uint32 indexed neuronId, address indexed owner, uint256 amount);
    /// @notice Emitted by {setHotKey}.
    event HotKeySet(uint32 indexed neuronId, address indexed hotKey);
    /// @notice Emitted by {collectFees} when `amount` kept fees go to the treasury.
    event FeesCollected(address indexed treasury, uint256 amount);

    /// @notice Locks `amount` tokens (pulled from the caller) in a new neuron owned by the caller, not dissolving,
    /// aging from the next epoch boundary. Emits {NeuronStaked} and {NeuronUpdated}. Reverts with
    /// {NeuronsIdentityNotVerified}, {NeuronsZeroAmount} or {NeuronsDissolveDelayTooLong}.
    function stake(uint96 amount, uint32 dissolveDelay) external returns (uint32 neuronId);

    /// @notice Adds `amount` tokens (pulled from the owner). A non-dissolving neuron keeps its age weighted by
    /// stake (NNS): new age = age x old / new, its aging start rounded up to an epoch boundary. Owner only.
    function increaseStake(uint32 neuronId, uint96 amount) external;

    /// @notice Adds `additional` seconds to the dissolve delay (to the remaining delay of a dissolving neuron,
    /// dissolve time rounded up to an epoch boundary; a dissolved neuron becomes non-dissolving with delay
    /// `additional`). Owner only; {NeuronsDissolveDelayTooLong} above `maxDelay`.
    function increaseDissolveDelay(uint32 neuronId, uint32 additional) external;

    /// @notice Starts dissolving: dissolved at now + delay rounded up to an epoch boundary; the age is lost. Owner
    /// only; {NeuronsDissolving} if already dissolving.
    function startDissolving(uint32 neuronId) external;

    /// @notice Stops dissolving: the remaining delay becomes the dissolve delay and aging restarts from the next
    /// epoch boundary. Owner only; {NeuronsNotDissolving} / {NeuronsDissolved}.
    function stopDissolving(uint32 neuronId) external;

    /// @notice Sends the whole stake of a dissolved neuron to its owner. Owner only; {NeuronsNotDissolved},
    /// {NeuronsFeesPending} while one of its proposals is not settled.
    function disburse(uint32 neuronId) external;

    /// @notice Names the one hot key that may vote, propose and set following for the neuron but never move
    /// stake; `address(0)` removes it. Owner only.
    function setHotKey(uint32 neuronId, address hotKey) external;

    /// @notice Charges a proposal's reject fee against the neuron's stake (the NNS's neuron fees): the fee is held
    /// against the stake (which cannot be disbursed below it) until the proposal is settled; no token moves.
    /// Governance only; {NeuronsInsufficientStake} when the stake not already charged is below the fee.
    function chargeFee(uint32 neuronId, uint96 fee) external;

    /// @notice Releases a charged fee (adopted proposal): the stake is whole again. Governance only.
    function refundFee(uint32 neuronId, uint96 fee) external;

    /// @notice Takes a charged fee out of the neuron's stake (rejected proposal), so its voting power drops, and keeps
    /// it for the treasury ({collectFees}). Governance only.
    function keepFee(uint32 neuronId, uint96 fee) external;

    /// @notice Sends the kept fees to the treasury (anyone; the only fee path that moves tokens, so a token-side
    /// restriction delays it without affecting governance). Emits {FeesCollected}.
    /// @return amount The fees sent.
    function collectFees() external returns (uint256 amount);

    /// @notice Brings the aggregates to now and marks the current sequence number as seen by a proposal, so that
    /// later changes keep the states it needs. Governance only.
    /// @return seq The sequence number the proposal fixes.
    /// @return sums The aggregates now: sum s, sum s.u, sum s.v, sum s.u.v over eligible neurons (see VotingPower).
    function snapshot() external returns (uint256 seq, uint256[4] memory sums);

    /// @notice The governance contract this module answers to.
    function governance() external view returns (address);
    /// @notice Where {collectFees} sends kept fees (the governance's executor).
    function treasury() external view returns (address);
    /// @notice Fees kept and not collected yet.
    function keptFees() external view returns (uint256);
    /// @notice Fees of the neuron's open proposals, held against its stake.
    function pendingFees(uint32 neuronId) external view returns (uint256);
    /// @notice The token staked in neurons.
    function stakeToken() external view returns (address);
    /// @notice The registry that must verify a neuron's owner at {stake}.
    function identityRegistry() external view returns (IIdentityRegistry);
    /// @notice Deployment-time horizons.
    function config() external view returns (Config memory);
    /// @notice Number of neurons; ids are 1..neuronCount.
    function neuronCount() external view returns (uint32);
    /// @notice The current global sequence number (incremented by every neuron change).
    function currentSeq() external view returns (uint256);
    /// @notice Owner, hot key and current state of a neuron.
    function neuron(uint32 neuronId) external view returns (address owner, address hotKey, NeuronState memory state);
    /// @notice Owner and hot key of a neuron (zero for a neuron that does not exist).
    function controllers(uint32 neuronId) external view returns (address owner, address hotKey);
    /// @notice Voting-power components of the neuron's state at sequence number `seq`, evaluated at time `t`:
    /// stake s (0 if not eligible), capped delay u, capped age v.
    function components(uint32 neuronId, uint256 seq, uint256 t) external view returns (uint256 s, uint256 u, uint256 v);
    /// @notice {components} for several neurons at once, packed per neuron as
    /// `s | u << 96 | v << 128` (the cascade reads a whole batch in one call).
    function componentsBatch(uint32[] calldata neuronIds, uint256 seq, uint256 t)
        external
        view
        returns (uint256[] memory packed);
    /// @notice The aggregates at time `t` (not before the last change): sum s, s.u, s.v, s.u.v.
    function sumsAt(uint256 t) external view returns (uint256[4] memory sums);
}

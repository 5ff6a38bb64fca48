// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IMpcCommittee
/// @notice On-chain side of Stoa's secret contracts: a bonded committee of MPC nodes, computation
/// requests, encrypted client inputs and threshold-signed results.
/// @dev Lifecycle of a computation: requested (bound to the committee epoch of that moment) ->
/// collecting inputs until `inputDeadline` -> computing (inputs frozen, `inputsCommitment` final) ->
/// finalized once a result signed by at least the epoch's threshold of nodes is posted.
/// Ciphertexts travel only in `InputSubmitted` events; storage keeps a hash chain over all
/// submissions (`inputsCommitment`) that every node recomputes from the logs and signs over, with the
/// hash of the subset of those inputs that counted (`inputSet`), so a result certifies exactly which
/// inputs it was computed on. A result is the EIP-712 message
/// `Result(uint256 computationId,uint64 epoch,bytes32 inputsCommitment,bytes32 inputSet,bytes output)` in the domain
/// (name "Stoa MpcCommittee", version "1", chain id, this contract). Honest nodes sign one result per
/// computation; two different results signed by one node are evidence that slashes its bond.
interface IMpcCommittee {
    /// @notice What a computation computes; its parameters are ABI-encoded per kind (see README).
    enum ComputationKind {
        SecretBallot,
        HolderCap,
        BalanceThreshold,
        SealedBidAuction
    }

    /// @notice Where a computation stands.
    /// @dev `None`: unknown id. `Collecting`: inputs accepted (now < inputDeadline). `Computing`:
    /// inputs frozen, waiting for a signed result. `Finalized`: result posted. `Expired`: no result
    /// within `RESULT_WINDOW` after the input deadline (none can be posted any more). `Cancelled`:
    /// cancelled by the admin before a result.
    enum Status {
        None,
        Collecting,
        Computing,
        Finalized,
        Expired,
        Cancelled
    }

    /// @notice A requested computation as stored.
    /// @param kind What is computed.
    /// @param epoch Committee epoch the computation is bound to (its nodes decrypt and sign).
    /// @param inputDeadline Timestamp from which inputs are refused.
    /// @param inputCount Number of inputs submitted.
    /// @param finalized Whether a result was posted.
    /// @param cancelled Whether the admin cancelled it.
    /// @param requester Account that requested it.
    /// @param paramsHash keccak256 of the parameters (the parameters are in `ComputationRequested`).
    /// @param inputsCommitment Running hash chain over the submissions (zero before the first).
    /// @param output Result posted by the committee (empty until finalized).
    struct Computation {
        ComputationKind kind;
        uint64 epoch;
        uint64 inputDeadline;
        uint32 inputCount;
        bool finalized;
        bool cancelled;
        address requester;
        bytes32 paramsHash;
        bytes32 inputsCommitment;
        bytes output;
    }

    /// @notice One node's signature over a result, used as equivocation evidence.
    /// @param inputsCommitment The inputs commitment in the signed message.
    /// @param inputSet The hash of the inputs used, in the signed message.
    /// @param output The output in the signed message.
    /// @param signature 65-byte (r, s, v) signature with low s.
    struct SignedResult {
        bytes32 inputsCommitment;
        bytes32 inputSet;
        bytes output;
        bytes signature;
    }

    // ------------------------------------------------------------------ errors

    /// @notice Thrown by `setCommittee` when fewer than 3 or more than `MAX_COMMITTEE_SIZE` nodes are given.
    error MpcCommitteeInvalidSize(uint256 size);
    /// @notice Thrown by `setCommittee` when the node and key arrays differ in length.
    error MpcCommitteeLengthMismatch(uint256 nodes, uint256 keys);
    /// @notice Thrown by `setCommittee` unless size / 2 < threshold <= size (any two quorums share a node).
    error MpcCommitteeInvalidThreshold(uint256 threshold, uint256 size);
    /// @notice Thrown by `setCommittee` and `depositBond` when a node is the zero address.
    error MpcCommitteeZeroNode();
    /// @notice Thrown by `setCommittee` when a node appears twice.
    error MpcCommitteeDuplicateNode(address node);
    /// @notice Thrown by `setCommittee` when a key is not a 33-byte compressed secp256k1 point encoding.
    error MpcCommitteeInvalidEncryptionKey(address node);
    /// @notice Thrown by `setCommittee` when a key (its x coordinate) was registered before, in `epoch`
    /// (an earlier one or the new one): every epoch needs fresh keys.
    error MpcCommitteeEncryptionKeyUsed(address node, uint64 epoch);
    /// @notice Thrown by `setCommittee` when a node's bond is below `minBond`.
    error MpcCommitteeInsufficientBond(address node, uint256 bond, uint256 minBond);
    /// @notice Thrown by `setCommittee` when a node was recorded as equivocating.
    error MpcCommitteeNodeEquivocated(address node);
    /// @notice Thrown by the constructor when the reporter reward exceeds 10,000 basis points.
    error MpcCommitteeInvalidRewardBps(uint256 bps);
    /// @notice Thrown by the constructor when the treasury is the zero address.
    error MpcCommitteeZeroTreasury();

    /// @notice Thrown by `depositBond` and `withdrawBond` for a zero amount.
    error MpcCommitteeZeroAmount();
    /// @notice Thrown by `depositBond` when the ETH sent does not match the bond asset (exactly
    /// `amount` for an ETH bond, zero for an ERC-20 bond).
    error MpcCommitteeBondValueMismatch(uint256 value, uint256 expected);
    /// @notice Thrown by `withdrawBond` while the node sits in the current committee.
    error MpcCommitteeNodeInCommittee(address node);
    /// @notice Thrown by `withdrawBond` before the unbonding delay after the node left the committee.
    error MpcCommitteeBondLocked(address node, uint256 unlocksAt);
    /// @notice Thrown by `withdrawBond` when the amount exceeds the node's bond.
    error MpcCommitteeBondExceeded(uint256 bond, uint256 amount);
    /// @notice Thrown by `withdrawBond` when the recipient is the zero address.
    error MpcCommitteeZeroRecipient();

    /// @notice Thrown by `requestComputation` before any committee was set.
    error MpcCommitteeNoCommittee();
    /// @notice Thrown by `requestComputation` when the input deadline is not in the future.
    error MpcCommitteeDeadlineInPast(uint64 inputDeadline);
    /// @notice Thrown for a computation id that was never requested.
    error MpcCommitteeUnknownComputation(uint256 computationId);
    /// @notice Thrown by `submitInput` at or after the input deadline.
    error MpcCommitteeInputsClosed(uint256 computationId, uint64 inputDeadline);
    /// @notice Thrown by `submitInput` unless there is one ciphertext per node of the computation's epoch.
    error MpcCommitteeCiphertextCount(uint256 given, uint256 expected);
    /// @notice Thrown by `submitInput` when a ciphertext is empty.
    error MpcCommitteeEmptyCiphertext(uint256 nodeIndex);
    /// @notice Thrown by `submitInput` when a ciphertext is longer than `MAX_CIPHERTEXT_BYTES`.
    error MpcCommitteeCiphertextTooLarge(uint256 nodeIndex, uint256 length, uint256 max);
    /// @notice Thrown by `submitInput` when the computation already has `MAX_INPUTS` inputs.
    error MpcCommitteeTooManyInputs(uint256 computationId, uint256 max);

    /// @notice Thrown by `postResult` while inputs are still being collected.
    error MpcCommitteeInputsOpen(uint256 computationId, uint64 inputDeadline);
    /// @notice Thrown by `postResult` when the computation already has a result.
    error MpcCommitteeAlreadyFinalized(uint256 computationId);
    /// @notice Thrown by `postResult` when fewer signatures than the epoch's threshold count (an
    /// equivocator's signature does not count).
    error MpcCommitteeBelowThreshold(uint256 signatures, uint256 threshold);
    /// @notice Thrown when a recovered signer is not a node of the computation's epoch.
    error MpcCommitteeNotMember(address signer, uint64 epoch);
    /// @notice Thrown by `postResult` when two signatures recover to the same node.
    error MpcCommitteeDuplicateSigner(address signer);

    /// @notice Thrown by `postResult` from `RESULT_WINDOW` after the input deadline on.
    error MpcCommitteeExpired(uint256 computationId, uint256 expiresAt);
    /// @notice Thrown by `submitInput`, `postResult` and `cancelComputation` for a cancelled computation.
    error MpcCommitteeCancelled(uint256 computationId);

    /// @notice Thrown by `reportEquivocation` when both messages are identical.
    error MpcCommitteeSameResult(uint256 computationId);
    /// @notice Thrown by `reportEquivocation` when the two signatures recover to different signers.
    error MpcCommitteeSignerMismatch(address first, address second);
    /// @notice Thrown by `reportEquivocation` when the node was already recorded as equivocating.
    error MpcCommitteeAlreadyEquivocated(address node);

    // ------------------------------------------------------------------ events

    /// @notice Emitted by `setCommittee` when a new committee epoch starts.
    event CommitteeSet(uint64 indexed epoch, address[] nodes, bytes[] encryptionKeys, uint256 threshold);
    /// @notice Emitted by `setMinBond` when the minimum bond changed.
    event MinBondSet(uint256 minBond);
    /// @notice Emitted by `depositBond` when a node's bond increased.
    event BondDeposited(address indexed node, address indexed from, uint256 amount, uint256 bond);
    /// @notice Emitted by `withdrawBond` when a node took bond out.
    event BondWithdrawn(address indexed node, address indexed to, uint256 amount, uint256 bond);
    /// @notice Emitted by `requestComputation`; carries the parameters, which are stored only as a hash.
    event ComputationRequested(
        uint256 indexed computationId,
        ComputationKind indexed kind,
        uint64 epoch,
        uint64 inputDeadline,
        address requester,
        bytes params
    );
    /// @notice Emitted by `submitInput`; the only place the ciphertexts are recorded.
    /// @param index Position of this input in the computation (0-based).
    /// @param commitment The client's commitment to its shares.
    /// @param ciphertexts One payload per node, in committee order.
    /// @param inputsCommitment The running commitment after this submission.
    event InputSubmitted(
        uint256 indexed computationId,
        address indexed submitter,
        uint256 index,
        bytes32 commitment,
        bytes[] ciphertexts,
        bytes32 inputsCommitment
    );
    /// @notice Emitted by `postResult` when a computation was finalized.
    /// @param inputSet Hash of the inputs the result was computed on (see README).
    /// @param signers The nodes whose signatures counted.
    event ResultPosted(
        uint256 indexed computationId, bytes32 inputsCommitment, bytes32 inputSet, bytes output, address[] signers
    );
    /// @notice Emitted by `cancelComputation`.
    event ComputationCancelled(uint256 indexed computationId);
    /// @notice Emitted by `reportEquivocation` when a node was recorded as equivocating and slashed.
    event NodeEquivocated(
        address indexed node, uint256 indexed computationId, address indexed reporter, uint256 slashed, uint256 reward
    );

    // ------------------------------------------------------------------ committee

    /// @notice Largest committee (signer sets are tracked in a 256-bit bitmap).
    function MAX_COMMITTEE_SIZE() external view returns (uint256);

    /// @notice Starts a new epoch with `nodes` (signing addresses) and their `encryptionKeys`
    /// (33-byte compressed secp256k1 points), `threshold` signatures needed for a result.
    /// @dev Restricted (AccessManager). Every node must hold at least `minBond` and never have equivocated.
    /// Every key must be new: no key with the same x coordinate (the same point or its negation) was
    /// registered in any epoch, so a stolen key opens the inputs of one epoch only.
    /// Computations already requested keep their epoch.
    function setCommittee(address[] calldata nodes, bytes[] calldata encryptionKeys, uint256 threshold) external;

    /// @notice Sets the bond a node needs to be appointed. Restricted (AccessManager).
    function setMinBond(uint256 minBond) external;

    /// @notice Current epoch (0 before the first committee).
    function epoch() external view returns (uint64);

    /// @notice Nodes, encryption keys and threshold of `epoch_`.
    function committee(uint64 epoch_)
        external
        view
        returns (address[] memory nodes, bytes[] memory encryptionKeys, uint256 threshold);

    /// @notice Position + 1 of `node` in the committee of `epoch_`, 0 when it is not a member.
    function memberSlot(uint64 epoch_, address node) external view returns (uint256);

    /// @notice The epoch that registered the encryption key with x coordinate `x`, 0 if none did.
    function encryptionKeyEpoch(bytes32 x) external view returns (uint64);

    // ------------------------------------------------------------------ bonds

    /// @notice Bond asset: an ERC-20, or the zero address for ETH.
    function bondToken() external view returns (address);

    /// @notice Bond needed to be appointed to a committee.
    function minBond() external view returns (uint256);

    /// @notice Seconds a node's bond stays locked after it left the committee.
    function unbondingDelay() external view returns (uint64);

    /// @notice Receives the slashed bond minus the reporter's reward.
    function treasury() external view returns (address);

    /// @notice Share of a slashed bond paid to the reporter, in basis points.
    function reporterRewardBps() external view returns (uint16);

    /// @notice Current bond of `node`.
    function bondOf(address node) external view returns (uint256);

    /// @notice Whether `node` was recorded as equivocating (its signatures no longer count).
    function isEquivocator(address node) external view returns (bool);

    /// @notice Adds `amount` to the bond of `node`, paid by the caller: ETH in `msg.value` for an
    /// ETH bond, else an ERC-20 transfer from the caller (approve first).
    function depositBond(address node, uint256 amount) external payable;

    /// @notice Sends `amount` of the caller's bond to `to`. Only outside the current committee and
    /// `unbondingDelay` seconds after both the start of the epoch that replaced the caller's last
    /// one and the expiry of every computation its epochs can still sign (`bondUnlocksAt`).
    function withdrawBond(uint256 amount, address to) external;

    /// @notice When `node` may withdraw its bond (0: never appointed; `type(uint256).max`: in the
    /// current committee).
    function bondUnlocksAt(address node) external view returns (uint256);

    // ------------------------------------------------------------------ computations

    /// @notice Requests a computation of `kind` with `params`, bound to the current epoch, taking
    /// inputs until `inputDeadline`. Restricted (AccessManager). Ids start at 1.
    function requestComputation(ComputationKind kind, bytes calldata params, uint64 inputDeadline)
        external
        returns (uint256 computationId);

    /// @notice Seconds after its input deadline during which a computation's result may be posted;
    /// afterwards it is `Expired`. Bonds stay locked until then (see `withdrawBond`).
    function RESULT_WINDOW() external view returns (uint64);

    /// @notice Most inputs one computation takes (a ballot of 65,536 voters).
    function MAX_INPUTS() external view returns (uint256);

    /// @notice Longest ciphertext of one input for one node: 65,536 bytes, i.e. an input of up to
    /// 4,085 values (envelope 74 + payload 99 + 16 bytes per value), e.g. a cap table of 4,085 holders.
    function MAX_CIPHERTEXT_BYTES() external view returns (uint256);

    /// @notice Cancels a computation that has no result (inputs and results are refused after).
    /// Restricted (AccessManager). To move a computation to a new committee, cancel it and request
    /// it again (its inputs were encrypted to the old committee's keys).
    function cancelComputation(uint256 computationId) external;

    /// @notice Submits one input: `commitment` to the client's shares and `ciphertexts`, one per node
    /// of the computation's epoch in committee order. Extends the running commitment:
    /// `inputsCommitment = keccak256(abi.encode(inputsCommitment, msg.sender, commitment, ciphertextsHash))`
    /// with `ciphertextsHash = keccak256(abi.encodePacked(keccak256(ciphertexts[0]), ...))`.
    /// @return inputsCommitment The running commitment after this submission.
    function submitInput(uint256 computationId, bytes32 commitment, bytes[] calldata ciphertexts)
        external
        returns (bytes32 inputsCommitment);

    /// @notice Finalizes a computation with `output` computed on the inputs `inputSet` names, signed
    /// (EIP-712 `Result`) over the computation's epoch, final inputs commitment and `inputSet` by at
    /// least the epoch's threshold of distinct nodes that never equivocated (an equivocator's
    /// signature is skipped, not refused). Anyone may post. Only once, and only after the input deadline.
    /// @param inputSet `keccak256(abi.encode(uint256[] indices))` of the inputs that counted, ascending.
    function postResult(uint256 computationId, bytes32 inputSet, bytes calldata output, bytes[] calldata signatures)
        external;

    /// @notice Records the signer of two different `Result` messages for `computationId` (at its
    /// epoch) as equivocating and slashes its whole bond: `reporterRewardBps` to the caller, the rest
    /// to the treasury. Anyone may report, at any time.
    function reportEquivocation(uint256 computationId, SignedResult calldata first, SignedResult calldata second)
        external;

    /// @notice EIP-712 digest a node signs for a result.
    function resultDigest(
        uint256 computationId,
        uint64 epoch_,
        bytes32 inputsCommitment,
        bytes32 inputSet,
        bytes calldata output
    ) external view returns (bytes32);

    /// @notice Number of computations requested so far (the last id).
    function computationCount() external view returns (uint256);

    /// @notice A computation as stored.
    function computation(uint256 computationId) external view returns (Computation memory);

    /// @notice Consumer view: status and (once finalized) output of a computation.
    function result(uint256 computationId) external view returns (Status status, bytes memory output);
}

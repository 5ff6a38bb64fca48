// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IMpcCommittee} from "./interfaces/IMpcCommittee.sol";
import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Address} from "@openzeppelin/contracts/utils/Address.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

/// @title MpcCommittee
/// @notice Bonded MPC committee, computation requests, encrypted inputs and threshold-signed results.
/// @dev See {IMpcCommittee} and contracts/privacy/README.md.
contract MpcCommittee is IMpcCommittee, AccessManaged, EIP712 {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;

    /// @dev EIP-712 type of the message nodes sign for a result.
    bytes32 public constant RESULT_TYPEHASH =
        keccak256("Result(uint256 computationId,uint64 epoch,bytes32 inputsCommitment,bytes32 inputSet,bytes output)");

    /// @inheritdoc IMpcCommittee
    uint256 public constant MAX_COMMITTEE_SIZE = 256;

    /// @inheritdoc IMpcCommittee
    uint64 public constant RESULT_WINDOW = 7 days;

    /// @inheritdoc IMpcCommittee
    uint256 public constant MAX_INPUTS = 65_536;

    /// @inheritdoc IMpcCommittee
    uint256 public constant MAX_CIPHERTEXT_BYTES = 65_536;

    /// @dev secp256k1 field prime: the x coordinate of an encryption key is below it.
    uint256 private constant FIELD_PRIME = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFC2F;

    // ------------------------------------------------------------------ immutables

    /// @inheritdoc IMpcCommittee
    address public immutable bondToken;
    /// @inheritdoc IMpcCommittee
    uint64 public immutable unbondingDelay;
    /// @inheritdoc IMpcCommittee
    address public immutable treasury;
    /// @inheritdoc IMpcCommittee
    uint16 public immutable reporterRewardBps;

    // ------------------------------------------------------------------ storage

    /// @dev A committee epoch: members in order, their encryption keys, threshold and start time;
    /// `signableUntil`: the latest expiry of a computation bound to this epoch or an earlier one.
    struct EpochData {
        uint16 threshold;
        uint64 startedAt;
        uint64 signableUntil;
        address[] nodes;
        bytes[] encryptionKeys;
    }

    /// @dev Per-node bond and record, one slot.
    struct NodeInfo {
        uint128 bond;
        uint64 lastEpoch;
        bool equivocated;
    }

    /// @inheritdoc IMpcCommittee
    uint64 public epoch;
    /// @inheritdoc IMpcCommittee
    uint256 public minBond;
    /// @inheritdoc IMpcCommittee
    uint256 public computationCount;
    /// @inheritdoc IMpcCommittee
    mapping(uint64 epoch => mapping(address node => uint256 slot)) public memberSlot;

    mapping(uint64 epoch => EpochData) private _epochs;
    mapping(address node => NodeInfo) private _nodes;
    mapping(uint256 computationId => Computation) private _computations;
    /// @inheritdoc IMpcCommittee
    mapping(bytes32 x => uint64 epoch) public encryptionKeyEpoch;

    // ------------------------------------------------------------------ constructor

    /// @param initialAuthority AccessManager that guards the committee, the minimum bond and requests.
    /// @param bondToken_ ERC-20 bonds are paid in, or the zero address for ETH.
    /// @param minBond_ Bond a node needs to be appointed.
    /// @param unbondingDelay_ Seconds a bond stays locked after its node left the committee.
    /// @param treasury_ Receives slashed bonds minus the reporter's reward.
    /// @param reporterRewardBps_ Share of a slashed bond paid to whoever reported the equivocation.
    constructor(
        address initialAuthority,
        address bondToken_,
        uint256 minBond_,
        uint64 unbondingDelay_,
        address treasury_,
        uint16 reporterRewardBps_
    ) AccessManaged(initialAuthority) EIP712("Stoa MpcCommittee", "1") {
        require(treasury_ != address(0), MpcCommitteeZeroTreasury());
        require(reporterRewardBps_ <= 10_000, MpcCommitteeInvalidRewardBps(reporterRewardBps_));
        bondToken = bondToken_;
        unbondingDelay = unbondingDelay_;
        treasury = treasury_;
        reporterRewardBps = reporterRewardBps_;
        minBond = minBond_;
        emit MinBondSet(minBond_);
    }

    // ------------------------------------------------------------------ committee

    /// @inheritdoc IMpcCommittee
    function setCommittee(address[] calldata nodes, bytes[] calldata encryptionKeys, uint256 threshold)
        external
        restricted
    {
        uint256 size = nodes.length;
        require(size >= 3 && size <= MAX_COMMITTEE_SIZE, MpcCommitteeInvalidSize(size));
        require(encryptionKeys.length == size, MpcCommitteeLengthMismatch(size, encryptionKeys.length));
        require(threshold > size / 2 && threshold <= size, MpcCommitteeInvalidThreshold(threshold, size));

        uint64 newEpoch = epoch + 1;
        uint256 minBond_ = minBond;
        EpochData storage data = _epochs[newEpoch];
        mapping(address => uint256) storage slots = memberSlot[newEpoch];
        for (uint256 i; i < size; ++i) {
            address node = nodes[i];
            require(node != address(0), MpcCommitteeZeroNode());
            require(slots[node] == 0, MpcCommitteeDuplicateNode(node));
            require(_isCompressedPoint(encryptionKeys[i]), MpcCommitteeInvalidEncryptionKey(node));
            bytes32 x = bytes32(encryptionKeys[i][1:]);
            uint64 usedIn = encryptionKeyEpoch[x];
            require(usedIn == 0, MpcCommitteeEncryptionKeyUsed(node, usedIn));
            encryptionKeyEpoch[x] = newEpoch;
            NodeInfo storage info = _nodes[node];
            require(!info.equivocated, MpcCommitteeNodeEquivocated(node));
            require(info.bond >= minBond_, MpcCommitteeInsufficientBond(node, info.bond, minBond_));
            slots[node] = i + 1;
            info.lastEpoch = newEpoch;
            data.nodes.push(node);
            data.encryptionKeys.push(encryptionKeys[i]);
        }
        // casting to 'uint16' is safe because threshold <= size <= MAX_COMMITTEE_SIZE
        // forge-lint: disable-next-line(unsafe-typecast)
        data.threshold = uint16(threshold);
        data.startedAt = uint64(block.timestamp);
        data.signableUntil = _epochs[newEpoch - 1].signableUntil;
        epoch = newEpoch;
        emit CommitteeSet(newEpoch, nodes, encryptionKeys, threshold);
    }

    /// @inheritdoc IMpcCommittee
    function setMinBond(uint256 minBond_) external restricted {
        minBond = minBond_;
        emit MinBondSet(minBond_);
    }

    /// @inheritdoc IMpcCommittee
    function committee(uint64 epoch_)
        external
        view
        returns (address[] memory nodes, bytes[] memory encryptionKeys, uint256 threshold)
    {
        EpochData storage data = _epochs[epoch_];
        return (data.nodes, data.encryptionKeys, data.threshold);
    }

    /// @dev Whether `key` is a 33-byte SEC1 compressed point encoding (prefix 0x02/0x03, x below the
    /// field prime). Whether x lies on the curve is left to the nodes, which hold the private keys.
    function _isCompressedPoint(bytes calldata key) private pure returns (bool) {
        return key.length == 33 && (key[0] == 0x02 || key[0] == 0x03) && uint256(bytes32(key[1:33])) < FIELD_PRIME;
    }

    // ------------------------------------------------------------------ bonds

    /// @inheritdoc IMpcCommittee
    function bondOf(address node) external view returns (uint256) {
        return _nodes[node].bond;
    }

    /// @inheritdoc IMpcCommittee
    function isEquivocator(address node) external view returns (bool) {
        return _nodes[node].equivocated;
    }

    /// @inheritdoc IMpcCommittee
    function depositBond(address node, uint256 amount) external payable {
        require(node != address(0), MpcCommitteeZeroNode());
        require(amount != 0, MpcCommitteeZeroAmount());
        uint256 expectedValue = bondToken == address(0) ? amount : 0;
        require(msg.value == expectedValue, MpcCommitteeBondValueMismatch(msg.value, expectedValue));

        NodeInfo storage info = _nodes[node];
        uint256 bond = info.bond + amount;
        info.bond = bond.toUint128();
        emit BondDeposited(node, msg.sender, amount, bond);

        if (bondToken != address(0)) IERC20(bondToken).safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @inheritdoc IMpcCommittee
    function withdrawBond(uint256 amount, address to) external {
        require(amount != 0, MpcCommitteeZeroAmount());
        require(to != address(0), MpcCommitteeZeroRecipient());
        NodeInfo storage info = _nodes[msg.sender];
        uint256 unlocksAt = _bondUnlocksAt(info.lastEpoch);
        require(unlocksAt != type(uint256).max, MpcCommitteeNodeInCommittee(msg.sender));
        require(block.timestamp >= unlocksAt, MpcCommitteeBondLocked(msg.sender, unlocksAt));
        uint256 bond = info.bond;
        require(amount <= bond, MpcCommitteeBondExceeded(bond, amount));

        // casting to 'uint128' is safe because bond - amount <= bond, read from a uint128
        // forge-lint: disable-next-line(unsafe-typecast)
        info.bond = uint128(bond - amount);
        emit BondWithdrawn(msg.sender, to, amount, bond - amount);

        _pay(to, amount);
    }

    /// @inheritdoc IMpcCommittee
    function bondUnlocksAt(address node) external view returns (uint256) {
        return _bondUnlocksAt(_nodes[node].lastEpoch);
    }

    /// @dev A node whose last epoch is `lastEpoch` may sign results of computations of that epoch
    /// and earlier ones until the latest of their expiries (computations bind to the epoch current
    /// when requested, so none are added to an epoch once the next began): its bond stays locked
    /// until `unbondingDelay` after that and after the next epoch's start.
    function _bondUnlocksAt(uint64 lastEpoch) private view returns (uint256) {
        if (lastEpoch == 0) return 0;
        if (lastEpoch == epoch) return type(uint256).max;
        uint256 replacedAt = _epochs[lastEpoch + 1].startedAt;
        uint256 signableUntil = _epochs[lastEpoch].signableUntil;
        return (replacedAt > signableUntil ? replacedAt : signableUntil) + unbondingDelay;
    }

    /// @dev Sends `amount` of the bond asset to `to`.
    function _pay(address to, uint256 amount) private {
        if (bondToken == address(0)) Address.sendValue(payable(to), amount);
        else IERC20(bondToken).safeTransfer(to, amount);
    }

    // ------------------------------------------------------------------ computations and inputs

    /// @inheritdoc IMpcCommittee
    function requestComputation(ComputationKind kind, bytes calldata params, uint64 inputDeadline)
        external
        restricted
        returns (uint256 computationId)
    {
        uint64 epoch_ = epoch;
        require(epoch_ != 0, MpcCommitteeNoCommittee());
        require(inputDeadline > block.timestamp, MpcCommitteeDeadlineInPast(inputDeadline));

        EpochData storage data = _epochs[epoch_];
        uint64 expiresAt = inputDeadline + RESULT_WINDOW;
        if (expiresAt > data.signableUntil) data.signableUntil = expiresAt;

        computationId = ++computationCount;
        Computation storage c = _computations[computationId];
        c.kind = kind;
        c.epoch = epoch_;
        c.inputDeadline = inputDeadline;
        c.requester = msg.sender;
        c.paramsHash = keccak256(params);
        emit ComputationRequested(computationId, kind, epoch_, inputDeadline, msg.sender, params);
    }

    /// @inheritdoc IMpcCommittee
    function submitInput(uint256 computationId, bytes32 commitment, bytes[] calldata ciphertexts)
        external
        returns (bytes32 inputsCommitment)
    {
        Computation storage c = _computations[computationId];
        uint64 inputDeadline = c.inputDeadline;
        require(inputDeadline != 0, MpcCommitteeUnknownComputation(computationId));
        require(block.timestamp < inputDeadline, MpcCommitteeInputsClosed(computationId, inputDeadline));
        require(!c.cancelled, MpcCommitteeCancelled(computationId));
        uint256 size = _epochs[c.epoch].nodes.length;
        require(ciphertexts.length == size, MpcCommitteeCiphertextCount(ciphertexts.length, size));
        uint32 index = c.inputCount;
        require(index < MAX_INPUTS, MpcCommitteeTooManyInputs(computationId, MAX_INPUTS));

        bytes32[] memory hashes = new bytes32[](size);
        for (uint256 i; i < size; ++i) {
            uint256 length = ciphertexts[i].length;
            require(length != 0, MpcCommitteeEmptyCiphertext(i));
            require(length <= MAX_CIPHERTEXT_BYTES, MpcCommitteeCiphertextTooLarge(i, length, MAX_CIPHERTEXT_BYTES));
            hashes[i] = keccak256(ciphertexts[i]);
        }
        inputsCommitment =
            keccak256(abi.encode(c.inputsCommitment, msg.sender, commitment, keccak256(abi.encodePacked(hashes))));

        c.inputsCommitment = inputsCommitment;
        c.inputCount = index + 1;
        emit InputSubmitted(computationId, msg.sender, index, commitment, ciphertexts, inputsCommitment);
    }

    /// @inheritdoc IMpcCommittee
    function computation(uint256 computationId) external view returns (Computation memory) {
        return _computations[computationId];
    }

    /// @inheritdoc IMpcCommittee
    function result(uint256 computationId) external view returns (Status status, bytes memory output) {
        Computation storage c = _computations[computationId];
        if (c.inputDeadline == 0) return (Status.None, "");
        if (c.finalized) return (Status.Finalized, c.output);
        if (c.cancelled) return (Status.Cancelled, "");
        if (block.timestamp < c.inputDeadline) return (Status.Collecting, "");
        return (block.timestamp < uint256(c.inputDeadline) + RESULT_WINDOW ? Status.Computing : Status.Expired, "");
    }

    /// @inheritdoc IMpcCommittee
    function cancelComputation(uint256 computationId) external restricted {
        Computation storage c = _computations[computationId];
        require(c.inputDeadline != 0, MpcCommitteeUnknownComputation(computationId));
        require(!c.finalized, MpcCommitteeAlreadyFinalized(computationId));
        require(!c.cancelled, MpcCommitteeCancelled(computationId));
        c.cancelled = true;
        emit ComputationCancelled(computationId);
    }

    // ------------------------------------------------------------------ results and equivocation

    /// @inheritdoc IMpcCommittee
    function postResult(uint256 computationId, bytes32 inputSet, bytes calldata output, bytes[] calldata signatures)
        external
    {
        Computation storage c = _computations[computationId];
        uint64 inputDeadline = c.inputDeadline;
        require(inputDeadline != 0, MpcCommitteeUnknownComputation(computationId));
        require(block.timestamp >= inputDeadline, MpcCommitteeInputsOpen(computationId, inputDeadline));
        require(!c.finalized, MpcCommitteeAlreadyFinalized(computationId));
        require(!c.cancelled, MpcCommitteeCancelled(computationId));
        uint256 expiresAt = uint256(inputDeadline) + RESULT_WINDOW;
        require(block.timestamp < expiresAt, MpcCommitteeExpired(computationId, expiresAt));
        uint64 epoch_ = c.epoch;

        bytes32 inputsCommitment = c.inputsCommitment;
        address[] memory signers = _signers(
            _resultDigest(computationId, epoch_, inputsCommitment, inputSet, keccak256(output)), epoch_, signatures
        );

        c.finalized = true;
        c.output = output;
        emit ResultPosted(computationId, inputsCommitment, inputSet, output, signers);
    }

    /// @dev The distinct members of `epoch_` that signed `digest` and never equivocated (an
    /// equivocator's signature is skipped: it must not spoil the others'), at least the threshold.
    function _signers(bytes32 digest, uint64 epoch_, bytes[] calldata signatures)
        private
        view
        returns (address[] memory signers)
    {
        mapping(address => uint256) storage slots = memberSlot[epoch_];
        signers = new address[](signatures.length);
        uint256 count;
        uint256 seen;
        for (uint256 i; i < signatures.length; ++i) {
            address signer = ECDSA.recoverCalldata(digest, signatures[i]);
            uint256 slot = slots[signer];
            require(slot != 0, MpcCommitteeNotMember(signer, epoch_));
            // forge-lint: disable-next-line(incorrect-shift)
            uint256 bit = 1 << (slot - 1);
            require(seen & bit == 0, MpcCommitteeDuplicateSigner(signer));
            seen |= bit;
            if (_nodes[signer].equivocated) continue;
            signers[count++] = signer;
        }
        uint256 threshold = _epochs[epoch_].threshold;
        require(count >= threshold, MpcCommitteeBelowThreshold(count, threshold));
        // Shortens the array to the signers kept (no copy); memory past the new length is never read.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            mstore(signers, count)
        }
    }

    /// @inheritdoc IMpcCommittee
    function reportEquivocation(uint256 computationId, SignedResult calldata first, SignedResult calldata second)
        external
    {
        Computation storage c = _computations[computationId];
        require(c.inputDeadline != 0, MpcCommitteeUnknownComputation(computationId));
        uint64 epoch_ = c.epoch;
        bytes32 firstDigest =
            _resultDigest(computationId, epoch_, first.inputsCommitment, first.inputSet, keccak256(first.output));
        bytes32 secondDigest =
            _resultDigest(computationId, epoch_, second.inputsCommitment, second.inputSet, keccak256(second.output));
        require(firstDigest != secondDigest, MpcCommitteeSameResult(computationId));
        address node = ECDSA.recoverCalldata(firstDigest, first.signature);
        address other = ECDSA.recoverCalldata(secondDigest, second.signature);
        require(node == other, MpcCommitteeSignerMismatch(node, other));
        require(memberSlot[epoch_][node] != 0, MpcCommitteeNotMember(node, epoch_));
        NodeInfo storage info = _nodes[node];
        require(!info.equivocated, MpcCommitteeAlreadyEquivocated(node));

        uint256 slashed = info.bond;
        uint256 reward = slashed * reporterRewardBps / 10_000;
        info.equivocated = true;
        info.bond = 0;
        emit NodeEquivocated(node, computationId, msg.sender, slashed, reward);

        if (reward != 0) _pay(msg.sender, reward);
        if (slashed != reward) _pay(treasury, slashed - reward);
    }

    /// @inheritdoc IMpcCommittee
    function resultDigest(
        uint256 computationId,
        uint64 epoch_,
        bytes32 inputsCommitment,
        bytes32 inputSet,
        bytes calldata output
    ) external view returns (bytes32) {
        return _resultDigest(computationId, epoch_, inputsCommitment, inputSet, keccak256(output));
    }

    /// @dev EIP-712 digest of `Result(computationId, epoch, inputsCommitment, inputSet, output)`.
    function _resultDigest(
        uint256 computationId,
        uint64 epoch_,
        bytes32 inputsCommitment,
        bytes32 inputSet,
        bytes32 outputHash
    ) private view returns (bytes32) {
        return _hashTypedDataV4(
            keccak256(abi.encode(RESULT_TYPEHASH, computationId, epoch_, inputsCommitment, inputSet, outputHash))
        );
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IEmitter
/// @notice Test contract for the agent runtime (never deployed outside tests and benchmarks): it emits
/// numbered events and exposes an idempotent action whose effects can be counted.
interface IEmitter {
    /// @notice Thrown by `ack` when `id` was already acknowledged.
    error AlreadyAcked(bytes32 id);
    /// @notice Thrown by `ack` when no ping carried `id`.
    error UnknownPing(bytes32 id);

    /// @notice Emitted once per ping; ids are the ping's sequence number as bytes32.
    event Pinged(bytes32 indexed id, uint256 seq);
    /// @notice Emitted when `id` is acknowledged by `by`.
    event Acked(bytes32 indexed id, address indexed by);

    /// @notice Emits `n` `Pinged` events with the next `n` sequence numbers.
    function ping(uint256 n) external;

    /// @notice Acknowledges ping `id` once; a second call reverts with `AlreadyAcked(id)`.
    function ack(bytes32 id) external;

    /// @notice Number of pings emitted so far.
    function pingCount() external view returns (uint256);

    /// @notice Number of successful acknowledgements so far.
    function ackCount() external view returns (uint256);

    /// @notice Whether ping `id` was acknowledged.
    function acked(bytes32 id) external view returns (bool);

    /// @notice Up to `max` ids of pings with a sequence number >= `from` that are not acknowledged yet.
    function unacked(uint256 from, uint256 max) external view returns (bytes32[] memory ids);
}

/// @title Emitter
contract Emitter is IEmitter {
    /// @inheritdoc IEmitter
    uint256 public pingCount;
    /// @inheritdoc IEmitter
    uint256 public ackCount;
    /// @inheritdoc IEmitter
    mapping(bytes32 id => bool) public acked;

    /// @inheritdoc IEmitter
    function ping(uint256 n) external {
        uint256 first = pingCount;
        pingCount = first + n;
        for (uint256 seq = first; seq < first + n; ++seq) {
            emit Pinged(bytes32(seq), seq);
        }
    }

    /// @inheritdoc IEmitter
    function ack(bytes32 id) external {
        if (uint256(id) >= pingCount) revert UnknownPing(id);
        if (acked[id]) revert AlreadyAcked(id);
        acked[id] = true;
        ++ackCount;
        emit Acked(id, msg.sender);
    }

    /// @inheritdoc IEmitter
    function unacked(uint256 from, uint256 max) external view returns (bytes32[] memory ids) {
        ids = new bytes32[](max);
        uint256 found;
        for (uint256 seq = from; seq < pingCount && found < max; ++seq) {
            if (!acked[bytes32(seq)]) ids[found++] = bytes32(seq);
        }
        assembly ("memory-safe") {
            mstore(ids, found)
        }
    }
}

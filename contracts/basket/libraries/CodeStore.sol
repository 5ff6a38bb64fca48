// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title CodeStore
/// @notice Keeps a blob (here: a creation code too large to embed in a deployer's runtime, EIP-170) as the runtime
/// code of a data contract, SSTORE2-style, behind a STOP byte so that it can never run.
library CodeStore {
    /// @notice Thrown by `write` when the data contract could not be created.
    error CodeStoreFailed();
    /// @notice Thrown by `write` when `length` bytes (plus the STOP byte) exceed the code size limit (EIP-170).
    error DataTooLarge(uint256 length);

    uint256 private constant MAX_CODE_SIZE = 24_576;

    /// @dev `PUSH2 size, DUP1, PUSH1 10, RETURNDATASIZE, CODECOPY, RETURNDATASIZE, RETURN, STOP`: returns the code
    /// from byte 10 on (the STOP byte, then the data).
    bytes9 private constant HEADER_TAIL = hex"80600a3d393df300";

    /// @dev Stores `data`; returns the data contract.
    function write(bytes memory data) internal returns (address pointer) {
        if (data.length >= MAX_CODE_SIZE) revert DataTooLarge(data.length);
        // forge-lint: disable-next-line(unsafe-typecast) data.length + 1 <= MAX_CODE_SIZE
        bytes memory initCode = abi.encodePacked(hex"61", uint16(data.length + 1), bytes8(HEADER_TAIL), data);
        // CREATE of a data contract (SSTORE2).
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            pointer := create(0, add(initCode, 0x20), mload(initCode))
        }
        if (pointer == address(0)) revert CodeStoreFailed();
    }

    /// @dev The data stored at `pointer`.
    function read(address pointer) internal view returns (bytes memory data) {
        uint256 size = pointer.code.length - 1;
        data = new bytes(size);
        // EXTCODECOPY of the stored data (SSTORE2).
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            extcodecopy(pointer, add(data, 0x20), 1, size)
        }
    }
}

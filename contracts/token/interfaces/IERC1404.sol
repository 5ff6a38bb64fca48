// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IERC1404
/// @notice ERC-1404 transfer restriction detection (simple restricted token standard).
interface IERC1404 {
    /// @notice The restriction code of moving `value` tokens from `from` to `to` (0: allowed).
    function detectTransferRestriction(address from, address to, uint256 value) external view returns (uint8);

    /// @notice A human-readable message for restriction `code`.
    function messageForTransferRestriction(uint8 code) external view returns (string memory);
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title ITransferRule
/// @notice An extra compliance rule, added to a token by its compliance role. The built-in rules (country, category,
/// max holders, max balance, lockup) live in the token itself; a rule contract covers anything else. It is consulted
/// on every transfer and mint, after the built-in rules, so keep it cheap.
interface ITransferRule {
    /// @notice Whether `amount` tokens of `token` may move from `from` (0 for a mint) to `to`.
    function isTransferAllowed(address token, address from, address to, uint256 amount) external view returns (bool);
}

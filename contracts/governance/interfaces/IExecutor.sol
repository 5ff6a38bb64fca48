// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IExecutor
/// @notice The account that holds the platform's privileged roles (token compliance and agent roles, oracle
/// parameters, basket rebalancing). Only its governance may make it act, and governance does so only for adopted
/// proposals whose timelock has elapsed.
interface IExecutor {
    /// @notice One call of a proposal.
    struct Action {
        address target;
        uint256 value;
        bytes data;
    }

    /// @notice Thrown by {execute} when the caller is not the governance contract.
    error ExecutorUnauthorized(address caller);

    /// @notice The governance contract, the only account allowed to call {execute}.
    function governance() external view returns (address);

    /// @notice Performs `actions` in order, each `target.call{value}(data)` from this account. If any call fails,
    /// the whole execution reverts with the failing call's revert data (OpenZeppelin `FailedCall()` when it had
    /// none). Reverts with {ExecutorUnauthorized} unless called by {governance}.
    function execute(Action[] calldata actions) external payable;
}

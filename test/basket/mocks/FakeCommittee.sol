// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IMpcCommittee} from "../../../contracts/privacy/interfaces/IMpcCommittee.sol";

/// @notice A "committee" that reports whatever result its owner sets: not the deployment's MPC committee.
contract FakeCommittee {
    mapping(uint256 id => IMpcCommittee.Computation) internal _computations;

    function set(uint256 id, IMpcCommittee.Computation calldata computation_) external {
        _computations[id] = computation_;
    }

    function computation(uint256 id) external view returns (IMpcCommittee.Computation memory) {
        return _computations[id];
    }

    function result(uint256 id) external view returns (IMpcCommittee.Status, bytes memory) {
        IMpcCommittee.Computation memory c = _computations[id];
        return (c.finalized ? IMpcCommittee.Status.Finalized : IMpcCommittee.Status.Collecting, c.output);
    }
}

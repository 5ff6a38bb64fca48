// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MpcCommittee} from "../../contracts/privacy/MpcCommittee.sol";
import {IMpcCommittee} from "../../contracts/privacy/interfaces/IMpcCommittee.sol";
import {BasketFixture} from "./BasketFixture.sol";
import {Vm} from "forge-std/Test.sol";

/// @notice `BasketFixture` with a real `MpcCommittee` under the fixture's AccessManager (this contract, its admin,
/// requests computations): three nodes, threshold 2, ETH bonds of 0. Sealed-bid results are signed here with the
/// nodes' keys, as the nodes would after the MPC.
abstract contract BasketCommitteeFixture is BasketFixture {
    MpcCommittee internal committee;
    Vm.Wallet[] internal nodes;

    function setUp() public virtual override {
        super.setUp();
        committee = new MpcCommittee(address(manager), address(0), 0, 1 days, makeAddr("treasury"), 1000);
        address[] memory addresses = new address[](3);
        bytes[] memory keys = new bytes[](3);
        for (uint256 i; i < 3; ++i) {
            Vm.Wallet memory wallet = vm.createWallet(string.concat("node", vm.toString(i)));
            nodes.push(wallet);
            addresses[i] = wallet.addr;
            keys[i] = abi.encodePacked(bytes1(wallet.publicKeyY % 2 == 0 ? 0x02 : 0x03), bytes32(wallet.publicKeyX));
        }
        committee.setCommittee(addresses, keys, 2);
    }

    /// @dev A sealed-bid computation for `lot` of `basket_`, taking inputs for `window` seconds.
    function _requestSealed(address basket_, uint256 lot, uint64 window) internal returns (uint256) {
        return committee.requestComputation(
            IMpcCommittee.ComputationKind.SealedBidAuction, abi.encode(basket_, lot), uint64(block.timestamp) + window
        );
    }

    /// @dev Posts `(winner, bid)` as the result of computation `id` (its inputs closed), signed by two of the nodes.
    function _postSealed(uint256 id, address winner, uint256 bid) internal {
        bytes memory output = abi.encode(winner, bid);
        IMpcCommittee.Computation memory computation = committee.computation(id);
        bytes32 digest = committee.resultDigest(id, computation.epoch, computation.inputsCommitment, bytes32(0), output);
        bytes[] memory signatures = new bytes[](2);
        for (uint256 i; i < 2; ++i) {
            (uint8 v, bytes32 r, bytes32 s) = vm.sign(nodes[i].privateKey, digest);
            signatures[i] = abi.encodePacked(r, s, v);
        }
        committee.postResult(id, bytes32(0), output, signatures);
    }
}

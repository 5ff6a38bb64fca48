// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MpcCommittee} from "../../contracts/privacy/MpcCommittee.sol";
import {IMpcCommittee} from "../../contracts/privacy/interfaces/IMpcCommittee.sol";
import {TestToken} from "./utils/TestToken.sol";
import {AccessManager} from "@openzeppelin/contracts/access/manager/AccessManager.sol";
import {Test, Vm} from "forge-std/Test.sol";

/// @notice Shared fixture: an AccessManager (this contract is its admin), an ERC-20-bonded committee
/// of three bonded nodes with threshold 2, and helpers to request, submit, sign and post.
abstract contract MpcCommitteeFixture is Test {
    uint256 internal constant MIN_BOND = 100 ether;
    uint64 internal constant UNBONDING_DELAY = 7 days;
    uint16 internal constant REWARD_BPS = 1000;
    uint64 internal constant INPUT_WINDOW = 1 hours;
    uint256 internal constant THRESHOLD = 2;
    /// @dev The input set results are signed over in these tests (inputs 0 and 1).
    bytes32 internal constant INPUT_SET = keccak256(abi.encode(uint256(0x20), uint256(2), uint256(0), uint256(1)));

    AccessManager internal manager;
    TestToken internal token;
    MpcCommittee internal committee;
    address internal treasury = makeAddr("treasury");
    address internal client = makeAddr("client");

    Vm.Wallet[] internal nodes;

    function setUp() public virtual {
        manager = new AccessManager(address(this));
        token = new TestToken();
        committee = new MpcCommittee(address(manager), address(token), MIN_BOND, UNBONDING_DELAY, treasury, REWARD_BPS);
        for (uint256 i; i < 3; ++i) {
            nodes.push(_bondedWallet(string.concat("node", vm.toString(i))));
        }
        committee.setCommittee(_addresses(nodes), _keys(nodes), THRESHOLD);
    }

    /// @dev A fresh wallet whose bond of MIN_BOND is deposited.
    function _bondedWallet(string memory label) internal returns (Vm.Wallet memory wallet) {
        wallet = vm.createWallet(label);
        _deposit(wallet.addr, MIN_BOND);
    }

    function _deposit(address node, uint256 amount) internal {
        token.mint(address(this), amount);
        token.approve(address(committee), amount);
        committee.depositBond(node, amount);
    }

    /// @dev SEC1 compressed encoding of a wallet's public key (its encryption key in these tests).
    function _compressed(Vm.Wallet memory wallet) internal pure returns (bytes memory) {
        return abi.encodePacked(bytes1(wallet.publicKeyY % 2 == 0 ? 0x02 : 0x03), bytes32(wallet.publicKeyX));
    }

    function _addresses(Vm.Wallet[] memory wallets) internal pure returns (address[] memory addrs) {
        addrs = new address[](wallets.length);
        for (uint256 i; i < wallets.length; ++i) {
            addrs[i] = wallets[i].addr;
        }
    }

    /// @dev The encryption key of `wallet`'s node in `epoch_` (a fresh key per epoch, as the contract wants).
    function _encryptionKey(Vm.Wallet memory wallet, uint64 epoch_) internal returns (bytes memory) {
        return _compressed(vm.createWallet(uint256(keccak256(abi.encode("encryption", wallet.privateKey, epoch_)))));
    }

    /// @dev The nodes' encryption keys for the next epoch.
    function _keys(Vm.Wallet[] memory wallets) internal returns (bytes[] memory keys) {
        keys = new bytes[](wallets.length);
        for (uint256 i; i < wallets.length; ++i) {
            keys[i] = _encryptionKey(wallets[i], committee.epoch() + 1);
        }
    }

    function _request() internal returns (uint256) {
        return committee.requestComputation(
            IMpcCommittee.ComputationKind.SecretBallot, abi.encode(uint256(42)), uint64(block.timestamp) + INPUT_WINDOW
        );
    }

    /// @dev `count` distinct ciphertexts derived from `salt`, each 189 bytes: the size of a real
    /// payload for one value (74-byte ECIES envelope + 115-byte share payload, see README).
    function _ciphertexts(uint256 count, uint256 salt) internal pure returns (bytes[] memory cts) {
        cts = new bytes[](count);
        for (uint256 i; i < count; ++i) {
            bytes32 h = keccak256(abi.encode(salt, i));
            cts[i] = bytes.concat(bytes1(0x01), h, h, h, h, h, bytes28(h));
        }
    }

    /// @dev The running commitment as documented in IMpcCommittee.submitInput, recomputed independently.
    function _chain(bytes32 previous, address submitter, bytes32 commitment, bytes[] memory cts)
        internal
        pure
        returns (bytes32)
    {
        bytes memory packed;
        for (uint256 i; i < cts.length; ++i) {
            packed = abi.encodePacked(packed, keccak256(cts[i]));
        }
        return keccak256(abi.encode(previous, submitter, commitment, keccak256(packed)));
    }

    /// @dev Submits an input from `client`, one ciphertext per node of the computation's epoch.
    function _submit(uint256 id, uint256 salt) internal returns (bytes32) {
        (address[] memory members,,) = committee.committee(committee.computation(id).epoch);
        vm.prank(client);
        return committee.submitInput(id, keccak256(abi.encode("commitment", salt)), _ciphertexts(members.length, salt));
    }

    /// @dev EIP-712 digest of a result over `INPUT_SET`.
    function _digest(uint256 id, uint64 epoch, bytes32 inputsCommitment, bytes memory output)
        internal
        view
        returns (bytes32)
    {
        return _digest(id, epoch, inputsCommitment, INPUT_SET, output);
    }

    /// @dev EIP-712 digest built here from the domain and type, independently of the contract's helper.
    function _digest(uint256 id, uint64 epoch, bytes32 inputsCommitment, bytes32 inputSet, bytes memory output)
        internal
        view
        returns (bytes32)
    {
        bytes32 domainSeparator = keccak256(
            abi.encode(
                keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"),
                keccak256("Stoa MpcCommittee"),
                keccak256("1"),
                block.chainid,
                address(committee)
            )
        );
        bytes32 structHash = keccak256(
            abi.encode(
                keccak256(
                    "Result(uint256 computationId,uint64 epoch,bytes32 inputsCommitment,bytes32 inputSet,bytes output)"
                ),
                id,
                epoch,
                inputsCommitment,
                inputSet,
                keccak256(output)
            )
        );
        return keccak256(abi.encodePacked("\x19\x01", domainSeparator, structHash));
    }

    function _sign(uint256 privateKey, bytes32 digest) internal pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(privateKey, digest);
        return abi.encodePacked(r, s, v);
    }

    /// @dev Signatures of `wallets` over the result of `id` at its epoch and current inputs commitment.
    function _signResult(Vm.Wallet[] memory wallets, uint256 id, bytes memory output)
        internal
        view
        returns (bytes[] memory sigs)
    {
        IMpcCommittee.Computation memory c = committee.computation(id);
        bytes32 digest = _digest(id, c.epoch, c.inputsCommitment, output);
        sigs = new bytes[](wallets.length);
        for (uint256 i; i < wallets.length; ++i) {
            sigs[i] = _sign(wallets[i].privateKey, digest);
        }
    }

    /// @dev A computation with one input, past its deadline: ready for a result.
    function _computed() internal returns (uint256 id) {
        id = _request();
        _submit(id, 1);
        vm.warp(block.timestamp + INPUT_WINDOW);
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MpcCommittee} from "../../contracts/privacy/MpcCommittee.sol";
import {IMpcCommittee} from "../../contracts/privacy/interfaces/IMpcCommittee.sol";
import {MpcCommitteeFixture} from "./MpcCommitteeFixture.sol";
import {IAccessManaged} from "@openzeppelin/contracts/access/manager/IAccessManaged.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {Vm} from "forge-std/Test.sol";

contract MpcCommitteeTest is MpcCommitteeFixture {
    address internal stranger = makeAddr("stranger");
    bytes internal constant OUTPUT = abi.encode(uint256(7), uint256(3), uint256(1));

    // ------------------------------------------------------------------ gas

    function test_gas_requestComputation() public {
        _request();
        _request();
        vm.snapshotGasLastCall("privacy", "request computation");
    }

    function test_gas_submitInput() public {
        uint256 id = _request();
        _submit(id, 1);
        _submit(id, 2);
        vm.snapshotGasLastCall("privacy", "submit input");
    }

    function test_gas_postResult() public {
        uint256 id = _computed();
        bytes[] memory sigs = _signResult(nodes, id, OUTPUT);
        committee.postResult(id, INPUT_SET, OUTPUT, sigs);
        vm.snapshotGasLastCall("privacy", "post result 3 signatures");
    }

    function test_gas_reportEquivocation() public {
        uint256 id = _computed();
        (IMpcCommittee.SignedResult memory a, IMpcCommittee.SignedResult memory b) = _equivocation(nodes[1], id);
        vm.prank(stranger);
        committee.reportEquivocation(id, a, b);
        vm.snapshotGasLastCall("privacy", "report equivocation");
    }

    // ------------------------------------------------------------------ constructor

    function test_constructor_zeroTreasury() public {
        vm.expectRevert(IMpcCommittee.MpcCommitteeZeroTreasury.selector);
        new MpcCommittee(address(manager), address(token), MIN_BOND, UNBONDING_DELAY, address(0), REWARD_BPS);
    }

    function test_constructor_rewardAboveWhole() public {
        vm.expectRevert(abi.encodeWithSelector(IMpcCommittee.MpcCommitteeInvalidRewardBps.selector, 10_001));
        new MpcCommittee(address(manager), address(token), MIN_BOND, UNBONDING_DELAY, treasury, 10_001);
    }

    function test_constructor_setsParameters() public view {
        assertEq(committee.bondToken(), address(token));
        assertEq(committee.minBond(), MIN_BOND);
        assertEq(committee.unbondingDelay(), UNBONDING_DELAY);
        assertEq(committee.treasury(), treasury);
        assertEq(committee.reporterRewardBps(), REWARD_BPS);
        assertEq(committee.authority(), address(manager));
    }

    // ------------------------------------------------------------------ setCommittee

    function test_setCommittee_setsEpoch() public {
        Vm.Wallet[] memory four = _four();
        vm.expectEmit(address(committee));
        emit IMpcCommittee.CommitteeSet(2, _addresses(four), _keys(four), 3);
        committee.setCommittee(_addresses(four), _keys(four), 3);

        assertEq(committee.epoch(), 2);
        (address[] memory addrs, bytes[] memory keys, uint256 threshold) = committee.committee(2);
        assertEq(addrs, _addresses(four));
        assertEq(keys.length, 4);
        assertEq(keys[3], _encryptionKey(four[3], 2));
        assertEq(threshold, 3);
        assertEq(committee.memberSlot(2, four[3].addr), 4);
        assertEq(committee.memberSlot(1, four[3].addr), 0);
        assertEq(committee.memberSlot(1, nodes[0].addr), 1);
    }

    function test_setCommittee_unauthorized() public {
        bytes[] memory keys = _keys(nodes);
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, stranger));
        committee.setCommittee(_addresses(nodes), keys, THRESHOLD);
    }

    function test_setCommittee_tooSmall() public {
        address[] memory addrs = new address[](2);
        vm.expectRevert(abi.encodeWithSelector(IMpcCommittee.MpcCommitteeInvalidSize.selector, 2));
        committee.setCommittee(addrs, new bytes[](2), 2);
    }

    function test_setCommittee_tooLarge() public {
        address[] memory addrs = new address[](257);
        vm.expectRevert(abi.encodeWithSelector(IMpcCommittee.MpcCommitteeInvalidSize.selector, 257));
        committee.setCommittee(addrs, new bytes[](257), 200);
    }

    function test_setCommittee_lengthMismatch() public {
        vm.expectRevert(abi.encodeWithSelector(IMpcCommittee.MpcCommitteeLengthMismatch.selector, 3, 2));
        committee.setCommittee(_addresses(nodes), new bytes[](2), THRESHOLD);
    }

    function test_setCommittee_thresholdNotMajority() public {
        bytes[] memory keys = _keys(nodes);
        vm.expectRevert(abi.encodeWithSelector(IMpcCommittee.MpcCommitteeInvalidThreshold.selector, 1, 3));
        committee.setCommittee(_addresses(nodes), keys, 1);
    }

    function test_setCommittee_thresholdAboveSize() public {
        bytes[] memory keys = _keys(nodes);
        vm.expectRevert(abi.encodeWithSelector(IMpcCommittee.MpcCommitteeInvalidThreshold.selector, 4, 3));
        committee.setCommittee(_addresses(nodes), keys, 4);
    }

    function test_setCommittee_zeroNode() public {
        bytes[] memory keys = _keys(nodes);
        address[] memory addrs = _addresses(nodes);
        addrs[2] = address(0);
        vm.expectRevert(IMpcCommittee.MpcCommitteeZeroNode.selector);
        committee.setCommittee(addrs, keys, THRESHOLD);
    }

    function test_setCommittee_duplicateNode() public {
        bytes[] memory keys = _keys(nodes);
        address[] memory addrs = _addresses(nodes);
        addrs[2] = addrs[0];
        vm.expectRevert(abi.encodeWithSelector(IMpcCommittee.MpcCommitteeDuplicateNode.selector, addrs[0]));
        committee.setCommittee(addrs, keys, THRESHOLD);
    }

    function test_setCommittee_keyWrongLength() public {
        bytes[] memory keys = _keys(nodes);
        keys[1] = abi.encodePacked(nodes[1].publicKeyX);
        _expectInvalidKey(keys, nodes[1].addr);
    }

    function test_setCommittee_keyUncompressedPrefix() public {
        bytes[] memory keys = _keys(nodes);
        keys[1] = abi.encodePacked(bytes1(0x04), nodes[1].publicKeyX);
        _expectInvalidKey(keys, nodes[1].addr);
    }

    function test_setCommittee_keyOutsideField() public {
        bytes[] memory keys = _keys(nodes);
        keys[1] = abi.encodePacked(bytes1(0x02), type(uint256).max);
        _expectInvalidKey(keys, nodes[1].addr);
    }

    function test_setCommittee_insufficientBond() public {
        bytes[] memory keys = _keys(nodes);
        address[] memory addrs = _addresses(nodes);
        Vm.Wallet memory poor = vm.createWallet("poor");
        _deposit(poor.addr, MIN_BOND - 1);
        addrs[1] = poor.addr;
        vm.expectRevert(
            abi.encodeWithSelector(
                IMpcCommittee.MpcCommitteeInsufficientBond.selector, poor.addr, MIN_BOND - 1, MIN_BOND
            )
        );
        committee.setCommittee(addrs, keys, THRESHOLD);
    }

    function test_setCommittee_equivocatedNode() public {
        bytes[] memory keys = _keys(nodes);
        uint256 id = _computed();
        (IMpcCommittee.SignedResult memory a, IMpcCommittee.SignedResult memory b) = _equivocation(nodes[0], id);
        committee.reportEquivocation(id, a, b);
        _deposit(nodes[0].addr, MIN_BOND);
        vm.expectRevert(abi.encodeWithSelector(IMpcCommittee.MpcCommitteeNodeEquivocated.selector, nodes[0].addr));
        committee.setCommittee(_addresses(nodes), keys, THRESHOLD);
    }

    /// @dev Issue 16 (low): nothing stopped an epoch from registering the keys of an earlier one,
    /// so one stolen key opened the inputs of every epoch. Now: the same key, its negation (same
    /// x) and a key used twice in one committee are refused; fresh keys pass.
    function test_setCommittee_encryptionKeyUsed() public {
        bytes[] memory old = _keys(nodes); // what epoch 1 registered (committee.epoch() + 1 is now 2)
        (, bytes[] memory registered,) = committee.committee(1);
        bytes[] memory keys = _keys(nodes);
        keys[1] = registered[1];
        vm.expectRevert(abi.encodeWithSelector(IMpcCommittee.MpcCommitteeEncryptionKeyUsed.selector, nodes[1].addr, 1));
        committee.setCommittee(_addresses(nodes), keys, THRESHOLD);

        keys = _keys(nodes);
        keys[2] =
            bytes.concat(registered[0][0] == 0x02 ? bytes1(0x03) : bytes1(0x02), bytes32(this.slice1(registered[0])));
        vm.expectRevert(abi.encodeWithSelector(IMpcCommittee.MpcCommitteeEncryptionKeyUsed.selector, nodes[2].addr, 1));
        committee.setCommittee(_addresses(nodes), keys, THRESHOLD);

        keys = _keys(nodes);
        keys[2] = keys[0];
        vm.expectRevert(abi.encodeWithSelector(IMpcCommittee.MpcCommitteeEncryptionKeyUsed.selector, nodes[2].addr, 2));
        committee.setCommittee(_addresses(nodes), keys, THRESHOLD);

        committee.setCommittee(_addresses(nodes), _keys(nodes), THRESHOLD);
        assertEq(committee.encryptionKeyEpoch(bytes32(this.slice1(registered[0]))), 1);
        assertEq(committee.encryptionKeyEpoch(bytes32(this.slice1(old[0]))), 2);
    }

    /// @dev `key[1:]` (calldata slices only).
    function slice1(bytes calldata key) external pure returns (bytes memory) {
        return key[1:];
    }

    function _expectInvalidKey(bytes[] memory keys, address node) private {
        vm.expectRevert(abi.encodeWithSelector(IMpcCommittee.MpcCommitteeInvalidEncryptionKey.selector, node));
        committee.setCommittee(_addresses(nodes), keys, THRESHOLD);
    }

    function _four() private returns (Vm.Wallet[] memory four) {
        four = new Vm.Wallet[](4);
        for (uint256 i; i < 3; ++i) {
            four[i] = nodes[i];
        }
        four[3] = _bondedWallet("node3");
    }

    // ------------------------------------------------------------------ setMinBond

    function test_setMinBond_setsValue() public {
        vm.expectEmit(address(committee));
        emit IMpcCommittee.MinBondSet(1 ether);
        committee.setMinBond(1 ether);
        assertEq(committee.minBond(), 1 ether);
    }

    function test_setMinBond_unauthorized() public {
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, stranger));
        committee.setMinBond(1);
    }

    // ------------------------------------------------------------------ bonds

    function test_depositBond_pullsTokens() public {
        token.mint(stranger, 5 ether);
        vm.startPrank(stranger);
        token.approve(address(committee), 5 ether);
        vm.expectEmit(address(committee));
        emit IMpcCommittee.BondDeposited(nodes[0].addr, stranger, 5 ether, MIN_BOND + 5 ether);
        committee.depositBond(nodes[0].addr, 5 ether);
        vm.stopPrank();
        assertEq(committee.bondOf(nodes[0].addr), MIN_BOND + 5 ether);
        assertEq(token.balanceOf(address(committee)), 3 * MIN_BOND + 5 ether);
    }

    function test_depositBond_zeroNode() public {
        vm.expectRevert(IMpcCommittee.MpcCommitteeZeroNode.selector);
        committee.depositBond(address(0), 1);
    }

    function test_depositBond_zeroAmount() public {
        vm.expectRevert(IMpcCommittee.MpcCommitteeZeroAmount.selector);
        committee.depositBond(stranger, 0);
    }

    function test_depositBond_etherForTokenBond() public {
        vm.expectRevert(abi.encodeWithSelector(IMpcCommittee.MpcCommitteeBondValueMismatch.selector, 1, 0));
        committee.depositBond{value: 1}(stranger, 1);
    }

    function test_withdrawBond_neverAppointed() public {
        _deposit(stranger, 3 ether);
        vm.prank(stranger);
        committee.withdrawBond(2 ether, client);
        assertEq(committee.bondOf(stranger), 1 ether);
        assertEq(token.balanceOf(client), 2 ether);
    }

    function test_withdrawBond_afterUnbonding() public {
        address leaving = _rotateOutNode0();
        vm.warp(block.timestamp + UNBONDING_DELAY);
        vm.expectEmit(address(committee));
        emit IMpcCommittee.BondWithdrawn(leaving, client, MIN_BOND, 0);
        vm.prank(leaving);
        committee.withdrawBond(MIN_BOND, client);
        assertEq(token.balanceOf(client), MIN_BOND);
    }

    function test_withdrawBond_zeroAmount() public {
        vm.expectRevert(IMpcCommittee.MpcCommitteeZeroAmount.selector);
        committee.withdrawBond(0, client);
    }

    function test_withdrawBond_zeroRecipient() public {
        vm.expectRevert(IMpcCommittee.MpcCommitteeZeroRecipient.selector);
        committee.withdrawBond(1, address(0));
    }

    function test_withdrawBond_inCommittee() public {
        vm.prank(nodes[0].addr);
        vm.expectRevert(abi.encodeWithSelector(IMpcCommittee.MpcCommitteeNodeInCommittee.selector, nodes[0].addr));
        committee.withdrawBond(1, client);
    }

    function test_withdrawBond_locked() public {
        address leaving = _rotateOutNode0();
        uint256 unlocksAt = block.timestamp + UNBONDING_DELAY;
        vm.warp(unlocksAt - 1);
        vm.prank(leaving);
        vm.expectRevert(abi.encodeWithSelector(IMpcCommittee.MpcCommitteeBondLocked.selector, leaving, unlocksAt));
        committee.withdrawBond(1, client);
    }

    function test_withdrawBond_exceeded() public {
        _deposit(stranger, 1 ether);
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IMpcCommittee.MpcCommitteeBondExceeded.selector, 1 ether, 1 ether + 1));
        committee.withdrawBond(1 ether + 1, client);
    }

    /// @dev Issue 16: a node left the committee, waited `unbondingDelay`, withdrew, and could then
    /// sign results of its old epoch's computations that no bond answered for.
    function test_withdrawBond_lockedUntilItsComputationsExpire() public {
        uint64 deadline = uint64(block.timestamp + 20 days);
        committee.requestComputation(IMpcCommittee.ComputationKind.HolderCap, "", deadline);
        address leaving = _rotateOutNode0();
        uint256 unlocksAt = uint256(deadline) + committee.RESULT_WINDOW() + UNBONDING_DELAY;
        assertEq(committee.bondUnlocksAt(leaving), unlocksAt);
        vm.warp(block.timestamp + UNBONDING_DELAY);
        vm.prank(leaving);
        vm.expectRevert(abi.encodeWithSelector(IMpcCommittee.MpcCommitteeBondLocked.selector, leaving, unlocksAt));
        committee.withdrawBond(1, client);
        vm.warp(unlocksAt);
        vm.prank(leaving);
        committee.withdrawBond(MIN_BOND, client);
        assertEq(committee.bondOf(leaving), 0);
    }

    function test_bondUnlocksAt() public {
        assertEq(committee.bondUnlocksAt(stranger), 0);
        assertEq(committee.bondUnlocksAt(nodes[0].addr), type(uint256).max);
        address leaving = _rotateOutNode0();
        assertEq(committee.bondUnlocksAt(leaving), block.timestamp + UNBONDING_DELAY);
    }

    /// @dev Replaces node 0 by a fresh node in a new epoch; returns node 0's address.
    function _rotateOutNode0() private returns (address) {
        Vm.Wallet[] memory next = new Vm.Wallet[](3);
        next[0] = _bondedWallet("replacement");
        next[1] = nodes[1];
        next[2] = nodes[2];
        committee.setCommittee(_addresses(next), _keys(next), THRESHOLD);
        return nodes[0].addr;
    }

    // ------------------------------------------------------------------ requestComputation

    function test_requestComputation_storesRequest() public {
        uint64 deadline = uint64(block.timestamp) + INPUT_WINDOW;
        bytes memory params = abi.encode(uint256(9), address(this));
        vm.expectEmit(address(committee));
        emit IMpcCommittee.ComputationRequested(
            1, IMpcCommittee.ComputationKind.SealedBidAuction, 1, deadline, address(this), params
        );
        uint256 id = committee.requestComputation(IMpcCommittee.ComputationKind.SealedBidAuction, params, deadline);

        assertEq(id, 1);
        assertEq(committee.computationCount(), 1);
        IMpcCommittee.Computation memory c = committee.computation(id);
        assertEq(uint8(c.kind), uint8(IMpcCommittee.ComputationKind.SealedBidAuction));
        assertEq(c.epoch, 1);
        assertEq(c.inputDeadline, deadline);
        assertEq(c.requester, address(this));
        assertEq(c.paramsHash, keccak256(params));
        assertEq(c.inputCount, 0);
        assertEq(c.inputsCommitment, bytes32(0));
        (IMpcCommittee.Status status, bytes memory output) = committee.result(id);
        assertEq(uint8(status), uint8(IMpcCommittee.Status.Collecting));
        assertEq(output.length, 0);
        assertEq(_request(), 2);
    }

    function test_requestComputation_unauthorized() public {
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, stranger));
        committee.requestComputation(IMpcCommittee.ComputationKind.HolderCap, "", uint64(block.timestamp + 1));
    }

    function test_requestComputation_noCommittee() public {
        MpcCommittee fresh = new MpcCommittee(address(manager), address(token), 0, 0, treasury, 0);
        vm.expectRevert(IMpcCommittee.MpcCommitteeNoCommittee.selector);
        fresh.requestComputation(IMpcCommittee.ComputationKind.HolderCap, "", uint64(block.timestamp + 1));
    }

    function test_requestComputation_deadlineNow() public {
        uint64 deadline = uint64(block.timestamp);
        vm.expectRevert(abi.encodeWithSelector(IMpcCommittee.MpcCommitteeDeadlineInPast.selector, deadline));
        committee.requestComputation(IMpcCommittee.ComputationKind.BalanceThreshold, "", deadline);
    }

    // ------------------------------------------------------------------ submitInput

    function test_submitInput_chainsCommitments() public {
        uint256 id = _request();
        bytes[] memory first = _ciphertexts(3, 1);
        bytes32 expected = _chain(bytes32(0), client, keccak256(abi.encode("commitment", uint256(1))), first);
        vm.expectEmit(address(committee));
        emit IMpcCommittee.InputSubmitted(
            id, client, 0, keccak256(abi.encode("commitment", uint256(1))), first, expected
        );
        assertEq(_submit(id, 1), expected);

        expected = _chain(expected, client, keccak256(abi.encode("commitment", uint256(2))), _ciphertexts(3, 2));
        assertEq(_submit(id, 2), expected);
        IMpcCommittee.Computation memory c = committee.computation(id);
        assertEq(c.inputsCommitment, expected);
        assertEq(c.inputCount, 2);
    }

    function test_submitInput_orderChangesCommitment() public {
        uint256 a = _request();
        uint256 b = _request();
        _submit(a, 1);
        _submit(a, 2);
        _submit(b, 2);
        _submit(b, 1);
        assertNotEq(committee.computation(a).inputsCommitment, committee.computation(b).inputsCommitment);
    }

    function test_submitInput_unknownComputation() public {
        vm.expectRevert(abi.encodeWithSelector(IMpcCommittee.MpcCommitteeUnknownComputation.selector, 5));
        committee.submitInput(5, bytes32(0), _ciphertexts(3, 1));
    }

    function test_submitInput_afterDeadline() public {
        uint256 id = _request();
        uint64 deadline = committee.computation(id).inputDeadline;
        vm.warp(deadline);
        vm.expectRevert(abi.encodeWithSelector(IMpcCommittee.MpcCommitteeInputsClosed.selector, id, deadline));
        committee.submitInput(id, bytes32(0), _ciphertexts(3, 1));
    }

    function test_submitInput_wrongCiphertextCount() public {
        uint256 id = _request();
        vm.expectRevert(abi.encodeWithSelector(IMpcCommittee.MpcCommitteeCiphertextCount.selector, 4, 3));
        committee.submitInput(id, bytes32(0), _ciphertexts(4, 1));
    }

    function test_submitInput_emptyCiphertext() public {
        uint256 id = _request();
        bytes[] memory cts = _ciphertexts(3, 1);
        cts[2] = "";
        vm.expectRevert(abi.encodeWithSelector(IMpcCommittee.MpcCommitteeEmptyCiphertext.selector, 2));
        committee.submitInput(id, bytes32(0), cts);
    }

    /// @dev Issue 16 (low): ciphertext sizes were unbounded. A 2,000-holder cap table (32,173
    /// bytes per node) fits; one byte over `MAX_CIPHERTEXT_BYTES` does not.
    function test_submitInput_ciphertextTooLarge() public {
        uint256 id = _request();
        bytes[] memory cts = _ciphertexts(3, 1);
        cts[0] = new bytes(74 + 99 + 16 * 2000);
        cts[1] = new bytes(committee.MAX_CIPHERTEXT_BYTES());
        vm.prank(client);
        committee.submitInput(id, bytes32(0), cts);
        cts[2] = new bytes(committee.MAX_CIPHERTEXT_BYTES() + 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IMpcCommittee.MpcCommitteeCiphertextTooLarge.selector, 2, 65_537, committee.MAX_CIPHERTEXT_BYTES()
            )
        );
        vm.prank(client);
        committee.submitInput(id, bytes32(0), cts);
    }

    /// @dev Issue 16 (low): the input count was unbounded. `inputCount` is set to one below the cap
    /// in storage (slot of `_computations[id]`, `forge inspect MpcCommittee storageLayout`: 9;
    /// `inputCount` at byte 17 of the struct's first word).
    function test_submitInput_tooManyInputs() public {
        uint256 id = _request();
        bytes32 slot = keccak256(abi.encode(id, uint256(9)));
        uint256 word = uint256(vm.load(address(committee), slot));
        uint256 count = committee.MAX_INPUTS() - 1;
        vm.store(address(committee), slot, bytes32((word & ~(uint256(type(uint32).max) << 136)) | (count << 136)));
        assertEq(committee.computation(id).inputCount, count);
        bytes[] memory cts = _ciphertexts(3, 1);
        vm.prank(client);
        committee.submitInput(id, bytes32(0), cts);
        assertEq(committee.computation(id).inputCount, committee.MAX_INPUTS());
        vm.expectRevert(
            abi.encodeWithSelector(IMpcCommittee.MpcCommitteeTooManyInputs.selector, id, committee.MAX_INPUTS())
        );
        vm.prank(client);
        committee.submitInput(id, bytes32(0), cts);
    }

    function test_submitInput_keepsEpochOfRequest() public {
        uint256 id = _request();
        committee.setCommittee(_addresses(_four()), _keys(_four()), 3);
        vm.expectRevert(abi.encodeWithSelector(IMpcCommittee.MpcCommitteeCiphertextCount.selector, 4, 3));
        committee.submitInput(id, bytes32(0), _ciphertexts(4, 1));
        _submit(id, 1);
        assertEq(committee.computation(id).inputCount, 1);
    }

    // ------------------------------------------------------------------ postResult

    function test_postResult_finalizes() public {
        uint256 id = _computed();
        Vm.Wallet[] memory quorum = new Vm.Wallet[](2);
        quorum[0] = nodes[2];
        quorum[1] = nodes[0];
        bytes32 inputsCommitment = committee.computation(id).inputsCommitment;
        address[] memory signers = _addresses(quorum);
        vm.expectEmit(address(committee));
        emit IMpcCommittee.ResultPosted(id, inputsCommitment, INPUT_SET, OUTPUT, signers);
        vm.prank(stranger);
        committee.postResult(id, INPUT_SET, OUTPUT, _signResult(quorum, id, OUTPUT));

        (IMpcCommittee.Status status, bytes memory output) = committee.result(id);
        assertEq(uint8(status), uint8(IMpcCommittee.Status.Finalized));
        assertEq(output, OUTPUT);
        assertTrue(committee.computation(id).finalized);
    }

    function test_postResult_digestMatchesContract() public {
        uint256 id = _computed();
        bytes32 inputsCommitment = committee.computation(id).inputsCommitment;
        assertEq(
            committee.resultDigest(id, 1, inputsCommitment, INPUT_SET, OUTPUT), _digest(id, 1, inputsCommitment, OUTPUT)
        );
    }

    function test_postResult_statusComputing() public {
        uint256 id = _computed();
        (IMpcCommittee.Status status,) = committee.result(id);
        assertEq(uint8(status), uint8(IMpcCommittee.Status.Computing));
        (status,) = committee.result(id + 1);
        assertEq(uint8(status), uint8(IMpcCommittee.Status.None));
    }

    function test_postResult_unknownComputation() public {
        vm.expectRevert(abi.encodeWithSelector(IMpcCommittee.MpcCommitteeUnknownComputation.selector, 1));
        committee.postResult(1, INPUT_SET, OUTPUT, new bytes[](0));
    }

    function test_postResult_inputsOpen() public {
        uint256 id = _request();
        uint64 deadline = committee.computation(id).inputDeadline;
        bytes[] memory sigs = _signResult(nodes, id, OUTPUT);
        vm.expectRevert(abi.encodeWithSelector(IMpcCommittee.MpcCommitteeInputsOpen.selector, id, deadline));
        committee.postResult(id, INPUT_SET, OUTPUT, sigs);
    }

    function test_postResult_alreadyFinalized() public {
        uint256 id = _computed();
        bytes[] memory sigs = _signResult(nodes, id, OUTPUT);
        committee.postResult(id, INPUT_SET, OUTPUT, sigs);
        vm.expectRevert(abi.encodeWithSelector(IMpcCommittee.MpcCommitteeAlreadyFinalized.selector, id));
        committee.postResult(id, INPUT_SET, OUTPUT, sigs);
    }

    function test_postResult_belowThreshold() public {
        uint256 id = _computed();
        bytes[] memory sigs = new bytes[](1);
        sigs[0] = _signResult(nodes, id, OUTPUT)[0];
        vm.expectRevert(abi.encodeWithSelector(IMpcCommittee.MpcCommitteeBelowThreshold.selector, 1, THRESHOLD));
        committee.postResult(id, INPUT_SET, OUTPUT, sigs);
    }

    function test_postResult_duplicateSigner() public {
        uint256 id = _computed();
        bytes[] memory sigs = _signResult(nodes, id, OUTPUT);
        sigs[2] = sigs[0];
        vm.expectRevert(abi.encodeWithSelector(IMpcCommittee.MpcCommitteeDuplicateSigner.selector, nodes[0].addr));
        committee.postResult(id, INPUT_SET, OUTPUT, sigs);
    }

    function test_postResult_nonMember() public {
        uint256 id = _computed();
        bytes[] memory sigs = _signResult(nodes, id, OUTPUT);
        Vm.Wallet memory outsider = vm.createWallet("outsider");
        sigs[1] = _sign(outsider.privateKey, _digest(id, 1, committee.computation(id).inputsCommitment, OUTPUT));
        vm.expectRevert(abi.encodeWithSelector(IMpcCommittee.MpcCommitteeNotMember.selector, outsider.addr, 1));
        committee.postResult(id, INPUT_SET, OUTPUT, sigs);
    }

    function test_postResult_memberOfLaterEpochOnly() public {
        uint256 id = _computed();
        Vm.Wallet[] memory four = _four();
        committee.setCommittee(_addresses(four), _keys(four), 3);
        bytes[] memory sigs = _signResult(four, id, OUTPUT);
        vm.expectRevert(abi.encodeWithSelector(IMpcCommittee.MpcCommitteeNotMember.selector, four[3].addr, 1));
        committee.postResult(id, INPUT_SET, OUTPUT, sigs);
    }

    function test_postResult_otherOutputSigned() public {
        uint256 id = _computed();
        bytes[] memory sigs = _signResult(nodes, id, OUTPUT);
        bytes memory other = abi.encode(uint256(8));
        address recovered = ECDSA.recover(_digest(id, 1, committee.computation(id).inputsCommitment, other), sigs[0]);
        vm.expectRevert(abi.encodeWithSelector(IMpcCommittee.MpcCommitteeNotMember.selector, recovered, 1));
        committee.postResult(id, INPUT_SET, other, sigs);
    }

    function test_postResult_staleInputsCommitment() public {
        uint256 id = _request();
        _submit(id, 1);
        bytes[] memory early = _signResult(nodes, id, OUTPUT);
        _submit(id, 2);
        vm.warp(block.timestamp + INPUT_WINDOW);
        address recovered = ECDSA.recover(_digest(id, 1, committee.computation(id).inputsCommitment, OUTPUT), early[0]);
        vm.expectRevert(abi.encodeWithSelector(IMpcCommittee.MpcCommitteeNotMember.selector, recovered, 1));
        committee.postResult(id, INPUT_SET, OUTPUT, early);
    }

    /// @dev Issue 16: an equivocator's signature used to revert every later result of the epoch.
    function test_postResult_skipsEquivocator() public {
        uint256 id = _computed();
        (IMpcCommittee.SignedResult memory a, IMpcCommittee.SignedResult memory b) = _equivocation(nodes[1], id);
        committee.reportEquivocation(id, a, b);
        bytes[] memory sigs = _signResult(nodes, id, OUTPUT);
        address[] memory counted = new address[](2);
        counted[0] = nodes[0].addr;
        counted[1] = nodes[2].addr;
        vm.expectEmit(address(committee));
        emit IMpcCommittee.ResultPosted(id, committee.computation(id).inputsCommitment, INPUT_SET, OUTPUT, counted);
        committee.postResult(id, INPUT_SET, OUTPUT, sigs);
        assertTrue(committee.computation(id).finalized);
    }

    function test_postResult_equivocatorDoesNotCount() public {
        uint256 id = _computed();
        (IMpcCommittee.SignedResult memory a, IMpcCommittee.SignedResult memory b) = _equivocation(nodes[1], id);
        committee.reportEquivocation(id, a, b);
        Vm.Wallet[] memory pair = new Vm.Wallet[](2);
        pair[0] = nodes[0];
        pair[1] = nodes[1];
        bytes[] memory sigs = _signResult(pair, id, OUTPUT);
        vm.expectRevert(abi.encodeWithSelector(IMpcCommittee.MpcCommitteeBelowThreshold.selector, 1, THRESHOLD));
        committee.postResult(id, INPUT_SET, OUTPUT, sigs);
    }

    /// @dev Issue 16: a result binds the set of inputs it was computed on.
    function test_postResult_otherInputSetSigned() public {
        uint256 id = _computed();
        bytes[] memory sigs = _signResult(nodes, id, OUTPUT);
        bytes32 inputsCommitment = committee.computation(id).inputsCommitment;
        bytes32 fewer = keccak256(abi.encode(new uint256[](0)));
        address recovered = ECDSA.recover(_digest(id, 1, inputsCommitment, fewer, OUTPUT), sigs[0]);
        vm.expectRevert(abi.encodeWithSelector(IMpcCommittee.MpcCommitteeNotMember.selector, recovered, 1));
        committee.postResult(id, fewer, OUTPUT, sigs);
    }

    function test_reportEquivocation_differentInputSet() public {
        uint256 id = _computed();
        IMpcCommittee.Computation memory c = committee.computation(id);
        bytes32 fewer = keccak256(abi.encode(new uint256[](0)));
        IMpcCommittee.SignedResult memory a = IMpcCommittee.SignedResult(
            c.inputsCommitment,
            INPUT_SET,
            OUTPUT,
            _sign(nodes[2].privateKey, _digest(id, 1, c.inputsCommitment, OUTPUT))
        );
        IMpcCommittee.SignedResult memory b = IMpcCommittee.SignedResult(
            c.inputsCommitment,
            fewer,
            OUTPUT,
            _sign(nodes[2].privateKey, _digest(id, 1, c.inputsCommitment, fewer, OUTPUT))
        );
        committee.reportEquivocation(id, a, b);
        assertTrue(committee.isEquivocator(nodes[2].addr));
    }

    /// @dev Issue 16: old epochs' computations never expired.
    function test_postResult_expired() public {
        uint256 id = _computed();
        bytes[] memory sigs = _signResult(nodes, id, OUTPUT);
        uint256 expiresAt = uint256(committee.computation(id).inputDeadline) + committee.RESULT_WINDOW();
        vm.warp(expiresAt);
        (IMpcCommittee.Status status,) = committee.result(id);
        assertEq(uint8(status), uint8(IMpcCommittee.Status.Expired));
        vm.expectRevert(abi.encodeWithSelector(IMpcCommittee.MpcCommitteeExpired.selector, id, expiresAt));
        committee.postResult(id, INPUT_SET, OUTPUT, sigs);
    }

    function test_cancelComputation() public {
        uint256 id = _request();
        vm.expectEmit(address(committee));
        emit IMpcCommittee.ComputationCancelled(id);
        committee.cancelComputation(id);
        (IMpcCommittee.Status status,) = committee.result(id);
        assertEq(uint8(status), uint8(IMpcCommittee.Status.Cancelled));
        bytes[] memory cts = _ciphertexts(nodes.length, 1);
        vm.expectRevert(abi.encodeWithSelector(IMpcCommittee.MpcCommitteeCancelled.selector, id));
        committee.submitInput(id, bytes32(0), cts);
        vm.warp(block.timestamp + INPUT_WINDOW);
        bytes[] memory sigs = _signResult(nodes, id, OUTPUT);
        vm.expectRevert(abi.encodeWithSelector(IMpcCommittee.MpcCommitteeCancelled.selector, id));
        committee.postResult(id, INPUT_SET, OUTPUT, sigs);
        vm.expectRevert(abi.encodeWithSelector(IMpcCommittee.MpcCommitteeCancelled.selector, id));
        committee.cancelComputation(id);
    }

    function test_cancelComputation_refusals() public {
        uint256 id = _computed();
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, stranger));
        committee.cancelComputation(id);
        vm.expectRevert(abi.encodeWithSelector(IMpcCommittee.MpcCommitteeUnknownComputation.selector, id + 1));
        committee.cancelComputation(id + 1);
        committee.postResult(id, INPUT_SET, OUTPUT, _signResult(nodes, id, OUTPUT));
        vm.expectRevert(abi.encodeWithSelector(IMpcCommittee.MpcCommitteeAlreadyFinalized.selector, id));
        committee.cancelComputation(id);
    }

    function test_postResult_shortSignature() public {
        uint256 id = _computed();
        bytes[] memory sigs = _signResult(nodes, id, OUTPUT);
        sigs[0] = new bytes(64);
        vm.expectRevert(abi.encodeWithSelector(ECDSA.ECDSAInvalidSignatureLength.selector, 64));
        committee.postResult(id, INPUT_SET, OUTPUT, sigs);
    }

    // ------------------------------------------------------------------ reportEquivocation

    /// @dev Two signatures by `node` over different outputs of computation `id` at its inputs commitment.
    function _equivocation(Vm.Wallet memory node, uint256 id)
        internal
        view
        returns (IMpcCommittee.SignedResult memory a, IMpcCommittee.SignedResult memory b)
    {
        IMpcCommittee.Computation memory c = committee.computation(id);
        bytes memory other = abi.encode(uint256(0), uint256(10), uint256(1));
        a = IMpcCommittee.SignedResult(
            c.inputsCommitment,
            INPUT_SET,
            OUTPUT,
            _sign(node.privateKey, _digest(id, c.epoch, c.inputsCommitment, OUTPUT))
        );
        b = IMpcCommittee.SignedResult(
            c.inputsCommitment,
            INPUT_SET,
            other,
            _sign(node.privateKey, _digest(id, c.epoch, c.inputsCommitment, other))
        );
    }

    function test_reportEquivocation_slashes() public {
        uint256 id = _computed();
        (IMpcCommittee.SignedResult memory a, IMpcCommittee.SignedResult memory b) = _equivocation(nodes[1], id);
        uint256 reward = MIN_BOND * REWARD_BPS / 10_000;
        vm.expectEmit(address(committee));
        emit IMpcCommittee.NodeEquivocated(nodes[1].addr, id, stranger, MIN_BOND, reward);
        vm.prank(stranger);
        committee.reportEquivocation(id, a, b);

        assertTrue(committee.isEquivocator(nodes[1].addr));
        assertEq(committee.bondOf(nodes[1].addr), 0);
        assertEq(token.balanceOf(stranger), reward);
        assertEq(token.balanceOf(treasury), MIN_BOND - reward);
        assertEq(token.balanceOf(address(committee)), 2 * MIN_BOND);
    }

    function test_reportEquivocation_differentInputsCommitment() public {
        uint256 id = _computed();
        (IMpcCommittee.SignedResult memory a,) = _equivocation(nodes[0], id);
        bytes32 forged = keccak256("forged");
        IMpcCommittee.SignedResult memory b = IMpcCommittee.SignedResult(
            forged, INPUT_SET, OUTPUT, _sign(nodes[0].privateKey, _digest(id, 1, forged, OUTPUT))
        );
        committee.reportEquivocation(id, a, b);
        assertTrue(committee.isEquivocator(nodes[0].addr));
    }

    function test_reportEquivocation_afterRotation() public {
        uint256 id = _computed();
        _rotateOutNode0();
        (IMpcCommittee.SignedResult memory a, IMpcCommittee.SignedResult memory b) = _equivocation(nodes[0], id);
        committee.reportEquivocation(id, a, b);
        assertEq(committee.bondOf(nodes[0].addr), 0);
    }

    function test_reportEquivocation_unknownComputation() public {
        uint256 id = _computed();
        (IMpcCommittee.SignedResult memory a, IMpcCommittee.SignedResult memory b) = _equivocation(nodes[1], id);
        vm.expectRevert(abi.encodeWithSelector(IMpcCommittee.MpcCommitteeUnknownComputation.selector, id + 1));
        committee.reportEquivocation(id + 1, a, b);
    }

    function test_reportEquivocation_sameResult() public {
        uint256 id = _computed();
        (IMpcCommittee.SignedResult memory a,) = _equivocation(nodes[1], id);
        vm.expectRevert(abi.encodeWithSelector(IMpcCommittee.MpcCommitteeSameResult.selector, id));
        committee.reportEquivocation(id, a, a);
    }

    function test_reportEquivocation_signerMismatch() public {
        uint256 id = _computed();
        (IMpcCommittee.SignedResult memory a,) = _equivocation(nodes[1], id);
        (, IMpcCommittee.SignedResult memory b) = _equivocation(nodes[2], id);
        vm.expectRevert(
            abi.encodeWithSelector(IMpcCommittee.MpcCommitteeSignerMismatch.selector, nodes[1].addr, nodes[2].addr)
        );
        committee.reportEquivocation(id, a, b);
    }

    function test_reportEquivocation_nonMember() public {
        uint256 id = _computed();
        Vm.Wallet memory outsider = vm.createWallet("outsider");
        (IMpcCommittee.SignedResult memory a, IMpcCommittee.SignedResult memory b) = _equivocation(outsider, id);
        vm.expectRevert(abi.encodeWithSelector(IMpcCommittee.MpcCommitteeNotMember.selector, outsider.addr, 1));
        committee.reportEquivocation(id, a, b);
    }

    function test_reportEquivocation_alreadyEquivocated() public {
        uint256 id = _computed();
        (IMpcCommittee.SignedResult memory a, IMpcCommittee.SignedResult memory b) = _equivocation(nodes[1], id);
        committee.reportEquivocation(id, a, b);
        vm.expectRevert(abi.encodeWithSelector(IMpcCommittee.MpcCommitteeAlreadyEquivocated.selector, nodes[1].addr));
        committee.reportEquivocation(id, b, a);
    }

    // ------------------------------------------------------------------ fuzz: signature sets

    /// @dev A committee of 7 with threshold 4, and a computation of that epoch ready for a result.
    function _seven() private returns (Vm.Wallet[] memory seven, uint256 id) {
        seven = new Vm.Wallet[](7);
        for (uint256 i; i < 7; ++i) {
            seven[i] = _bondedWallet(string.concat("member", vm.toString(i)));
        }
        committee.setCommittee(_addresses(seven), _keys(seven), 4);
        id = _computed();
    }

    /// @dev `count` distinct members of `wallets` in an order drawn from `seed` (partial Fisher-Yates).
    function _pick(Vm.Wallet[] memory wallets, uint256 count, uint256 seed)
        private
        pure
        returns (Vm.Wallet[] memory picked)
    {
        uint256[] memory order = new uint256[](wallets.length);
        for (uint256 i; i < order.length; ++i) {
            order[i] = i;
        }
        picked = new Vm.Wallet[](count);
        for (uint256 i; i < count; ++i) {
            uint256 j = i + uint256(keccak256(abi.encode(seed, i))) % (order.length - i);
            (order[i], order[j]) = (order[j], order[i]);
            picked[i] = wallets[order[i]];
        }
    }

    function testFuzz_postResult_anyQuorumInAnyOrder(uint256 count, uint256 seed) public {
        (Vm.Wallet[] memory seven, uint256 id) = _seven();
        count = bound(count, 4, 7);
        Vm.Wallet[] memory quorum = _pick(seven, count, seed);
        committee.postResult(id, INPUT_SET, OUTPUT, _signResult(quorum, id, OUTPUT));
        (, bytes memory output) = committee.result(id);
        assertEq(output, OUTPUT);
    }

    function testFuzz_postResult_belowThreshold(uint256 count, uint256 seed) public {
        (Vm.Wallet[] memory seven, uint256 id) = _seven();
        count = bound(count, 0, 3);
        bytes[] memory sigs = _signResult(_pick(seven, count, seed), id, OUTPUT);
        vm.expectRevert(abi.encodeWithSelector(IMpcCommittee.MpcCommitteeBelowThreshold.selector, count, 4));
        committee.postResult(id, INPUT_SET, OUTPUT, sigs);
    }

    function testFuzz_postResult_duplicate(uint256 count, uint256 seed, uint256 from, uint256 to) public {
        (Vm.Wallet[] memory seven, uint256 id) = _seven();
        count = bound(count, 4, 7);
        bytes[] memory sigs = _signResult(_pick(seven, count, seed), id, OUTPUT);
        from = bound(from, 0, count - 1);
        to = bound(to, 0, count - 2);
        if (to >= from) ++to;
        sigs[to] = sigs[from];
        address dup = _signerOf(sigs[from], id);
        vm.expectRevert(abi.encodeWithSelector(IMpcCommittee.MpcCommitteeDuplicateSigner.selector, dup));
        committee.postResult(id, INPUT_SET, OUTPUT, sigs);
    }

    function testFuzz_postResult_nonMember(uint256 count, uint256 seed, uint256 outsiderKey, uint256 at) public {
        (Vm.Wallet[] memory seven, uint256 id) = _seven();
        count = bound(count, 4, 7);
        Vm.Wallet[] memory quorum = _pick(seven, count, seed);
        outsiderKey = bound(outsiderKey, 1, SECP256K1_ORDER - 1);
        Vm.Wallet memory outsider = vm.createWallet(outsiderKey);
        vm.assume(committee.memberSlot(2, outsider.addr) == 0);
        quorum[bound(at, 0, count - 1)] = outsider;
        bytes[] memory sigs = _signResult(quorum, id, OUTPUT);
        vm.expectRevert(abi.encodeWithSelector(IMpcCommittee.MpcCommitteeNotMember.selector, outsider.addr, 2));
        committee.postResult(id, INPUT_SET, OUTPUT, sigs);
    }

    function testFuzz_postResult_wrongEpoch(uint64 signedEpoch, uint256 seed) public {
        (Vm.Wallet[] memory seven, uint256 id) = _seven();
        vm.assume(signedEpoch != 2);
        bytes32 inputsCommitment = committee.computation(id).inputsCommitment;
        Vm.Wallet[] memory quorum = _pick(seven, 4, seed);
        bytes[] memory sigs = new bytes[](4);
        for (uint256 i; i < 4; ++i) {
            sigs[i] = _sign(quorum[i].privateKey, _digest(id, signedEpoch, inputsCommitment, OUTPUT));
        }
        address recovered = ECDSA.recover(_digest(id, 2, inputsCommitment, OUTPUT), sigs[0]);
        vm.expectRevert(abi.encodeWithSelector(IMpcCommittee.MpcCommitteeNotMember.selector, recovered, 2));
        committee.postResult(id, INPUT_SET, OUTPUT, sigs);
    }

    /// @dev Who signed `sig` over the result of `id` with OUTPUT.
    function _signerOf(bytes memory sig, uint256 id) private view returns (address) {
        IMpcCommittee.Computation memory c = committee.computation(id);
        return ECDSA.recover(_digest(id, c.epoch, c.inputsCommitment, OUTPUT), sig);
    }
}

/// @notice Bonds paid in ETH (bond token = zero address).
contract MpcCommitteeEthBondTest is MpcCommitteeFixture {
    MpcCommittee internal ethCommittee;
    Vm.Wallet internal node;

    function setUp() public override {
        super.setUp();
        ethCommittee = new MpcCommittee(address(manager), address(0), MIN_BOND, UNBONDING_DELAY, treasury, REWARD_BPS);
        node = vm.createWallet("eth-node");
        vm.deal(address(this), 10 * MIN_BOND);
    }

    function test_depositBond_ether() public {
        ethCommittee.depositBond{value: MIN_BOND}(node.addr, MIN_BOND);
        assertEq(ethCommittee.bondOf(node.addr), MIN_BOND);
        assertEq(address(ethCommittee).balance, MIN_BOND);
    }

    function test_depositBond_etherMismatch() public {
        vm.expectRevert(
            abi.encodeWithSelector(IMpcCommittee.MpcCommitteeBondValueMismatch.selector, MIN_BOND - 1, MIN_BOND)
        );
        ethCommittee.depositBond{value: MIN_BOND - 1}(node.addr, MIN_BOND);
    }

    function test_withdrawBond_ether() public {
        ethCommittee.depositBond{value: MIN_BOND}(node.addr, MIN_BOND);
        vm.prank(node.addr);
        ethCommittee.withdrawBond(MIN_BOND, client);
        assertEq(client.balance, MIN_BOND);
        assertEq(address(ethCommittee).balance, 0);
    }

    function test_reportEquivocation_ether() public {
        Vm.Wallet[] memory members = new Vm.Wallet[](3);
        members[0] = node;
        members[1] = vm.createWallet("eth-node1");
        members[2] = vm.createWallet("eth-node2");
        for (uint256 i; i < 3; ++i) {
            ethCommittee.depositBond{value: MIN_BOND}(members[i].addr, MIN_BOND);
        }
        ethCommittee.setCommittee(_addresses(members), _keys(members), 2);
        uint256 id = ethCommittee.requestComputation(
            IMpcCommittee.ComputationKind.HolderCap, "", uint64(block.timestamp) + INPUT_WINDOW
        );
        IMpcCommittee.SignedResult memory a = _signedBy(node, id, "yes");
        IMpcCommittee.SignedResult memory b = _signedBy(node, id, "no");
        vm.prank(client);
        ethCommittee.reportEquivocation(id, a, b);

        uint256 reward = MIN_BOND * REWARD_BPS / 10_000;
        assertEq(client.balance, reward);
        assertEq(treasury.balance, MIN_BOND - reward);
        assertEq(address(ethCommittee).balance, 2 * MIN_BOND);
    }

    function _signedBy(Vm.Wallet memory wallet, uint256 id, bytes memory output)
        private
        view
        returns (IMpcCommittee.SignedResult memory)
    {
        bytes32 digest = ethCommittee.resultDigest(id, 1, bytes32(0), INPUT_SET, output);
        return IMpcCommittee.SignedResult(bytes32(0), INPUT_SET, output, _sign(wallet.privateKey, digest));
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IMpcCommittee} from "../../contracts/privacy/interfaces/IMpcCommittee.sol";
import {MpcCommitteeFixture} from "./MpcCommitteeFixture.sol";
import {StdInvariant} from "forge-std/StdInvariant.sol";
import {Vm} from "forge-std/Test.sol";

/// @notice Invariant suite; the test contract is its own handler. Handlers bound their inputs and
/// only make calls whose preconditions hold, so `fail_on_revert` keeps every revert meaningful.
/// Ghost state recomputes what the contract must hold: the hash chain of every computation, the
/// bond accounting, the posted outputs and when each node was slashed.
contract MpcCommitteeInvariantTest is MpcCommitteeFixture {
    uint256 internal constant POOL = 5;

    address internal reporter = makeAddr("reporter");
    Vm.Wallet[] internal pool;

    uint256 internal ghostDeposited;
    uint256 internal ghostWithdrawn;
    uint256 internal ghostSlashed;
    mapping(uint256 id => bytes32) internal ghostChain;
    mapping(uint256 id => uint256) internal ghostCount;
    mapping(uint256 id => bytes32) internal ghostOutputHash;
    mapping(address node => uint64) internal ghostSlashedInEpoch;
    mapping(uint64 epoch => uint256) internal ghostStartedAt;
    /// @dev Latest expiry of a computation of this epoch or an earlier one.
    mapping(uint64 epoch => uint256) internal ghostSignableUntil;
    mapping(address node => uint256) internal poolIndex;

    function setUp() public override {
        super.setUp();
        for (uint256 i; i < 3; ++i) {
            pool.push(nodes[i]);
        }
        for (uint256 i = 3; i < POOL; ++i) {
            pool.push(_bondedWallet(string.concat("node", vm.toString(i))));
        }
        for (uint256 i; i < POOL; ++i) {
            poolIndex[pool[i].addr] = i;
        }
        ghostDeposited = POOL * MIN_BOND;
        ghostStartedAt[1] = block.timestamp;

        bytes4[] memory selectors = new bytes4[](8);
        selectors[0] = this.handleDeposit.selector;
        selectors[1] = this.handleRequest.selector;
        selectors[2] = this.handleSubmit.selector;
        selectors[3] = this.handleWarp.selector;
        selectors[4] = this.handlePost.selector;
        selectors[5] = this.handleEquivocate.selector;
        selectors[6] = this.handleWithdraw.selector;
        selectors[7] = this.handleRotate.selector;
        targetSelector(StdInvariant.FuzzSelector({addr: address(this), selectors: selectors}));
        targetContract(address(this));
    }

    // ------------------------------------------------------------------ handlers

    function handleDeposit(uint256 who, uint256 amount) external {
        amount = bound(amount, 1, 1000 ether);
        _deposit(pool[who % POOL].addr, amount);
        ghostDeposited += amount;
    }

    function handleRequest(uint256 window, uint8 kind) external {
        window = bound(window, 1, 1 days);
        committee.requestComputation(
            IMpcCommittee.ComputationKind(kind % 4), abi.encode(window), uint64(block.timestamp + window)
        );
        uint256 expiresAt = block.timestamp + window + committee.RESULT_WINDOW();
        uint64 current = committee.epoch();
        if (expiresAt > ghostSignableUntil[current]) ghostSignableUntil[current] = expiresAt;
    }

    function handleSubmit(uint256 idSeed, uint256 salt) external {
        uint256 id = _pickComputation(idSeed, IMpcCommittee.Status.Collecting);
        if (id == 0) return;
        (address[] memory members,,) = committee.committee(committee.computation(id).epoch);
        address submitter = address(uint160(bound(salt, 1, 1000)));
        bytes32 commitment = keccak256(abi.encode(salt));
        bytes[] memory cts = _ciphertexts(members.length, salt);
        vm.prank(submitter);
        committee.submitInput(id, commitment, cts);
        ghostChain[id] = _chain(ghostChain[id], submitter, commitment, cts);
        ++ghostCount[id];
    }

    function handleWarp(uint256 secs) external {
        vm.warp(block.timestamp + bound(secs, 1, 2 days));
    }

    function handlePost(uint256 idSeed, uint256 outputSeed) external {
        uint256 id = _pickComputation(idSeed, IMpcCommittee.Status.Computing);
        if (id == 0) return;
        IMpcCommittee.Computation memory c = committee.computation(id);
        (address[] memory members,, uint256 threshold) = committee.committee(c.epoch);
        bytes memory output = abi.encode(outputSeed);
        bytes32 digest = _digest(id, c.epoch, c.inputsCommitment, output);
        bytes[] memory sigs = new bytes[](members.length);
        uint256 count;
        for (uint256 i; i < members.length; ++i) {
            if (committee.isEquivocator(members[i])) continue;
            sigs[count++] = _sign(_wallet(members[i]).privateKey, digest);
        }
        if (count < threshold) return;
        assembly ("memory-safe") {
            mstore(sigs, count)
        }
        committee.postResult(id, INPUT_SET, output, sigs);
        ghostOutputHash[id] = keccak256(output);
    }

    /// @dev Equivocation is rare (one call in four acts) so that committees stay staffed.
    function handleEquivocate(uint256 idSeed, uint256 memberSeed) external {
        uint256 count = committee.computationCount();
        if (count == 0 || idSeed % 4 != 0) return;
        uint256 id = 1 + (idSeed / 4) % count;
        IMpcCommittee.Computation memory c = committee.computation(id);
        (address[] memory members,,) = committee.committee(c.epoch);
        address node = members[memberSeed % members.length];
        if (committee.isEquivocator(node)) return;
        uint256 privateKey = _wallet(node).privateKey;
        bytes memory other = abi.encode(memberSeed, "other");
        IMpcCommittee.SignedResult memory a = IMpcCommittee.SignedResult(
            c.inputsCommitment, INPUT_SET, "", _sign(privateKey, _digest(id, c.epoch, c.inputsCommitment, ""))
        );
        IMpcCommittee.SignedResult memory b = IMpcCommittee.SignedResult(
            c.inputsCommitment, INPUT_SET, other, _sign(privateKey, _digest(id, c.epoch, c.inputsCommitment, other))
        );
        ghostSlashed += committee.bondOf(node);
        ghostSlashedInEpoch[node] = committee.epoch();
        vm.prank(reporter);
        committee.reportEquivocation(id, a, b);
    }

    function handleWithdraw(uint256 who, uint256 amount) external {
        address node = pool[who % POOL].addr;
        uint256 bond = committee.bondOf(node);
        if (bond == 0 || !_unlocked(node)) return;
        amount = bound(amount, 1, bond);
        vm.prank(node);
        committee.withdrawBond(amount, node);
        ghostWithdrawn += amount;
    }

    function handleRotate(uint256 seed) external {
        address[] memory eligible = new address[](POOL);
        bytes[] memory keys = new bytes[](POOL);
        uint256 size;
        for (uint256 i; i < POOL; ++i) {
            Vm.Wallet memory w = pool[(seed % POOL + i) % POOL];
            if (committee.isEquivocator(w.addr) || committee.bondOf(w.addr) < MIN_BOND) continue;
            eligible[size] = w.addr;
            keys[size++] = _encryptionKey(w, committee.epoch() + 1);
        }
        size = size < 3 ? size : 3 + (seed >> 8) % (size - 2);
        if (size < 3) return;
        assembly ("memory-safe") {
            mstore(eligible, size)
            mstore(keys, size)
        }
        committee.setCommittee(eligible, keys, size / 2 + 1 + (seed >> 16) % (size - size / 2));
        ghostStartedAt[committee.epoch()] = block.timestamp;
        ghostSignableUntil[committee.epoch()] = ghostSignableUntil[committee.epoch() - 1];
    }

    // ------------------------------------------------------------------ invariants

    function invariant_bondsBackedByBalance() public view {
        uint256 sum;
        for (uint256 i; i < POOL; ++i) {
            sum += committee.bondOf(pool[i].addr);
        }
        assertEq(token.balanceOf(address(committee)), sum);
        assertEq(sum, ghostDeposited - ghostWithdrawn - ghostSlashed);
        assertEq(token.balanceOf(treasury) + token.balanceOf(reporter), ghostSlashed);
    }

    function invariant_inputsCommitmentIsHashChain() public view {
        for (uint256 id = 1; id <= committee.computationCount(); ++id) {
            IMpcCommittee.Computation memory c = committee.computation(id);
            assertEq(c.inputsCommitment, ghostChain[id]);
            assertEq(c.inputCount, ghostCount[id]);
        }
    }

    function invariant_resultPostedOnceAndKept() public view {
        for (uint256 id = 1; id <= committee.computationCount(); ++id) {
            (IMpcCommittee.Status status, bytes memory output) = committee.result(id);
            assertEq(status == IMpcCommittee.Status.Finalized, ghostOutputHash[id] != 0);
            if (status == IMpcCommittee.Status.Finalized) assertEq(keccak256(output), ghostOutputHash[id]);
        }
    }

    function invariant_committeesAreHonestMajorityQuorums() public view {
        for (uint64 e = 1; e <= committee.epoch(); ++e) {
            (address[] memory members,, uint256 threshold) = committee.committee(e);
            assertGe(members.length, 3);
            assertGt(threshold, members.length / 2);
            assertLe(threshold, members.length);
        }
    }

    function invariant_equivocatorsNeverReappointed() public view {
        for (uint256 i; i < POOL; ++i) {
            address node = pool[i].addr;
            if (!committee.isEquivocator(node)) continue;
            for (uint64 e = ghostSlashedInEpoch[node] + 1; e <= committee.epoch(); ++e) {
                assertEq(committee.memberSlot(e, node), 0);
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    /// @dev A computation in `status`, searched from a seed-chosen start; 0 when there is none.
    function _pickComputation(uint256 seed, IMpcCommittee.Status status) private view returns (uint256) {
        uint256 count = committee.computationCount();
        for (uint256 i; i < count; ++i) {
            uint256 id = 1 + (seed % count + i) % count;
            (IMpcCommittee.Status s,) = committee.result(id);
            if (s == status) return id;
        }
        return 0;
    }

    /// @dev The pool wallet of a committee member (every member comes from the pool).
    function _wallet(address node) private view returns (Vm.Wallet memory) {
        return pool[poolIndex[node]];
    }

    /// @dev Mirrors the withdrawal lock: never appointed, or out of the committee for the unbonding delay.
    function _unlocked(address node) private view returns (bool) {
        uint64 current = committee.epoch();
        uint64 last;
        for (uint64 e = current; e >= 1 && last == 0; --e) {
            if (committee.memberSlot(e, node) != 0) last = e;
        }
        if (last == 0) return true;
        if (last == current) return false;
        uint256 from = ghostStartedAt[last + 1];
        if (ghostSignableUntil[last] > from) from = ghostSignableUntil[last];
        return block.timestamp >= from + UNBONDING_DELAY;
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Neurons} from "../../contracts/governance/Neurons.sol";
import {INeurons} from "../../contracts/governance/interfaces/INeurons.sol";
import {ICompliance} from "../../contracts/token/interfaces/ICompliance.sol";
import {IIdentityRegistry} from "../../contracts/token/interfaces/IIdentityRegistry.sol";
import {TokenFixture} from "../token/TokenFixture.sol";
import {GovernanceFixture} from "./GovernanceFixture.sol";

contract NeuronsTest is GovernanceFixture {
    address internal alice = makeAddr("alice");
    address internal hot = makeAddr("hot");

    function _state(uint32 id) internal view returns (INeurons.NeuronState memory state) {
        (,, state) = neurons.neuron(id);
    }

    function _nextBoundary(uint256 t) internal pure returns (uint256) {
        return (t + EPOCH - 1) / EPOCH * EPOCH;
    }

    // ---------------------------------------------------------------- constructor

    function test_constructor_revertsOnInvalidConfig() public {
        INeurons.Config[5] memory bad = [
            INeurons.Config(0, MAX_DELAY, MAX_AGE, MIN_DELAY),
            INeurons.Config(EPOCH, MAX_DELAY + EPOCH, MAX_AGE, MIN_DELAY),
            INeurons.Config(EPOCH, MAX_DELAY, MAX_AGE + 1, MIN_DELAY),
            INeurons.Config(EPOCH, MIN_DELAY - EPOCH, MAX_AGE, MIN_DELAY),
            INeurons.Config(EPOCH, MAX_DELAY, 0, MIN_DELAY)
        ];
        for (uint256 i; i < bad.length; ++i) {
            vm.expectRevert(abi.encodeWithSelector(INeurons.NeuronsInvalidConfig.selector, bad[i]));
            new Neurons(token, IIdentityRegistry(address(registry)), bad[i], address(this), address(this));
        }
    }

    // ---------------------------------------------------------------- stake

    function test_stake_createsAgingNeuron() public {
        registry.setVerified(alice, true);
        token.mint(alice, 5 ether);
        vm.startPrank(alice);
        token.approve(address(neurons), 5 ether);
        vm.expectEmit(address(neurons));
        emit INeurons.NeuronStaked(1, alice);
        vm.expectEmit(address(neurons));
        emit INeurons.NeuronUpdated(1, 5 ether, MIN_DELAY, _nextBoundary(block.timestamp), false, 1);
        uint32 id = neurons.stake(5 ether, MIN_DELAY);
        vm.stopPrank();

        assertEq(id, 1);
        assertEq(neurons.neuronCount(), 1);
        (address owner, address hotKey, INeurons.NeuronState memory state) = neurons.neuron(id);
        assertEq(owner, alice);
        assertEq(hotKey, address(0));
        assertEq(state.stake, 5 ether);
        assertEq(state.dissolveDelay, MIN_DELAY);
        assertEq(state.since, _nextBoundary(block.timestamp));
        assertFalse(state.dissolving);
        assertEq(token.balanceOf(address(neurons)), 5 ether);
    }

    function test_stake_revertsWhenNotVerified() public {
        vm.expectRevert(abi.encodeWithSelector(INeurons.NeuronsIdentityNotVerified.selector, alice));
        vm.prank(alice);
        neurons.stake(1 ether, MIN_DELAY);
    }

    function test_stake_revertsOnZeroAmount() public {
        registry.setVerified(alice, true);
        vm.expectRevert(INeurons.NeuronsZeroAmount.selector);
        vm.prank(alice);
        neurons.stake(0, MIN_DELAY);
    }

    function test_stake_revertsWhenDelayTooLong() public {
        registry.setVerified(alice, true);
        vm.expectRevert(abi.encodeWithSelector(INeurons.NeuronsDissolveDelayTooLong.selector, MAX_DELAY + 1, MAX_DELAY));
        vm.prank(alice);
        neurons.stake(1 ether, MAX_DELAY + 1);
    }

    // ---------------------------------------------------------------- increaseStake

    function test_increaseStake_weightsAgeByStake() public {
        uint32 id = _stake(alice, 1 ether, MIN_DELAY);
        uint256 start = _state(id).since;
        vm.warp(start + 100 days);
        token.mint(alice, 3 ether);
        vm.startPrank(alice);
        token.approve(address(neurons), 3 ether);
        neurons.increaseStake(id, 3 ether);
        vm.stopPrank();
        assertEq(_state(id).stake, 4 ether);
        assertEq(_state(id).since, _nextBoundary(block.timestamp - 25 days));
        assertEq(token.balanceOf(address(neurons)), 4 ether);
    }

    function test_increaseStake_revertsWhenNotOwner() public {
        uint32 id = _stake(alice, 1 ether, MIN_DELAY);
        vm.expectRevert(abi.encodeWithSelector(INeurons.NeuronsNotOwner.selector, id, hot));
        vm.prank(hot);
        neurons.increaseStake(id, 1 ether);
    }

    function test_increaseStake_revertsOnZeroAmount() public {
        uint32 id = _stake(alice, 1 ether, MIN_DELAY);
        vm.expectRevert(INeurons.NeuronsZeroAmount.selector);
        vm.prank(alice);
        neurons.increaseStake(id, 0);
    }

    // ---------------------------------------------------------------- increaseDissolveDelay

    function test_increaseDissolveDelay_addsToDelay() public {
        uint32 id = _stake(alice, 1 ether, MIN_DELAY);
        vm.prank(alice);
        neurons.increaseDissolveDelay(id, 10 days);
        assertEq(_state(id).dissolveDelay, MIN_DELAY + 10 days);
    }

    function test_increaseDissolveDelay_extendsDissolving() public {
        uint32 id = _stake(alice, 1 ether, MIN_DELAY);
        vm.startPrank(alice);
        neurons.startDissolving(id);
        uint256 dissolvedAt = _state(id).since;
        neurons.increaseDissolveDelay(id, 10 days);
        vm.stopPrank();
        assertEq(_state(id).since, dissolvedAt + 10 days);
        assertTrue(_state(id).dissolving);
    }

    function test_increaseDissolveDelay_relocksDissolved() public {
        uint32 id = _stake(alice, 1 ether, 0);
        vm.startPrank(alice);
        neurons.startDissolving(id);
        vm.warp(_state(id).since);
        neurons.increaseDissolveDelay(id, MIN_DELAY);
        vm.stopPrank();
        assertFalse(_state(id).dissolving);
        assertEq(_state(id).dissolveDelay, MIN_DELAY);
        assertEq(_state(id).since, _nextBoundary(block.timestamp));
    }

    function test_increaseDissolveDelay_revertsWhenTooLong() public {
        uint32 id = _stake(alice, 1 ether, MAX_DELAY);
        vm.expectRevert(abi.encodeWithSelector(INeurons.NeuronsDissolveDelayTooLong.selector, MAX_DELAY + 1, MAX_DELAY));
        vm.prank(alice);
        neurons.increaseDissolveDelay(id, 1);
    }

    function test_increaseDissolveDelay_revertsWhenNotOwner() public {
        uint32 id = _stake(alice, 1 ether, MIN_DELAY);
        vm.expectRevert(abi.encodeWithSelector(INeurons.NeuronsNotOwner.selector, id, hot));
        vm.prank(hot);
        neurons.increaseDissolveDelay(id, 1);
    }

    // ---------------------------------------------------------------- dissolving

    function test_startDissolving_setsDissolveTimeAndLosesAge() public {
        uint32 id = _stake(alice, 1 ether, MIN_DELAY);
        vm.warp(block.timestamp + 300 days);
        vm.prank(alice);
        neurons.startDissolving(id);
        INeurons.NeuronState memory state = _state(id);
        assertTrue(state.dissolving);
        assertEq(state.since, _nextBoundary(block.timestamp + MIN_DELAY));
        assertEq(state.dissolveDelay, 0);
        (,, uint256 age) = neurons.components(id, type(uint256).max, block.timestamp);
        assertEq(age, 0);
    }

    function test_startDissolving_revertsWhenDissolving() public {
        uint32 id = _stake(alice, 1 ether, MIN_DELAY);
        vm.startPrank(alice);
        neurons.startDissolving(id);
        vm.expectRevert(abi.encodeWithSelector(INeurons.NeuronsDissolving.selector, id));
        neurons.startDissolving(id);
        vm.stopPrank();
    }

    function test_startDissolving_revertsForHotKey() public {
        uint32 id = _stake(alice, 1 ether, MIN_DELAY);
        vm.prank(alice);
        neurons.setHotKey(id, hot);
        vm.expectRevert(abi.encodeWithSelector(INeurons.NeuronsNotOwner.selector, id, hot));
        vm.prank(hot);
        neurons.startDissolving(id);
    }

    function test_stopDissolving_keepsRemainingDelayAndRestartsAging() public {
        uint32 id = _stake(alice, 1 ether, MIN_DELAY + 10 days);
        vm.prank(alice);
        neurons.startDissolving(id);
        uint256 dissolvedAt = _state(id).since;
        vm.warp(block.timestamp + 10 days);
        vm.prank(alice);
        neurons.stopDissolving(id);
        INeurons.NeuronState memory state = _state(id);
        assertFalse(state.dissolving);
        assertEq(state.dissolveDelay, dissolvedAt - block.timestamp);
        assertEq(state.since, _nextBoundary(block.timestamp));
    }

    function test_stopDissolving_revertsWhenNotDissolving() public {
        uint32 id = _stake(alice, 1 ether, MIN_DELAY);
        vm.expectRevert(abi.encodeWithSelector(INeurons.NeuronsNotDissolving.selector, id));
        vm.prank(alice);
        neurons.stopDissolving(id);
    }

    function test_stopDissolving_revertsWhenDissolved() public {
        uint32 id = _stake(alice, 1 ether, 0);
        vm.prank(alice);
        neurons.startDissolving(id);
        vm.warp(_state(id).since);
        vm.expectRevert(abi.encodeWithSelector(INeurons.NeuronsDissolved.selector, id));
        vm.prank(alice);
        neurons.stopDissolving(id);
    }

    // ---------------------------------------------------------------- disburse

    function test_disburse_paysOwnerWhenDissolved() public {
        uint32 id = _stake(alice, 3 ether, MIN_DELAY);
        vm.prank(alice);
        neurons.startDissolving(id);
        vm.warp(_state(id).since);
        vm.expectEmit(address(neurons));
        emit INeurons.NeuronDisbursed(id, alice, 3 ether);
        vm.prank(alice);
        neurons.disburse(id);
        assertEq(token.balanceOf(alice), 3 ether);
        assertEq(_state(id).stake, 0);
        assertEq(neurons.sumsAt(block.timestamp)[0], 0);
    }

    function test_disburse_revertsWhenNotDissolving() public {
        uint32 id = _stake(alice, 1 ether, MIN_DELAY);
        vm.expectRevert(abi.encodeWithSelector(INeurons.NeuronsNotDissolved.selector, id, 0));
        vm.prank(alice);
        neurons.disburse(id);
    }

    function test_disburse_revertsWhileDissolving() public {
        uint32 id = _stake(alice, 1 ether, MIN_DELAY);
        vm.prank(alice);
        neurons.startDissolving(id);
        uint256 dissolvedAt = _state(id).since;
        vm.warp(dissolvedAt - 1);
        vm.expectRevert(abi.encodeWithSelector(INeurons.NeuronsNotDissolved.selector, id, dissolvedAt));
        vm.prank(alice);
        neurons.disburse(id);
    }

    function test_disburse_revertsForHotKey() public {
        uint32 id = _stake(alice, 1 ether, 0);
        vm.startPrank(alice);
        neurons.setHotKey(id, hot);
        neurons.startDissolving(id);
        vm.stopPrank();
        vm.warp(_state(id).since);
        vm.expectRevert(abi.encodeWithSelector(INeurons.NeuronsNotOwner.selector, id, hot));
        vm.prank(hot);
        neurons.disburse(id);
    }

    // ---------------------------------------------------------------- hot key, snapshot

    function test_setHotKey_setsAndEmits() public {
        uint32 id = _stake(alice, 1 ether, MIN_DELAY);
        vm.expectEmit(address(neurons));
        emit INeurons.HotKeySet(id, hot);
        vm.prank(alice);
        neurons.setHotKey(id, hot);
        (address owner, address hotKey) = neurons.controllers(id);
        assertEq(owner, alice);
        assertEq(hotKey, hot);
    }

    function test_setHotKey_revertsWhenNotOwner() public {
        uint32 id = _stake(alice, 1 ether, MIN_DELAY);
        vm.expectRevert(abi.encodeWithSelector(INeurons.NeuronsNotOwner.selector, id, hot));
        vm.prank(hot);
        neurons.setHotKey(id, hot);
    }

    function test_snapshot_revertsForOthers() public {
        vm.expectRevert(abi.encodeWithSelector(INeurons.NeuronsOnlyGovernance.selector, alice));
        vm.prank(alice);
        neurons.snapshot();
    }

    // ---------------------------------------------------------------- voting power

    function test_votingPower_nnsMaximumIsTwoAndAHalf() public {
        uint32 id = _stake(alice, 100 ether, MAX_DELAY);
        vm.warp(block.timestamp + MAX_AGE + 2 * EPOCH);
        assertEq(gov.votingPower(id), 250 ether);
        assertEq(gov.totalVotingPower(), 250 ether);
    }

    function test_votingPower_zeroBelowMinimumDelay() public {
        uint32 id = _stake(alice, 100 ether, MIN_DELAY - EPOCH);
        vm.warp(block.timestamp + 30 days);
        assertEq(gov.votingPower(id), 0);
        assertEq(gov.totalVotingPower(), 0);
    }

    function test_votingPower_dissolvingLosesEligibilityAtMinimumDelay() public {
        uint32 id = _stake(alice, 100 ether, MIN_DELAY + 10 days);
        vm.prank(alice);
        neurons.startDissolving(id);
        uint256 leave = _state(id).since - MIN_DELAY;
        vm.warp(leave);
        assertGt(gov.votingPower(id), 0);
        assertEq(gov.totalVotingPower(), gov.votingPower(id));
        vm.warp(leave + 1);
        assertEq(gov.votingPower(id), 0);
        assertEq(gov.totalVotingPower(), 0);
    }
}

/// @notice Neurons staking a security token with a holder limit, registered as a look-through system holder: a
/// staker stays counted while staked, so the slot it frees by staking is still its own when it disburses.
contract NeuronsLookThroughTest is TokenFixture {
    Neurons internal neurons;

    function setUp() public override {
        super.setUp();
        neurons = new Neurons(
            token,
            registry,
            INeurons.Config({epoch: 1 days, maxDelay: 8 * 365 days, maxAge: 4 * 365 days, minDelay: 0}),
            address(this),
            address(this)
        );
        vm.startPrank(officer);
        token.setSystemHolder(address(neurons), true);
        token.setLookThrough(address(neurons), true);
        token.setLimits(2, MAX_BALANCE);
        vm.stopPrank();
        _verify(alice);
        _verify(bob);
        _verify(carol);
    }

    function test_disburse_worksAfterOthersFilledTheHolderSlots() public {
        _mint(alice, 100);
        vm.startPrank(alice);
        token.approve(address(neurons), 100);
        uint32 id = neurons.stake(100, 0);
        vm.stopPrank();
        assertEq(token.balanceOf(alice), 0);
        assertEq(token.holderCount(), 1, "the staker stays a holder");
        assertEq(token.lookThroughBalanceOf(registry.identityOf(alice)), 100);

        _mint(bob, 10);
        vm.prank(issuer);
        vm.expectRevert(abi.encodeWithSelector(ICompliance.MaxHoldersExceeded.selector, carol, 3, 2));
        token.mint(carol, 10);

        vm.startPrank(alice);
        neurons.startDissolving(id);
        vm.warp(block.timestamp + 1 days);
        neurons.disburse(id);
        vm.stopPrank();
        assertEq(token.balanceOf(alice), 100);
        assertEq(token.lookThroughBalanceOf(registry.identityOf(alice)), 0);
        assertEq(token.holderCount(), 2);
    }

    function test_increaseStake_keepsTheWholeStakeAsExposure() public {
        _mint(alice, 100);
        vm.startPrank(alice);
        token.approve(address(neurons), 100);
        uint32 id = neurons.stake(60, 0);
        neurons.increaseStake(id, 40);
        vm.stopPrank();
        assertEq(token.lookThroughBalanceOf(registry.identityOf(alice)), 100);
        assertEq(token.exposureOf(address(neurons), alice), 100);
        assertEq(token.holderCount(), 1);
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IGovernance} from "../../contracts/governance/interfaces/IGovernance.sol";
import {INeurons} from "../../contracts/governance/interfaces/INeurons.sol";
import {GovernanceFixture} from "./GovernanceFixture.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

contract GovernanceFuzzTest is GovernanceFixture {
    /// @dev Reference: stake x (1 + min(delay, maxDelay)/maxDelay x delayBonus) x (1 + min(age, maxAge)/maxAge x
    /// ageBonus), rounded down, zero below the minimum delay.
    function _reference(uint256 s, uint256 delay, uint256 age, uint256 db, uint256 ab) internal pure returns (uint256) {
        if (delay < MIN_DELAY) return 0;
        uint256 d = Math.min(delay, MAX_DELAY);
        uint256 a = Math.min(age, MAX_AGE);
        return Math.mulDiv(
            s,
            (10_000 * uint256(MAX_DELAY) + db * d) * (10_000 * uint256(MAX_AGE) + ab * a),
            1e8 * uint256(MAX_DELAY) * MAX_AGE
        );
    }

    function testFuzz_votingPower_matchesFormulaWithinCaps(
        uint96 amount,
        uint32 delay,
        uint32 elapsed,
        uint16 delayBonus,
        uint16 ageBonus
    ) public {
        amount = uint96(bound(amount, 1, 1e30));
        delay = uint32(bound(delay, 0, MAX_DELAY));
        delayBonus = uint16(bound(delayBonus, 0, 20_000));
        ageBonus = uint16(bound(ageBonus, 0, 10_000));
        vm.prank(executor);
        gov.setParams(IGovernance.Params(delayBonus, ageBonus, MAX_OPEN, TIMELOCK, FEE, WINDOW));
        uint32 id = _stake(_owner(1), amount, delay);
        (,, INeurons.NeuronState memory state) = neurons.neuron(id);
        vm.warp(block.timestamp + bound(elapsed, 0, 2 * MAX_AGE));
        uint256 age = block.timestamp > state.since ? block.timestamp - state.since : 0;

        uint256 power = gov.votingPower(id);
        assertEq(power, _reference(amount, delay, age, delayBonus, ageBonus));
        assertEq(gov.totalVotingPower(), power);
        if (delay >= MIN_DELAY) {
            assertGe(power, amount);
            assertLe(power, uint256(amount) * (10_000 + delayBonus) * (10_000 + ageBonus) / 1e8);
        }
    }

    /// @dev The exact aggregate: after random neuron actions at random times, the live total equals the sum of the
    /// individual powers up to one unit of rounding per neuron.
    function testFuzz_totalVotingPower_equalsSumAcrossActions(uint256 seed) public {
        uint32 count = 6;
        for (uint32 i = 1; i <= count; ++i) {
            uint256 r = uint256(keccak256(abi.encode(seed, i)));
            _stake(_owner(i), uint96(bound(r, 1, 1e24)), uint32(bound(r >> 96, MIN_DELAY - 30 days, MAX_DELAY)));
        }
        for (uint256 step; step < 24; ++step) {
            uint256 r = uint256(keccak256(abi.encode(seed, "step", step)));
            uint32 id = uint32(r % count) + 1;
            (,, INeurons.NeuronState memory s) = neurons.neuron(id);
            vm.startPrank(_owner(id));
            if (r % 3 == 0 && !s.dissolving) neurons.startDissolving(id);
            else if (r % 3 == 1 && s.dissolving && s.since > block.timestamp) neurons.stopDissolving(id);
            vm.stopPrank();
            vm.warp(block.timestamp + bound(r >> 128, 0, 200 days));
            uint256 all;
            for (uint32 n = 1; n <= count; ++n) {
                all += gov.votingPower(n);
            }
            uint256 total = gov.totalVotingPower();
            assertGe(total, all);
            assertLe(total - all, count);
        }
    }

    /// @dev Wait-for-quiet keeps period <= deadline - createdAt <= period + 2W under any sequence of flips.
    function testFuzz_waitForQuiet_deadlineBounds(uint256 seed) public {
        uint32 a = _stake(_owner(1), 10 ether, MAX_DELAY);
        for (uint32 i = 2; i <= 9; ++i) {
            _stake(_owner(i), 2 ether, MAX_DELAY);
        }
        vm.warp(block.timestamp + 30 days);
        uint256 id = _propose(_owner(a), a, IGovernance.Topic.General);
        uint256 createdAt = block.timestamp;
        uint256 previous = gov.proposal(id).deadline;
        for (uint32 i = 2; i <= 9; ++i) {
            uint256 r = uint256(keccak256(abi.encode(seed, i)));
            uint256 deadline = gov.proposal(id).deadline;
            vm.warp(Math.min(block.timestamp + bound(r, 0, 2 days), deadline - 1));
            IGovernance.ProposalView memory p = gov.proposal(id);
            vm.prank(_owner(i));
            gov.vote(id, i, p.yes > p.no ? false : true);
            deadline = gov.proposal(id).deadline;
            assertGe(deadline, previous);
            assertGe(deadline, createdAt + PERIOD);
            assertLe(deadline, createdAt + PERIOD + 2 * W);
            previous = deadline;
        }
    }
}

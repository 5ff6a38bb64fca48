// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IOracle} from "../../contracts/oracle/interfaces/IOracle.sol";
import {OracleFixture} from "./OracleFixture.sol";

/// @notice Fuzz tests of the bond math, the payouts and the question shapes.
contract OracleFuzzTest is OracleFixture {
    uint48 internal constant CATEGORIES = 4;

    address[3] internal disputers;

    function setUp() public override {
        super.setUp();
        disputers = [alice, bob, carol];
    }

    /// @dev Disputes a categorical question for `rounds` rounds on outcomes drawn from `seed`, each bond
    /// crowd-funded by up to three contributors in random parts. Checks every bond against an independent
    /// ledger and returns it.
    function _disputeRounds(uint256 q, uint256 seed, uint256 rounds)
        internal
        returns (uint256[5] memory stakeOn, uint256 total)
    {
        IOracle.State memory s = oracle.state(q);
        total = s.totalStake;
        stakeOn[s.outcome] = total;
        for (uint256 r = 1; r <= rounds; ++r) {
            seed = uint256(keccak256(abi.encode(seed)));
            uint48 outcome = uint48((oracle.state(q).outcome + 1 + seed % CATEGORIES) % (CATEGORIES + 1));
            uint256 size = 2 * total - 3 * stakeOn[outcome];
            assertEq(oracle.bondSize(q, outcome), size, "bond size");
            uint256 first = bound(seed >> 8, 1, size);
            uint256 second = bound(seed >> 80, 0, size - first);
            _contribute(q, disputers[0], outcome, first);
            if (second != 0) _contribute(q, disputers[1], outcome, second);
            if (first + second < size) _contribute(q, disputers[2], outcome, size);
            stakeOn[outcome] += size;
            total += size;
            s = oracle.state(q);
            assertEq(s.outcome, outcome, "tentative");
            assertEq(s.totalStake, total, "total");
            assertEq(3 * stakeOn[outcome], 2 * total, "two thirds");
            assertEq(oracle.stakeOn(q, outcome), stakeOn[outcome], "stake on");
        }
    }

    function _categoricalReported(uint256 seed) internal returns (uint256 q) {
        q = _create(_categoricalParams(CATEGORIES));
        vm.warp(block.timestamp + 1 days);
        _report(q, uint48(seed % (CATEGORIES + 1)));
    }

    function testFuzz_contribute_bondMathEveryRound(uint256 seed, uint256 rounds) public {
        rounds = bound(rounds, 1, defaultParameters().maxRounds - 1);
        uint256 q = _categoricalReported(seed);
        _disputeRounds(q, seed, rounds);
        assertEq(oracle.state(q).rounds, rounds);
    }

    /// @dev Every position redeemed: winners get stake x (1 + rate) with rate <= 40%, losers nothing, and
    /// payouts plus burn account for every staked token up to one wei per winning position.
    function testFuzz_redeem_payoutsSumCorrectly(uint256 seed, uint256 rounds) public {
        rounds = bound(rounds, 0, defaultParameters().maxRounds - 1);
        uint256 q = _categoricalReported(seed);
        (, uint256 total) = _disputeRounds(q, seed, rounds);
        uint256 supply = rep.totalSupply();
        _finalize(q);
        uint256 burnedAmount = supply - rep.totalSupply();
        IOracle.State memory s = oracle.state(q);
        assertLe(s.payoutRate, 0.4e9, "rate cap");

        uint256 paid;
        uint256 winners;
        address[4] memory accounts = [reporter, alice, bob, carol];
        for (uint256 r; r <= rounds; ++r) {
            uint48 outcome = oracle.round(q, r).outcome;
            for (uint256 i; i < accounts.length; ++i) {
                uint256 stake = oracle.stakeOf(q, r, outcome, accounts[i]);
                if (stake == 0) continue;
                uint256 amount = _redeem(q, accounts[i], r, outcome);
                if (outcome == s.outcome) {
                    assertEq(amount, stake + stake * s.payoutRate / 1e9, "winner");
                    ++winners;
                } else {
                    assertEq(amount, 0, "loser");
                }
                paid += amount;
            }
        }
        uint256 pool = total + (s.outcome == INVALID ? 10e18 : 0);
        assertLe(paid + burnedAmount, pool, "overpaid");
        assertGe(paid + burnedAmount + winners, pool, "dust");
        // Left: the creator's bonds (the validity bond joined the pool if Invalid) and the rounding dust.
        assertEq(rep.balanceOf(address(oracle)), 15e18 + total - paid - burnedAmount, "oracle balance");
    }

    /// @dev A value within tolerance of the final one is paid as correct; one beyond it loses.
    function testFuzz_redeem_scalarTolerance(uint48 reported, uint48 distance, uint48 tolerance) public {
        tolerance = uint48(bound(tolerance, 0, 50));
        reported = uint48(bound(reported, 1, 1001));
        distance = uint48(bound(distance, tolerance + 1, tolerance + 500));
        IOracle.QuestionParams memory p = _scalarParams(tolerance);
        p.max = 10e18; // 1,001 values
        uint256 q = _create(p);
        vm.warp(block.timestamp + 1 days);
        _report(q, reported);
        uint48 disputed = reported + distance <= 1001 ? reported + distance : reported - distance;
        vm.assume(disputed >= 1);
        _fill(q, alice, disputed);
        uint48 near = disputed > reported ? disputed - tolerance : disputed + tolerance;
        _fill(q, bob, reported == near ? disputed - 1 : reported); // back to the report (or beside it)
        _finalize(q);
        uint48 finalOutcome = oracle.finalOutcome(q);
        bool reportCorrect = oracle.isCorrect(q, reported, finalOutcome);
        uint256 amount = _redeem(q, reporter, 0, reported);
        assertEq(amount > 0, reportCorrect, "report paid iff within tolerance");
        assertEq(_redeem(q, alice, 1, disputed) > 0, oracle.isCorrect(q, disputed, finalOutcome), "dispute");
    }

    /// @dev A scalar range is accepted exactly when it is non-empty, a multiple of the tick and small enough.
    function testFuzz_createQuestion_scalarRange(int128 min, int128 max, uint128 tick) public {
        IOracle.QuestionParams memory p = _scalarParams(0);
        (p.min, p.max, p.tick) = (min, max, tick);
        bool valid = max > min && tick != 0;
        if (valid) {
            uint256 span = uint256(int256(max) - min);
            valid = span % tick == 0 && span / tick <= type(uint48).max - 2 && span / tick > 0;
        }
        if (!valid) vm.expectRevert(abi.encodeWithSelector(IOracle.InvalidScalarRange.selector, min, max, tick));
        uint256 q = _create(p);
        if (valid) assertEq(oracle.valueOf(q, oracle.config(q).numOutcomes - 1), max);
    }
}

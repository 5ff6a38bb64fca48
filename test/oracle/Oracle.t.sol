// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IOracle} from "../../contracts/oracle/interfaces/IOracle.sol";
import {OracleFixture} from "./OracleFixture.sol";
import {IAccessManaged} from "@openzeppelin/contracts/access/manager/IAccessManaged.sol";

/// @notice Unit tests: every entry point, every refusal with its exact error.
contract OracleTest is OracleFixture {
    // ---------------------------------------------------------------- createQuestion

    function test_createQuestion_binaryEscrowsBondsAndStoresConfig() public {
        IOracle.QuestionParams memory p = _binaryParams();
        uint40 reportingEnd = p.endTime + 1 days;
        vm.expectEmit(address(oracle));
        emit IOracle.QuestionCreated(1, creator, reporter, 3, reportingEnd, p);
        uint256 q = _create(p);

        assertEq(q, 1);
        assertEq(oracle.questionCount(), 1);
        assertEq(rep.balanceOf(address(oracle)), 15e18);
        assertEq(rep.balanceOf(creator), ACTOR_BALANCE - 15e18);
        IOracle.Config memory c = oracle.config(q);
        assertEq(c.creator, creator);
        assertEq(c.designatedReporter, reporter);
        assertEq(c.endTime, p.endTime);
        assertEq(c.numOutcomes, 3);
        assertEq(c.validityBond, 10e18);
        assertEq(c.noShowBond, 5e18);
        IOracle.State memory s = oracle.state(q);
        assertEq(uint8(s.status), uint8(IOracle.Status.Pending));
        assertEq(s.windowEnd, reportingEnd);
        assertEq(uint8(oracle.status(q)), uint8(IOracle.Status.Pending));
    }

    function test_createQuestion_categoricalCountsInvalid() public {
        uint256 q = _create(_categoricalParams(5));
        assertEq(oracle.config(q).numOutcomes, 6);
        assertEq(uint8(oracle.config(q).kind), uint8(IOracle.Kind.Categorical));
    }

    function test_createQuestion_scalarCountsTicks() public {
        uint256 q = _create(_scalarParams(3));
        IOracle.Config memory c = oracle.config(q);
        assertEq(c.numOutcomes, 100_002); // 100,001 values (0.00 .. 1,000.00) + Invalid
        assertEq(c.tolerance, 3);
        assertEq(c.min, 0);
        assertEq(c.tick, 1e16);
    }

    function test_createQuestion_revertsWhenDesignatedReporterZero() public {
        IOracle.QuestionParams memory p = _binaryParams();
        p.designatedReporter = address(0);
        vm.expectRevert(IOracle.ZeroDesignatedReporter.selector);
        _create(p);
    }

    function test_createQuestion_revertsWhenEndTimeNotInFuture() public {
        IOracle.QuestionParams memory p = _binaryParams();
        p.endTime = uint40(block.timestamp);
        vm.expectRevert(abi.encodeWithSelector(IOracle.EndTimeNotInFuture.selector, block.timestamp));
        _create(p);
    }

    function test_createQuestion_revertsWhenBinaryHasOutcomeCount() public {
        IOracle.QuestionParams memory p = _binaryParams();
        p.outcomeCount = 2;
        vm.expectRevert(abi.encodeWithSelector(IOracle.InvalidOutcomeCount.selector, IOracle.Kind.Binary, 2));
        _create(p);
    }

    function test_createQuestion_revertsWhenCategoricalTooFewOutcomes() public {
        vm.expectRevert(abi.encodeWithSelector(IOracle.InvalidOutcomeCount.selector, IOracle.Kind.Categorical, 1));
        _create(_categoricalParams(1));
    }

    function test_createQuestion_revertsWhenCategoricalTooManyOutcomes() public {
        vm.expectRevert(abi.encodeWithSelector(IOracle.InvalidOutcomeCount.selector, IOracle.Kind.Categorical, 256));
        _create(_categoricalParams(256));
    }

    function test_createQuestion_revertsWhenScalarHasOutcomeCount() public {
        IOracle.QuestionParams memory p = _scalarParams(0);
        p.outcomeCount = 3;
        vm.expectRevert(abi.encodeWithSelector(IOracle.InvalidOutcomeCount.selector, IOracle.Kind.Scalar, 3));
        _create(p);
    }

    function test_createQuestion_revertsWhenBinaryHasRange() public {
        IOracle.QuestionParams memory p = _binaryParams();
        p.tick = 1;
        vm.expectRevert(abi.encodeWithSelector(IOracle.InvalidScalarRange.selector, 0, 0, 1));
        _create(p);
    }

    function test_createQuestion_revertsWhenScalarRangeEmpty() public {
        IOracle.QuestionParams memory p = _scalarParams(0);
        p.max = p.min;
        vm.expectRevert(abi.encodeWithSelector(IOracle.InvalidScalarRange.selector, 0, 0, 1e16));
        _create(p);
    }

    function test_createQuestion_revertsWhenScalarTickZero() public {
        IOracle.QuestionParams memory p = _scalarParams(0);
        p.tick = 0;
        vm.expectRevert(abi.encodeWithSelector(IOracle.InvalidScalarRange.selector, 0, 1000e18, 0));
        _create(p);
    }

    function test_createQuestion_revertsWhenScalarSpanNotMultipleOfTick() public {
        IOracle.QuestionParams memory p = _scalarParams(0);
        p.tick = 3e16;
        vm.expectRevert(abi.encodeWithSelector(IOracle.InvalidScalarRange.selector, 0, 1000e18, 3e16));
        _create(p);
    }

    function test_createQuestion_revertsWhenScalarHasTooManyTicks() public {
        IOracle.QuestionParams memory p = _scalarParams(0);
        p.tick = 1;
        vm.expectRevert(abi.encodeWithSelector(IOracle.InvalidScalarRange.selector, 0, 1000e18, 1));
        _create(p);
    }

    function test_createQuestion_revertsWhenBinaryHasTolerance() public {
        IOracle.QuestionParams memory p = _binaryParams();
        p.tolerance = 1;
        vm.expectRevert(abi.encodeWithSelector(IOracle.InvalidTolerance.selector, IOracle.Kind.Binary, 1));
        _create(p);
    }

    function test_createQuestion_revertsWhenToleranceSpansRange() public {
        vm.expectRevert(abi.encodeWithSelector(IOracle.InvalidTolerance.selector, IOracle.Kind.Scalar, 100_000));
        _create(_scalarParams(100_000));
    }

    // ---------------------------------------------------------------- initialReport

    function test_initialReport_designatedStakesReportBond() public {
        uint256 q = _binaryAtEnd();
        vm.expectEmit(address(oracle));
        emit IOracle.InitialReported(q, reporter, YES, 20e18, true, EVIDENCE, uint40(block.timestamp + 1 days));
        _report(q, YES);

        IOracle.State memory s = oracle.state(q);
        assertEq(uint8(s.status), uint8(IOracle.Status.Reported));
        assertEq(s.outcome, YES);
        assertEq(s.totalStake, 20e18);
        assertEq(s.windowEnd, block.timestamp + 1 days);
        assertTrue(s.designatedReported);
        assertEq(oracle.stakeOf(q, 0, YES, reporter), 20e18);
        assertEq(oracle.stakeOn(q, YES), 20e18);
        assertEq(oracle.round(q, 0).winningStake, 20e18);
        assertEq(rep.balanceOf(reporter), ACTOR_BALANCE - 20e18);
    }

    function test_initialReport_noShowReporterStakesNoShowBond() public {
        uint256 q = _binaryAtEnd();
        vm.warp(block.timestamp + 1 days);
        vm.prank(alice);
        oracle.initialReport(q, NO, EVIDENCE);

        IOracle.State memory s = oracle.state(q);
        assertEq(s.totalStake, 5e18);
        assertFalse(s.designatedReported);
        assertEq(oracle.stakeOf(q, 0, NO, alice), 5e18);
        assertEq(rep.balanceOf(alice), ACTOR_BALANCE);
    }

    function test_initialReport_revertsWhenUnknownQuestion() public {
        vm.expectRevert(abi.encodeWithSelector(IOracle.UnknownQuestion.selector, 7));
        oracle.initialReport(7, YES, EVIDENCE);
    }

    function test_initialReport_revertsBeforeEndTime() public {
        uint256 q = _create(_binaryParams());
        vm.prank(reporter);
        vm.expectRevert(abi.encodeWithSelector(IOracle.ReportingNotStarted.selector, q, block.timestamp + 1 days));
        oracle.initialReport(q, YES, EVIDENCE);
    }

    function test_initialReport_revertsWhenNotDesignatedInWindow() public {
        uint256 q = _binaryAtEnd();
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(IOracle.NotDesignatedReporter.selector, q, alice, block.timestamp + 1 days)
        );
        oracle.initialReport(q, YES, EVIDENCE);
    }

    function test_initialReport_revertsWhenOutcomeOutOfRange() public {
        uint256 q = _binaryAtEnd();
        vm.prank(reporter);
        vm.expectRevert(abi.encodeWithSelector(IOracle.OutcomeOutOfRange.selector, q, 3, 3));
        oracle.initialReport(q, 3, EVIDENCE);
    }

    function test_initialReport_revertsWhenAlreadyReported() public {
        uint256 q = _binaryAtEnd();
        _report(q, YES);
        vm.prank(reporter);
        vm.expectRevert(abi.encodeWithSelector(IOracle.StatusMismatch.selector, q, IOracle.Status.Reported));
        oracle.initialReport(q, NO, EVIDENCE);
    }

    // ---------------------------------------------------------------- contribute

    function test_contribute_partialPoolsStake() public {
        uint256 q = _binaryAtEnd();
        _report(q, YES);
        vm.expectEmit(address(oracle));
        emit IOracle.DisputeContributed(q, 1, alice, NO, 10e18, 10e18, 40e18, EVIDENCE);
        assertEq(_contribute(q, alice, NO, 10e18), 10e18);

        assertEq(oracle.pooled(q, 1, NO), 10e18);
        assertEq(oracle.stakeOf(q, 1, NO, alice), 10e18);
        assertEq(rep.balanceOf(alice), ACTOR_BALANCE - 10e18);
        assertEq(uint8(oracle.status(q)), uint8(IOracle.Status.Reported));
    }

    function test_contribute_fillMakesOutcomeTentative() public {
        uint256 q = _binaryAtEnd();
        _report(q, YES);
        _contribute(q, alice, NO, 10e18);
        vm.expectEmit(address(oracle));
        emit IOracle.RoundFilled(q, 1, NO, 40e18, 60e18, uint40(block.timestamp + 1 days));
        _contribute(q, bob, NO, 30e18);

        IOracle.State memory s = oracle.state(q);
        assertEq(uint8(s.status), uint8(IOracle.Status.Disputed));
        assertEq(s.outcome, NO);
        assertEq(s.rounds, 1);
        assertEq(s.totalStake, 60e18);
        IOracle.Round memory r = oracle.round(q, 1);
        assertEq(r.outcome, NO);
        assertEq(r.stake, 40e18);
        assertEq(r.winningStake, 40e18);
        assertEq(oracle.bondSize(q, YES), 60e18); // 2 x 60 - 3 x 20
    }

    function test_contribute_takesOnlyWhatTheBondNeeds() public {
        uint256 q = _binaryAtEnd();
        _report(q, YES);
        assertEq(_contribute(q, alice, NO, 1000e18), 40e18);
        assertEq(rep.balanceOf(alice), ACTOR_BALANCE - 40e18);
        assertEq(oracle.stakeOf(q, 1, NO, alice), 40e18);
    }

    function test_contribute_windowsLengthenAfterPacingRounds() public {
        uint256 q = _binaryAtEnd();
        _report(q, YES);
        uint48[4] memory outcomes = [NO, YES, NO, YES];
        for (uint256 i; i < outcomes.length; ++i) {
            _fill(q, alice, outcomes[i]);
            uint256 expected = i + 1 >= 3 ? 7 days : 1 days;
            assertEq(oracle.state(q).windowEnd, block.timestamp + expected);
        }
    }

    function test_contribute_escalatesAtMaxRounds() public {
        IOracle.Parameters memory p = defaultParameters();
        p.maxRounds = 2;
        vm.prank(governance);
        oracle.setParameters(p);
        uint256 q = _binaryAtEnd();
        _report(q, YES);
        _fill(q, alice, NO);
        uint256 size = oracle.bondSize(q, YES);
        vm.expectEmit(address(oracle));
        emit IOracle.Escalated(q, 2, 120e18);
        _contribute(q, bob, YES, size);

        IOracle.State memory s = oracle.state(q);
        assertEq(uint8(s.status), uint8(IOracle.Status.Escalated));
        assertEq(s.windowEnd, 0);
        vm.expectRevert(abi.encodeWithSelector(IOracle.StatusMismatch.selector, q, IOracle.Status.Escalated));
        _contribute(q, carol, NO, 1e18);
    }

    function test_contribute_escalatesAtStakeThreshold() public {
        IOracle.Parameters memory p = defaultParameters();
        p.escalationStake = 60e18;
        vm.prank(governance);
        oracle.setParameters(p);
        uint256 q = _binaryAtEnd();
        _report(q, YES);
        _fill(q, alice, NO);
        assertEq(uint8(oracle.status(q)), uint8(IOracle.Status.Escalated));
    }

    function test_contribute_revertsWhenPending() public {
        uint256 q = _binaryAtEnd();
        vm.expectRevert(abi.encodeWithSelector(IOracle.StatusMismatch.selector, q, IOracle.Status.Pending));
        _contribute(q, alice, NO, 1e18);
    }

    function test_contribute_revertsWhenWindowClosed() public {
        uint256 q = _binaryAtEnd();
        _report(q, YES);
        uint256 windowEnd = oracle.state(q).windowEnd;
        vm.warp(windowEnd);
        vm.expectRevert(abi.encodeWithSelector(IOracle.DisputeWindowClosed.selector, q, windowEnd));
        _contribute(q, alice, NO, 1e18);
    }

    function test_contribute_revertsWhenAmountZero() public {
        uint256 q = _binaryAtEnd();
        _report(q, YES);
        vm.expectRevert(IOracle.ZeroAmount.selector);
        _contribute(q, alice, NO, 0);
    }

    function test_contribute_revertsWhenOutcomeOutOfRange() public {
        uint256 q = _binaryAtEnd();
        _report(q, YES);
        vm.expectRevert(abi.encodeWithSelector(IOracle.OutcomeOutOfRange.selector, q, 5, 3));
        _contribute(q, alice, 5, 1e18);
    }

    function test_contribute_revertsOnTentativeOutcome() public {
        uint256 q = _binaryAtEnd();
        _report(q, YES);
        vm.expectRevert(abi.encodeWithSelector(IOracle.OutcomeNotDisputable.selector, q, YES, YES));
        _contribute(q, alice, YES, 1e18);
    }

    function test_contribute_revertsWithinScalarTolerance() public {
        uint256 q = _create(_scalarParams(5));
        vm.warp(block.timestamp + 1 days);
        _report(q, 10_001);
        vm.expectRevert(abi.encodeWithSelector(IOracle.OutcomeNotDisputable.selector, q, 10_006, 10_001));
        _contribute(q, alice, 10_006, 1e18);
        assertEq(_contribute(q, alice, 10_007, 1e18), 1e18);
        assertEq(_contribute(q, alice, INVALID, 1e18), 1e18);
    }

    // ---------------------------------------------------------------- finalize

    function test_finalize_undisputedReportPaysStakeBack() public {
        uint256 q = _binaryAtEnd();
        _report(q, YES);
        _passWindow(q);
        vm.expectEmit(address(oracle));
        emit IOracle.Finalized(q, YES, false, 0, 0);
        oracle.finalize(q);

        assertEq(oracle.finalOutcome(q), YES);
        assertEq(oracle.state(q).windowEnd, block.timestamp);
        assertEq(_redeem(q, reporter, 0, YES), 20e18);
        assertEq(rep.balanceOf(reporter), ACTOR_BALANCE);
    }

    function test_finalize_paysWinnersFortyPercentAndBurnsTheRest() public {
        uint256 q = _binaryAtEnd();
        _report(q, YES);
        _fill(q, alice, NO);
        _passWindow(q);
        vm.expectEmit(address(oracle));
        emit IOracle.Finalized(q, NO, false, 0.4e9, 4e18);
        oracle.finalize(q);

        assertEq(rep.totalSupply(), SUPPLY - 4e18);
        assertEq(_redeem(q, alice, 1, NO), 56e18);
        assertEq(_redeem(q, reporter, 0, YES), 0);
        assertEq(rep.balanceOf(address(oracle)), 15e18); // only the creator's bonds remain
    }

    function test_finalize_revertsWhileWindowOpen() public {
        uint256 q = _binaryAtEnd();
        _report(q, YES);
        uint256 windowEnd = oracle.state(q).windowEnd;
        vm.expectRevert(abi.encodeWithSelector(IOracle.DisputeWindowOpen.selector, q, windowEnd));
        oracle.finalize(q);
    }

    function test_finalize_revertsWhenPending() public {
        uint256 q = _binaryAtEnd();
        vm.expectRevert(abi.encodeWithSelector(IOracle.StatusMismatch.selector, q, IOracle.Status.Pending));
        oracle.finalize(q);
    }

    function test_finalize_revertsWhenAlreadyFinal() public {
        uint256 q = _binaryAtEnd();
        _report(q, YES);
        _finalize(q);
        vm.expectRevert(abi.encodeWithSelector(IOracle.StatusMismatch.selector, q, IOracle.Status.Final));
        oracle.finalize(q);
    }

    function test_finalize_revertsWhenEscalated() public {
        uint256 q = _escalated();
        vm.expectRevert(abi.encodeWithSelector(IOracle.StatusMismatch.selector, q, IOracle.Status.Escalated));
        oracle.finalize(q);
    }

    // ---------------------------------------------------------------- resolveEscalated

    /// @dev YES 20 (report), NO 40, YES 60: escalated with YES tentative, 120 staked.
    function _escalated() internal returns (uint256 q) {
        IOracle.Parameters memory p = defaultParameters();
        p.maxRounds = 2;
        vm.prank(governance);
        oracle.setParameters(p);
        q = _binaryAtEnd();
        _report(q, YES);
        _fill(q, alice, NO);
        _fill(q, bob, YES);
    }

    function test_resolveEscalated_arbitratorOverturnsTentative() public {
        uint256 q = _escalated();
        vm.expectEmit(address(oracle));
        emit IOracle.Finalized(q, NO, true, 0.4e9, 80e18 - 16e18);
        vm.prank(arbitrator);
        oracle.resolveEscalated(q, NO);

        IOracle.State memory s = oracle.state(q);
        assertTrue(s.escalated);
        assertEq(oracle.finalOutcome(q), NO);
        assertEq(_redeem(q, alice, 1, NO), 56e18);
        assertEq(_redeem(q, bob, 2, YES), 0);
        assertEq(_redeem(q, reporter, 0, YES), 0);
    }

    function test_resolveEscalated_outcomeWithoutStakeBurnsEverything() public {
        uint256 q = _escalated();
        vm.prank(arbitrator);
        oracle.resolveEscalated(q, INVALID);
        // 120 staked + 10 validity bond lost, nobody on Invalid.
        assertEq(rep.totalSupply(), SUPPLY - 130e18);
        assertEq(oracle.state(q).payoutRate, 0);
    }

    function test_resolveEscalated_revertsWhenNotArbitrator() public {
        uint256 q = _escalated();
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, alice));
        oracle.resolveEscalated(q, NO);
    }

    function test_resolveEscalated_revertsWhenNotEscalated() public {
        uint256 q = _binaryAtEnd();
        _report(q, YES);
        vm.prank(arbitrator);
        vm.expectRevert(abi.encodeWithSelector(IOracle.StatusMismatch.selector, q, IOracle.Status.Reported));
        oracle.resolveEscalated(q, NO);
    }

    function test_resolveEscalated_revertsWhenOutcomeOutOfRange() public {
        uint256 q = _escalated();
        vm.prank(arbitrator);
        vm.expectRevert(abi.encodeWithSelector(IOracle.OutcomeOutOfRange.selector, q, 3, 3));
        oracle.resolveEscalated(q, 3);
    }

    // ---------------------------------------------------------------- redeem

    function test_redeem_unfilledPoolRefundedOnceAnotherFills() public {
        uint256 q = _create(_categoricalParams(3));
        vm.warp(block.timestamp + 1 days);
        _report(q, 1);
        _contribute(q, carol, 3, 7e18);
        vm.expectRevert(abi.encodeWithSelector(IOracle.StatusMismatch.selector, q, IOracle.Status.Reported));
        _redeem(q, carol, 1, 3);

        _fill(q, alice, 2);
        vm.expectEmit(address(oracle));
        emit IOracle.Redeemed(q, carol, 1, 3, 7e18);
        assertEq(_redeem(q, carol, 1, 3), 7e18);
        assertEq(rep.balanceOf(carol), ACTOR_BALANCE);
    }

    function test_redeem_openRoundPoolRefundedAfterFinal() public {
        uint256 q = _binaryAtEnd();
        _report(q, YES);
        _contribute(q, carol, NO, 7e18);
        _finalize(q);
        assertEq(_redeem(q, carol, 1, NO), 7e18);
    }

    function test_redeem_earlierRoundOnFinalOutcomeWins() public {
        uint256 q = _binaryAtEnd();
        _report(q, YES); // 20 on YES
        _fill(q, alice, NO); // 40 on NO
        _fill(q, bob, YES); // 60 on YES
        _finalize(q); // W = 80, L = 40, rate = min(40%, 50%)
        assertEq(_redeem(q, reporter, 0, YES), 28e18);
        assertEq(_redeem(q, bob, 2, YES), 84e18);
        assertEq(_redeem(q, alice, 1, NO), 0);
        assertEq(rep.totalSupply(), SUPPLY - 8e18);
    }

    function test_redeem_scalarWithinToleranceCountsAsCorrect() public {
        uint256 q = _create(_scalarParams(5));
        vm.warp(block.timestamp + 1 days);
        _report(q, 10_001); // NAV 100.00
        _fill(q, alice, 20_001); // a liar: 200.00
        _fill(q, bob, 10_004); // 100.03, within 5 ticks of the report: bond 2 x 60 - 3 x 0
        assertEq(oracle.round(q, 2).winningStake, 20e18 + 120e18);
        _finalize(q);
        // The report shares the 40 lost by the liar: rate 40 / 140, below the 40% cap.
        uint256 rate = uint256(40e18) * 1e9 / 140e18;
        assertEq(oracle.state(q).payoutRate, rate);
        assertEq(_redeem(q, reporter, 0, 10_001), 20e18 + 20e18 * rate / 1e9);
        assertEq(_redeem(q, bob, 2, 10_004), 120e18 + 120e18 * rate / 1e9);
        assertEq(_redeem(q, alice, 1, 20_001), 0);
    }

    function test_redeem_revertsWithoutStake() public {
        uint256 q = _binaryAtEnd();
        _report(q, YES);
        _finalize(q);
        vm.expectRevert(abi.encodeWithSelector(IOracle.NothingToRedeem.selector, q, 0, YES, alice));
        _redeem(q, alice, 0, YES);
    }

    function test_redeem_revertsTheSecondTime() public {
        uint256 q = _binaryAtEnd();
        _report(q, YES);
        _finalize(q);
        _redeem(q, reporter, 0, YES);
        vm.expectRevert(abi.encodeWithSelector(IOracle.NothingToRedeem.selector, q, 0, YES, reporter));
        _redeem(q, reporter, 0, YES);
    }

    function test_redeem_revertsForFilledStakeBeforeFinal() public {
        uint256 q = _binaryAtEnd();
        _report(q, YES);
        _fill(q, alice, NO);
        vm.expectRevert(abi.encodeWithSelector(IOracle.StatusMismatch.selector, q, IOracle.Status.Disputed));
        _redeem(q, alice, 1, NO);
    }

    // ---------------------------------------------------------------- Invalid and no-show paths

    function test_invalid_validityBondGoesToInvalidStakers() public {
        uint256 q = _binaryAtEnd();
        _report(q, INVALID);
        _finalize(q);
        // W = 20, L = 0 + validity bond 10: rate = min(40%, 50%).
        assertEq(_redeem(q, reporter, 0, INVALID), 28e18);
        assertEq(rep.totalSupply(), SUPPLY - 2e18);
        oracle.claimCreatorBonds(q);
        assertEq(rep.balanceOf(creator), ACTOR_BALANCE - 10e18); // no-show bond back, validity bond lost
    }

    function test_noShow_creatorLosesNoShowBondToReporter() public {
        uint256 q = _binaryAtEnd();
        vm.warp(block.timestamp + 1 days);
        vm.prank(alice);
        oracle.initialReport(q, YES, EVIDENCE);
        _finalize(q);
        assertEq(_redeem(q, alice, 0, YES), 5e18);
        oracle.claimCreatorBonds(q);
        assertEq(rep.balanceOf(creator), ACTOR_BALANCE - 5e18);
        assertEq(rep.balanceOf(alice), ACTOR_BALANCE + 5e18);
    }

    // ---------------------------------------------------------------- claimCreatorBonds

    function test_claimCreatorBonds_returnsBothBonds() public {
        uint256 q = _binaryAtEnd();
        _report(q, YES);
        _finalize(q);
        vm.expectEmit(address(oracle));
        emit IOracle.CreatorBondsClaimed(q, creator, 15e18);
        vm.prank(alice);
        oracle.claimCreatorBonds(q);
        assertEq(rep.balanceOf(creator), ACTOR_BALANCE);
        assertTrue(oracle.state(q).creatorBondsClaimed);
    }

    function test_claimCreatorBonds_revertsBeforeFinal() public {
        uint256 q = _binaryAtEnd();
        vm.expectRevert(abi.encodeWithSelector(IOracle.StatusMismatch.selector, q, IOracle.Status.Pending));
        oracle.claimCreatorBonds(q);
    }

    function test_claimCreatorBonds_revertsTheSecondTime() public {
        uint256 q = _binaryAtEnd();
        _report(q, YES);
        _finalize(q);
        oracle.claimCreatorBonds(q);
        vm.expectRevert(abi.encodeWithSelector(IOracle.NoCreatorBonds.selector, q));
        oracle.claimCreatorBonds(q);
    }

    function test_claimCreatorBonds_revertsWhenInvalidAfterNoShow() public {
        uint256 q = _binaryAtEnd();
        vm.warp(block.timestamp + 1 days);
        vm.prank(alice);
        oracle.initialReport(q, INVALID, EVIDENCE);
        _finalize(q);
        vm.expectRevert(abi.encodeWithSelector(IOracle.NoCreatorBonds.selector, q));
        oracle.claimCreatorBonds(q);
    }

    // ---------------------------------------------------------------- setParameters

    function test_setParameters_parametersRoleReplacesThem() public {
        IOracle.Parameters memory p = defaultParameters();
        p.rewardBps = 3000;
        p.longDisputeWindow = 14 days;
        vm.expectEmit(address(oracle));
        emit IOracle.ParametersSet(p);
        vm.prank(governance);
        oracle.setParameters(p);
        assertEq(abi.encode(oracle.parameters()), abi.encode(p));
    }

    function test_setParameters_revertsWhenUnauthorized() public {
        IOracle.Parameters memory p = defaultParameters();
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, alice));
        oracle.setParameters(p);
    }

    function test_setParameters_revertsOnEachInvalidField() public {
        for (uint256 i; i < 9; ++i) {
            IOracle.Parameters memory p = defaultParameters();
            if (i == 0) p.reportBond = 0;
            if (i == 1) p.noShowBond = 0;
            if (i == 2) p.escalationStake = 0;
            if (i == 3) p.reportingWindow = 0;
            if (i == 4) p.shortDisputeWindow = 0;
            if (i == 5) p.longDisputeWindow = 0;
            if (i == 6) p.rewardBps = 10_001;
            if (i == 7) p.maxRounds = 0;
            if (i == 8) p.maxRounds = 33;
            vm.prank(governance);
            vm.expectRevert(abi.encodeWithSelector(IOracle.InvalidParameters.selector, p));
            oracle.setParameters(p);
        }
    }

    // ---------------------------------------------------------------- views

    function test_status_revertsWhenUnknown() public {
        vm.expectRevert(abi.encodeWithSelector(IOracle.UnknownQuestion.selector, 1));
        oracle.status(1);
    }

    function test_finalOutcome_revertsUnlessFinal() public {
        uint256 q = _binaryAtEnd();
        _report(q, YES);
        vm.expectRevert(abi.encodeWithSelector(IOracle.NotFinal.selector, q, IOracle.Status.Reported));
        oracle.finalOutcome(q);
    }

    function test_finalValue_returnsScalarValueAndTime() public {
        uint256 q = _create(_scalarParams(0));
        vm.warp(block.timestamp + 1 days);
        _report(q, 10_251);
        _finalize(q);
        (int256 value, uint256 finalizedAt) = oracle.finalValue(q);
        assertEq(value, 102.5e18);
        assertEq(finalizedAt, block.timestamp);
    }

    function test_finalValue_revertsWhenNotScalar() public {
        uint256 q = _binaryAtEnd();
        _report(q, YES);
        _finalize(q);
        vm.expectRevert(abi.encodeWithSelector(IOracle.NotScalar.selector, q));
        oracle.finalValue(q);
    }

    function test_finalValue_revertsWhenInvalid() public {
        uint256 q = _create(_scalarParams(0));
        vm.warp(block.timestamp + 1 days);
        _report(q, INVALID);
        _finalize(q);
        vm.expectRevert(abi.encodeWithSelector(IOracle.NoValue.selector, q));
        oracle.finalValue(q);
    }

    function test_valueOf_mapsOutcomesToValues() public {
        IOracle.QuestionParams memory p = _scalarParams(0);
        p.min = -5e18;
        p.max = 5e18;
        p.tick = 1e18;
        uint256 q = _create(p);
        assertEq(oracle.valueOf(q, 1), -5e18);
        assertEq(oracle.valueOf(q, 11), 5e18);
        vm.expectRevert(abi.encodeWithSelector(IOracle.OutcomeOutOfRange.selector, q, 12, 12));
        oracle.valueOf(q, 12);
    }

    function test_isCorrect_respectsTolerance() public {
        uint256 q = _create(_scalarParams(2));
        assertTrue(oracle.isCorrect(q, 10, 12));
        assertTrue(oracle.isCorrect(q, 12, 10));
        assertFalse(oracle.isCorrect(q, 9, 12));
        assertFalse(oracle.isCorrect(q, INVALID, 1));
        assertTrue(oracle.isCorrect(q, INVALID, INVALID));
    }

    function test_reputation_isTheStakeToken() public view {
        assertEq(oracle.reputation(), address(rep));
    }
}

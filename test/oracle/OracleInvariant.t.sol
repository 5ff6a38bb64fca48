// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IOracle} from "../../contracts/oracle/interfaces/IOracle.sol";
import {OracleFixture} from "./OracleFixture.sol";

/// @notice Invariant suite; the test contract is its own handler. Handlers bound their inputs and skip
/// actions the current state refuses, so `fail_on_revert = true` catches any unexpected revert.
contract OracleInvariantTest is OracleFixture {
    /// @dev What a handler looks for in a question.
    enum Want {
        Pending,
        Open, // Reported or Disputed, dispute window open
        Due, // Reported or Disputed, dispute window over
        Escalated,
        Final
    }

    struct Position {
        uint256 questionId;
        uint256 roundIndex;
        uint48 outcome;
        address account;
    }

    uint256 internal constant MAX_QUESTIONS = 6;

    address[5] internal actors;
    Position[] internal positions;
    mapping(bytes32 => bool) internal known;
    uint256 internal burned;
    mapping(uint256 questionId => uint256) internal finalizations;
    mapping(uint256 questionId => uint48) internal finalOutcomes;
    bool internal refinalized;

    function setUp() public override {
        super.setUp();
        IOracle.Parameters memory p = defaultParameters();
        p.maxRounds = 4;
        p.pacingRounds = 2;
        p.escalationStake = 100e18; // reached by the second fill after a designated report
        vm.prank(governance);
        oracle.setParameters(p);
        actors = [creator, reporter, alice, bob, carol];

        bytes4[] memory selectors = new bytes4[](8);
        selectors[0] = this.handleCreate.selector;
        selectors[1] = this.handleReport.selector;
        selectors[2] = this.handleContribute.selector;
        selectors[3] = this.handleWarp.selector;
        selectors[4] = this.handleFinalize.selector;
        selectors[5] = this.handleResolve.selector;
        selectors[6] = this.handleRedeem.selector;
        selectors[7] = this.handleClaimCreatorBonds.selector;
        targetSelector(FuzzSelector({addr: address(this), selectors: selectors}));
        targetContract(address(this));
    }

    // ---------------------------------------------------------------- handlers

    function handleCreate(uint256 kindSeed) external {
        if (oracle.questionCount() >= MAX_QUESTIONS) return;
        uint256 kind = kindSeed % 3;
        IOracle.QuestionParams memory p =
            kind == 0 ? _binaryParams() : kind == 1 ? _categoricalParams(4) : _smallScalar();
        _create(p);
    }

    function handleReport(uint256 questionSeed, uint256 outcomeSeed, uint256 actorSeed) external {
        (uint256 q, bool found) = _pick(questionSeed, Want.Pending);
        if (!found) return;
        IOracle.Config memory c = oracle.config(q);
        if (block.timestamp < c.endTime) vm.warp(c.endTime);
        bool designatedWindow = block.timestamp < oracle.state(q).windowEnd;
        address who = designatedWindow ? reporter : actors[actorSeed % actors.length];
        uint48 outcome = uint48(outcomeSeed % c.numOutcomes);
        vm.prank(who);
        oracle.initialReport(q, outcome, EVIDENCE);
        _track(q, 0, outcome, who);
    }

    function handleContribute(uint256 questionSeed, uint256 outcomeSeed, uint256 actorSeed, uint256 amount) external {
        (uint256 q, bool found) = _pick(questionSeed, Want.Open);
        if (!found) return;
        IOracle.State memory s = oracle.state(q);
        uint48 outcome = uint48(outcomeSeed % oracle.config(q).numOutcomes);
        if (oracle.isCorrect(q, outcome, s.outcome)) return;
        address who = actors[actorSeed % actors.length];
        uint256 remaining = oracle.bondSize(q, outcome) - oracle.pooled(q, s.rounds + 1, outcome);
        amount = bound(amount, 1, remaining * 2);
        uint256 accepted = _contribute(q, who, outcome, amount);
        assertEq(accepted, amount < remaining ? amount : remaining, "accepted");
        _track(q, s.rounds + 1, outcome, who);
    }

    function handleWarp(uint256 seconds_) external {
        vm.warp(block.timestamp + bound(seconds_, 1 hours, 2 days));
    }

    function handleFinalize(uint256 questionSeed) external {
        (uint256 q, bool found) = _pick(questionSeed, Want.Due);
        if (!found) return;
        _settled(q, abi.encodeCall(IOracle.finalize, (q)), address(this));
    }

    function handleResolve(uint256 questionSeed, uint256 outcomeSeed) external {
        (uint256 q, bool found) = _pick(questionSeed, Want.Escalated);
        if (!found) return;
        uint48 outcome = uint48(outcomeSeed % oracle.config(q).numOutcomes);
        _settled(q, abi.encodeCall(IOracle.resolveEscalated, (q, outcome)), arbitrator);
    }

    function handleRedeem(uint256 positionSeed) external {
        if (positions.length == 0) return;
        Position memory p = positions[positionSeed % positions.length];
        if (!_redeemable(p)) return;
        uint256 expected = _owedTo(p);
        uint256 before = rep.balanceOf(p.account);
        assertEq(_redeem(p.questionId, p.account, p.roundIndex, p.outcome), expected, "redeem amount");
        assertEq(rep.balanceOf(p.account), before + expected, "redeem transfer");
    }

    function handleClaimCreatorBonds(uint256 questionSeed) external {
        (uint256 q, bool found) = _pick(questionSeed, Want.Final);
        if (!found || _creatorBonds(q) == 0) return;
        oracle.claimCreatorBonds(q);
    }

    // ---------------------------------------------------------------- invariants

    /// @notice Reputation conservation: balances + escrowed stakes + burned = supply.
    function invariant_reputationConserved() public view {
        uint256 balances = rep.balanceOf(address(this));
        for (uint256 i; i < actors.length; ++i) {
            balances += rep.balanceOf(actors[i]);
        }
        assertEq(balances + rep.balanceOf(address(oracle)) + burned, SUPPLY, "conservation");
        assertEq(rep.totalSupply() + burned, SUPPLY, "burned");
    }

    /// @notice The oracle holds what it owes (recomputed from state), up to one wei of rounding per position.
    function invariant_oracleHoldsWhatItOwes() public view {
        uint256 owed;
        for (uint256 i; i < positions.length; ++i) {
            owed += _owedTo(positions[i]);
        }
        for (uint256 q = 1; q <= oracle.questionCount(); ++q) {
            owed += _creatorBonds(q);
        }
        uint256 held = rep.balanceOf(address(oracle));
        assertGe(held, owed, "solvent");
        assertLe(held - owed, positions.length, "dust");
    }

    /// @notice After every filled round the tentative outcome holds exactly two thirds of the stake, and the
    /// stake that would win with it at least that much.
    function invariant_bondMathTwoThirds() public view {
        for (uint256 q = 1; q <= oracle.questionCount(); ++q) {
            IOracle.State memory s = oracle.state(q);
            if (s.rounds == 0 || s.status == IOracle.Status.Final) continue;
            assertEq(3 * oracle.stakeOn(q, s.outcome), 2 * uint256(s.totalStake), "two thirds");
            assertGe(3 * uint256(oracle.round(q, s.rounds).winningStake), 2 * uint256(s.totalStake), "winning");
        }
    }

    /// @notice A question is finalized exactly once and its outcome never changes.
    function invariant_finalizedOnce() public view {
        assertFalse(refinalized, "refinalized");
        for (uint256 q = 1; q <= oracle.questionCount(); ++q) {
            bool isFinal = oracle.state(q).status == IOracle.Status.Final;
            assertEq(finalizations[q], isFinal ? 1 : 0, "finalizations");
            if (isFinal) assertEq(oracle.finalOutcome(q), finalOutcomes[q], "final outcome");
        }
    }

    // ---------------------------------------------------------------- helpers

    function _smallScalar() internal view returns (IOracle.QuestionParams memory p) {
        p = _scalarParams(3);
        p.max = 100;
        p.tick = 1;
    }

    /// @dev The first question from `seed` on (cyclically) that is what `want` asks for.
    function _pick(uint256 seed, Want want) internal view returns (uint256 q, bool found) {
        uint256 count = oracle.questionCount();
        for (uint256 i; i < count; ++i) {
            q = (seed % count + i) % count + 1;
            if (_is(q, want)) return (q, true);
        }
    }

    function _is(uint256 q, Want want) internal view returns (bool) {
        IOracle.State memory s = oracle.state(q);
        if (want == Want.Pending) return s.status == IOracle.Status.Pending;
        if (want == Want.Escalated) return s.status == IOracle.Status.Escalated;
        if (want == Want.Final) return s.status == IOracle.Status.Final;
        bool disputable = s.status == IOracle.Status.Reported || s.status == IOracle.Status.Disputed;
        return disputable && (block.timestamp < s.windowEnd) == (want == Want.Open);
    }

    function _track(uint256 q, uint256 roundIndex, uint48 outcome, address account) internal {
        bytes32 key = keccak256(abi.encode(q, roundIndex, outcome, account));
        if (known[key]) return;
        known[key] = true;
        positions.push(Position(q, roundIndex, outcome, account));
    }

    /// @dev Finalizes through `call` as `caller`, records the burn and checks that a second try reverts.
    function _settled(uint256 q, bytes memory call, address caller) internal {
        uint256 supply = rep.totalSupply();
        vm.prank(caller);
        (bool ok,) = address(oracle).call(call);
        assertTrue(ok, "settle");
        burned += supply - rep.totalSupply();
        finalizations[q] += 1;
        finalOutcomes[q] = oracle.finalOutcome(q);
        vm.prank(caller);
        (bool again,) = address(oracle).call(call);
        if (again) refinalized = true;
    }

    function _filled(Position memory p) internal view returns (bool) {
        return p.roundIndex <= oracle.state(p.questionId).rounds
            && oracle.round(p.questionId, p.roundIndex).outcome == p.outcome;
    }

    function _redeemable(Position memory p) internal view returns (bool) {
        if (oracle.stakeOf(p.questionId, p.roundIndex, p.outcome, p.account) == 0) return false;
        IOracle.State memory s = oracle.state(p.questionId);
        if (s.status == IOracle.Status.Final) return true;
        return p.roundIndex <= s.rounds && !_filled(p);
    }

    /// @dev What the oracle owes for a position: its stake until final, then stake plus reward, nothing
    /// for a lost stake, the stake for a pool that did not fill.
    function _owedTo(Position memory p) internal view returns (uint256) {
        uint256 stake = oracle.stakeOf(p.questionId, p.roundIndex, p.outcome, p.account);
        IOracle.State memory s = oracle.state(p.questionId);
        if (s.status != IOracle.Status.Final || !_filled(p)) return stake;
        if (!oracle.isCorrect(p.questionId, p.outcome, s.outcome)) return 0;
        return stake + stake * s.payoutRate / oracle.RATE_SCALE();
    }

    /// @dev The creator's bonds the oracle still holds (the no-show bond is a stake once someone else reported).
    function _creatorBonds(uint256 q) internal view returns (uint256 amount) {
        IOracle.State memory s = oracle.state(q);
        IOracle.Config memory c = oracle.config(q);
        if (s.creatorBondsClaimed) return 0;
        bool final_ = s.status == IOracle.Status.Final;
        if (!final_ || s.outcome != INVALID) amount += c.validityBond;
        if (s.status == IOracle.Status.Pending || s.designatedReported) amount += c.noShowBond;
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Oracle} from "../../contracts/oracle/Oracle.sol";
import {OraclePriceFeed} from "../../contracts/oracle/OraclePriceFeed.sol";
import {Reputation} from "../../contracts/oracle/Reputation.sol";
import {IOracle} from "../../contracts/oracle/interfaces/IOracle.sol";
import {AccessManager} from "@openzeppelin/contracts/access/manager/AccessManager.sol";
import {Test} from "forge-std/Test.sol";

/// @notice Shared deployment and helpers of the oracle tests: an AccessManager with a parameters, an
/// arbitrator and a feeder role, REP spread over a few actors who approved the oracle.
abstract contract OracleFixture is Test {
    uint64 internal constant PARAMETERS_ROLE = 1;
    uint64 internal constant ARBITRATOR_ROLE = 2;
    uint64 internal constant FEEDER_ROLE = 3;
    uint256 internal constant SUPPLY = 10_000_000e18;
    uint256 internal constant ACTOR_BALANCE = 1_000_000e18;
    uint48 internal constant INVALID = 0;
    uint48 internal constant NO = 1;
    uint48 internal constant YES = 2;
    bytes32 internal constant EVIDENCE = keccak256("evidence");

    address internal admin = makeAddr("admin");
    address internal governance = makeAddr("governance");
    address internal arbitrator = makeAddr("arbitrator");
    address internal feeder = makeAddr("feeder");
    address internal creator = makeAddr("creator");
    address internal reporter = makeAddr("reporter");
    address internal alice = makeAddr("alice");
    address internal bob = makeAddr("bob");
    address internal carol = makeAddr("carol");

    AccessManager internal manager;
    Reputation internal rep;
    Oracle internal oracle;
    OraclePriceFeed internal feed;

    function setUp() public virtual {
        vm.warp(1_800_000_000);
        manager = new AccessManager(admin);
        rep = new Reputation(address(this), SUPPLY);
        oracle = new Oracle(address(manager), rep, defaultParameters());
        feed = new OraclePriceFeed(address(manager), oracle);

        vm.startPrank(admin);
        _restrict(address(oracle), IOracle.setParameters.selector, PARAMETERS_ROLE);
        _restrict(address(oracle), IOracle.resolveEscalated.selector, ARBITRATOR_ROLE);
        _restrict(address(feed), OraclePriceFeed.setQuestion.selector, FEEDER_ROLE);
        manager.grantRole(PARAMETERS_ROLE, governance, 0);
        manager.grantRole(ARBITRATOR_ROLE, arbitrator, 0);
        manager.grantRole(FEEDER_ROLE, feeder, 0);
        vm.stopPrank();

        address[5] memory actors = [creator, reporter, alice, bob, carol];
        for (uint256 i; i < actors.length; ++i) {
            _fund(actors[i], ACTOR_BALANCE);
        }
    }

    function defaultParameters() internal pure returns (IOracle.Parameters memory) {
        return IOracle.Parameters({
            validityBond: 10e18,
            noShowBond: 5e18,
            reportingWindow: 1 days,
            rewardBps: 4000,
            pacingRounds: 3,
            maxRounds: 10,
            reportBond: 20e18,
            escalationStake: 5_000_000e18,
            shortDisputeWindow: 1 days,
            longDisputeWindow: 7 days
        });
    }

    function _restrict(address target, bytes4 selector, uint64 role) internal {
        bytes4[] memory selectors = new bytes4[](1);
        selectors[0] = selector;
        manager.setTargetFunctionRole(target, selectors, role);
    }

    function _fund(address account, uint256 amount) internal {
        rep.transfer(account, amount);
        vm.prank(account);
        rep.approve(address(oracle), type(uint256).max);
    }

    // ---------------------------------------------------------------- question shapes

    function _binaryParams() internal view returns (IOracle.QuestionParams memory p) {
        p.kind = IOracle.Kind.Binary;
        p.endTime = uint40(block.timestamp + 1 days);
        p.designatedReporter = reporter;
        p.text = IOracle.Reference("ipfs://text", keccak256("text"));
        p.source = IOracle.Reference("ipfs://source", keccak256("source"));
        p.evidenceRules = IOracle.Reference("ipfs://rules", keccak256("rules"));
    }

    function _categoricalParams(uint48 count) internal view returns (IOracle.QuestionParams memory p) {
        p = _binaryParams();
        p.kind = IOracle.Kind.Categorical;
        p.outcomeCount = count;
    }

    /// @dev NAV per share from 0 to 1,000 in steps of 0.01 (1e16), tolerance `tolerance` ticks.
    function _scalarParams(uint48 tolerance) internal view returns (IOracle.QuestionParams memory p) {
        p = _binaryParams();
        p.kind = IOracle.Kind.Scalar;
        p.min = 0;
        p.max = 1000e18;
        p.tick = 1e16;
        p.tolerance = tolerance;
    }

    function _create(IOracle.QuestionParams memory p) internal returns (uint256 questionId) {
        vm.prank(creator);
        questionId = oracle.createQuestion(p);
    }

    /// @dev A binary question at its end time.
    function _binaryAtEnd() internal returns (uint256 questionId) {
        questionId = _create(_binaryParams());
        vm.warp(block.timestamp + 1 days);
    }

    function _report(uint256 questionId, uint48 outcome) internal {
        vm.prank(reporter);
        oracle.initialReport(questionId, outcome, EVIDENCE);
    }

    function _contribute(uint256 questionId, address who, uint48 outcome, uint256 amount)
        internal
        returns (uint256 accepted)
    {
        vm.prank(who);
        accepted = oracle.contribute(questionId, outcome, amount, EVIDENCE);
    }

    /// @dev Fills the open round on `outcome` with `who`'s stake.
    function _fill(uint256 questionId, address who, uint48 outcome) internal returns (uint256 size) {
        size = oracle.bondSize(questionId, outcome)
            - oracle.pooled(questionId, oracle.state(questionId).rounds + 1, outcome);
        _contribute(questionId, who, outcome, size);
    }

    function _passWindow(uint256 questionId) internal {
        vm.warp(oracle.state(questionId).windowEnd);
    }

    function _finalize(uint256 questionId) internal {
        _passWindow(questionId);
        oracle.finalize(questionId);
    }

    function _redeem(uint256 questionId, address who, uint256 roundIndex, uint48 outcome)
        internal
        returns (uint256 amount)
    {
        vm.prank(who);
        amount = oracle.redeem(questionId, roundIndex, outcome);
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IOracle} from "../../contracts/oracle/interfaces/IOracle.sol";
import {OracleFixture} from "./OracleFixture.sol";

/// @notice Gas of the oracle's hot paths (area `oracle`), each a whole transaction under
/// `forge test --isolate --match-test gas`. Stakers approved REP once (unlimited), as agents do.
contract OracleGasTest is OracleFixture {
    function test_gas_createQuestion() public {
        IOracle.QuestionParams memory p = _binaryParams();
        vm.prank(creator);
        oracle.createQuestion(p);
        vm.snapshotGasLastCall("oracle", "create question");
    }

    function test_gas_initialReport() public {
        uint256 q = _binaryAtEnd();
        vm.prank(reporter);
        oracle.initialReport(q, YES, EVIDENCE);
        vm.snapshotGasLastCall("oracle", "initial report");
    }

    function test_gas_contribute() public {
        uint256 q = _binaryAtEnd();
        _report(q, YES);
        vm.prank(alice);
        oracle.contribute(q, NO, 10e18, EVIDENCE);
        vm.snapshotGasLastCall("oracle", "dispute contribute");
    }

    function test_gas_contributeFillRound() public {
        uint256 q = _binaryAtEnd();
        _report(q, YES);
        _contribute(q, alice, NO, 10e18);
        uint256 remaining = oracle.bondSize(q, NO) - 10e18;
        vm.prank(bob);
        oracle.contribute(q, NO, remaining, EVIDENCE);
        vm.snapshotGasLastCall("oracle", "dispute fill round");
    }

    function test_gas_finalize() public {
        uint256 q = _binaryAtEnd();
        _report(q, YES);
        _fill(q, alice, NO);
        _passWindow(q);
        oracle.finalize(q);
        vm.snapshotGasLastCall("oracle", "finalize");
    }

    function test_gas_redeem() public {
        uint256 q = _binaryAtEnd();
        _report(q, YES);
        _fill(q, alice, NO);
        _finalize(q);
        vm.prank(alice);
        oracle.redeem(q, 1, NO);
        vm.snapshotGasLastCall("oracle", "redeem");
    }
}

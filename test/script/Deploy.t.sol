// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Governance} from "../../contracts/governance/Governance.sol";
import {Oracle} from "../../contracts/oracle/Oracle.sol";
import {OraclePriceFeed} from "../../contracts/oracle/OraclePriceFeed.sol";
import {OracleRoles} from "../../contracts/oracle/OracleRoles.sol";
import {Reputation} from "../../contracts/oracle/Reputation.sol";
import {MpcCommittee} from "../../contracts/privacy/MpcCommittee.sol";
import {TokenRoles} from "../../contracts/token/TokenRoles.sol";
import {Deploy} from "../../script/Deploy.s.sol";
import {Test} from "forge-std/Test.sol";

contract DeployTest is Test {
    address internal operator = makeAddr("operator");
    address internal provider = makeAddr("provider");

    function test_run_deploysWiresAndWritesAddresses() public {
        vm.setEnv("STOA_OPERATOR", vm.toString(operator));
        vm.setEnv("STOA_KYC_PROVIDER", vm.toString(provider));
        vm.setEnv("STOA_TOKEN_DECIMALS", "2");
        (Deploy.TokenStack memory stack, Governance governance) = new Deploy().run();

        assertEq(stack.token.decimals(), 2);
        assertEq(stack.token.name(), "Stoa Share");
        assertTrue(stack.registry.isProvider(provider));
        assertEq(stack.registry.boundTokens()[0], address(stack.token));
        (bool isIssuer,) = stack.manager.hasRole(TokenRoles.ISSUER, operator);
        (bool isAgent,) = stack.manager.hasRole(TokenRoles.AGENT, operator);
        (bool isCompliance,) = stack.manager.hasRole(TokenRoles.COMPLIANCE, operator);
        assertTrue(isIssuer && isAgent && isCompliance);
        assertEq(
            stack.manager.getTargetFunctionRole(address(stack.token), stack.token.forcedTransfer.selector),
            TokenRoles.AGENT
        );

        string memory json = vm.readFile(string.concat("deployments/", vm.toString(block.chainid), ".json"));
        assertEq(vm.parseJsonAddress(json, ".securityToken"), address(stack.token));
        assertEq(vm.parseJsonAddress(json, ".identityRegistry"), address(stack.registry));
        assertEq(vm.parseJsonAddress(json, ".accessManager"), address(stack.manager));
        assertEq(vm.parseJsonAddress(json, ".compliance"), address(stack.token));
        assertEq(vm.parseJsonAddress(json, ".governance"), address(governance));
        assertEq(vm.parseJsonAddress(json, ".neurons"), address(governance.neurons()));
        assertEq(vm.parseJsonAddress(json, ".executor"), address(governance.executor()));
    }

    function test_run_wiresGovernanceToTheToken() public {
        (Deploy.TokenStack memory stack, Governance governance) = new Deploy().run();

        assertEq(governance.stakeToken(), address(stack.token));
        assertEq(address(governance.neurons().identityRegistry()), address(stack.registry));
        assertTrue(stack.token.isSystemHolder(address(governance.neurons())));
        assertTrue(stack.token.isSystemHolder(address(governance)));
        (bool isCompliance,) = stack.manager.hasRole(TokenRoles.COMPLIANCE, address(governance.executor()));
        assertTrue(isCompliance);
        (bool isIssuer,) = stack.manager.hasRole(TokenRoles.ISSUER, address(governance.executor()));
        assertFalse(isIssuer);
    }

    function test_run_deploysAndWiresTheOracle() public {
        vm.setEnv("STOA_OPERATOR", vm.toString(operator));
        vm.setEnv("STOA_REP_SUPPLY", "1000");
        (Deploy.TokenStack memory stack,) = new Deploy().run();

        string memory json = vm.readFile(string.concat("deployments/", vm.toString(block.chainid), ".json"));
        Reputation rep = Reputation(vm.parseJsonAddress(json, ".reputation"));
        Oracle oracle = Oracle(vm.parseJsonAddress(json, ".oracle"));
        OraclePriceFeed feed = OraclePriceFeed(vm.parseJsonAddress(json, ".oraclePriceFeed"));
        (, address deployer,) = vm.readCallers();
        assertEq(rep.balanceOf(deployer), 1000e18);
        assertEq(rep.totalSupply(), 1000e18);
        assertEq(oracle.reputation(), address(rep));
        assertEq(feed.oracle(), address(oracle));
        assertEq(oracle.authority(), address(stack.manager));
        assertEq(feed.authority(), address(stack.manager));
        assertEq(oracle.parameters().shortDisputeWindow, 5 minutes);
        assertEq(
            stack.manager.getTargetFunctionRole(address(oracle), oracle.setParameters.selector),
            OracleRoles.ORACLE_PARAMETERS
        );
        assertEq(
            stack.manager.getTargetFunctionRole(address(oracle), oracle.resolveEscalated.selector),
            OracleRoles.ORACLE_ARBITRATOR
        );
        assertEq(
            stack.manager.getTargetFunctionRole(address(feed), feed.setQuestion.selector), OracleRoles.ORACLE_FEEDER
        );
        for (uint256 i; i < 2; ++i) {
            address account = i == 0 ? deployer : operator;
            (bool isParameters,) = stack.manager.hasRole(OracleRoles.ORACLE_PARAMETERS, account);
            (bool isArbitrator,) = stack.manager.hasRole(OracleRoles.ORACLE_ARBITRATOR, account);
            (bool isFeeder,) = stack.manager.hasRole(OracleRoles.ORACLE_FEEDER, account);
            assertTrue(isParameters && isArbitrator && isFeeder);
        }
    }

    function test_run_deploysTheMpcCommitteeWithItsNodes() public {
        address[3] memory nodes = [makeAddr("mpc1"), makeAddr("mpc2"), makeAddr("mpc3")];
        vm.setEnv(
            "STOA_MPC_NODES",
            string.concat(vm.toString(nodes[0]), ",", vm.toString(nodes[1]), ",", vm.toString(nodes[2]))
        );
        bytes memory key = abi.encodePacked(bytes1(0x02), bytes32(uint256(0x11)));
        vm.setEnv("STOA_MPC_KEYS", string.concat(vm.toString(key), ",", vm.toString(key), ",", vm.toString(key)));
        (Deploy.TokenStack memory stack,) = new Deploy().run();

        string memory json = vm.readFile(string.concat("deployments/", vm.toString(block.chainid), ".json"));
        MpcCommittee committee = MpcCommittee(vm.parseJsonAddress(json, ".mpcCommittee"));
        assertEq(committee.authority(), address(stack.manager));
        assertEq(committee.epoch(), 1);
        (address[] memory members, bytes[] memory keys, uint256 threshold) = committee.committee(1);
        assertEq(members.length, 3);
        assertEq(members[2], nodes[2]);
        assertEq(keys[0], key);
        assertEq(threshold, 2);
    }
}

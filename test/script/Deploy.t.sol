// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {BasketFactory} from "../../contracts/basket/BasketFactory.sol";
import {Component, IBasket} from "../../contracts/basket/interfaces/IBasket.sol";
import {Governance} from "../../contracts/governance/Governance.sol";
import {IGovernance} from "../../contracts/governance/interfaces/IGovernance.sol";
import {Oracle} from "../../contracts/oracle/Oracle.sol";
import {OraclePriceFeed} from "../../contracts/oracle/OraclePriceFeed.sol";
import {OracleRoles} from "../../contracts/oracle/OracleRoles.sol";
import {Reputation} from "../../contracts/oracle/Reputation.sol";
import {IOracle} from "../../contracts/oracle/interfaces/IOracle.sol";
import {IOraclePriceFeed} from "../../contracts/oracle/interfaces/IOraclePriceFeed.sol";
import {MpcCommittee} from "../../contracts/privacy/MpcCommittee.sol";
import {SecurityToken} from "../../contracts/token/SecurityToken.sol";
import {TokenRoles} from "../../contracts/token/TokenRoles.sol";
import {ICompliance} from "../../contracts/token/interfaces/ICompliance.sol";
import {IIdentityRegistry} from "../../contracts/token/interfaces/IIdentityRegistry.sol";
import {ISecurityToken} from "../../contracts/token/interfaces/ISecurityToken.sol";
import {Deploy} from "../../script/Deploy.s.sol";
import {IAccessManager} from "@openzeppelin/contracts/access/manager/IAccessManager.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
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
        assertTrue(stack.token.isLookThrough(address(governance.neurons())));
        // Governance holds no token: reject fees are charged against neuron stakes.
        assertFalse(stack.token.isSystemHolder(address(governance)));
        assertTrue(stack.token.isSystemHolder(address(governance.executor())));
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

    /// @dev Issue 15 case 1: the platform's privileged calls are registered by topic and the registrar renounced
    /// (checked within a test that reads the deployment file: the tests share that file).
    function _assertActionTopics(Deploy.TokenStack memory stack, Governance governance, string memory json)
        internal
        view
    {
        assertEq(governance.registrar(), address(0));
        _assertTopic(
            governance, address(stack.token), ISecurityToken.unpause.selector, IGovernance.Topic.TokenCompliance
        );
        _assertTopic(
            governance, address(stack.token), ICompliance.setLimits.selector, IGovernance.Topic.TokenCompliance
        );
        _assertTopic(
            governance,
            address(stack.registry),
            IIdentityRegistry.setAmlFlag.selector,
            IGovernance.Topic.TokenCompliance
        );
        _assertTopic(governance, address(stack.token), IERC20.transfer.selector, IGovernance.Topic.Treasury);
        _assertTopic(
            governance, address(stack.manager), IAccessManager.grantRole.selector, IGovernance.Topic.Governance
        );
        _assertTopic(governance, address(governance), IGovernance.setParams.selector, IGovernance.Topic.Governance);
        _assertTopic(
            governance, vm.parseJsonAddress(json, ".oracle"), IOracle.setParameters.selector, IGovernance.Topic.Oracle
        );
        _assertTopic(
            governance,
            vm.parseJsonAddress(json, ".oraclePriceFeed"),
            IOraclePriceFeed.setQuestion.selector,
            IGovernance.Topic.Oracle
        );
        _assertTopic(
            governance, vm.parseJsonAddress(json, ".basket"), IBasket.startRebalance.selector, IGovernance.Topic.Basket
        );
        (bool registered,) = governance.actionTopic(address(stack.token), ISecurityToken.mint.selector);
        assertFalse(registered);
    }

    function _assertTopic(Governance governance, address target, bytes4 selector, IGovernance.Topic topic)
        internal
        view
    {
        (bool registered, IGovernance.Topic actual) = governance.actionTopic(target, selector);
        assertTrue(registered);
        assertEq(uint256(actual), uint256(topic));
    }

    function test_run_deploysTheFactoryAndADemoBasketOfShareTokens() public {
        (Deploy.TokenStack memory stack, Governance governance) = new Deploy().run();

        string memory json = vm.readFile(string.concat("deployments/", vm.toString(block.chainid), ".json"));
        _assertActionTopics(stack, governance, json);
        BasketFactory factory = BasketFactory(vm.parseJsonAddress(json, ".basketFactory"));
        IBasket basket = IBasket(vm.parseJsonAddress(json, ".basket"));
        assertEq(address(factory.priceFeed()), vm.parseJsonAddress(json, ".oraclePriceFeed"));
        assertTrue(factory.isBasket(address(basket)));
        assertEq(basket.manager(), address(governance.executor()));
        assertEq(basket.compliance(), address(governance.executor()));
        assertEq(basket.symbol(), "SBSK");
        (address recipient, uint256 rate,) = basket.feeState();
        (, address deployer,) = vm.readCallers();
        assertEq(recipient, deployer);
        assertEq(rate, 0.02e18);

        Component[] memory components = basket.components();
        assertEq(components.length, 3);
        assertEq(components[0].token, address(stack.token));
        // 10 STOA + 40 SBND + 10 SRLT per whole basket token, per natural unit 1e36 (1e18 whole tokens).
        assertEq(basket.naturalUnit(), 1e36);
        uint256[] memory units = basket.units();
        assertEq(units[0], 10e18);
        assertEq(units[1], 40e18);
        assertEq(units[2], 10e18);
        for (uint256 i; i < components.length; ++i) {
            SecurityToken component = SecurityToken(components[i].token);
            assertTrue(component.isSystemHolder(address(basket)));
            assertTrue(component.isLookThrough(address(basket)));
            assertEq(address(component.identityRegistry()), address(stack.registry));
            assertEq(component.authority(), address(stack.manager));
            assertEq(
                stack.manager.getTargetFunctionRole(address(component), component.freezePartialTokens.selector),
                TokenRoles.AGENT
            );
        }
        assertEq(stack.registry.boundTokens().length, 3);
    }

    function test_run_deploysTheMpcCommitteeWithItsNodes() public {
        // The committee comes from the environment in a real run; forge runs tests in parallel in one process, so
        // setting the environment here would leak into the other tests: the harness supplies it instead.
        address[] memory nodes = new address[](3);
        (nodes[0], nodes[1], nodes[2]) = (makeAddr("mpc1"), makeAddr("mpc2"), makeAddr("mpc3"));
        bytes[] memory given = new bytes[](3);
        for (uint256 i; i < 3; ++i) {
            given[i] = abi.encodePacked(bytes1(0x02), bytes32(uint256(0x11 + i))); // distinct: keys are never reused
        }
        (Deploy.TokenStack memory stack,) = new DeployWithCommittee(nodes, given).run();

        string memory json = vm.readFile(string.concat("deployments/", vm.toString(block.chainid), ".json"));
        MpcCommittee committee = MpcCommittee(vm.parseJsonAddress(json, ".mpcCommittee"));
        assertEq(committee.authority(), address(stack.manager));
        assertEq(committee.epoch(), 1);
        (address[] memory members, bytes[] memory keys, uint256 threshold) = committee.committee(1);
        assertEq(members.length, 3);
        assertEq(members[2], nodes[2]);
        assertEq(keys[0], given[0]);
        assertEq(threshold, 2);
    }
}

/// @dev `Deploy` with a given first MPC committee instead of the environment's.
contract DeployWithCommittee is Deploy {
    address[] internal nodes;
    bytes[] internal keys;

    constructor(address[] memory nodes_, bytes[] memory keys_) {
        nodes = nodes_;
        keys = keys_;
    }

    function _firstMpcCommittee() internal view override returns (address[] memory, bytes[] memory) {
        return (nodes, keys);
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Governance} from "../../contracts/governance/Governance.sol";
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
}

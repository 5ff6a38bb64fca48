// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IdentityRegistry} from "../contracts/token/IdentityRegistry.sol";
import {SecurityToken} from "../contracts/token/SecurityToken.sol";
import {TokenRoles} from "../contracts/token/TokenRoles.sol";
import {AccessManager} from "@openzeppelin/contracts/access/manager/AccessManager.sol";
import {Script} from "forge-std/Script.sol";

/// @notice Deploys the Stoa stack and writes the addresses to `deployments/<chainId>.json`.
///
///   forge script script/Deploy.s.sol --rpc-url $RPC_URL --private-key $KEY --broadcast
///
/// Environment (all optional):
/// - `STOA_TOKEN_NAME`, `STOA_TOKEN_SYMBOL`, `STOA_TOKEN_DECIMALS`: the share token (default "Stoa Share", "STOA", 0).
/// - `STOA_OPERATOR`: receives the ISSUER, AGENT and COMPLIANCE roles (default: the deployer, who always gets them
///   too and stays admin of the AccessManager; see `TokenRoles` for what each role may call).
/// - `STOA_KYC_PROVIDER`: registered as KYC provider of the identity registry.
/// Compliance rules start switched off (`setRules`): only the identity checks apply until the compliance role sets
/// them. Each layer has one internal `_deploy*` step returning its contracts and one `_serialize*` step.
contract Deploy is Script {
    struct TokenStack {
        AccessManager manager;
        IdentityRegistry registry;
        SecurityToken token;
    }

    string internal constant JSON_KEY = "deployments";

    function run() external returns (TokenStack memory token) {
        vm.startBroadcast();
        (, address deployer,) = vm.readCallers();
        token = _deployToken(deployer, vm.envOr("STOA_OPERATOR", deployer));
        vm.stopBroadcast();

        string memory json = _serializeToken(token);
        vm.createDir("deployments", true);
        vm.writeJson(json, string.concat("deployments/", vm.toString(block.chainid), ".json"));
    }

    // ------------------------------------------------------------------------------------ Token

    /// @dev AccessManager (admin: `deployer`), identity registry, token; roles wired and granted to `deployer` and
    /// `operator`; token bound to the registry.
    function _deployToken(address deployer, address operator) internal returns (TokenStack memory stack) {
        stack.manager = new AccessManager(deployer);
        stack.registry = new IdentityRegistry(address(stack.manager));
        stack.token = new SecurityToken(
            vm.envOr("STOA_TOKEN_NAME", string("Stoa Share")),
            vm.envOr("STOA_TOKEN_SYMBOL", string("STOA")),
            uint8(vm.envOr("STOA_TOKEN_DECIMALS", uint256(0))),
            stack.registry,
            address(stack.manager)
        );
        TokenRoles.configure(stack.manager, address(stack.token), address(stack.registry));
        TokenRoles.grantAll(stack.manager, deployer);
        if (operator != deployer) TokenRoles.grantAll(stack.manager, operator);

        stack.registry.bindToken(address(stack.token));
        address provider = vm.envOr("STOA_KYC_PROVIDER", address(0));
        if (provider != address(0)) stack.registry.addProvider(provider);
    }

    function _serializeToken(TokenStack memory stack) internal returns (string memory json) {
        vm.serializeAddress(JSON_KEY, "accessManager", address(stack.manager));
        vm.serializeAddress(JSON_KEY, "identityRegistry", address(stack.registry));
        // The compliance rules are modules of the token (one contract on the transfer path).
        vm.serializeAddress(JSON_KEY, "compliance", address(stack.token));
        json = vm.serializeAddress(JSON_KEY, "securityToken", address(stack.token));
    }
}

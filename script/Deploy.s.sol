// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {BasketFactory} from "../contracts/basket/BasketFactory.sol";
import {BasketConfig, IBasket} from "../contracts/basket/interfaces/IBasket.sol";
import {Governance} from "../contracts/governance/Governance.sol";
import {IGovernance} from "../contracts/governance/interfaces/IGovernance.sol";
import {INeurons} from "../contracts/governance/interfaces/INeurons.sol";
import {Oracle} from "../contracts/oracle/Oracle.sol";
import {OraclePriceFeed} from "../contracts/oracle/OraclePriceFeed.sol";
import {OracleRoles} from "../contracts/oracle/OracleRoles.sol";
import {Reputation} from "../contracts/oracle/Reputation.sol";
import {IOracle} from "../contracts/oracle/interfaces/IOracle.sol";
import {IOraclePriceFeed} from "../contracts/oracle/interfaces/IOraclePriceFeed.sol";
import {MpcCommittee} from "../contracts/privacy/MpcCommittee.sol";
import {IdentityRegistry} from "../contracts/token/IdentityRegistry.sol";
import {SecurityToken} from "../contracts/token/SecurityToken.sol";
import {TokenRoles} from "../contracts/token/TokenRoles.sol";
import {AccessManager} from "@openzeppelin/contracts/access/manager/AccessManager.sol";
import {IAccessManager} from "@openzeppelin/contracts/access/manager/IAccessManager.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Script} from "forge-std/Script.sol";

/// @notice Deploys the Stoa stack and writes the addresses to `deployments/<chainId>.json`.
///
///   PRIVATE_KEY=0x... forge script script/Deploy.s.sol --rpc-url $RPC_URL --broadcast
///
/// Environment (all optional):
/// - `STOA_TOKEN_NAME`, `STOA_TOKEN_SYMBOL`, `STOA_TOKEN_DECIMALS`: the share token (default "Stoa Share", "STOA", 0).
/// - `STOA_OPERATOR`: receives the ISSUER, AGENT and COMPLIANCE roles (default: the deployer, who always gets them
///   too and stays admin of the AccessManager; see `TokenRoles` for what each role may call).
/// - `STOA_KYC_PROVIDER`: registered as KYC provider of the identity registry.
/// - `STOA_REP_SUPPLY`: REP minted to the deployer, in whole tokens (default 10,000,000).
/// - `STOA_MPC_NODES`, `STOA_MPC_KEYS`: comma-separated addresses and 33-byte encryption public keys of the MPC
///   committee's first epoch (threshold 2 of 3); without them MpcCommittee is deployed with no committee yet.
/// The oracle (Reputation, Oracle, OraclePriceFeed) shares the token's AccessManager; the deployer and the operator
/// get its roles (`OracleRoles`). Its parameters suit a demonstration: 5-minute reporting and dispute windows.
/// Governance (`contracts/governance`) stakes the security token: NNS horizons (epoch 1 day, dissolve delay 6 months
/// to 8 years, age up to 4 years) and bonuses, with short windows for a demonstration (voting 1 day, wait-for-quiet 12
/// hours, timelock 1 hour, execution window 7 days, reject fee 10 base units charged against the proposer neuron's
/// stake). Its executor holds the COMPLIANCE role. Once everything is deployed, the script registers which topic each
/// privileged (target, selector) belongs to (`_registerActionTopics`) and renounces the registrar, so that from then on
/// only Governance-topic proposals change that registry. Neurons is a look-through system holder: stakers stay
/// counted as holders of the share while staked.
/// Compliance rules start switched off (`setRules`): only the identity checks apply until the compliance role sets
/// them. Baskets: a factory reading NAV from the oracle's price feed, two more share tokens on the same registry and
/// AccessManager ("Stoa Bond" SBND, "Stoa Realty" SRLT) and a demo basket of the three, managed by the governance
/// executor (rebalances through Basket-topic proposals; `STOA_BASKET_MANAGER` overrides), 2%/year fee to
/// `STOA_BASKET_FEE_RECIPIENT` (default: the deployer), registered as look-through system holder of each component
/// (its holders count toward each share's holder and balance limits); the executor holds its compliance role (pause,
/// freeze, forced transfer, recovery of basket tokens).
/// Each layer has one internal `_deploy*` step returning its contracts and one `_serialize*` step.
contract Deploy is Script {
    struct TokenStack {
        AccessManager manager;
        IdentityRegistry registry;
        SecurityToken token;
    }

    struct BasketStack {
        BasketFactory factory;
        SecurityToken bond;
        SecurityToken realty;
        IBasket basket;
    }

    struct OracleStack {
        Reputation reputation;
        Oracle oracle;
        OraclePriceFeed feed;
    }

    string internal constant JSON_KEY = "deployments";

    function run() external returns (TokenStack memory token, Governance governance) {
        // The key comes from PRIVATE_KEY (never the command line) or forge's own wallet options.
        uint256 key = vm.envOr("PRIVATE_KEY", uint256(0));
        if (key == 0) vm.startBroadcast();
        else vm.startBroadcast(key);
        (, address deployer,) = vm.readCallers();
        address operator = vm.envOr("STOA_OPERATOR", deployer);
        token = _deployToken(deployer, operator);
        governance = _deployGovernance(token);
        OracleStack memory oracle = _deployOracle(token.manager, deployer, operator);
        BasketStack memory basket = _deployBasket(token, oracle, address(governance.executor()), deployer);
        MpcCommittee committee = _deployPrivacy(token.manager, deployer);
        _registerActionTopics(governance, token, oracle, basket);
        vm.stopBroadcast();

        _serializeToken(token);
        _serializeGovernance(governance);
        _serializeOracle(oracle);
        _serializeBasket(basket);
        string memory json = _serializePrivacy(committee);
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

    // ------------------------------------------------------------------------------- Governance

    /// @dev Governance (with its Neurons and Executor) staking `stack.token`; neurons and the executor registered as
    /// system holders of the token (stakes and charged fees, collected fees); the executor granted the
    /// COMPLIANCE role. The caller must hold the COMPLIANCE role and be admin of the AccessManager.
    function _deployGovernance(TokenStack memory stack) internal returns (Governance governance) {
        governance = new Governance(
            stack.token,
            stack.registry,
            INeurons.Config({epoch: 1 days, maxDelay: 8 * 365 days, maxAge: 4 * 365 days, minDelay: 180 days}),
            IGovernance.Windows({votingPeriod: 1 days, waitForQuiet: 12 hours}),
            IGovernance.Params({
                delayBonusBps: 10_000,
                ageBonusBps: 2500,
                maxOpenProposals: 3,
                executionDelay: 1 hours,
                rejectFee: 10,
                executionWindow: 7 days
            })
        );
        stack.token.setSystemHolder(address(governance.neurons()), true);
        // Stakers stay counted as holders while staked (their stake is their look-through exposure).
        stack.token.setLookThrough(address(governance.neurons()), true);
        // The executor receives the kept fees of rejected proposals (Neurons.collectFees).
        stack.token.setSystemHolder(address(governance.executor()), true);
        stack.manager.grantRole(TokenRoles.COMPLIANCE, address(governance.executor()), 0);
    }

    /// @dev The topic of every privileged (target, selector) of the platform, then the registrar renounces: token
    /// agent powers and compliance setters, registry administration, the basket's agent powers: TokenCompliance; share-token transfers from the
    /// executor (kept fees): Treasury; AccessManager role and target administration: Governance; oracle parameters,
    /// escalated questions and the price feed: Oracle; basket management and rebalancing: Basket. Governance's own
    /// `setParams` and `setActionTopics` are registered by its constructor (Governance). Any other call is refused
    /// by `propose` until a Governance-topic proposal registers it.
    function _registerActionTopics(
        Governance governance,
        TokenStack memory token,
        OracleStack memory oracle,
        BasketStack memory basket
    ) internal {
        bytes4[] memory agent = TokenRoles.agentSelectors();
        bytes4[] memory compliance = TokenRoles.tokenComplianceSelectors();
        bytes4[] memory registry = TokenRoles.registryComplianceSelectors();
        bytes4[] memory access = _accessManagerSelectors();
        bytes4[] memory management = _basketSelectors();
        bytes4[] memory basketAgent = _basketComplianceSelectors();
        IGovernance.ActionTopic[] memory entries = new IGovernance
            .ActionTopic[](
            3 * (agent.length + compliance.length + 1) + registry.length + access.length + 3 + management.length
                + basketAgent.length
        );
        uint256 n;
        address[3] memory shares = [address(token.token), address(basket.bond), address(basket.realty)];
        for (uint256 i; i < shares.length; ++i) {
            n = _add(entries, n, shares[i], agent, IGovernance.Topic.TokenCompliance);
            n = _add(entries, n, shares[i], compliance, IGovernance.Topic.TokenCompliance);
            entries[n++] = IGovernance.ActionTopic(shares[i], IERC20.transfer.selector, IGovernance.Topic.Treasury);
        }
        n = _add(entries, n, address(token.registry), registry, IGovernance.Topic.TokenCompliance);
        n = _add(entries, n, address(token.manager), access, IGovernance.Topic.Governance);
        entries[n++] =
            IGovernance.ActionTopic(address(oracle.oracle), IOracle.setParameters.selector, IGovernance.Topic.Oracle);
        entries[n++] = IGovernance.ActionTopic(
            address(oracle.oracle), IOracle.resolveEscalated.selector, IGovernance.Topic.Oracle
        );
        entries[n++] = IGovernance.ActionTopic(
            address(oracle.feed), IOraclePriceFeed.setQuestion.selector, IGovernance.Topic.Oracle
        );
        n = _add(entries, n, address(basket.basket), management, IGovernance.Topic.Basket);
        // The executor is the demo basket's compliance role: its agent powers are token compliance.
        n = _add(entries, n, address(basket.basket), basketAgent, IGovernance.Topic.TokenCompliance);
        assert(n == entries.length);
        governance.setActionTopics(entries);
        governance.renounceRegistrar();
    }

    function _add(
        IGovernance.ActionTopic[] memory entries,
        uint256 n,
        address target,
        bytes4[] memory selectors,
        IGovernance.Topic topic
    ) internal pure returns (uint256) {
        for (uint256 i; i < selectors.length; ++i) {
            entries[n++] = IGovernance.ActionTopic(target, selectors[i], topic);
        }
        return n;
    }

    /// @dev The AccessManager's administration: who holds which role, which role guards which function.
    function _accessManagerSelectors() internal pure returns (bytes4[] memory selectors) {
        selectors = new bytes4[](11);
        selectors[0] = IAccessManager.grantRole.selector;
        selectors[1] = IAccessManager.revokeRole.selector;
        selectors[2] = IAccessManager.renounceRole.selector;
        selectors[3] = IAccessManager.setRoleAdmin.selector;
        selectors[4] = IAccessManager.setRoleGuardian.selector;
        selectors[5] = IAccessManager.setGrantDelay.selector;
        selectors[6] = IAccessManager.labelRole.selector;
        selectors[7] = IAccessManager.setTargetFunctionRole.selector;
        selectors[8] = IAccessManager.setTargetAdminDelay.selector;
        selectors[9] = IAccessManager.setTargetClosed.selector;
        selectors[10] = IAccessManager.updateAuthority.selector;
    }

    /// @dev The basket manager's functions (the executor is the demo basket's manager).
    function _basketSelectors() internal pure returns (bytes4[] memory selectors) {
        selectors = new bytes4[](7);
        selectors[0] = IBasket.setFeeRecipient.selector;
        selectors[1] = IBasket.setFeeRate.selector;
        selectors[2] = IBasket.setManager.selector;
        selectors[3] = IBasket.startRebalance.selector;
        selectors[4] = IBasket.sealAuction.selector;
        selectors[5] = IBasket.endRebalance.selector;
        selectors[6] = IBasket.resumeIssuance.selector;
    }

    /// @dev The basket's agent powers (its compliance role: the executor in the deployment).
    function _basketComplianceSelectors() internal pure returns (bytes4[] memory selectors) {
        selectors = new bytes4[](7);
        selectors[0] = IBasket.pause.selector;
        selectors[1] = IBasket.unpause.selector;
        selectors[2] = IBasket.setAddressFrozen.selector;
        selectors[3] = IBasket.freezePartialTokens.selector;
        selectors[4] = IBasket.unfreezePartialTokens.selector;
        selectors[5] = IBasket.forcedTransfer.selector;
        selectors[6] = IBasket.recoveryAddress.selector;
    }

    function _serializeGovernance(Governance governance) internal returns (string memory json) {
        vm.serializeAddress(JSON_KEY, "neurons", address(governance.neurons()));
        vm.serializeAddress(JSON_KEY, "executor", address(governance.executor()));
        json = vm.serializeAddress(JSON_KEY, "governance", address(governance));
    }

    // ----------------------------------------------------------------------------------- Oracle

    /// @dev Reputation (the whole supply to `deployer`), Oracle and its price feed under `manager`; the oracle roles
    /// wired and granted to `deployer` and `operator`.
    function _deployOracle(AccessManager manager, address deployer, address operator)
        internal
        returns (OracleStack memory stack)
    {
        stack.reputation = new Reputation(deployer, vm.envOr("STOA_REP_SUPPLY", uint256(10_000_000)) * 1e18);
        stack.oracle = new Oracle(address(manager), stack.reputation, _demoOracleParameters());
        stack.feed = new OraclePriceFeed(address(manager), stack.oracle);
        OracleRoles.configure(manager, address(stack.oracle), address(stack.feed));
        OracleRoles.grantAll(manager, deployer);
        if (operator != deployer) OracleRoles.grantAll(manager, operator);
    }

    /// @dev Augur's bonds scaled down, 5-minute windows (governance sets production values with `setParameters`).
    function _demoOracleParameters() internal pure returns (IOracle.Parameters memory) {
        return IOracle.Parameters({
            validityBond: 10e18,
            noShowBond: 5e18,
            reportingWindow: 5 minutes,
            rewardBps: 4000,
            pacingRounds: 3,
            maxRounds: 10,
            reportBond: 20e18,
            escalationStake: 5_000_000e18,
            shortDisputeWindow: 5 minutes,
            longDisputeWindow: 1 hours
        });
    }

    function _serializeOracle(OracleStack memory stack) internal returns (string memory json) {
        vm.serializeAddress(JSON_KEY, "reputation", address(stack.reputation));
        vm.serializeAddress(JSON_KEY, "oracle", address(stack.oracle));
        json = vm.serializeAddress(JSON_KEY, "oraclePriceFeed", address(stack.feed));
    }

    // ----------------------------------------------------------------------------------- Basket

    /// @dev The basket factory on `oracle.feed`; SBND and SRLT (0 decimals, rules off) on the token's registry and
    /// AccessManager, wired like the share token; the demo basket (10 STOA + 40 SBND + 10 SRLT per basket token),
    /// registered as system holder of each component. The caller must be admin and hold the COMPLIANCE role.
    function _deployBasket(TokenStack memory token, OracleStack memory oracle, address executor, address deployer)
        internal
        returns (BasketStack memory stack)
    {
        stack.factory = new BasketFactory(oracle.feed);
        stack.bond = _deployComponent(token, "Stoa Bond", "SBND");
        stack.realty = _deployComponent(token, "Stoa Realty", "SRLT");
        address[] memory components = new address[](3);
        (components[0], components[1], components[2]) =
        (address(token.token), address(stack.bond), address(stack.realty));
        // Natural unit 1e36: the units are shares per 1e36 basket base units (1e18 whole tokens), so a 0-decimal
        // share keeps 18 decimals per whole basket token when the fee multiplier is folded into the units.
        uint256[] memory units = new uint256[](3);
        (units[0], units[1], units[2]) = (10e18, 40e18, 10e18);
        stack.basket = stack.factory
            .createBasket(
                BasketConfig({
                    name: "Stoa Basket",
                    symbol: "SBSK",
                    components: components,
                    units: units,
                    naturalUnit: 1e36,
                    manager: vm.envOr("STOA_BASKET_MANAGER", executor),
                    feeRecipient: vm.envOr("STOA_BASKET_FEE_RECIPIENT", deployer),
                    feeRate: 0.02e18,
                    compliance: executor
                })
            );
        for (uint256 i; i < components.length; ++i) {
            SecurityToken(components[i]).setSystemHolder(address(stack.basket), true);
            // The demo's issuers look through the basket: its holders count toward each share's holder limits.
            SecurityToken(components[i]).setLookThrough(address(stack.basket), true);
        }
    }

    /// @dev A 0-decimal share token on `stack`'s registry and AccessManager, its functions on the token roles.
    function _deployComponent(TokenStack memory stack, string memory name, string memory symbol)
        internal
        returns (SecurityToken component)
    {
        component = new SecurityToken(name, symbol, 0, stack.registry, address(stack.manager));
        TokenRoles.configure(stack.manager, address(component), address(stack.registry));
        stack.registry.bindToken(address(component));
    }

    function _serializeBasket(BasketStack memory stack) internal returns (string memory json) {
        vm.serializeAddress(JSON_KEY, "basketFactory", address(stack.factory));
        json = vm.serializeAddress(JSON_KEY, "basket", address(stack.basket));
    }

    // ---------------------------------------------------------------------------------- Privacy

    /// @dev MpcCommittee under `manager` (its admin requests computations and sets committees), ETH bonds with no
    /// minimum for the demonstration, slashed bonds to `deployer`. The first committee comes from `STOA_MPC_NODES`
    /// and `STOA_MPC_KEYS` when given.
    function _deployPrivacy(AccessManager manager, address deployer) internal returns (MpcCommittee committee) {
        committee = new MpcCommittee(address(manager), address(0), 0, 1 days, deployer, 1000);
        (address[] memory nodes, bytes[] memory keys) = _firstMpcCommittee();
        if (nodes.length > 0) committee.setCommittee(nodes, keys, nodes.length / 2 + 1);
    }

    /// @dev The first committee's node addresses and encryption keys (comma-separated `STOA_MPC_NODES`,
    /// `STOA_MPC_KEYS`); none when unset.
    function _firstMpcCommittee() internal view virtual returns (address[] memory nodes, bytes[] memory keys) {
        nodes = vm.envOr("STOA_MPC_NODES", ",", new address[](0));
        keys = vm.envOr("STOA_MPC_KEYS", ",", new bytes[](0));
    }

    function _serializePrivacy(MpcCommittee committee) internal returns (string memory json) {
        json = vm.serializeAddress(JSON_KEY, "mpcCommittee", address(committee));
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Basket} from "../../contracts/basket/Basket.sol";
import {BasketFactory} from "../../contracts/basket/BasketFactory.sol";
import {BasketConfig} from "../../contracts/basket/interfaces/IBasket.sol";
import {Governance} from "../../contracts/governance/Governance.sol";
import {Neurons} from "../../contracts/governance/Neurons.sol";
import {IGovernance} from "../../contracts/governance/interfaces/IGovernance.sol";
import {INeurons} from "../../contracts/governance/interfaces/INeurons.sol";
import {Oracle} from "../../contracts/oracle/Oracle.sol";
import {OraclePriceFeed} from "../../contracts/oracle/OraclePriceFeed.sol";
import {OracleRoles} from "../../contracts/oracle/OracleRoles.sol";
import {Reputation} from "../../contracts/oracle/Reputation.sol";
import {IOracle} from "../../contracts/oracle/interfaces/IOracle.sol";
import {IdentityRegistry} from "../../contracts/token/IdentityRegistry.sol";
import {SecurityToken} from "../../contracts/token/SecurityToken.sol";
import {TokenRoles} from "../../contracts/token/TokenRoles.sol";
import {ICompliance} from "../../contracts/token/interfaces/ICompliance.sol";
import {Attestation} from "../../contracts/token/interfaces/IIdentityRegistry.sol";
import {Restrictions} from "../../contracts/token/libraries/Restrictions.sol";
import {Target} from "../governance/mocks/Target.sol";
import {AccessManager} from "@openzeppelin/contracts/access/manager/AccessManager.sol";
import {Test} from "forge-std/Test.sol";

/// @notice The whole platform on one AccessManager and one identity registry, wired as `script/Deploy.s.sol` wires it:
/// the share token STOA (also governance's stake token) and a second share SBND, both 0 decimals; governance with its
/// neurons (look-through system holder of STOA: stakers stay counted) and executor (system holder of STOA, receiving
/// kept reject fees; it holds the COMPLIANCE and ORACLE_PARAMETERS roles), its action-topic registry set and the
/// registrar renounced; the oracle with its price feed; a basket of 10 STOA + 5 SBND per whole basket token over that
/// feed (look-through system holder of both; the token agent holds its compliance role). STOA runs every built-in rule
/// but lockup with tight limits (4 holders, 1,000 shares per identity); SBND runs the country and category rules.
/// Investors: alice (two wallets, one identity), bob, carol, dave, erin and the fee recipient, verified in France or
/// Germany; the stranger has no identity.
abstract contract SystemFixture is Test {
    uint16 internal constant FRANCE = 250;
    uint16 internal constant GERMANY = 276;
    uint16 internal constant USA = 840;
    uint40 internal constant START = 1_800_000_000;
    uint40 internal constant KYC_VALIDITY = 365 days;
    uint32 internal constant STOA_MAX_HOLDERS = 4;
    uint128 internal constant STOA_MAX_BALANCE = 1000;
    uint256 internal constant ONE = 1e18;
    uint256 internal constant UNIT_STOA = 10;
    uint256 internal constant UNIT_SBND = 5;
    uint96 internal constant REJECT_FEE = 10;
    uint32 internal constant EPOCH = 1 days;
    uint32 internal constant MIN_DELAY = 7 days;
    uint32 internal constant VOTING_PERIOD = 1 days;
    uint32 internal constant TIMELOCK = 1 hours;
    uint32 internal constant EXECUTION_WINDOW = 7 days;

    AccessManager internal manager;
    IdentityRegistry internal registry;
    SecurityToken internal stoa;
    SecurityToken internal sbnd;
    Governance internal gov;
    Neurons internal neurons;
    address internal executor;
    Reputation internal rep;
    Oracle internal oracle;
    OraclePriceFeed internal feed;
    BasketFactory internal factory;
    Basket internal basket;
    Target internal target;

    uint256 internal providerKey = 0x5704;
    address internal provider;
    address internal issuer = makeAddr("issuer");
    address internal agent = makeAddr("agent");
    address internal officer = makeAddr("compliance");
    address internal feeder = makeAddr("feeder");
    address internal basketManager = makeAddr("basketManager");
    address internal reporter = makeAddr("reporter");

    address internal alice = makeAddr("alice");
    address internal alice2 = makeAddr("alice2");
    address internal bob = makeAddr("bob");
    address internal carol = makeAddr("carol");
    address internal dave = makeAddr("dave");
    address internal erin = makeAddr("erin");
    address internal feeRecipient = makeAddr("feeRecipient");
    address internal stranger = makeAddr("stranger");

    function setUp() public virtual {
        vm.warp(START);
        provider = vm.addr(providerKey);
        _deployToken();
        _deployGovernance();
        _deployOracle();
        _deployBasket();
        target = new Target();
        _registerActionTopics();
    }

    // ---------------------------------------------------------------------------------- Layers

    function _deployToken() internal {
        manager = new AccessManager(address(this));
        registry = new IdentityRegistry(address(manager));
        stoa = _share("Stoa Share", "STOA");
        sbnd = _share("Stoa Bond", "SBND");
        manager.grantRole(TokenRoles.ISSUER, issuer, 0);
        manager.grantRole(TokenRoles.AGENT, agent, 0);
        manager.grantRole(TokenRoles.COMPLIANCE, officer, 0);
        vm.startPrank(officer);
        registry.addProvider(provider);
        registry.bindToken(address(stoa));
        registry.bindToken(address(sbnd));
        uint16[] memory countries = new uint16[](2);
        (countries[0], countries[1]) = (FRANCE, GERMANY);
        stoa.setCountriesAllowed(countries, true);
        sbnd.setCountriesAllowed(countries, true);
        stoa.setAllowedCategories(7);
        sbnd.setAllowedCategories(7);
        stoa.setLimits(STOA_MAX_HOLDERS, STOA_MAX_BALANCE);
        sbnd.setLimits(type(uint32).max, type(uint128).max);
        stoa.setRules(Restrictions.RULE_ALL & ~Restrictions.RULE_LOCKUP);
        sbnd.setRules(Restrictions.RULE_COUNTRY | Restrictions.RULE_CATEGORY);
        vm.stopPrank();
    }

    function _share(string memory name, string memory symbol) private returns (SecurityToken share) {
        share = new SecurityToken(name, symbol, 0, registry, address(manager));
        TokenRoles.configure(manager, address(share), address(registry));
    }

    /// @dev Deploy.s.sol's governance with a 7-day minimum dissolve delay, so that a run sees neurons vote, dissolve
    /// and disburse.
    function _deployGovernance() internal {
        gov = new Governance(
            stoa,
            registry,
            INeurons.Config({epoch: EPOCH, maxDelay: 8 * 365 days, maxAge: 4 * 365 days, minDelay: MIN_DELAY}),
            IGovernance.Windows({votingPeriod: VOTING_PERIOD, waitForQuiet: 12 hours}),
            IGovernance.Params({
                delayBonusBps: 10_000,
                ageBonusBps: 2500,
                maxOpenProposals: 3,
                executionDelay: TIMELOCK,
                rejectFee: REJECT_FEE,
                executionWindow: EXECUTION_WINDOW
            })
        );
        neurons = Neurons(address(gov.neurons()));
        executor = address(gov.executor());
        vm.startPrank(officer);
        stoa.setSystemHolder(address(neurons), true);
        // Stakers stay counted as holders of STOA while staked (their stake is their look-through exposure).
        stoa.setLookThrough(address(neurons), true);
        stoa.setSystemHolder(executor, true);
        vm.stopPrank();
        manager.grantRole(TokenRoles.COMPLIANCE, executor, 0);
    }

    /// @dev Deploy.s.sol's action-topic registry for the calls the suite's proposals make (Governance's own
    /// `setParams` is registered by its constructor), then the registrar renounces.
    function _registerActionTopics() internal {
        IGovernance.ActionTopic[] memory entries = new IGovernance.ActionTopic[](3);
        entries[0] = IGovernance.ActionTopic(address(target), Target.set.selector, IGovernance.Topic.General);
        entries[1] = IGovernance.ActionTopic(
            address(sbnd), ICompliance.setAllowedCategories.selector, IGovernance.Topic.TokenCompliance
        );
        entries[2] = IGovernance.ActionTopic(address(oracle), IOracle.setParameters.selector, IGovernance.Topic.Oracle);
        gov.setActionTopics(entries);
        gov.renounceRegistrar();
    }

    function _deployOracle() internal {
        rep = new Reputation(address(this), 10_000_000e18);
        oracle = new Oracle(address(manager), rep, _oracleParameters());
        feed = new OraclePriceFeed(address(manager), oracle);
        OracleRoles.configure(manager, address(oracle), address(feed));
        manager.grantRole(OracleRoles.ORACLE_FEEDER, feeder, 0);
        manager.grantRole(OracleRoles.ORACLE_PARAMETERS, executor, 0);
        rep.approve(address(oracle), type(uint256).max);
        assertTrue(rep.transfer(reporter, 1_000_000e18));
        vm.prank(reporter);
        rep.approve(address(oracle), type(uint256).max);
    }

    /// @dev Deploy.s.sol's demonstration parameters: 5-minute windows.
    function _oracleParameters() internal pure returns (IOracle.Parameters memory) {
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

    function _deployBasket() internal {
        factory = new BasketFactory(feed);
        address[] memory components = new address[](2);
        (components[0], components[1]) = (address(stoa), address(sbnd));
        uint256[] memory units = new uint256[](2);
        (units[0], units[1]) = (UNIT_STOA, UNIT_SBND);
        basket = Basket(
            address(
                factory.createBasket(
                    BasketConfig({
                        name: "Stoa Basket",
                        symbol: "SBSK",
                        components: components,
                        units: units,
                        naturalUnit: ONE,
                        manager: basketManager,
                        feeRecipient: feeRecipient,
                        feeRate: 0.02e18,
                        compliance: agent
                    })
                )
            )
        );
        vm.startPrank(officer);
        // Both issuers look through the basket (Deploy.s.sol): its holders count toward each share's limits.
        stoa.setSystemHolder(address(basket), true);
        stoa.setLookThrough(address(basket), true);
        sbnd.setSystemHolder(address(basket), true);
        sbnd.setLookThrough(address(basket), true);
        vm.stopPrank();
    }

    // ---------------------------------------------------------------------------- Attestations

    function _attestation(address wallet, bytes32 key, uint16 country, bool amlFlagged, uint40 issuedAt)
        internal
        view
        returns (Attestation memory)
    {
        return Attestation({
            identity: key,
            wallet: wallet,
            country: country,
            category: 0,
            amlFlagged: amlFlagged,
            issuedAt: issuedAt,
            expiresAt: uint40(block.timestamp) + KYC_VALIDITY
        });
    }

    function _sign(Attestation memory attestation) internal view returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(providerKey, registry.attestationDigest(attestation));
        return abi.encodePacked(r, s, v);
    }

    function _key(address wallet) internal pure returns (bytes32) {
        return keccak256(abi.encode("identity", wallet));
    }
}

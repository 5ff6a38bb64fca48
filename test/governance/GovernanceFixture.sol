// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Governance} from "../../contracts/governance/Governance.sol";
import {Neurons} from "../../contracts/governance/Neurons.sol";
import {IExecutor} from "../../contracts/governance/interfaces/IExecutor.sol";
import {IGovernance} from "../../contracts/governance/interfaces/IGovernance.sol";
import {INeurons} from "../../contracts/governance/interfaces/INeurons.sol";
import {IIdentityRegistry} from "../../contracts/token/interfaces/IIdentityRegistry.sol";
import {Target} from "./mocks/Target.sol";
import {TestIdentityRegistry} from "./mocks/TestIdentityRegistry.sol";
import {TestToken} from "./mocks/TestToken.sol";
import {Test} from "forge-std/Test.sol";

/// @notice Shared fixture: NNS default horizons, a plain ERC-20 stake token and a test identity registry.
abstract contract GovernanceFixture is Test {
    uint32 internal constant EPOCH = 1 days;
    uint32 internal constant MAX_DELAY = 8 * 365 days;
    uint32 internal constant MAX_AGE = 4 * 365 days;
    uint32 internal constant MIN_DELAY = 183 days;
    uint32 internal constant PERIOD = 4 days;
    uint32 internal constant W = 2 days;
    uint96 internal constant FEE = 0.1 ether;
    uint32 internal constant TIMELOCK = 1 days;
    uint32 internal constant WINDOW = 14 days;
    uint8 internal constant MAX_OPEN = 3;

    TestToken internal token;
    TestIdentityRegistry internal registry;
    Governance internal gov;
    Neurons internal neurons;
    address internal executor;
    Target internal target;

    function setUp() public virtual {
        vm.warp(1_800_000_000);
        token = new TestToken();
        registry = new TestIdentityRegistry();
        gov = new Governance(token, IIdentityRegistry(address(registry)), _neuronConfig(), _windows(), _defaultParams());
        neurons = Neurons(address(gov.neurons()));
        executor = address(gov.executor());
        target = new Target();
    }

    function _neuronConfig() internal pure returns (INeurons.Config memory) {
        return INeurons.Config(EPOCH, MAX_DELAY, MAX_AGE, MIN_DELAY);
    }

    function _windows() internal pure returns (IGovernance.Windows memory) {
        return IGovernance.Windows(PERIOD, W);
    }

    function _defaultParams() internal pure returns (IGovernance.Params memory) {
        return IGovernance.Params(10_000, 2500, MAX_OPEN, TIMELOCK, FEE, WINDOW);
    }

    /// @dev Verifies `owner`, mints and approves, and stakes a neuron.
    function _stake(address owner, uint96 amount, uint32 delay) internal returns (uint32 neuronId) {
        registry.setVerified(owner, true);
        token.mint(owner, amount);
        vm.startPrank(owner);
        token.approve(address(neurons), amount);
        neuronId = neurons.stake(amount, delay);
        vm.stopPrank();
    }

    /// @dev Registers calls of `selector` on `target_` under `topic` (the fixture is the registrar).
    function _register(address target_, bytes4 selector, IGovernance.Topic topic) internal {
        IGovernance.ActionTopic[] memory entries = new IGovernance.ActionTopic[](1);
        entries[0] = IGovernance.ActionTopic(target_, selector, topic);
        gov.setActionTopics(entries);
    }

    function _actions(uint256 value) internal view returns (IExecutor.Action[] memory actions) {
        actions = new IExecutor.Action[](1);
        actions[0] = IExecutor.Action(address(target), 0, abi.encodeCall(Target.set, (value)));
    }

    /// @dev Proposes `_actions(42)` with `Target.set` registered under `topic`.
    function _propose(address who, uint32 neuronId, IGovernance.Topic topic) internal returns (uint256) {
        _register(address(target), Target.set.selector, topic);
        vm.prank(who);
        return gov.propose(neuronId, _actions(42), "ipfs://summary", keccak256("summary"));
    }

    function _ids(uint32 a) internal pure returns (uint32[] memory ids) {
        ids = new uint32[](1);
        ids[0] = a;
    }

    function _ids(uint32 a, uint32 b) internal pure returns (uint32[] memory ids) {
        ids = new uint32[](2);
        (ids[0], ids[1]) = (a, b);
    }

    function _ids(uint32 a, uint32 b, uint32 c) internal pure returns (uint32[] memory ids) {
        ids = new uint32[](3);
        (ids[0], ids[1], ids[2]) = (a, b, c);
    }

    function _range(uint32 from, uint32 count) internal pure returns (uint32[] memory ids) {
        ids = new uint32[](count);
        for (uint32 i; i < count; ++i) {
            ids[i] = from + i;
        }
    }

    function _owner(uint32 neuronId) internal pure returns (address) {
        return address(uint160(0x10000 + neuronId));
    }
}

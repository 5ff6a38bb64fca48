// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Basket} from "../../contracts/basket/Basket.sol";
import {BasketFactory} from "../../contracts/basket/BasketFactory.sol";
import {BasketConfig, IBasket} from "../../contracts/basket/interfaces/IBasket.sol";
import {SecurityToken} from "../../contracts/token/SecurityToken.sol";
import {TokenRoles} from "../../contracts/token/TokenRoles.sol";
import {Restrictions} from "../../contracts/token/libraries/Restrictions.sol";
import {TokenFixture} from "../token/TokenFixture.sol";
import {ReferenceERC20} from "../token/mocks/ReferenceERC20.sol";
import {MockPriceFeed} from "./mocks/MockPriceFeed.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @notice The token stack of `TokenFixture` with ten compliant share tokens (0 decimals, every built-in rule on, all
/// bound to the one identity registry), a plain ERC-20, a factory over a settable price feed, and helpers to create,
/// fund and issue baskets. Alice, Bob, Carol and the fee recipient are verified (France, retail); the stranger is not.
abstract contract BasketFixture is TokenFixture {
    uint256 internal constant SHARE_COUNT = 10;
    uint128 internal constant SHARE_LIMIT = 1e30;
    uint256 internal constant ONE = 1e18;
    uint256 internal constant FEE_RATE = 0.02e18;

    MockPriceFeed internal feed;
    BasketFactory internal factory;
    SecurityToken[] internal shares;
    ReferenceERC20 internal plain;

    address internal basketManager = makeAddr("basketManager");
    address internal feeRecipient = makeAddr("feeRecipient");
    address internal basketCompliance = makeAddr("basketCompliance");

    function setUp() public virtual override {
        super.setUp();
        feed = new MockPriceFeed();
        factory = new BasketFactory(feed);
        plain = new ReferenceERC20();
        shares.push(token);
        for (uint256 i = 1; i < SHARE_COUNT; ++i) {
            SecurityToken share = new SecurityToken(
                string.concat("Share ", vm.toString(i)),
                string.concat("SH", vm.toString(i)),
                0,
                registry,
                address(manager)
            );
            TokenRoles.configure(manager, address(share), address(registry));
            shares.push(share);
        }
        vm.startPrank(officer);
        for (uint256 i; i < SHARE_COUNT; ++i) {
            SecurityToken share = shares[i];
            if (i != 0) {
                registry.bindToken(address(share));
                uint16[] memory countries = new uint16[](2);
                countries[0] = FRANCE;
                countries[1] = GERMANY;
                share.setCountriesAllowed(countries, true);
                share.setAllowedCategories(uint16(1 << RETAIL | 1 << ACCREDITED | 1 << INSTITUTIONAL));
                share.setRules(Restrictions.RULE_ALL);
            }
            share.setLimits(MAX_HOLDERS, SHARE_LIMIT);
        }
        vm.stopPrank();
        _verify(alice);
        _verify(bob);
        _verify(carol);
        _verify(feeRecipient);
    }

    // ---------------------------------------------------------------------------------- Creation

    function _config(address[] memory components, uint256[] memory units, uint256 naturalUnit)
        internal
        view
        returns (BasketConfig memory)
    {
        return BasketConfig({
            name: "Stoa Basket",
            symbol: "SBK",
            components: components,
            units: units,
            naturalUnit: naturalUnit,
            manager: basketManager,
            feeRecipient: feeRecipient,
            feeRate: FEE_RATE,
            compliance: basketCompliance
        });
    }

    /// @dev Creates a basket and registers it as a system holder of every share among its components.
    function _create(address[] memory components, uint256[] memory units, uint256 naturalUnit)
        internal
        returns (Basket basket)
    {
        basket = Basket(address(factory.createBasket(_config(components, units, naturalUnit))));
        vm.startPrank(officer);
        for (uint256 i; i < SHARE_COUNT; ++i) {
            for (uint256 j; j < components.length; ++j) {
                if (components[j] == address(shares[i])) shares[i].setSystemHolder(address(basket), true);
            }
        }
        vm.stopPrank();
    }

    /// @dev A basket of the first `count` shares, `unit` shares each per whole basket token (natural unit 1e18).
    function _createShareBasket(uint256 count, uint256 unit) internal returns (Basket) {
        address[] memory components = new address[](count);
        uint256[] memory units = new uint256[](count);
        for (uint256 i; i < count; ++i) {
            components[i] = address(shares[i]);
            units[i] = unit;
        }
        return _create(components, units, ONE);
    }

    /// @dev Share 0 (200 per whole basket token), share 1 (100) and the plain ERC-20 (0.5e18), natural unit 1e18.
    function _createDefault() internal returns (Basket) {
        return _createWithPlain(0.5e18);
    }

    /// @dev Share 0 (200 per whole basket token), share 1 (100) and the plain ERC-20 (`plainUnit`), natural unit 1e18.
    function _createWithPlain(uint256 plainUnit) internal returns (Basket) {
        address[] memory components = new address[](3);
        components[0] = address(shares[0]);
        components[1] = address(shares[1]);
        components[2] = address(plain);
        uint256[] memory units = new uint256[](3);
        units[0] = 200;
        units[1] = 100;
        units[2] = plainUnit;
        return _create(components, units, ONE);
    }

    // ----------------------------------------------------------------------------------- Funding

    /// @dev Gives `holder` what issuing `quantity` of `basket` takes now and approves the basket for it.
    function _fund(Basket basket, address holder, uint256 quantity) internal {
        uint256[] memory amounts = basket.previewIssue(quantity);
        address[] memory components = _tokens(basket);
        for (uint256 i; i < components.length; ++i) {
            _mintComponent(components[i], holder, amounts[i]);
            vm.prank(holder);
            IERC20(components[i]).approve(address(basket), type(uint256).max);
        }
    }

    function _mintComponent(address component, address to, uint256 amount) internal {
        if (component == address(plain)) {
            plain.mint(to, amount);
            return;
        }
        vm.prank(issuer);
        SecurityToken(component).mint(to, amount);
    }

    /// @dev Funds `holder` and issues `quantity` to it.
    function _issue(Basket basket, address holder, uint256 quantity) internal returns (uint256[] memory) {
        _fund(basket, holder, quantity);
        vm.prank(holder);
        return basket.issue(quantity, holder);
    }

    /// @dev `IBasket.ComponentRefused(component, reason)`, the error of a movement `component` refuses.
    function _refused(address component, bytes memory reason) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(IBasket.ComponentRefused.selector, component, reason);
    }

    function _tokens(Basket basket) internal view returns (address[] memory components) {
        uint256 count = basket.components().length;
        components = new address[](count);
        for (uint256 i; i < count; ++i) {
            components[i] = basket.components()[i].token;
        }
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Basket} from "../../contracts/basket/Basket.sol";
import {BasketFactory} from "../../contracts/basket/BasketFactory.sol";
import {BasketConfig} from "../../contracts/basket/interfaces/IBasket.sol";
import {IOracle} from "../../contracts/oracle/interfaces/IOracle.sol";
import {OracleFixture} from "../oracle/OracleFixture.sol";
import {ReferenceERC20} from "../token/mocks/ReferenceERC20.sol";

/// @notice NAV read end to end from the real oracle: scalar NAV questions reported, finalized and fed to the price
/// feed that the factory hands to its baskets.
contract BasketNavTest is OracleFixture {
    /// @dev A scalar NAV question (0.01 ticks) about `asset` finalized at `outcome`, set as its price; returns the
    /// observation time.
    function _price(address asset, uint48 outcome) internal returns (uint256 observedAt) {
        IOracle.QuestionParams memory p = _scalarParams(0);
        p.subject = asset;
        uint256 questionId = _create(p);
        vm.warp(block.timestamp + 1 days);
        _report(questionId, outcome);
        _finalize(questionId);
        vm.prank(feeder);
        feed.setQuestion(asset, questionId);
        return p.endTime;
    }

    function test_navPerToken_readsTheOraclesFinalPrices() public {
        ReferenceERC20 bond = new ReferenceERC20();
        ReferenceERC20 fund = new ReferenceERC20();
        address[] memory components = new address[](2);
        components[0] = address(bond);
        components[1] = address(fund);
        uint256[] memory units = new uint256[](2);
        units[0] = 2e18;
        units[1] = 0.5e18;
        BasketFactory factory = new BasketFactory(feed);
        Basket basket = Basket(
            address(
                factory.createBasket(
                    BasketConfig({
                        name: "NAV Basket",
                        symbol: "NAV",
                        components: components,
                        units: units,
                        naturalUnit: 1e18,
                        manager: governance,
                        feeRecipient: governance,
                        feeRate: 0,
                        compliance: governance
                    })
                )
            )
        );

        uint256 bondTime = _price(address(bond), 10_251); // 102.50
        _price(address(fund), 4001); // 40.00
        (uint256 nav, uint256 updatedAt) = basket.navPerToken();
        assertEq(nav, 2 * 102.5e18 + 40e18 / 2);
        assertEq(updatedAt, bondTime, "the oldest price");
    }
}

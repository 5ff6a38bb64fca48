// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IOraclePriceFeed} from "../../oracle/interfaces/IOraclePriceFeed.sol";
import {BasketConfig, IBasket} from "./IBasket.sol";

/// @title IBasketFactory
/// @notice Creates baskets (`IBasket`) sharing one NAV price feed, and lists them. Anyone may create one; a basket
/// holds restricted components only after each component's compliance role registers it as a system holder
/// (`ISecurityToken.setSystemHolder(basket, true)`).
interface IBasketFactory {
    /// @notice Emitted when `basket` is created by `creator` with `config`'s manager, components and units.
    event BasketCreated(
        address indexed basket,
        address indexed creator,
        address indexed manager,
        string symbol,
        address[] components,
        uint256[] units,
        uint256 naturalUnit
    );

    /// @notice Creates a basket; reverts with the basket's creation errors (`IBasket`) on an invalid `config`.
    function createBasket(BasketConfig calldata config) external returns (IBasket basket);

    /// @notice The price feed every basket reads NAV from.
    function priceFeed() external view returns (IOraclePriceFeed);

    /// @notice Whether `basket` was created here.
    function isBasket(address basket) external view returns (bool);

    /// @notice The baskets created, in order.
    function baskets() external view returns (IBasket[] memory);
}

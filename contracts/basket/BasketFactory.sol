// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IOraclePriceFeed} from "../oracle/interfaces/IOraclePriceFeed.sol";
import {Basket} from "./Basket.sol";
import {BasketConfig, IBasket} from "./interfaces/IBasket.sol";
import {IBasketFactory} from "./interfaces/IBasketFactory.sol";
import {CodeStore} from "./libraries/CodeStore.sol";

/// @title BasketFactory
/// @notice Deploys baskets reading NAV from one price feed (see `IBasketFactory`).
/// @dev The basket's creation code does not fit next to the factory's own code (EIP-170), so the constructor stores
/// it in a data contract (`CodeStore`) and `createBasket` deploys from a copy of it.
contract BasketFactory is IBasketFactory {
    // -------------------------------------------------------------------------------- Immutables

    /// @inheritdoc IBasketFactory
    IOraclePriceFeed public immutable priceFeed;

    /// @dev The data contract holding `type(Basket).creationCode`.
    address private immutable _basketCode;

    // ----------------------------------------------------------------------------------- Storage

    IBasket[] private _baskets;

    /// @inheritdoc IBasketFactory
    mapping(address basket => bool) public isBasket;

    // ------------------------------------------------------------------------------- Constructor

    /// @param feed The price feed every basket reads NAV from.
    constructor(IOraclePriceFeed feed) {
        priceFeed = feed;
        _basketCode = CodeStore.write(type(Basket).creationCode);
    }

    // ---------------------------------------------------------------------------------- Creation

    /// @inheritdoc IBasketFactory
    function createBasket(BasketConfig calldata config) external returns (IBasket basket) {
        bytes memory initCode = abi.encodePacked(CodeStore.read(_basketCode), abi.encode(config, priceFeed));
        assembly ("memory-safe") {
            basket := create(0, add(initCode, 0x20), mload(initCode))
            if iszero(basket) {
                let pointer := mload(0x40)
                returndatacopy(pointer, 0, returndatasize())
                revert(pointer, returndatasize())
            }
        }
        _baskets.push(basket);
        isBasket[address(basket)] = true;
        emit BasketCreated(
            address(basket),
            msg.sender,
            config.manager,
            config.symbol,
            config.components,
            config.units,
            config.naturalUnit
        );
    }

    // ------------------------------------------------------------------------------------- Views

    /// @inheritdoc IBasketFactory
    function baskets() external view returns (IBasket[] memory) {
        return _baskets;
    }
}

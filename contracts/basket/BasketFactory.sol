// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IOraclePriceFeed} from "../oracle/interfaces/IOraclePriceFeed.sol";
import {Basket} from "./Basket.sol";
import {BasketConfig, IBasket} from "./interfaces/IBasket.sol";
import {IBasketFactory} from "./interfaces/IBasketFactory.sol";
import {CodeStore} from "./libraries/CodeStore.sol";
import {Bytes} from "@openzeppelin/contracts/utils/Bytes.sol";

/// @title BasketFactory
/// @notice Deploys baskets reading NAV from one price feed (see `IBasketFactory`).
/// @dev The basket's creation code does not fit next to the factory's own code, nor in one contract (EIP-170), so the
/// constructor stores it in two data contracts (`CodeStore`) and `createBasket` deploys from a copy of both.
contract BasketFactory is IBasketFactory {
    // -------------------------------------------------------------------------------- Immutables

    /// @inheritdoc IBasketFactory
    IOraclePriceFeed public immutable priceFeed;

    /// @dev The data contracts holding the first and the second half of `type(Basket).creationCode`.
    address private immutable _basketCodeHead;
    address private immutable _basketCodeTail;

    // ----------------------------------------------------------------------------------- Storage

    IBasket[] private _baskets;

    /// @inheritdoc IBasketFactory
    mapping(address basket => bool) public isBasket;

    // ------------------------------------------------------------------------------- Constructor

    /// @param feed The price feed every basket reads NAV from.
    constructor(IOraclePriceFeed feed) {
        priceFeed = feed;
        bytes memory code = type(Basket).creationCode;
        uint256 half = code.length / 2;
        _basketCodeHead = CodeStore.write(Bytes.slice(code, 0, half));
        _basketCodeTail = CodeStore.write(Bytes.slice(code, half));
    }

    // ---------------------------------------------------------------------------------- Creation

    /// @inheritdoc IBasketFactory
    function createBasket(BasketConfig calldata config) external returns (IBasket basket) {
        bytes memory initCode = abi.encodePacked(
            CodeStore.read(_basketCodeHead), CodeStore.read(_basketCodeTail), abi.encode(config, priceFeed)
        );
        // CREATE of an init code assembled from two data contracts, bubbling its revert.
        // solhint-disable-next-line no-inline-assembly
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

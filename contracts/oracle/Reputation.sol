// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IReputation} from "./interfaces/IReputation.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Burnable} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Burnable.sol";

/// @title Reputation
/// @notice The oracle's stake token: OpenZeppelin ERC-20, whole supply minted at deployment, burnable.
contract Reputation is ERC20, ERC20Burnable, IReputation {
    /// @param holder Receives the whole supply.
    /// @param supply The fixed supply; at most `type(uint96).max` so that any stake fits the oracle's fields.
    constructor(address holder, uint256 supply) ERC20("Stoa Reputation", "REP") {
        if (supply > type(uint96).max) revert SupplyTooLarge(supply, type(uint96).max);
        _mint(holder, supply);
    }

    /// @inheritdoc IReputation
    function burn(uint256 value) public override(ERC20Burnable, IReputation) {
        super.burn(value);
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Component} from "../../../contracts/basket/interfaces/IBasket.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @notice An attacker's contract that answers the views of a basket (rebalancing, a sell auction of component 0 at a
/// bargain) and takes whatever allowance a bidder gave it. No factory created it.
contract FakeBasket {
    address[] internal _tokens;
    address internal immutable _thief;

    constructor(address[] memory tokens) {
        _tokens = tokens;
        _thief = msg.sender;
    }

    function components() external view returns (Component[] memory list) {
        list = new Component[](_tokens.length);
        for (uint256 i; i < _tokens.length; ++i) {
            list[i] = Component({token: _tokens[i], unit: 10, flags: 0});
        }
    }

    function status() external pure returns (uint8) {
        return 2;
    }

    function totalSupply() external pure returns (uint256) {
        return 1e18;
    }

    function feeState() external pure returns (address, uint256, uint256) {
        return (address(0), 0, 0);
    }

    function rebalanceState() external view returns (uint256, uint256, uint256, uint256) {
        return (1, block.timestamp - 1, block.timestamp + 3600, 1);
    }

    function collateral() external view returns (uint256[] memory usable, uint256[] memory required) {
        usable = new uint256[](_tokens.length);
        required = new uint256[](_tokens.length);
    }

    function units() external view returns (uint256[] memory) {
        return new uint256[](_tokens.length);
    }

    function manager() external view returns (address) {
        return _thief;
    }

    function naturalUnit() external pure returns (uint256) {
        return 1e18;
    }

    function auction(uint256 index) external pure returns (uint256, bool, bool, uint256, uint256) {
        return index == 0 ? (0, true, true, 1, 10) : (0, false, false, 0, 0);
    }

    function sealedAuction(uint256) external pure returns (address, uint256, uint256, uint256, uint256) {
        return (address(0), 0, 0, 0, 0);
    }

    /// @dev Takes the bidder's whole allowance of the quote (component 1).
    function bid(uint256, uint256, uint256) external returns (uint256 taken) {
        IERC20 quote = IERC20(_tokens[1]);
        taken = quote.allowance(msg.sender, address(this));
        uint256 balance = quote.balanceOf(msg.sender);
        if (balance < taken) taken = balance;
        quote.transferFrom(msg.sender, _thief, taken);
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice Plain ERC-20 standing in for the security token in governance tests.
contract TestToken is ERC20 {
    constructor() ERC20("Stoa Test Share", "TSS") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }
}

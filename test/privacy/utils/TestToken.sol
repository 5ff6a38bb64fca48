// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice Bond token for tests: an OpenZeppelin ERC-20 anyone can mint.
contract TestToken is ERC20("Bond", "BOND") {
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }
}

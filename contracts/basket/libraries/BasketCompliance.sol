// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ICompliance} from "../../token/interfaces/ICompliance.sol";
import {IERC1404} from "../../token/interfaces/IERC1404.sol";
import {IIdentityRegistry} from "../../token/interfaces/IIdentityRegistry.sol";
import {ISecurityToken} from "../../token/interfaces/ISecurityToken.sol";
import {Restrictions} from "../../token/libraries/Restrictions.sol";
import {Component} from "../interfaces/IBasket.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title BasketCompliance
/// @notice The basket's compliance views and agent checks that no transfer runs: the components' dry run, the
/// restriction messages and the recovery's identity check. Public functions, so that they live in this library's
/// own code (the basket calls them with DELEGATECALL) rather than in the basket's, which EIP-170 bounds.
library BasketCompliance {
    /// @dev `Basket.FLAG_RESTRICTED`.
    uint8 internal constant FLAG_RESTRICTED = 1;

    /// @notice Reverts with the error of the basket's own restriction `code` (pause, frozen wallets, frozen tokens:
    /// the token layer's errors) for a movement of `value` from `from`, whose unfrozen balance is `unfrozen`, to `to`.
    function refuse(uint8 code, address from, address to, uint256 unfrozen, uint256 value) public pure {
        if (code == Restrictions.PAUSED) revert ICompliance.TransfersPaused(from, to);
        if (code == Restrictions.SENDER_FROZEN) revert ICompliance.SenderFrozen(from);
        if (code == Restrictions.RECEIVER_FROZEN) revert ICompliance.ReceiverFrozen(to);
        revert ICompliance.InsufficientUnfrozenBalance(from, unfrozen, value);
    }

    /// @notice The first restriction code a restricted component of `list` gives a movement of `amount` basket
    /// base units from `from` to `to` (`ISecurityToken.detectLookThroughRestriction`, exposure rounded down as the
    /// basket books it), 0 when none.
    function componentRestriction(
        Component[] memory list,
        address from,
        address to,
        uint256 amount,
        uint256 naturalUnit
    ) public view returns (uint8 code) {
        for (uint256 i; i < list.length; ++i) {
            Component memory component = list[i];
            if (component.flags & FLAG_RESTRICTED == 0) continue;
            code = ISecurityToken(component.token)
                .detectLookThroughRestriction(address(this), from, to, Math.mulDiv(amount, component.unit, naturalUnit));
            if (code != Restrictions.SUCCESS) return code;
        }
    }

    /// @notice The message of restriction `code`, in the token layer's words (its first restricted component's; ""
    /// without one).
    function message(Component[] memory list, uint8 code) public view returns (string memory) {
        address component = _firstRestricted(list);
        return component == address(0) ? "" : IERC1404(component).messageForTransferRestriction(code);
    }

    /// @notice The identity of `lostWallet`, which `newWallet` (another wallet) must share, in the identity registry
    /// of the first restricted component of `list`; reverts with `ISecurityToken.RecoveryIdentityMismatch`.
    function recoveryIdentity(Component[] memory list, address lostWallet, address newWallet)
        public
        view
        returns (uint32 identity)
    {
        address component = _firstRestricted(list);
        if (component != address(0)) {
            IIdentityRegistry registry = ISecurityToken(component).identityRegistry();
            identity = registry.identityOf(lostWallet);
            if (identity != 0 && newWallet != lostWallet && registry.identityOf(newWallet) == identity) {
                return identity;
            }
        }
        revert ISecurityToken.RecoveryIdentityMismatch(lostWallet, newWallet, identity);
    }

    function _firstRestricted(Component[] memory list) private pure returns (address) {
        for (uint256 i; i < list.length; ++i) {
            if (list[i].flags & FLAG_RESTRICTED != 0) return list[i].token;
        }
        return address(0);
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ICompliance} from "./interfaces/ICompliance.sol";
import {IERC1643} from "./interfaces/IERC1643.sol";
import {IIdentityRegistry} from "./interfaces/IIdentityRegistry.sol";
import {ISecurityToken} from "./interfaces/ISecurityToken.sol";
import {AccessManager} from "@openzeppelin/contracts/access/manager/AccessManager.sol";

/// @title TokenRoles
/// @notice The AccessManager roles of the token stack and the functions each one may call. Used by the deployment
/// script and the tests, so that both wire the same policy. The AccessManager's admin (role 0) grants and revokes
/// them; governance can become that admin later.
/// - ISSUER: mint, burn, batchMint, batchBurn, setDocument, removeDocument.
/// - AGENT: pause, unpause, setAddressFrozen, batchSetAddressFrozen, freezePartialTokens, batchFreezePartialTokens,
///   unfreezePartialTokens, forcedTransfer, recoveryAddress, setLockup.
/// - COMPLIANCE: token rules (setRules, setLimits, setCountriesAllowed, setAllowedCategories, addTransferRule,
///   removeTransferRule, setSystemHolder, setLookThrough) and registry administration (addProvider, removeProvider, setAmlFlag,
///   unlinkWallet, bindToken, unbindToken).
library TokenRoles {
    uint64 internal constant ISSUER = 1;
    uint64 internal constant AGENT = 2;
    uint64 internal constant COMPLIANCE = 3;

    /// @dev Labels the roles and assigns the functions of `token` and `registry` to them. The caller must be admin.
    function configure(AccessManager manager, address token, address registry) internal {
        manager.labelRole(ISSUER, "ISSUER");
        manager.labelRole(AGENT, "AGENT");
        manager.labelRole(COMPLIANCE, "COMPLIANCE");
        manager.setTargetFunctionRole(token, issuerSelectors(), ISSUER);
        manager.setTargetFunctionRole(token, agentSelectors(), AGENT);
        manager.setTargetFunctionRole(token, tokenComplianceSelectors(), COMPLIANCE);
        manager.setTargetFunctionRole(registry, registryComplianceSelectors(), COMPLIANCE);
    }

    /// @dev Grants the three roles to `account`, without delay. The caller must be admin.
    function grantAll(AccessManager manager, address account) internal {
        manager.grantRole(ISSUER, account, 0);
        manager.grantRole(AGENT, account, 0);
        manager.grantRole(COMPLIANCE, account, 0);
    }

    function issuerSelectors() internal pure returns (bytes4[] memory selectors) {
        selectors = new bytes4[](6);
        selectors[0] = ISecurityToken.mint.selector;
        selectors[1] = ISecurityToken.burn.selector;
        selectors[2] = ISecurityToken.batchMint.selector;
        selectors[3] = ISecurityToken.batchBurn.selector;
        selectors[4] = IERC1643.setDocument.selector;
        selectors[5] = IERC1643.removeDocument.selector;
    }

    function agentSelectors() internal pure returns (bytes4[] memory selectors) {
        selectors = new bytes4[](10);
        selectors[0] = ISecurityToken.pause.selector;
        selectors[1] = ISecurityToken.unpause.selector;
        selectors[2] = ISecurityToken.setAddressFrozen.selector;
        selectors[3] = ISecurityToken.batchSetAddressFrozen.selector;
        selectors[4] = ISecurityToken.freezePartialTokens.selector;
        selectors[5] = ISecurityToken.batchFreezePartialTokens.selector;
        selectors[6] = ISecurityToken.unfreezePartialTokens.selector;
        selectors[7] = ISecurityToken.forcedTransfer.selector;
        selectors[8] = ISecurityToken.recoveryAddress.selector;
        selectors[9] = ISecurityToken.setLockup.selector;
    }

    function tokenComplianceSelectors() internal pure returns (bytes4[] memory selectors) {
        selectors = new bytes4[](8);
        selectors[0] = ICompliance.setRules.selector;
        selectors[1] = ICompliance.setLimits.selector;
        selectors[2] = ICompliance.setCountriesAllowed.selector;
        selectors[3] = ICompliance.setAllowedCategories.selector;
        selectors[4] = ICompliance.addTransferRule.selector;
        selectors[5] = ICompliance.removeTransferRule.selector;
        selectors[6] = ISecurityToken.setSystemHolder.selector;
        selectors[7] = ISecurityToken.setLookThrough.selector;
    }

    function registryComplianceSelectors() internal pure returns (bytes4[] memory selectors) {
        selectors = new bytes4[](6);
        selectors[0] = IIdentityRegistry.addProvider.selector;
        selectors[1] = IIdentityRegistry.removeProvider.selector;
        selectors[2] = IIdentityRegistry.setAmlFlag.selector;
        selectors[3] = IIdentityRegistry.unlinkWallet.selector;
        selectors[4] = IIdentityRegistry.bindToken.selector;
        selectors[5] = IIdentityRegistry.unbindToken.selector;
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IOracle} from "./interfaces/IOracle.sol";
import {IOraclePriceFeed} from "./interfaces/IOraclePriceFeed.sol";
import {AccessManager} from "@openzeppelin/contracts/access/manager/AccessManager.sol";

/// @title OracleRoles
/// @notice The AccessManager roles of the oracle stack and the functions each one may call, for the deployment script
/// and its test. Their ids follow the token's (`TokenRoles`: 1 to 3) so that one AccessManager holds both.
/// - ORACLE_PARAMETERS: Oracle.setParameters.
/// - ORACLE_ARBITRATOR: Oracle.resolveEscalated (until governance decides escalated questions).
/// - ORACLE_FEEDER: OraclePriceFeed.setQuestion.
library OracleRoles {
    uint64 internal constant ORACLE_PARAMETERS = 10;
    uint64 internal constant ORACLE_ARBITRATOR = 11;
    uint64 internal constant ORACLE_FEEDER = 12;

    /// @dev Labels the roles and assigns the functions of `oracle` and `feed` to them. The caller must be admin.
    function configure(AccessManager manager, address oracle, address feed) internal {
        manager.labelRole(ORACLE_PARAMETERS, "ORACLE_PARAMETERS");
        manager.labelRole(ORACLE_ARBITRATOR, "ORACLE_ARBITRATOR");
        manager.labelRole(ORACLE_FEEDER, "ORACLE_FEEDER");
        manager.setTargetFunctionRole(oracle, _one(IOracle.setParameters.selector), ORACLE_PARAMETERS);
        manager.setTargetFunctionRole(oracle, _one(IOracle.resolveEscalated.selector), ORACLE_ARBITRATOR);
        manager.setTargetFunctionRole(feed, _one(IOraclePriceFeed.setQuestion.selector), ORACLE_FEEDER);
    }

    /// @dev Grants the three roles to `account`, without delay. The caller must be admin.
    function grantAll(AccessManager manager, address account) internal {
        manager.grantRole(ORACLE_PARAMETERS, account, 0);
        manager.grantRole(ORACLE_ARBITRATOR, account, 0);
        manager.grantRole(ORACLE_FEEDER, account, 0);
    }

    function _one(bytes4 selector) private pure returns (bytes4[] memory selectors) {
        selectors = new bytes4[](1);
        selectors[0] = selector;
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Document, IERC1643} from "./interfaces/IERC1643.sol";
import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";

/// @title Documents
/// @notice ERC-1643 documents of a token, every version kept.
abstract contract Documents is AccessManaged, IERC1643 {
    // ----------------------------------------------------------------------------------- Storage

    mapping(bytes32 name => Document[]) private _history;
    /// @dev 1-based position of a current document in `_names`; 0 when it is not current.
    mapping(bytes32 name => uint256) private _positions;
    bytes32[] private _names;

    // ------------------------------------------------------------------------------- Issuer role

    /// @inheritdoc IERC1643
    function setDocument(bytes32 name, string calldata uri, bytes32 documentHash) external restricted {
        if (name == bytes32(0) || bytes(uri).length == 0) revert InvalidDocument(name);
        _history[name].push(Document({uri: uri, documentHash: documentHash, timestamp: block.timestamp}));
        if (_positions[name] == 0) {
            _names.push(name);
            _positions[name] = _names.length;
        }
        emit DocumentUpdated(name, uri, documentHash);
    }

    /// @inheritdoc IERC1643
    function removeDocument(bytes32 name) external restricted {
        uint256 position = _positions[name];
        if (position == 0) revert DocumentNotFound(name);
        bytes32 last = _names[_names.length - 1];
        _names[position - 1] = last;
        _positions[last] = position;
        _names.pop();
        delete _positions[name];
        Document storage current = _current(name);
        emit DocumentRemoved(name, current.uri, current.documentHash);
    }

    // ------------------------------------------------------------------------------------- Views

    /// @inheritdoc IERC1643
    function getDocument(bytes32 name) external view returns (string memory, bytes32, uint256) {
        if (_positions[name] == 0) revert DocumentNotFound(name);
        Document storage current = _current(name);
        return (current.uri, current.documentHash, current.timestamp);
    }

    /// @inheritdoc IERC1643
    function getAllDocuments() external view returns (bytes32[] memory) {
        return _names;
    }

    /// @inheritdoc IERC1643
    function getDocumentHistory(bytes32 name) external view returns (Document[] memory) {
        return _history[name];
    }

    function _current(bytes32 name) private view returns (Document storage) {
        Document[] storage versions = _history[name];
        return versions[versions.length - 1];
    }
}

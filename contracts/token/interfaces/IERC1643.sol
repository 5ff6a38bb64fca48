// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @notice One version of a document attached to a token.
/// @param uri Where the document lives.
/// @param documentHash Hash of its content.
/// @param timestamp When this version was set.
struct Document {
    string uri;
    bytes32 documentHash;
    uint256 timestamp;
}

/// @title IERC1643
/// @notice ERC-1643 document management, plus the history of every document's versions.
interface IERC1643 {
    /// @notice Emitted when document `name` is set or updated.
    event DocumentUpdated(bytes32 indexed name, string uri, bytes32 documentHash);
    /// @notice Emitted when document `name` is removed.
    event DocumentRemoved(bytes32 indexed name, string uri, bytes32 documentHash);

    /// @notice Thrown when document `name` does not exist.
    error DocumentNotFound(bytes32 name);
    /// @notice Thrown by `setDocument` when `name` is zero or the URI is empty.
    error InvalidDocument(bytes32 name);

    /// @notice Sets document `name` (issuer role); the previous version stays in the history.
    function setDocument(bytes32 name, string calldata uri, bytes32 documentHash) external;

    /// @notice Removes document `name` (issuer role); its history stays.
    function removeDocument(bytes32 name) external;

    /// @notice The current version of document `name`.
    function getDocument(bytes32 name)
        external
        view
        returns (string memory uri, bytes32 documentHash, uint256 timestamp);

    /// @notice The names of all current documents.
    function getAllDocuments() external view returns (bytes32[] memory);

    /// @notice Every version document `name` ever had, oldest first (removed documents included).
    function getDocumentHistory(bytes32 name) external view returns (Document[] memory);
}

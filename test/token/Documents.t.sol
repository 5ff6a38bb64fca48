// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Document, IERC1643} from "../../contracts/token/interfaces/IERC1643.sol";
import {TokenFixture} from "./TokenFixture.sol";
import {IAccessManaged} from "@openzeppelin/contracts/access/manager/IAccessManaged.sol";

contract DocumentsTest is TokenFixture {
    bytes32 internal constant PROSPECTUS = "prospectus";
    bytes32 internal constant ARTICLES = "articles";

    function _set(bytes32 name, string memory uri, bytes32 documentHash) internal {
        vm.prank(issuer);
        token.setDocument(name, uri, documentHash);
    }

    function test_setDocument_storesAndEmits() public {
        vm.expectEmit(address(token));
        emit IERC1643.DocumentUpdated(PROSPECTUS, "ipfs://p1", keccak256("p1"));
        _set(PROSPECTUS, "ipfs://p1", keccak256("p1"));
        (string memory uri, bytes32 documentHash, uint256 timestamp) = token.getDocument(PROSPECTUS);
        assertEq(uri, "ipfs://p1");
        assertEq(documentHash, keccak256("p1"));
        assertEq(timestamp, START);
        assertEq(token.getAllDocuments().length, 1);
    }

    function test_setDocument_keepsHistory() public {
        _set(PROSPECTUS, "ipfs://p1", keccak256("p1"));
        vm.warp(START + 1 days);
        _set(PROSPECTUS, "ipfs://p2", keccak256("p2"));
        (string memory uri,, uint256 timestamp) = token.getDocument(PROSPECTUS);
        assertEq(uri, "ipfs://p2");
        assertEq(timestamp, START + 1 days);
        Document[] memory history = token.getDocumentHistory(PROSPECTUS);
        assertEq(history.length, 2);
        assertEq(history[0].uri, "ipfs://p1");
        assertEq(history[1].documentHash, keccak256("p2"));
        assertEq(token.getAllDocuments().length, 1);
    }

    function test_setDocument_revertsWhenUriEmpty() public {
        vm.expectRevert(abi.encodeWithSelector(IERC1643.InvalidDocument.selector, PROSPECTUS));
        vm.prank(issuer);
        token.setDocument(PROSPECTUS, "", bytes32(0));
    }

    function test_setDocument_revertsWhenNameZero() public {
        vm.expectRevert(abi.encodeWithSelector(IERC1643.InvalidDocument.selector, bytes32(0)));
        vm.prank(issuer);
        token.setDocument(bytes32(0), "ipfs://x", bytes32(0));
    }

    function test_setDocument_revertsWhenCallerNotIssuer() public {
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, agent));
        vm.prank(agent);
        token.setDocument(PROSPECTUS, "ipfs://x", bytes32(0));
    }

    function test_removeDocument_removesAndKeepsHistory() public {
        _set(PROSPECTUS, "ipfs://p1", keccak256("p1"));
        _set(ARTICLES, "ipfs://a1", keccak256("a1"));
        vm.expectEmit(address(token));
        emit IERC1643.DocumentRemoved(PROSPECTUS, "ipfs://p1", keccak256("p1"));
        vm.prank(issuer);
        token.removeDocument(PROSPECTUS);
        bytes32[] memory names = token.getAllDocuments();
        assertEq(names.length, 1);
        assertEq(names[0], ARTICLES);
        assertEq(token.getDocumentHistory(PROSPECTUS).length, 1);
        vm.expectRevert(abi.encodeWithSelector(IERC1643.DocumentNotFound.selector, PROSPECTUS));
        token.getDocument(PROSPECTUS);
        _set(PROSPECTUS, "ipfs://p2", keccak256("p2"));
        assertEq(token.getAllDocuments().length, 2);
        assertEq(token.getDocumentHistory(PROSPECTUS).length, 2);
    }

    function test_removeDocument_revertsWhenAbsent() public {
        vm.expectRevert(abi.encodeWithSelector(IERC1643.DocumentNotFound.selector, PROSPECTUS));
        vm.prank(issuer);
        token.removeDocument(PROSPECTUS);
    }
}

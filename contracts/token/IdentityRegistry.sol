// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IIdentityListener} from "./interfaces/IIdentityListener.sol";
import {Attestation, IIdentityRegistry, Identity} from "./interfaces/IIdentityRegistry.sol";
import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";

/// @title IdentityRegistry
/// @notice Investor identities attested by KYC providers, pushed to the bound security tokens.
contract IdentityRegistry is IIdentityRegistry, AccessManaged, EIP712 {
    // --------------------------------------------------------------------------------- Constants

    /// @inheritdoc IIdentityRegistry
    string public constant ATTESTATION_TYPE =
        "Attestation(bytes32 identity,address wallet,uint16 country,uint8 category,bool amlFlagged,uint40 issuedAt,uint40 expiresAt)";
    bytes32 private constant ATTESTATION_TYPEHASH = keccak256(bytes(ATTESTATION_TYPE));

    /// @inheritdoc IIdentityRegistry
    uint256 public constant MAX_WALLETS = 8;

    /// @inheritdoc IIdentityRegistry
    uint256 public constant MAX_TOKENS = 16;

    uint16 private constant MAX_COUNTRY = 999;

    // ----------------------------------------------------------------------------------- Storage

    /// @inheritdoc IIdentityRegistry
    uint32 public identityCount;
    mapping(uint32 id => Identity) private _identities;
    mapping(uint32 id => address[]) private _wallets;
    mapping(address wallet => uint32) private _identityOf;
    mapping(address provider => mapping(bytes32 key => uint32)) private _identityIds;
    mapping(uint32 id => bytes32) private _attestationInForce;

    /// @dev The identity an applied attestation went to and its signer (one slot).
    struct Applied {
        uint32 id;
        address signer;
    }

    mapping(bytes32 digest => Applied) private _applied;
    /// @dev When a wallet was last unlinked: attestations issued until then cannot link it again.
    mapping(address wallet => uint40) private _unlinkedAt;
    mapping(bytes32 digest => bool) private _revoked;
    mapping(address account => bool) private _providers;
    address[] private _tokens;

    // ------------------------------------------------------------------------------- Constructor

    /// @param authority The AccessManager holding the compliance role.
    constructor(address authority) AccessManaged(authority) EIP712("Stoa Identity Registry", "1") {}

    // ------------------------------------------------------------------------------ Attestations

    /// @inheritdoc IIdentityRegistry
    function attestationDigest(Attestation calldata attestation) public view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(ATTESTATION_TYPEHASH, attestation)));
    }

    /// @inheritdoc IIdentityRegistry
    function attest(Attestation calldata attestation, bytes calldata signature) external returns (uint32 id) {
        bytes32 digest = attestationDigest(attestation);
        address signer = ECDSA.recoverCalldata(digest, signature);
        if (!_providers[signer]) revert UnknownProvider(signer);
        if (_revoked[digest]) revert AttestationRevokedAlready(digest);
        if (attestation.expiresAt <= block.timestamp) revert AttestationExpired(digest, attestation.expiresAt);
        if (attestation.issuedAt > block.timestamp) revert AttestationIssuedInFuture(digest, attestation.issuedAt);
        address wallet = attestation.wallet;
        if (wallet == address(0)) revert InvalidWallet(wallet);
        if (attestation.country > MAX_COUNTRY) revert InvalidCountry(attestation.country);

        id = _identityIds[signer][attestation.identity];
        if (id == 0) {
            id = ++identityCount;
            _identityIds[signer][attestation.identity] = id;
            emit IdentityRegistered(id, signer, attestation.identity);
        } else {
            uint40 current = _identities[id].issuedAt;
            if (attestation.issuedAt <= current) revert AttestationStale(id, attestation.issuedAt, current);
        }

        uint32 linked = _identityOf[wallet];
        if (linked == 0) {
            uint40 unlinkedAt = _unlinkedAt[wallet];
            if (attestation.issuedAt <= unlinkedAt) {
                revert AttestationBeforeUnlink(wallet, attestation.issuedAt, unlinkedAt);
            }
            if (_wallets[id].length == MAX_WALLETS) revert TooManyWallets(id);
            _identityOf[wallet] = id;
            _wallets[id].push(wallet);
            emit WalletLinked(id, wallet);
        } else if (linked != id) {
            revert WalletLinkedElsewhere(wallet, linked);
        }

        _identities[id] = Identity({
            country: attestation.country,
            category: attestation.category,
            amlFlagged: attestation.amlFlagged,
            kycExpiry: attestation.expiresAt,
            issuedAt: attestation.issuedAt
        });
        _attestationInForce[id] = digest;
        _applied[digest] = Applied(id, signer);
        emit AttestationApplied(id, digest, signer, attestation.expiresAt);

        _push(id);
    }

    /// @inheritdoc IIdentityRegistry
    function revokeAttestation(bytes32 digest) external {
        if (!_providers[msg.sender]) revert NotProvider(msg.sender);
        if (_revoked[digest]) revert AttestationRevokedAlready(digest);
        Applied memory applied = _applied[digest];
        if (applied.id != 0 && applied.signer != msg.sender) revert NotSigner(digest, applied.signer);
        _revoked[digest] = true;
        emit AttestationRevoked(digest, msg.sender);

        uint32 id = applied.id;
        if (id != 0 && _attestationInForce[id] == digest) {
            _identities[id].kycExpiry = 0;
            _push(id);
        }
    }

    /// @inheritdoc IIdentityRegistry
    function isRevoked(bytes32 digest) external view returns (bool) {
        return _revoked[digest];
    }

    /// @inheritdoc IIdentityRegistry
    function sync(uint32 id) external {
        _requireIdentity(id);
        _push(id);
    }

    // --------------------------------------------------------------------------- Compliance role

    /// @inheritdoc IIdentityRegistry
    function addProvider(address provider) external restricted {
        if (_providers[provider]) revert ProviderAlreadyRegistered(provider);
        _providers[provider] = true;
        emit ProviderAdded(provider);
    }

    /// @inheritdoc IIdentityRegistry
    function removeProvider(address provider) external restricted {
        if (!_providers[provider]) revert ProviderNotRegistered(provider);
        _providers[provider] = false;
        emit ProviderRemoved(provider);
    }

    /// @inheritdoc IIdentityRegistry
    function setAmlFlag(uint32 id, bool flagged) external restricted {
        _requireIdentity(id);
        Identity storage data = _identities[id];
        data.amlFlagged = flagged;
        // Supersedes every attestation signed until now (issue times never exceed now).
        data.issuedAt = uint40(block.timestamp);
        emit AmlFlagSet(id, flagged);
        _push(id);
    }

    /// @inheritdoc IIdentityRegistry
    function unlinkWallet(address wallet) external restricted {
        uint32 id = _identityOf[wallet];
        if (id == 0) revert WalletNotLinked(wallet);
        address[] storage wallets = _wallets[id];
        uint256 last = wallets.length - 1;
        for (uint256 i; i < last; ++i) {
            if (wallets[i] == wallet) {
                wallets[i] = wallets[last];
                break;
            }
        }
        wallets.pop();
        delete _identityOf[wallet];
        // Supersedes every attestation signed until now, for the identity and for the wallet.
        _identities[id].issuedAt = uint40(block.timestamp);
        _unlinkedAt[wallet] = uint40(block.timestamp);
        emit WalletUnlinked(id, wallet);

        for (uint256 i; i < _tokens.length; ++i) {
            IIdentityListener(_tokens[i]).syncWalletUnlinked(wallet);
        }
        _push(id);
    }

    /// @inheritdoc IIdentityRegistry
    function bindToken(address token) external restricted {
        uint256 length = _tokens.length;
        if (_indexOfToken(token) < length) revert TokenAlreadyBound(token);
        if (length == MAX_TOKENS) revert TooManyTokens();
        _tokens.push(token);
        emit TokenBound(token);
    }

    /// @inheritdoc IIdentityRegistry
    function unbindToken(address token) external restricted {
        uint256 index = _indexOfToken(token);
        uint256 length = _tokens.length;
        if (index == length) revert TokenNotBound(token);
        _tokens[index] = _tokens[length - 1];
        _tokens.pop();
        emit TokenUnbound(token);
    }

    // ------------------------------------------------------------------------------------- Views

    /// @inheritdoc IIdentityRegistry
    function isVerified(address wallet) external view returns (bool) {
        uint32 id = _identityOf[wallet];
        if (id == 0) return false;
        Identity storage data = _identities[id];
        return !data.amlFlagged && data.kycExpiry > block.timestamp;
    }

    /// @inheritdoc IIdentityRegistry
    function identityOf(address wallet) external view returns (uint32) {
        return _identityOf[wallet];
    }

    /// @inheritdoc IIdentityRegistry
    function identityIdOf(address provider, bytes32 key) external view returns (uint32) {
        return _identityIds[provider][key];
    }

    /// @inheritdoc IIdentityRegistry
    function identity(uint32 id) external view returns (Identity memory) {
        return _identities[id];
    }

    /// @inheritdoc IIdentityRegistry
    function walletsOf(uint32 id) external view returns (address[] memory) {
        return _wallets[id];
    }

    /// @inheritdoc IIdentityRegistry
    function isProvider(address account) external view returns (bool) {
        return _providers[account];
    }

    /// @inheritdoc IIdentityRegistry
    function boundTokens() external view returns (address[] memory) {
        return _tokens;
    }

    // ---------------------------------------------------------------------------------- Internal

    /// @dev Sends identity `id` and its wallets to every bound token (interactions, last in each entry point).
    function _push(uint32 id) private {
        Identity memory data = _identities[id];
        address[] memory wallets = _wallets[id];
        for (uint256 i; i < _tokens.length; ++i) {
            IIdentityListener(_tokens[i]).syncIdentity(id, data, wallets);
        }
    }

    function _requireIdentity(uint32 id) private view {
        if (id == 0 || id > identityCount) revert UnknownIdentity(id);
    }

    /// @dev The index of `token` in `_tokens`, or its length when absent.
    function _indexOfToken(address token) private view returns (uint256 index) {
        uint256 length = _tokens.length;
        for (; index < length; ++index) {
            if (_tokens[index] == token) break;
        }
    }
}

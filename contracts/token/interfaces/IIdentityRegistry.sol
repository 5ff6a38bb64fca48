// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

/// @notice What the registry knows about one investor identity. Pushed as is to every bound token.
/// @param country ISO 3166-1 numeric country code (0-999).
/// @param category Investor category chosen by the issuer's policy (e.g. 0 retail, 1 accredited, 2 institutional).
/// @param amlFlagged Whether the identity is flagged by AML screening (a flagged identity is not verified).
/// @param kycExpiry Time until which the KYC holds (0 once the attestation is revoked).
/// @param issuedAt Issue time of the attestation in force, or the time of the last compliance action on the identity
/// (AML flag, unlink) if later: attestations issued until then are refused, so a compliance action supersedes every
/// attestation signed before it.
struct Identity {
    uint16 country;
    uint8 category;
    bool amlFlagged;
    uint40 kycExpiry;
    uint40 issuedAt;
}

/// @notice A KYC provider's statement, signed with EIP-712 and submitted by anyone.
/// @param identity The provider's opaque key of the investor (e.g. keccak256 of its client reference); keys are
/// namespaced per provider (the same key from two providers names two identities); mapped to a compact identity id on
/// first use.
/// @param wallet A wallet the investor controls; linked to the identity if it is not yet.
/// @param country ISO 3166-1 numeric country code (0-999).
/// @param category Investor category.
/// @param amlFlagged AML screening result (true: flagged).
/// @param issuedAt When the provider signed; at most the submission time, newer than the identity's attestation in
/// force and its last compliance action, and (to link the wallet) newer than the wallet's last unlink.
/// @param expiresAt KYC expiry; must be in the future when submitted.
struct Attestation {
    bytes32 identity;
    address wallet;
    uint16 country;
    uint8 category;
    bool amlFlagged;
    uint40 issuedAt;
    uint40 expiresAt;
}

/// @title IIdentityRegistry
/// @notice Investor identities (KYC/AML) behind the security token. Other layers (governance,
/// baskets) only ask whether a wallet belongs to a verified identity.
/// @dev An identity owns up to `MAX_WALLETS` wallets. Registered KYC providers sign `Attestation`s
/// (EIP-712 type `ATTESTATION_TYPE`); anyone may submit them. Every change is pushed to the bound
/// tokens (`IIdentityListener`), which keep a packed copy so that a transfer reads no other contract.
interface IIdentityRegistry {
    // ----------------------------------------------------------------------------------- Events

    /// @notice Emitted when an attestation of `provider` creates identity `id` for its key `key`.
    event IdentityRegistered(uint32 indexed id, address indexed provider, bytes32 indexed key);
    /// @notice Emitted when `wallet` is linked to identity `id`.
    event WalletLinked(uint32 indexed id, address indexed wallet);
    /// @notice Emitted when `wallet` is unlinked from identity `id`.
    event WalletUnlinked(uint32 indexed id, address indexed wallet);
    /// @notice Emitted when an attestation signed by `provider` is applied to identity `id`.
    event AttestationApplied(uint32 indexed id, bytes32 indexed digest, address indexed provider, uint40 expiresAt);
    /// @notice Emitted when `provider` revokes the attestation `digest`.
    event AttestationRevoked(bytes32 indexed digest, address indexed provider);
    /// @notice Emitted when the compliance role sets the AML flag of identity `id`.
    event AmlFlagSet(uint32 indexed id, bool flagged);
    /// @notice Emitted when a KYC provider is added.
    event ProviderAdded(address indexed provider);
    /// @notice Emitted when a KYC provider is removed.
    event ProviderRemoved(address indexed provider);
    /// @notice Emitted when a token is bound (receives identity updates).
    event TokenBound(address indexed token);
    /// @notice Emitted when a token is unbound.
    event TokenUnbound(address indexed token);

    // ----------------------------------------------------------------------------------- Errors

    /// @notice Thrown by `attest` when the signer `signer` is not a registered KYC provider.
    error UnknownProvider(address signer);
    /// @notice Thrown by `revokeAttestation` when the caller is not a registered KYC provider.
    error NotProvider(address caller);
    /// @notice Thrown by `attest` when the attestation `digest` expired at `expiresAt`.
    error AttestationExpired(bytes32 digest, uint40 expiresAt);
    /// @notice Thrown by `attest` when the attestation `digest` is issued after the submission time.
    error AttestationIssuedInFuture(bytes32 digest, uint40 issuedAt);
    /// @notice Thrown by `attest` when the attestation would link `wallet`, unlinked at `unlinkedAt` >= `issuedAt`.
    error AttestationBeforeUnlink(address wallet, uint40 issuedAt, uint40 unlinkedAt);
    /// @notice Thrown by `revokeAttestation` when the applied attestation `digest` was signed by `signer`, not the
    /// caller.
    error NotSigner(bytes32 digest, address signer);
    /// @notice Thrown by `attest` when the attestation `digest` was revoked.
    error AttestationRevokedAlready(bytes32 digest);
    /// @notice Thrown by `attest` when identity `id` already holds an attestation, or had a compliance action, at
    /// `current` >= `issuedAt`.
    error AttestationStale(uint32 id, uint40 issuedAt, uint40 current);
    /// @notice Thrown by `attest` when `wallet` is the zero address.
    error InvalidWallet(address wallet);
    /// @notice Thrown by `attest` when `wallet` already belongs to identity `current`.
    error WalletLinkedElsewhere(address wallet, uint32 current);
    /// @notice Thrown by `attest` when identity `id` already has `MAX_WALLETS` wallets.
    error TooManyWallets(uint32 id);
    /// @notice Thrown by `attest` when `country` is above 999.
    error InvalidCountry(uint16 country);
    /// @notice Thrown by `unlinkWallet` when `wallet` is not linked to an identity.
    error WalletNotLinked(address wallet);
    /// @notice Thrown when identity `id` does not exist.
    error UnknownIdentity(uint32 id);
    /// @notice Thrown by `addProvider` when `provider` is already registered.
    error ProviderAlreadyRegistered(address provider);
    /// @notice Thrown by `removeProvider` when `provider` is not registered.
    error ProviderNotRegistered(address provider);
    /// @notice Thrown by `bindToken` when `token` is already bound.
    error TokenAlreadyBound(address token);
    /// @notice Thrown by `unbindToken` when `token` is not bound.
    error TokenNotBound(address token);
    /// @notice Thrown by `bindToken` when `MAX_TOKENS` tokens are bound already.
    error TooManyTokens();

    // ------------------------------------------------------------------------------- Attestations

    /// @notice The EIP-712 type string of an `Attestation`.
    function ATTESTATION_TYPE() external view returns (string memory);

    /// @notice The most wallets one identity can own.
    function MAX_WALLETS() external view returns (uint256);

    /// @notice The most tokens the registry pushes updates to.
    function MAX_TOKENS() external view returns (uint256);

    /// @notice The EIP-712 digest a provider signs for `attestation`.
    function attestationDigest(Attestation calldata attestation) external view returns (bytes32);

    /// @notice Applies an attestation signed by a registered provider; anyone may submit it. Creates the identity
    /// on first use of its key, links the wallet if needed, replaces the identity's data and pushes it to every
    /// bound token.
    /// @return id The compact identity id.
    function attest(Attestation calldata attestation, bytes calldata signature) external returns (uint32 id);

    /// @notice Revokes the attestation `digest` (submitted or not). If it is the identity's attestation in force,
    /// the identity's KYC ends now. Only a registered provider may revoke, and an applied attestation only by its
    /// signer (`NotSigner`). A digest not yet submitted has no known signer: any provider may block it (the signer
    /// signs again). The compliance role acts through `setAmlFlag`, `unlinkWallet` and `removeProvider`.
    function revokeAttestation(bytes32 digest) external;

    /// @notice Whether the attestation `digest` was revoked.
    function isRevoked(bytes32 digest) external view returns (bool);

    /// @notice Pushes identity `id` to every bound token again (e.g. after binding a new token). Anyone may call.
    function sync(uint32 id) external;

    // ------------------------------------------------------------------------------ Compliance role

    /// @notice Registers a KYC provider (compliance role). Existing attestations of a removed provider stay until
    /// they expire or are revoked.
    function addProvider(address provider) external;

    /// @notice Removes a KYC provider (compliance role).
    function removeProvider(address provider) external;

    /// @notice Sets or clears the AML flag of identity `id` (compliance role). Supersedes every attestation signed
    /// until now: only a newer attestation changes the identity again.
    function setAmlFlag(uint32 id, bool flagged) external;

    /// @notice Unlinks `wallet` from its identity (compliance role). Every bound token refuses while the wallet
    /// holds its tokens (move them first, e.g. with `recoveryAddress`). Supersedes every attestation signed until now:
    /// of the identity, and any that would link the wallet again.
    function unlinkWallet(address wallet) external;

    /// @notice Binds `token`: it receives every identity update from now on (compliance role).
    function bindToken(address token) external;

    /// @notice Unbinds `token` (compliance role).
    function unbindToken(address token) external;

    // ----------------------------------------------------------------------------------------- Views

    /// @notice Whether `wallet` belongs to an identity whose KYC is valid now and whose AML status is clear.
    function isVerified(address wallet) external view returns (bool);

    /// @notice The identity id of `wallet` (0 when none).
    function identityOf(address wallet) external view returns (uint32);

    /// @notice The identity id of `provider`'s key `key` (0 when none).
    function identityIdOf(address provider, bytes32 key) external view returns (uint32);

    /// @notice The data of identity `id`.
    function identity(uint32 id) external view returns (Identity memory);

    /// @notice The wallets of identity `id`.
    function walletsOf(uint32 id) external view returns (address[] memory);

    /// @notice The number of identities created so far (ids run from 1 to this number).
    function identityCount() external view returns (uint32);

    /// @notice Whether `account` is a registered KYC provider.
    function isProvider(address account) external view returns (bool);

    /// @notice The tokens bound to the registry.
    function boundTokens() external view returns (address[] memory);
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IBasket, Target as BasketTarget} from "../../contracts/basket/interfaces/IBasket.sol";
import {IExecutor} from "../../contracts/governance/interfaces/IExecutor.sol";
import {IGovernance} from "../../contracts/governance/interfaces/IGovernance.sol";
import {INeurons} from "../../contracts/governance/interfaces/INeurons.sol";
import {IOracle} from "../../contracts/oracle/interfaces/IOracle.sol";
import {SecurityToken} from "../../contracts/token/SecurityToken.sol";
import {ICompliance} from "../../contracts/token/interfaces/ICompliance.sol";
import {Attestation, Identity} from "../../contracts/token/interfaces/IIdentityRegistry.sol";
import {Target} from "../governance/mocks/Target.sol";
import {SystemFixture} from "./SystemFixture.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {StdInvariant} from "forge-std/StdInvariant.sol";

/// @notice Compliance across every layer (issue 15, section 5): one invariant suite over the whole platform
/// (`SystemFixture`: token, identity, governance, neurons, executor, basket, oracle feed) driven by random actions on
/// all of them. See test/system/README.md for what each invariant guards.
/// The test contract is its own handler (Morpho Blue's style). Each action is one handler function; a handler bounds
/// its inputs and calls directly what must succeed, so `fail_on_revert = true` keeps catching unexpected reverts. A
/// call whose outcome is a compliance decision (a frozen sender, an ineligible receiver, a mix of topics, an
/// impaired basket) goes through `_try`: a refusal is fine, and what a success changed is checked by the ghosts below.
/// Every handler runs inside `tracked`, which records each wallet's holdings of each share before and after the
/// action: what a restricted wallet gained, or a frozen wallet moved, is a violation.
/// forge-config: default.invariant.runs = 16
/// forge-config: default.invariant.depth = 128
/// forge-config: default.invariant.shrink_run_limit = 500
/// forge-config: deep.invariant.runs = 32
/// forge-config: deep.invariant.depth = 256
contract SystemInvariantTest is SystemFixture {
    /// @dev Which checks of `tracked` an action is exempt from: agent powers (forced transfer, recovery) are the
    /// documented exceptions; a rejected proposal's fee leaves its proposer by design.
    enum Exempt {
        None,
        Agent,
        Settle
    }

    /// @dev Proposal actions, one per topic the executor can act on; `_topicOf` says which topic each belongs to.
    enum ActionKind {
        General, // Target.set
        TokenCompliance, // SBND.setAllowedCategories
        Oracle, // Oracle.setParameters
        Governance // Governance.setParams
    }

    struct Snap {
        uint256[2][8] held;
        uint256[8] basketBalance;
        bool[2][8] restricted;
        bool[2][8] frozen;
        bool[8] basketFrozen;
    }

    uint256 internal constant WALLETS = 8;
    /// @dev Wallets 0 .. INVESTORS - 1 have an identity; the last one (the stranger) has none.
    uint256 internal constant INVESTORS = 7;
    uint256 internal constant MAX_NEURONS = 10;
    uint256 internal constant MAX_PROPOSALS = 12;
    /// @dev Auction prices, STOA base units per SBND base unit (WAD).
    uint256 internal constant LOW = 0.25e18;
    uint256 internal constant HIGH = 1e18;

    address[WALLETS] internal wallets;
    SecurityToken[2] internal shares;

    // ------------------------------------------------------------------------------------ Ghosts

    uint256 public gainViolations;
    uint256 public moveViolations;
    string internal lastViolation;

    /// @dev The kinds of each proposal's actions (to execute them again and to know which change governance).
    mapping(uint256 proposalId => ActionKind[]) internal proposalKinds;
    uint256 public blockedSettlements;
    uint256 public refusedDisbursements;

    /// @dev The basket's holdings were frozen or seized since a call that must see it (issue, redeem, reconcile).
    bool internal impairedUnseen;
    uint256 public unfairIssues;
    uint256 public unfairRedeems;

    mapping(uint256 questionId => address) internal questionAsset;
    uint256[] internal finalQuestions;

    /// @dev When the identity was last flagged, by the compliance role or a flagged attestation (0: cleared since, by
    /// the compliance role or a newer attestation), and when the compliance role last set or cleared its flag.
    mapping(uint32 identity => uint40) internal flaggedAt;
    mapping(uint32 identity => uint40) internal complianceAt;
    mapping(uint32 identity => bytes32) internal digestInForce;

    function setUp() public override {
        super.setUp();
        wallets = [alice, alice2, bob, carol, dave, erin, feeRecipient, stranger];
        shares = [stoa, sbnd];
        for (uint256 i; i < INVESTORS; ++i) {
            _attest(i, i == 5 ? GERMANY : FRANCE, false);
            vm.warp(block.timestamp + 1);
        }
        address[4] memory stakers = [alice, bob, carol, dave];
        uint96[4] memory stakes = [uint96(300), 250, 200, 150];
        for (uint256 i; i < WALLETS; ++i) {
            vm.startPrank(wallets[i]);
            for (uint256 c; c < 2; ++c) {
                shares[c].approve(address(basket), type(uint256).max);
                shares[c].approve(address(neurons), type(uint256).max);
                shares[c].approve(address(gov), type(uint256).max);
            }
            vm.stopPrank();
        }
        vm.startPrank(issuer);
        // Dave stakes all his STOA: three identities hold STOA directly, one below STOA's holder limit.
        for (uint256 i; i < 4; ++i) {
            stoa.mint(stakers[i], i == 3 ? stakes[i] : 950);
        }
        for (uint256 i; i < INVESTORS - 1; ++i) {
            sbnd.mint(wallets[i], 5000);
        }
        vm.stopPrank();
        for (uint256 i; i < 4; ++i) {
            vm.prank(stakers[i]);
            neurons.stake(stakes[i], 30 days);
        }
        // Carol and dave follow alice on every topic but Governance (the catch-all).
        uint32[] memory followAlice = new uint32[](1);
        followAlice[0] = 1;
        vm.prank(carol);
        gov.setFollowing(3, IGovernance.Topic.CatchAll, followAlice);
        vm.prank(dave);
        gov.setFollowing(4, IGovernance.Topic.CatchAll, followAlice);
        vm.prank(bob);
        basket.issue(20e18, bob);
        vm.prank(alice);
        basket.issue(10e18, alice);

        bytes4[] memory selectors = new bytes4[](40);
        uint256 n;
        // Identity and token layer.
        selectors[n++] = this.attest.selector;
        selectors[n++] = this.revoke.selector;
        selectors[n++] = this.setAmlFlag.selector;
        selectors[n++] = this.submitStaleAttestation.selector;
        selectors[n++] = this.freeze.selector;
        selectors[n++] = this.freezePartial.selector;
        selectors[n++] = this.unfreezePartial.selector;
        selectors[n++] = this.pause.selector;
        selectors[n++] = this.mint.selector;
        selectors[n++] = this.transfer.selector;
        selectors[n++] = this.forcedTransfer.selector;
        selectors[n++] = this.recover.selector;
        selectors[n++] = this.warp.selector;
        // Governance layer.
        selectors[n++] = this.stake.selector;
        selectors[n++] = this.increaseStake.selector;
        selectors[n++] = this.startDissolving.selector;
        selectors[n++] = this.disburse.selector;
        selectors[n++] = this.propose.selector;
        selectors[n++] = this.vote.selector;
        selectors[n++] = this.resolveFollowers.selector;
        selectors[n++] = this.settle.selector;
        selectors[n++] = this.execute.selector;
        selectors[n++] = this.collectFees.selector;
        // Basket layer.
        selectors[n++] = this.issue.selector;
        selectors[n++] = this.redeem.selector;
        selectors[n++] = this.transferBasket.selector;
        selectors[n++] = this.freezeBasketWallet.selector;
        selectors[n++] = this.forcedTransferBasket.selector;
        selectors[n++] = this.impairBasket.selector;
        selectors[n++] = this.seizeFromBasket.selector;
        selectors[n++] = this.reconcile.selector;
        selectors[n++] = this.accrueFee.selector;
        selectors[n++] = this.startRebalance.selector;
        selectors[n++] = this.bid.selector;
        selectors[n++] = this.endRebalance.selector;
        // Oracle layer.
        selectors[n++] = this.finalizePriceQuestion.selector;
        selectors[n++] = this.setFeedQuestion.selector;
        assembly ("memory-safe") {
            mstore(selectors, n)
        }
        targetSelector(StdInvariant.FuzzSelector({addr: address(this), selectors: selectors}));
        targetContract(address(this));
    }

    // =========================================================================== Tracking

    /// @dev Records every wallet's holdings before and after the action and counts what the action let a restricted
    /// wallet gain (directly, or in basket tokens) or a frozen wallet move.
    modifier tracked(Exempt exempt) {
        Snap memory before = _snap();
        _;
        Snap memory after_ = _snap();
        if (exempt != Exempt.Agent) _checkGains(before, after_);
        if (exempt == Exempt.None) _checkMoves(before, after_);
    }

    /// @dev Holdings of share c: the wallet's balance, plus (STOA) its neurons' stake (reject fees are charged
    /// against it, no token moves); and its basket tokens, which look through to both shares.
    function _snap() internal view returns (Snap memory s) {
        uint256[WALLETS] memory staked = _stakedByWallet();
        for (uint256 w; w < WALLETS; ++w) {
            address wallet = wallets[w];
            bool verified = registry.isVerified(wallet);
            for (uint256 c; c < 2; ++c) {
                s.held[w][c] = shares[c].balanceOf(wallet);
                s.frozen[w][c] = shares[c].isFrozen(wallet);
                s.restricted[w][c] = s.frozen[w][c] || !verified;
            }
            s.held[w][0] += staked[w];
            s.basketBalance[w] = basket.balanceOf(wallet);
            s.basketFrozen[w] = basket.isFrozen(wallet);
        }
    }

    function _stakedByWallet() internal view returns (uint256[WALLETS] memory staked) {
        uint32 count = neurons.neuronCount();
        for (uint32 id = 1; id <= count; ++id) {
            (address owner,, INeurons.NeuronState memory state) = neurons.neuron(id);
            staked[_indexOf(owner)] += state.stake;
        }
    }

    function _checkGains(Snap memory before, Snap memory after_) internal {
        for (uint256 w; w < WALLETS; ++w) {
            for (uint256 c; c < 2; ++c) {
                if (before.restricted[w][c] && after_.held[w][c] > before.held[w][c]) {
                    _violation(true, w, c, "restricted wallet gained shares");
                }
            }
            if (
                (before.restricted[w][0] || before.restricted[w][1] || before.basketFrozen[w])
                    && after_.basketBalance[w] > before.basketBalance[w]
            ) _violation(true, w, 2, "restricted wallet gained basket tokens");
        }
    }

    function _checkMoves(Snap memory before, Snap memory after_) internal {
        for (uint256 w; w < WALLETS; ++w) {
            for (uint256 c; c < 2; ++c) {
                if (before.frozen[w][c] && after_.held[w][c] < before.held[w][c]) {
                    _violation(false, w, c, "frozen wallet moved shares");
                }
            }
            if (
                (before.frozen[w][0] || before.frozen[w][1] || before.basketFrozen[w])
                    && after_.basketBalance[w] < before.basketBalance[w]
            ) {
                _violation(false, w, 2, "frozen wallet moved basket tokens");
            }
        }
    }

    function _violation(bool gain, uint256 w, uint256 c, string memory what) internal {
        if (gain) ++gainViolations;
        else ++moveViolations;
        if (bytes(lastViolation).length != 0) return;
        lastViolation =
            string.concat(what, ": ", vm.getLabel(wallets[w]), c < 2 ? string.concat(" / ", shares[c].symbol()) : "");
    }

    /// @dev Calls `data` on `to` as `caller`: bubbles a revert when `expected` (the model says it must succeed), else
    /// lets a refusal pass.
    function _try(address caller, address to, bytes memory data, bool expected)
        internal
        returns (bool ok, bytes memory result)
    {
        vm.prank(caller);
        (ok, result) = to.call(data);
        if (expected && !ok) {
            assembly ("memory-safe") {
                revert(add(result, 32), mload(result))
            }
        }
    }

    // =========================================================================== Identity and token handlers

    /// @dev A fresh KYC attestation (signed now) for investor wallet `seed`: renews the KYC, sometimes in a country
    /// the shares do not allow, sometimes AML-flagged. A fresh, unflagged one lifts an earlier AML flag.
    function attest(uint256 seed, uint256 countrySeed, bool amlFlagged) external tracked(Exempt.None) {
        uint256 w = seed % INVESTORS;
        uint32 id = registry.identityOf(wallets[w]);
        if (block.timestamp <= registry.identity(id).issuedAt || block.timestamp <= complianceAt[id]) return;
        uint16 country = countrySeed % 8 == 0 ? USA : (countrySeed % 2 == 0 ? FRANCE : GERMANY);
        _attest(w, country, amlFlagged && countrySeed % 4 == 1);
    }

    function _attest(uint256 w, uint16 country, bool amlFlagged) internal {
        Attestation memory a =
            _attestation(wallets[w], _key(w == 1 ? alice : wallets[w]), country, amlFlagged, uint40(block.timestamp));
        uint32 id = registry.attest(a, _sign(a));
        digestInForce[id] = registry.attestationDigest(a);
        flaggedAt[id] = amlFlagged ? uint40(block.timestamp) : 0;
    }

    /// @dev The provider revokes the attestation in force of investor `seed`'s identity: its KYC ends.
    function revoke(uint256 seed) external tracked(Exempt.None) {
        uint32 id = registry.identityOf(wallets[seed % INVESTORS]);
        bytes32 digest = digestInForce[id];
        if (registry.isRevoked(digest)) return;
        vm.prank(provider);
        registry.revokeAttestation(digest);
    }

    /// @dev The compliance role flags or clears investor `seed`'s identity.
    function setAmlFlag(uint256 seed, bool flagged) external tracked(Exempt.None) {
        uint32 id = registry.identityOf(wallets[seed % INVESTORS]);
        vm.prank(officer);
        registry.setAmlFlag(id, flagged);
        flaggedAt[id] = flagged ? uint40(block.timestamp) : 0;
        complianceAt[id] = uint40(block.timestamp);
    }

    /// @dev Someone submits an unflagged attestation the provider signed before the identity was AML-flagged (newer
    /// than the one in force): the compliance action supersedes it, so it must not lift the flag.
    function submitStaleAttestation(uint256 seed) external tracked(Exempt.None) {
        uint256 w = seed % INVESTORS;
        uint32 id = registry.identityOf(wallets[w]);
        uint40 flagged = flaggedAt[id];
        if (flagged == 0 || flagged <= registry.identity(id).issuedAt + 1) return;
        Attestation memory a = _attestation(wallets[w], _key(w == 1 ? alice : wallets[w]), FRANCE, false, flagged - 1);
        _try(address(this), address(registry), abi.encodeCall(registry.attest, (a, _sign(a))), false);
    }

    /// @dev The agent freezes or unfreezes an investor wallet (half the time a basket holder) on share `c`.
    function freeze(uint256 seed, uint256 c, bool frozen) external tracked(Exempt.None) {
        address wallet = _anyOrBasketHolder(seed);
        if (wallet == stranger) return;
        vm.prank(agent);
        shares[c % 2].setAddressFrozen(wallet, frozen);
    }

    function freezePartial(uint256 seed, uint256 c, uint256 amount) external tracked(Exempt.None) {
        SecurityToken share = shares[c % 2];
        address wallet = wallets[seed % INVESTORS];
        uint256 free = share.balanceOf(wallet) - share.getFrozenTokens(wallet);
        if (free == 0) return;
        vm.prank(agent);
        share.freezePartialTokens(wallet, bound(amount, 1, free));
    }

    function unfreezePartial(uint256 seed, uint256 c, uint256 amount) external tracked(Exempt.None) {
        SecurityToken share = shares[c % 2];
        address wallet = wallets[seed % INVESTORS];
        uint256 frozen = share.getFrozenTokens(wallet);
        if (frozen == 0) return;
        vm.prank(agent);
        share.unfreezePartialTokens(wallet, bound(amount, 1, frozen));
    }

    /// @dev The agent pauses or unpauses share `c`.
    function pause(uint256 c) external tracked(Exempt.None) {
        SecurityToken share = shares[c % 2];
        bool paused = share.paused();
        vm.prank(agent);
        if (paused) share.unpause();
        else share.pause();
    }

    /// @dev The issuer mints to any wallet (half the time a basket holder); the token's dry run says whether it may.
    function mint(uint256 seed, uint256 c, uint256 amount) external tracked(Exempt.None) {
        SecurityToken share = shares[c % 2];
        address to = _anyOrBasketHolder(seed);
        amount = bound(amount, 1, 500);
        (bool allowed,) = share.canTransfer(address(0), to, amount);
        _try(issuer, address(share), abi.encodeCall(share.mint, (to, amount)), allowed);
    }

    /// @dev A holder transfer to any wallet (half the time a basket holder); the token's dry run says whether it may.
    function transfer(uint256 fromSeed, uint256 toSeed, uint256 c, uint256 amount) external tracked(Exempt.None) {
        SecurityToken share = shares[c % 2];
        address from = _holderOf(fromSeed, address(shares[c % 2]));
        address to = _anyOrBasketHolder(toSeed);
        uint256 balance = share.balanceOf(from);
        if (balance == 0 || from == to) return;
        amount = bound(amount, 1, balance);
        (bool allowed,) = share.canTransfer(from, to, amount);
        _try(from, address(share), abi.encodeCall(share.transfer, (to, amount)), allowed);
    }

    /// @dev The agent forces a transfer between investor wallets; for STOA only within what the receiver's identity
    /// may hold, look-through included (as held and as the token books it), so that the limits stay the issuer's.
    function forcedTransfer(uint256 fromSeed, uint256 toSeed, uint256 c, uint256 amount)
        external
        tracked(Exempt.Agent)
    {
        SecurityToken share = shares[c % 2];
        address from = _holderOf(fromSeed, address(shares[c % 2]));
        address to = wallets[toSeed % INVESTORS];
        uint256 balance = share.balanceOf(from);
        if (balance == 0 || from == to) return;
        uint256 cap = balance;
        if (share == stoa) {
            uint32 id = registry.identityOf(to);
            if (id != registry.identityOf(from)) {
                // Within the room both the holdings and the token's book (booked look-through exposure) leave.
                uint256 booked = stoa.identityBalanceOf(id) + stoa.lookThroughBalanceOf(id);
                cap = Math.min(cap, Math.min(_stoaRoom(id), booked >= STOA_MAX_BALANCE ? 0 : STOA_MAX_BALANCE - booked));
                bool joins = _stoaHeld(id) == 0 || booked == 0;
                if (joins && (_lookThroughHolders() >= STOA_MAX_HOLDERS || stoa.holderCount() >= STOA_MAX_HOLDERS)) {
                    return;
                }
            }
        }
        if (cap == 0) return;
        vm.prank(agent);
        share.forcedTransfer(from, to, bound(amount, 1, cap));
    }

    /// @dev The agent recovers one of alice's wallets to her other one.
    function recover(bool fromSecond, uint256 c) external tracked(Exempt.Agent) {
        SecurityToken share = shares[c % 2];
        (address lost, address fresh) = fromSecond ? (alice2, alice) : (alice, alice2);
        if (share.balanceOf(lost) == 0) return;
        vm.prank(agent);
        share.recoveryAddress(lost, fresh);
    }

    /// @dev Up to two days a call: a default run stays within the year of KYC validity; deeper runs see it lapse
    /// unless renewed.
    function warp(uint256 seconds_) external tracked(Exempt.None) {
        vm.warp(block.timestamp + bound(seconds_, 1, 2 days));
    }

    // =========================================================================== Governance handlers

    function stake(uint256 seed, uint256 amount, uint256 delay) external tracked(Exempt.None) {
        if (neurons.neuronCount() >= MAX_NEURONS) return;
        address owner = wallets[seed % INVESTORS];
        uint256 free = stoa.balanceOf(owner) - stoa.getFrozenTokens(owner);
        if (free == 0 || !registry.isVerified(owner)) return;
        amount = bound(amount, 1, free);
        _try(
            owner,
            address(neurons),
            abi.encodeCall(neurons.stake, (uint96(amount), uint32(bound(delay, 0, 30 days)))),
            _canStake(owner, amount)
        );
    }

    function increaseStake(uint256 seed, uint256 amount) external tracked(Exempt.None) {
        (uint32 id, address owner,) = _neuron(seed);
        if (id == 0) return;
        uint256 free = stoa.balanceOf(owner) - stoa.getFrozenTokens(owner);
        if (free == 0) return;
        amount = bound(amount, 1, free);
        _try(
            owner,
            address(neurons),
            abi.encodeCall(neurons.increaseStake, (id, uint96(amount))),
            _canStake(owner, amount)
        );
    }

    /// @dev Whether `owner` may stake `amount`: the transfer to neurons, then the stake reported as its exposure, which
    /// it must be able to hold (neurons is look-through; its direct balance drops by as much first).
    function _canStake(address owner, uint256 amount) internal view returns (bool) {
        (bool allowed,) = stoa.canTransfer(owner, address(neurons), amount);
        return allowed && _mayHoldStoa(owner);
    }

    /// @dev Whether `owner` may hold STOA through neurons: the receiver's holding rules of a look-through transfer
    /// (not frozen, verified, AML clear, KYC valid, country, category; its holdings within the max balance).
    function _mayHoldStoa(address owner) internal view returns (bool) {
        return stoa.detectLookThroughRestriction(address(neurons), address(0), owner, 0) == 0;
    }

    function startDissolving(uint256 seed) external tracked(Exempt.None) {
        (uint32 id, address owner, INeurons.NeuronState memory state) = _neuron(seed);
        if (id == 0 || state.dissolving) return;
        vm.prank(owner);
        neurons.startDissolving(id);
    }

    /// @dev A dissolved neuron's owner takes its stake back once its open proposals are settled (their fees are held
    /// against the stake: `NeuronsFeesPending`): no limit (max holders, max balance: the stake is already counted) and
    /// no governance state may stop it. The token's documented restrictions of transfers (a pause, an owner that may
    /// not hold STOA now: frozen, unverified, AML-flagged, country or category) delay it (contracts/governance/README.md,
    /// "Who can do what"). A refusal otherwise is counted.
    function disburse(uint256 seed) external tracked(Exempt.None) {
        (uint32 id, address owner, INeurons.NeuronState memory state) = _neuron(seed);
        if (id == 0 || !state.dissolving || state.since > block.timestamp || state.stake == 0) return;
        if (neurons.pendingFees(id) != 0) return;
        (bool ok,) = _try(owner, address(neurons), abi.encodeCall(neurons.disburse, (id)), false);
        if (!ok && _mayReceiveStake(owner)) ++refusedDisbursements;
    }

    /// @dev Whether the token lets `owner` receive STOA at all now (not paused, `owner` may hold it).
    function _mayReceiveStake(address owner) internal view returns (bool) {
        return !stoa.paused() && _mayHoldStoa(owner);
    }

    /// @dev Neuron `seed` proposes one action of a random kind, or two of random kinds: the topic follows from the
    /// actions (the registry of `SystemFixture._registerActionTopics`), so a mix of two topics (a governance change
    /// riding another topic) is refused. The reject fee is charged against the neuron's stake: no token moves, so no
    /// token-side state may refuse an unmixed proposal of a neuron with enough uncharged stake.
    function propose(uint256 seed, uint256 kindSeed) external tracked(Exempt.None) {
        if (gov.proposalCount() >= MAX_PROPOSALS) return;
        (uint32 id, address owner, INeurons.NeuronState memory state) = _neuron(seed);
        if (id == 0 || gov.votingPower(id) == 0 || gov.openProposals(id) >= gov.params().maxOpenProposals) return;
        ActionKind[] memory kinds = new ActionKind[](kindSeed / 4 % 2 + 1);
        kinds[0] = ActionKind(kindSeed % 4);
        if (kinds.length == 2) kinds[1] = ActionKind(kindSeed / 8 % 4);
        bool unmixed = kinds.length == 1 || _topicOf(kinds[0]) == _topicOf(kinds[1]);
        bool canPay = state.stake - neurons.pendingFees(id) >= REJECT_FEE;
        (bool ok, bytes memory result) = _try(
            owner,
            address(gov),
            abi.encodeCall(gov.propose, (id, _actions(kinds), "ipfs://summary", keccak256("summary"))),
            unmixed && canPay
        );
        if (!ok) return;
        uint256 proposalId = abi.decode(result, (uint256));
        for (uint256 i; i < kinds.length; ++i) {
            proposalKinds[proposalId].push(kinds[i]);
        }
    }

    function vote(uint256 proposalSeed, uint256 neuronSeed, bool yes) external tracked(Exempt.None) {
        uint256 proposalId = _openProposal(proposalSeed);
        (uint32 id, address owner,) = _neuron(neuronSeed);
        if (proposalId == 0 || id == 0) return;
        if (gov.ballot(proposalId, id) != IGovernance.Vote.None || gov.votingPowerAt(proposalId, id) == 0) return;
        vm.prank(owner);
        gov.vote(proposalId, id, yes);
    }

    function resolveFollowers(uint256 proposalSeed) external tracked(Exempt.None) {
        uint256 proposalId = _openProposal(proposalSeed);
        if (proposalId == 0) return;
        uint32 count = neurons.neuronCount();
        uint32[] memory ids = new uint32[](count);
        for (uint32 i; i < count; ++i) {
            ids[i] = i + 1;
        }
        gov.resolveFollowers(proposalId, ids);
    }

    /// @dev Settles a proposal, waiting for its deadline if undecided (a keeper). The reject fee is released into an
    /// adopted proposal's proposer neuron, or kept from its stake: no token-side state may stop the settlement, which
    /// execution waits for. A refusal of an adopted one is counted.
    function settle(uint256 seed) external tracked(Exempt.Settle) {
        uint256 proposalId = _proposal(seed);
        if (proposalId == 0) return;
        IGovernance.ProposalView memory p = gov.proposal(proposalId);
        if (p.status != IGovernance.ProposalStatus.Open) return;
        if (block.timestamp < p.deadline && gov.decision(proposalId) == IGovernance.ProposalStatus.Open) {
            vm.warp(p.deadline);
        }
        IGovernance.ProposalStatus outcome = gov.decision(proposalId);
        if (outcome == IGovernance.ProposalStatus.Open) return;
        bool adopted = outcome == IGovernance.ProposalStatus.Adopted;
        (bool ok,) = _try(address(this), address(gov), abi.encodeCall(gov.settle, (proposalId)), false);
        if (!ok && adopted) ++blockedSettlements;
    }

    /// @dev Executes a settled adopted proposal within its execution window, waiting out the timelock if needed (a
    /// keeper).
    function execute(uint256 seed) external tracked(Exempt.None) {
        uint256 proposalId = _proposal(seed);
        if (proposalId == 0) return;
        IGovernance.ProposalView memory p = gov.proposal(proposalId);
        if (p.status != IGovernance.ProposalStatus.Adopted || block.timestamp >= p.expiresAt) return;
        if (block.timestamp < p.readyAt) vm.warp(p.readyAt);
        gov.execute(proposalId, _actions(proposalKinds[proposalId]));
    }

    /// @dev Anyone sends the kept reject fees to the executor; the token's dry run says whether it may.
    function collectFees() external tracked(Exempt.None) {
        (bool allowed,) = stoa.canTransfer(address(neurons), executor, neurons.keptFees());
        _try(address(this), address(neurons), abi.encodeCall(neurons.collectFees, ()), allowed);
    }

    function _neuron(uint256 seed) internal view returns (uint32 id, address owner, INeurons.NeuronState memory state) {
        uint32 count = neurons.neuronCount();
        if (count == 0) return (0, address(0), state);
        id = uint32(seed % count) + 1;
        (owner,, state) = neurons.neuron(id);
    }

    function _proposal(uint256 seed) internal view returns (uint256) {
        uint256 count = gov.proposalCount();
        return count == 0 ? 0 : seed % count + 1;
    }

    function _openProposal(uint256 seed) internal view returns (uint256 id) {
        id = _proposal(seed);
        if (id == 0) return 0;
        IGovernance.ProposalView memory p = gov.proposal(id);
        if (p.status != IGovernance.ProposalStatus.Open || block.timestamp >= p.deadline) return 0;
    }

    /// @dev The topic each action belongs to (what the fixture registered; `setParams`: Governance's constructor).
    function _topicOf(ActionKind kind) internal pure returns (IGovernance.Topic) {
        if (kind == ActionKind.TokenCompliance) return IGovernance.Topic.TokenCompliance;
        if (kind == ActionKind.Oracle) return IGovernance.Topic.Oracle;
        if (kind == ActionKind.Governance) return IGovernance.Topic.Governance;
        return IGovernance.Topic.General;
    }

    /// @dev One action per kind; each succeeds whenever executed (the executor holds the roles it needs).
    function _actions(ActionKind[] memory kinds) internal view returns (IExecutor.Action[] memory actions) {
        actions = new IExecutor.Action[](kinds.length);
        for (uint256 i; i < kinds.length; ++i) {
            ActionKind kind = kinds[i];
            if (kind == ActionKind.General) {
                actions[i] = IExecutor.Action(address(target), 0, abi.encodeCall(Target.set, (42)));
            } else if (kind == ActionKind.TokenCompliance) {
                actions[i] = IExecutor.Action(address(sbnd), 0, abi.encodeCall(ICompliance.setAllowedCategories, (7)));
            } else if (kind == ActionKind.Oracle) {
                actions[i] =
                    IExecutor.Action(address(oracle), 0, abi.encodeCall(IOracle.setParameters, (_oracleParameters())));
            } else {
                actions[i] = IExecutor.Action(address(gov), 0, abi.encodeCall(IGovernance.setParams, (gov.params())));
            }
        }
    }

    // =========================================================================== Basket handlers

    /// @dev `payer` issues to `to` what its unfrozen shares pay for. Must succeed when the basket is active and not
    /// impaired unseen, `to` is eligible, the basket's dry run lets it mint to `to` (look-through limits included) and
    /// both shares let the payer pay; otherwise it may be refused. Whoever
    /// issues pays no more than the share of the pool it gets.
    function issue(uint256 payerSeed, uint256 toSeed, uint256 quantity) external tracked(Exempt.None) {
        _issue(payerSeed, toSeed, quantity);
    }

    function _issue(uint256 payerSeed, uint256 toSeed, uint256 quantity) internal {
        if (basket.status() != IBasket.Status.Active) return;
        address payer = wallets[payerSeed % INVESTORS];
        address to = toSeed % 3 == 0 ? wallets[toSeed / 3 % WALLETS] : payer;
        uint256[] memory units = basket.units();
        uint256 most = type(uint256).max;
        for (uint256 c; c < 2; ++c) {
            if (units[c] == 0) continue;
            most = Math.min(most, _free(shares[c], payer) * ONE / (units[c] + 1));
        }
        if (most == 0 || most == type(uint256).max) return;
        quantity = bound(quantity, 1, Math.min(most, 100e18));
        uint256[] memory amounts = basket.previewIssue(quantity);
        // The mint's dry run: both sides per component and, looked through, `to`'s limits (stricter than the issue
        // itself when `to` is the payer's identity, whose paid shares leave its direct balance first).
        (bool mints,) = basket.canTransfer(address(0), to, quantity);
        bool expected = !_impaired() && basket.isEligible(to) && mints;
        for (uint256 c; c < 2; ++c) {
            (bool allowed,) = shares[c].canTransfer(payer, address(basket), amounts[c]);
            expected = expected && (amounts[c] == 0 || allowed);
        }
        (uint256[] memory usable,) = basket.collateral();
        (bool ok, bytes memory result) =
            _try(payer, address(basket), abi.encodeCall(basket.issue, (quantity, to)), expected);
        if (!ok) return;
        impairedUnseen = false;
        amounts = abi.decode(result, (uint256[]));
        uint256 supply = basket.totalSupply();
        for (uint256 c; c < 2; ++c) {
            uint256 share = Math.mulDiv(usable[c] + amounts[c], quantity, supply, Math.Rounding.Ceil);
            if (amounts[c] > share + 1) ++unfairIssues;
        }
    }

    /// @dev `holder` redeems part of its basket tokens to `to`. Must succeed when no rebalance runs, the basket is not
    /// impaired unseen, the basket's dry run lets the holder burn, `to` is eligible and both shares let the basket pay;
    /// otherwise it may be refused. Whoever redeems gets no more than its share of the usable pool.
    function redeem(uint256 holderSeed, uint256 toSeed, uint256 quantity) external tracked(Exempt.None) {
        _redeem(holderSeed, toSeed, quantity);
    }

    function _redeem(uint256 holderSeed, uint256 toSeed, uint256 quantity) internal {
        if (basket.status() == IBasket.Status.Rebalancing) return;
        address holder = _holderOf(holderSeed, address(basket));
        address to = toSeed % 3 == 0 ? wallets[toSeed / 3 % WALLETS] : holder;
        uint256 balance = basket.balanceOf(holder);
        if (balance == 0) return;
        quantity = bound(quantity, 1, balance);
        uint256[] memory amounts = basket.previewRedeem(quantity);
        // The burn's dry run: the holder must still be able to hold every component (both sides checked).
        (bool burns,) = basket.canTransfer(holder, address(0), quantity);
        bool expected = !_impaired() && basket.isEligible(to) && burns;
        for (uint256 c; c < 2; ++c) {
            (bool allowed,) = shares[c].canTransfer(address(basket), to, amounts[c]);
            expected = expected && (amounts[c] == 0 || allowed);
        }
        (uint256[] memory usable,) = basket.collateral();
        (bool ok, bytes memory result) =
            _try(holder, address(basket), abi.encodeCall(basket.redeem, (quantity, to)), expected);
        if (!ok) return;
        impairedUnseen = false;
        amounts = abi.decode(result, (uint256[]));
        uint256 supply = basket.totalSupply() + quantity;
        for (uint256 c; c < 2; ++c) {
            if (amounts[c] > Math.mulDiv(usable[c], quantity, supply)) ++unfairRedeems;
        }
    }

    /// @dev A basket transfer between any two wallets: must succeed when the basket's dry run allows it (both sides per
    /// component, look-through max balance and max holders); otherwise it may be refused.
    function transferBasket(uint256 fromSeed, uint256 toSeed, uint256 amount) external tracked(Exempt.None) {
        address from = _holderOf(fromSeed, address(basket));
        address to = wallets[toSeed % WALLETS];
        uint256 balance = basket.balanceOf(from);
        if (balance == 0 || from == to) return;
        amount = bound(amount, 1, balance);
        (bool allowed,) = basket.canTransfer(from, to, amount);
        _try(from, address(basket), abi.encodeCall(basket.transfer, (to, amount)), allowed);
    }

    /// @dev The basket's compliance role freezes or unfreezes a wallet's basket tokens (half the time a holder's).
    function freezeBasketWallet(uint256 seed, bool frozen) external tracked(Exempt.None) {
        address wallet = _anyOrBasketHolder(seed);
        vm.prank(agent);
        basket.setAddressFrozen(wallet, frozen);
    }

    /// @dev The basket's compliance role forces a transfer of basket tokens between investor wallets: the sender's
    /// side is skipped, the receiver must still be able to hold every component (look-through limits included), so it
    /// may be refused.
    function forcedTransferBasket(uint256 fromSeed, uint256 toSeed, uint256 amount) external tracked(Exempt.Agent) {
        address from = _holderOf(fromSeed, address(basket));
        address to = wallets[toSeed % INVESTORS];
        uint256 balance = basket.balanceOf(from);
        if (balance == 0 || from == to) return;
        _try(
            agent, address(basket), abi.encodeCall(basket.forcedTransfer, (from, to, bound(amount, 1, balance))), false
        );
    }

    /// @dev A component's agent freezes part of the basket's holdings, or all of it (the basket's wallet), or lifts a
    /// whole-wallet freeze.
    function impairBasket(uint256 c, uint256 amount, bool wholeWallet) external tracked(Exempt.None) {
        SecurityToken share = shares[c % 2];
        vm.startPrank(agent);
        if (share.isFrozen(address(basket))) {
            share.setAddressFrozen(address(basket), false);
            vm.stopPrank();
            return;
        }
        uint256 free = _free(share, address(basket));
        if (free == 0) {
            vm.stopPrank();
            return;
        }
        if (wholeWallet && amount % 4 == 0) share.setAddressFrozen(address(basket), true);
        else share.freezePartialTokens(address(basket), bound(amount, 1, free));
        vm.stopPrank();
        impairedUnseen = true;
    }

    /// @dev SBND's agent seizes part of the basket's SBND to erin (SBND has no holder or balance limit).
    function seizeFromBasket(uint256 amount) external tracked(Exempt.Agent) {
        uint256 balance = sbnd.balanceOf(address(basket));
        if (balance == 0) return;
        vm.prank(agent);
        sbnd.forcedTransfer(address(basket), erin, bound(amount, 1, balance));
        impairedUnseen = true;
    }

    /// @dev Anyone reconciles; the manager resumes issuance once every unit is backed again.
    function reconcile() external tracked(Exempt.None) {
        if (basket.status() == IBasket.Status.Rebalancing) return;
        basket.reconcile();
        impairedUnseen = false;
        if (basket.status() != IBasket.Status.Halted) return;
        (uint256[] memory usable, uint256[] memory required) = basket.collateral();
        if (usable[0] < required[0] || usable[1] < required[1]) return;
        vm.prank(basketManager);
        basket.resumeIssuance();
    }

    function accrueFee() external tracked(Exempt.None) {
        if (basket.status() == IBasket.Status.Rebalancing) return;
        basket.accrueFee();
    }

    /// @dev The manager retargets SBND (up to twice its unit, never zero) against STOA as quote.
    function startRebalance(uint256 seed) external tracked(Exempt.None) {
        if (basket.status() != IBasket.Status.Active || impairedUnseen || basket.totalSupply() == 0) return;
        basket.accrueFee();
        uint256 folded = basket.units()[1];
        uint256 unit = bound(seed, 1, 2 * folded + 1);
        BasketTarget[] memory targets = new BasketTarget[](2);
        targets[1] = unit < folded
            ? BasketTarget({unit: unit, startPrice: HIGH, endPrice: LOW})
            : BasketTarget({unit: unit, startPrice: LOW, endPrice: HIGH});
        vm.prank(basketManager);
        basket.startRebalance(0, targets, 1 days);
    }

    /// @dev Investor `seed` bids on the SBND auction. Must succeed when both shares let the trade happen.
    function bid(uint256 seed, uint256 amount) external tracked(Exempt.None) {
        _bid(seed, amount);
    }

    function _bid(uint256 seed, uint256 amount) internal {
        if (basket.status() != IBasket.Status.Rebalancing) return;
        (,, uint256 deadline,) = basket.rebalanceState();
        // `auction` reverts (arithmetic) past the deadline: its price interpolation runs past the curve's end.
        if (block.timestamp > deadline) return;
        (, bool sell, bool running, uint256 price, uint256 remaining) = basket.auction(1);
        if (!running) return;
        address bidder = wallets[seed % INVESTORS];
        uint256 most = sell
            ? _free(stoa, bidder) * ONE / price
            : Math.min(_free(stoa, address(basket)) * ONE / price, _free(sbnd, bidder));
        most = Math.min(most, remaining);
        if (most == 0) return;
        amount = bound(amount, 1, most);
        uint256 quote = Math.mulDiv(amount, price, ONE, sell ? Math.Rounding.Ceil : Math.Rounding.Floor);
        _try(
            bidder,
            address(basket),
            abi.encodeCall(basket.bid, (1, amount, sell ? quote : 0)),
            _canTrade(bidder, sell, amount, quote)
        );
    }

    /// @dev Whether both shares let `bidder` trade `amount` SBND for `quote` STOA with the basket.
    function _canTrade(address bidder, bool sell, uint256 amount, uint256 quote) internal view returns (bool) {
        if (amount == 0 || quote == 0) return false;
        (bool stoaMoves,) =
            sell ? stoa.canTransfer(bidder, address(basket), quote) : stoa.canTransfer(address(basket), bidder, quote);
        (bool sbndMoves,) =
            sell ? sbnd.canTransfer(address(basket), bidder, amount) : sbnd.canTransfer(bidder, address(basket), amount);
        return stoaMoves && sbndMoves;
    }

    function endRebalance() external tracked(Exempt.None) {
        if (basket.status() != IBasket.Status.Rebalancing) return;
        vm.prank(basketManager);
        basket.endRebalance();
        impairedUnseen = false;
    }

    function _free(SecurityToken share, address wallet) internal view returns (uint256) {
        if (share.isFrozen(wallet)) return 0;
        uint256 balance = share.balanceOf(wallet);
        uint256 frozen = share.getFrozenTokens(wallet);
        return balance > frozen ? balance - frozen : 0;
    }

    /// @dev Whether some unit is not backed by the basket's usable balance now (an impairment not yet cut).
    function _impaired() internal view returns (bool) {
        (uint256[] memory usable, uint256[] memory required) = basket.collateral();
        return usable[0] < required[0] || usable[1] < required[1];
    }

    // =========================================================================== Oracle handlers

    /// @dev A scalar NAV question about share `c`, created, reported by the designated reporter and finalized.
    function finalizePriceQuestion(uint256 c, uint256 value) external tracked(Exempt.None) {
        if (finalQuestions.length >= 8) return;
        address asset = address(shares[c % 2]);
        IOracle.QuestionParams memory p;
        p.kind = IOracle.Kind.Scalar;
        p.max = 1000e18;
        p.tick = 1e16;
        p.endTime = uint40(block.timestamp + 1 minutes);
        p.designatedReporter = reporter;
        p.subject = asset;
        p.text = IOracle.Reference(string.concat("nav:", vm.toString(asset)), keccak256(abi.encode(asset)));
        uint256 questionId = oracle.createQuestion(p);
        questionAsset[questionId] = asset;
        vm.warp(p.endTime);
        vm.prank(reporter);
        oracle.initialReport(questionId, uint48(bound(value, 1, 100_001)), keccak256("evidence"));
        vm.warp(oracle.state(questionId).windowEnd);
        oracle.finalize(questionId);
        finalQuestions.push(questionId);
    }

    /// @dev The feeder points share `c`'s price at a final question, about that share or not: a question about
    /// another asset may be refused.
    function setFeedQuestion(uint256 c, uint256 seed) external tracked(Exempt.None) {
        if (finalQuestions.length == 0) return;
        address asset = address(shares[c % 2]);
        uint256 questionId = finalQuestions[seed % finalQuestions.length];
        if (feed.questionOf(asset) != 0) {
            (, uint256 updatedAt) = feed.price(asset);
            if (oracle.config(questionId).endTime <= updatedAt) return;
        }
        _try(
            feeder,
            address(feed),
            abi.encodeCall(feed.setQuestion, (asset, questionId)),
            questionAsset[questionId] == asset
        );
    }

    // =========================================================================== Invariants

    /// @dev No frozen, AML-flagged or unverified wallet gained shares or basket tokens (except by the agent's forced
    /// transfer or recovery, the documented exceptions).
    function invariant_restrictedWalletsGainNoExposure() public view {
        assertEq(gainViolations, 0, lastViolation);
    }

    /// @dev No wallet frozen in a share moved that share or basket tokens (which hold it) by its own action.
    function invariant_frozenWalletsMoveNoExposure() public view {
        assertEq(moveViolations, 0, lastViolation);
    }

    /// @dev Per identity: STOA held directly plus STOA looked through its basket tokens stays within the max balance.
    function invariant_lookThroughBalanceWithinMaxBalance() public view {
        uint32 count = registry.identityCount();
        for (uint32 id = 1; id <= count; ++id) {
            assertLe(_stoaHeld(id), STOA_MAX_BALANCE, "direct + look-through STOA <= max balance");
        }
    }

    /// @dev Identities holding STOA directly or through the basket stay within the holder limit.
    function invariant_lookThroughHoldersWithinLimit() public view {
        assertLe(_lookThroughHolders(), STOA_MAX_HOLDERS, "look-through holders <= max holders");
    }

    /// @dev Each share's holder count is the number of identities holding it directly or with look-through exposure
    /// (recomputed), within its limit.
    function invariant_holderCountsMatchState() public view {
        uint32 count = registry.identityCount();
        for (uint256 c; c < 2; ++c) {
            uint32 holders;
            for (uint32 id = 1; id <= count; ++id) {
                if (shares[c].identityBalanceOf(id) != 0 || shares[c].lookThroughBalanceOf(id) != 0) ++holders;
            }
            assertEq(shares[c].holderCount(), holders, "holder count");
        }
        assertLe(stoa.holderCount(), STOA_MAX_HOLDERS);
    }

    /// @dev Agent freezes never exceed what a wallet holds (forced transfers and recovery move them along).
    function invariant_frozenTokensWithinBalance() public view {
        for (uint256 w; w < WALLETS; ++w) {
            for (uint256 c; c < 2; ++c) {
                assertLe(shares[c].getFrozenTokens(wallets[w]), shares[c].balanceOf(wallets[w]));
            }
        }
    }

    /// @dev Every neuron's stake can be disbursed by its owner: in a snapshot, dissolve it, wait, settle its open
    /// proposals (anyone may, at their deadline at the latest), disburse. Owners the token does not let receive STOA
    /// now (`_mayReceiveStake`) wait for the token.
    function invariant_stakeAlwaysDisbursable() public {
        assertEq(refusedDisbursements, 0, "a dissolved neuron's disburse was refused");
        uint32 count = neurons.neuronCount();
        for (uint32 id = 1; id <= count; ++id) {
            (address owner,, INeurons.NeuronState memory state) = neurons.neuron(id);
            if (state.stake == 0) continue;
            uint256 snapshot = vm.snapshotState();
            vm.prank(owner);
            if (!state.dissolving) neurons.startDissolving(id);
            (,, state) = neurons.neuron(id);
            if (state.since > block.timestamp) vm.warp(state.since);
            bool ok = _settleOpenProposalsOf(id);
            if (ok && _mayReceiveStake(owner)) {
                vm.prank(owner);
                (ok,) = address(neurons).call(abi.encodeCall(neurons.disburse, (id)));
            }
            vm.revertToState(snapshot);
            assertTrue(ok, string.concat("stake of neuron ", vm.toString(id), " not disbursable by its owner"));
        }
    }

    /// @dev Waits for the deadline of each open proposal of neuron `id` and settles it; false if a settlement fails.
    function _settleOpenProposalsOf(uint32 id) internal returns (bool ok) {
        uint256 count = gov.proposalCount();
        for (uint256 proposalId = 1; proposalId <= count; ++proposalId) {
            IGovernance.ProposalView memory p = gov.proposal(proposalId);
            if (p.neuronId != id || p.status != IGovernance.ProposalStatus.Open) continue;
            if (block.timestamp < p.deadline) vm.warp(p.deadline);
            (ok,) = address(gov).call(abi.encodeCall(gov.settle, (proposalId)));
            if (!ok) return false;
        }
        return true;
    }

    /// @dev Units x supply <= usable balances of the basket once a call that must see an impairment (issue, redeem,
    /// reconcile) ran since it happened; during a rebalance units settle at its end.
    function invariant_basketUnitsBackedByBalances() public view {
        if (impairedUnseen || basket.status() == IBasket.Status.Rebalancing) return;
        (uint256[] memory usable, uint256[] memory required) = basket.collateral();
        for (uint256 c; c < 2; ++c) {
            assertGe(usable[c], required[c], "usable >= unit x multiplier x supply / natural unit");
        }
    }

    /// @dev No issue paid more than the share of the pool it got, no redemption got more than its share of the
    /// usable pool: value never moves between basket holders by the order of calls.
    function invariant_basketValueNotMovedByCallOrder() public view {
        assertEq(unfairIssues, 0, "an issuer paid for value that went to earlier holders");
        assertEq(unfairRedeems, 0, "a redeemer took value from the remaining holders");
    }

    /// @dev Basket tokens are held by the tracked wallets only, and by the basket itself for a fee it holds while the
    /// recipient is ineligible (the supply is recomputed from their balances).
    function invariant_basketSupplyHeldByWallets() public view {
        uint256 sum = basket.balanceOf(address(basket));
        for (uint256 w; w < WALLETS; ++w) {
            sum += basket.balanceOf(wallets[w]);
        }
        assertEq(sum, basket.totalSupply());
    }

    /// @dev Every adopted, unexecuted, unexpired proposal executes: in a snapshot, settle it if needed, wait out the
    /// timelock and execute. No token-side state (pause, freezes, AML, KYC, limits) may block it.
    function invariant_adoptedProposalsExecutable() public {
        assertEq(blockedSettlements, 0, "an adopted proposal's settlement was refused");
        uint256 count = gov.proposalCount();
        for (uint256 id = 1; id <= count; ++id) {
            IGovernance.ProposalView memory p = gov.proposal(id);
            if (p.status == IGovernance.ProposalStatus.Executed) continue;
            if (gov.decision(id) != IGovernance.ProposalStatus.Adopted) continue;
            uint256 snapshot = vm.snapshotState();
            bool ok = true;
            if (p.status == IGovernance.ProposalStatus.Open) {
                (ok,) = address(gov).call(abi.encodeCall(gov.settle, (id)));
            }
            if (ok) {
                uint256 readyAt = gov.proposal(id).readyAt;
                if (block.timestamp < readyAt) vm.warp(readyAt);
                (ok,) = address(gov).call(abi.encodeCall(gov.execute, (id, _actions(proposalKinds[id]))));
            }
            vm.revertToState(snapshot);
            assertTrue(ok, string.concat("adopted proposal ", vm.toString(id), " cannot be executed"));
        }
    }

    /// @dev A proposal changing governance itself is adopted or executed only under the Governance topic.
    function invariant_governanceActionsOnlyUnderGovernanceTopic() public view {
        uint256 count = gov.proposalCount();
        for (uint256 id = 1; id <= count; ++id) {
            if (!_changesGovernance(id)) continue;
            IGovernance.ProposalStatus outcome = gov.decision(id);
            if (outcome != IGovernance.ProposalStatus.Adopted && outcome != IGovernance.ProposalStatus.Executed) {
                continue;
            }
            assertEq(
                uint256(gov.proposal(id).topic),
                uint256(IGovernance.Topic.Governance),
                string.concat("governance action adopted under another topic, proposal ", vm.toString(id))
            );
        }
    }

    function _changesGovernance(uint256 id) internal view returns (bool) {
        ActionKind[] storage kinds = proposalKinds[id];
        for (uint256 i; i < kinds.length; ++i) {
            if (kinds[i] == ActionKind.Governance) return true;
        }
        return false;
    }

    /// @dev Each share's price comes from a question about that share.
    function invariant_feedPricesComeFromTheirAssetsQuestions() public view {
        for (uint256 c; c < 2; ++c) {
            uint256 questionId = feed.questionOf(address(shares[c]));
            if (questionId == 0) continue;
            assertEq(questionAsset[questionId], address(shares[c]), "price taken from another asset's question");
        }
    }

    /// @dev An AML flag stays until the compliance role clears it or a provider attests after it: an attestation
    /// signed before the flag never lifts it.
    function invariant_amlFlagNotClearedByOlderAttestations() public view {
        uint32 count = registry.identityCount();
        for (uint32 id = 1; id <= count; ++id) {
            if (flaggedAt[id] == 0) continue;
            Identity memory data = registry.identity(id);
            assertTrue(
                data.amlFlagged, string.concat("identity ", vm.toString(id), " unflagged by a stale attestation")
            );
        }
    }

    // =========================================================================== Look-through

    /// @dev STOA held by identity `id`: directly, plus what it holds through STOA's look-through system holders (the
    /// issuer's choice, as Deploy.s.sol makes it): its wallets' basket tokens times STOA's unit, its neurons' stake.
    function _stoaHeld(uint32 id) internal view returns (uint256 held) {
        held = stoa.identityBalanceOf(id);
        bool basketThrough = stoa.isLookThrough(address(basket));
        bool neuronsThrough = stoa.isLookThrough(address(neurons));
        uint256 unit = basket.units()[0];
        uint256[WALLETS] memory staked = _stakedByWallet();
        address[] memory owned = registry.walletsOf(id);
        for (uint256 i; i < owned.length; ++i) {
            if (basketThrough) held += Math.mulDiv(basket.balanceOf(owned[i]), unit, ONE);
            if (neuronsThrough) held += staked[_indexOf(owned[i])];
        }
    }

    function _stoaRoom(uint32 id) internal view returns (uint256) {
        uint256 held = _stoaHeld(id);
        return held >= STOA_MAX_BALANCE ? 0 : STOA_MAX_BALANCE - held;
    }

    /// @dev Identities holding STOA directly or, with look-through, through basket tokens (at least one STOA base unit's
    /// worth) or stake.
    function _lookThroughHolders() internal view returns (uint256 holders) {
        uint32 count = registry.identityCount();
        for (uint32 id = 1; id <= count; ++id) {
            if (_stoaHeld(id) != 0) ++holders;
        }
    }

    /// @dev The first investor wallet from `seed` on holding `token` (the last one scanned when none does), so that
    /// handlers moving holdings mostly pick wallets that have some.
    function _holderOf(uint256 seed, address token) internal view returns (address wallet) {
        for (uint256 i; i < INVESTORS; ++i) {
            wallet = wallets[(seed % INVESTORS + i) % INVESTORS];
            if (IERC20(token).balanceOf(wallet) != 0) return wallet;
        }
    }

    /// @dev Half the time a basket holder, else any wallet.
    function _anyOrBasketHolder(uint256 seed) internal view returns (address) {
        return seed % 2 == 0 ? _holderOf(seed / 2, address(basket)) : wallets[seed / 2 % WALLETS];
    }

    function _indexOf(address wallet) internal view returns (uint256) {
        for (uint256 w; w < WALLETS; ++w) {
            if (wallets[w] == wallet) return w;
        }
        revert("untracked wallet");
    }
}

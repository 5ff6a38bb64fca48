// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IGovernance} from "../../contracts/governance/interfaces/IGovernance.sol";
import {GovernanceFixture} from "./GovernanceFixture.sol";

/// @notice Random follow graphs (cycles, chains, catch-all lists): repeated cascade batches in random order reach
/// the fixpoint of an in-test NNS reference and then write nothing more.
contract CascadeFuzzTest is GovernanceFixture {
    uint32 internal constant N = 30;

    /// forge-config: default.fuzz.runs = 64
    function testFuzz_resolveFollowers_reachesReferenceFixpoint(uint256 seed) public {
        for (uint32 i = 1; i <= N; ++i) {
            _stake(_owner(i), 1 ether, MAX_DELAY);
        }
        for (uint32 i = 1; i <= N; ++i) {
            uint256 r = uint256(keccak256(abi.encode(seed, "follow", i)));
            uint32[] memory list = _randomList(r, i);
            vm.prank(_owner(i));
            gov.setFollowing(i, r % 4 == 0 ? IGovernance.Topic.CatchAll : IGovernance.Topic.General, list);
        }
        uint256 id = _propose(_owner(1), 1, IGovernance.Topic.General);
        for (uint32 i = 2; i <= 5; ++i) {
            vm.prank(_owner(i));
            gov.vote(id, i, uint256(keccak256(abi.encode(seed, "vote", i))) % 2 == 0);
        }
        IGovernance.Vote[] memory expected = _referenceFixpoint(id);

        uint256 rounds;
        uint256 written;
        do {
            written = gov.resolveFollowers(id, _shuffled(uint256(keccak256(abi.encode(seed, rounds)))));
            ++rounds;
            assertLe(rounds, N + 1, "cascade does not terminate");
        } while (written != 0);
        for (uint32 i = 1; i <= N; ++i) {
            assertEq(uint256(gov.ballot(id, i)), uint256(expected[i]), "ballot differs from the reference");
        }
    }

    function _randomList(uint256 r, uint32 self) internal pure returns (uint32[] memory list) {
        list = new uint32[](1 + r % 4);
        uint256 n;
        for (uint256 j; j < list.length; ++j) {
            // Mostly earlier neurons (chains down to the roots), sometimes any neuron (cycles).
            uint256 h = uint256(keccak256(abi.encode(r, j)));
            uint32 f = uint32(h % (h % 4 == 0 || self == 1 ? N : self - 1)) + 1;
            bool fresh = f != self;
            for (uint256 k; k < n && fresh; ++k) {
                fresh = list[k] != f;
            }
            if (fresh) list[n++] = f;
        }
        assembly ("memory-safe") {
            mstore(list, n)
        }
    }

    function _shuffled(uint256 r) internal pure returns (uint32[] memory ids) {
        ids = _range(1, N);
        for (uint256 i = N - 1; i > 0; --i) {
            uint256 j = uint256(keccak256(abi.encode(r, i))) % (i + 1);
            (ids[i], ids[j]) = (ids[j], ids[i]);
        }
    }

    /// @dev Applies the NNS rule to every undecided neuron until nothing changes (the fixpoint is unique: the rule
    /// is monotone in the set of ballots and yes/no conditions exclude each other).
    function _referenceFixpoint(uint256 id) internal view returns (IGovernance.Vote[] memory b) {
        b = new IGovernance.Vote[](N + 1);
        for (uint32 i = 1; i <= N; ++i) {
            b[i] = gov.ballot(id, i);
        }
        bool changed = true;
        while (changed) {
            changed = false;
            for (uint32 i = 1; i <= N; ++i) {
                if (b[i] != IGovernance.Vote.None) continue;
                uint32[] memory list = gov.followees(i, IGovernance.Topic.General);
                if (list.length == 0) list = gov.followees(i, IGovernance.Topic.CatchAll);
                uint256 yes;
                uint256 no;
                for (uint256 j; j < list.length; ++j) {
                    if (b[list[j]] == IGovernance.Vote.Yes) ++yes;
                    else if (b[list[j]] == IGovernance.Vote.No) ++no;
                }
                if (list.length == 0) continue;
                if (2 * yes > list.length) b[i] = IGovernance.Vote.Yes;
                else if (2 * no >= list.length) b[i] = IGovernance.Vote.No;
                changed = changed || b[i] != IGovernance.Vote.None;
            }
        }
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {INeurons} from "../interfaces/INeurons.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title VotingPower
/// @notice NNS voting power: stake x (1 + min(delay, maxDelay)/maxDelay x delayBonus) x
/// (1 + min(age, maxAge)/maxAge x ageBonus), zero below the minimum dissolve delay. Split into the neuron's
/// components (stake s, capped delay u, capped age v) and one rounding-down division, so that the sum over neurons
/// of the numerators is a polynomial in the four aggregate sums s, s.u, s.v, s.u.v kept by {Governance}.
library VotingPower {
    uint256 internal constant BPS = 10_000;

    /// @notice Deployment horizons used by the formula, in seconds.
    struct Horizons {
        uint256 maxDelay;
        uint256 maxAge;
        uint256 minDelay;
    }

    /// @notice Components of `n` at time `t`: stake `s` (0 when not eligible), capped dissolve delay `u` (the
    /// remaining delay while dissolving) and capped age `v` (0 while dissolving).
    function components(INeurons.NeuronState memory n, uint256 t, Horizons memory h)
        internal
        pure
        returns (uint256 s, uint256 u, uint256 v)
    {
        if (n.dissolving) {
            if (n.since < t + h.minDelay) return (0, 0, 0);
            return (n.stake, Math.min(n.since - t, h.maxDelay), 0);
        }
        if (n.dissolveDelay < h.minDelay) return (0, 0, 0);
        v = n.since < t ? Math.min(t - n.since, h.maxAge) : 0;
        return (n.stake, Math.min(n.dissolveDelay, h.maxDelay), v);
    }

    /// @notice Voting power of components (s, u, v) with bonuses in basis points, rounded down.
    function powerDown(uint256 s, uint256 u, uint256 v, uint256 delayBonusBps, uint256 ageBonusBps, Horizons memory h)
        internal
        pure
        returns (uint256)
    {
        return s * (BPS * h.maxDelay + delayBonusBps * u) * (BPS * h.maxAge + ageBonusBps * v)
            / (BPS * BPS * h.maxDelay * h.maxAge);
    }

    /// @notice Total power from the aggregate sums `S = sum s`, `SU = sum s.u`, `SV = sum s.v`, `SUV = sum s.u.v`,
    /// rounded down once: never below the sum of the individually rounded-down powers.
    function totalDown(uint256[4] memory sums, uint256 delayBonusBps, uint256 ageBonusBps, Horizons memory h)
        internal
        pure
        returns (uint256)
    {
        uint256 numerator = sums[0] * BPS * BPS * h.maxDelay * h.maxAge + sums[1] * BPS * h.maxAge * delayBonusBps
            + sums[2] * BPS * h.maxDelay * ageBonusBps + sums[3] * delayBonusBps * ageBonusBps;
        return numerator / (BPS * BPS * h.maxDelay * h.maxAge);
    }
}

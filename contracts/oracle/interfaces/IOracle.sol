// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IOracle
/// @notice Augur-style reporting oracle staked in a reputation token (REP). A question has outcomes
/// `0 .. numOutcomes - 1`; outcome 0 is always Invalid. A designated reporter stakes an initial report,
/// anyone may then crowd-fund a dispute bond of `2 x totalStake - 3 x stakeOn(outcome)` on another
/// outcome; a filled bond makes its outcome tentative and opens a new dispute window. A quiet window
/// finalizes the tentative outcome; too many rounds or too much stake escalate the question to an
/// arbitrator role instead of forking. Winners get their stake back plus a share of the losing stake
/// (capped at `rewardBps`), the rest of the losing stake is burned.
/// @dev Scalar questions map value `min + k x tick` to outcome `k + 1`; a tolerance (in ticks) makes
/// nearby values count as correct and refuses disputes within it.
interface IOracle {
    /// @notice The kind of question, fixing how outcomes are numbered.
    enum Kind {
        Binary, // outcomes: 0 Invalid, 1 No, 2 Yes
        Categorical, // outcomes: 0 Invalid, 1 .. outcomeCount
        Scalar // outcomes: 0 Invalid, k + 1 for value min + k x tick
    }

    /// @notice Where a question stands. Reported and Disputed questions whose window has ended are
    /// final once someone calls `finalize`.
    enum Status {
        Pending, // created, not reported yet
        Reported, // initial report staked, first dispute window open
        Disputed, // at least one dispute round filled, dispute window open
        Final, // outcome fixed, payouts redeemable
        Escalated // waiting for the arbitrator's `resolveEscalated`
    }

    /// @notice An off-chain document committed to by its content hash.
    struct Reference {
        string uri;
        bytes32 hash;
    }

    /// @notice Arguments of `createQuestion`.
    /// @param kind Binary, Categorical or Scalar.
    /// @param outcomeCount Categorical only: number of valid outcomes (2 .. MAX_CATEGORICAL_OUTCOMES); 0 otherwise.
    /// @param min Scalar only: lowest value.
    /// @param max Scalar only: highest value; `max - min` must be a positive multiple of `tick`.
    /// @param tick Scalar only: value step.
    /// @param tolerance Scalar only: distance in ticks within which a value counts as correct; 0 otherwise.
    /// @param endTime When the event is over and reporting may start.
    /// @param designatedReporter Who may report alone during the reporting window.
    /// @param subject The asset the question is about (e.g. the share token whose NAV per share it asks), or zero;
    /// the price feed takes a question's value only for its subject.
    /// @param text The question text.
    /// @param source The resolution source.
    /// @param evidenceRules What evidence a report must reference.
    struct QuestionParams {
        Kind kind;
        uint48 outcomeCount;
        int128 min;
        int128 max;
        uint128 tick;
        uint48 tolerance;
        uint40 endTime;
        address designatedReporter;
        address subject;
        Reference text;
        Reference source;
        Reference evidenceRules;
    }

    /// @notice Governance-settable parameters. Bonds are read when they are posted, windows when they open.
    /// @param validityBond REP the creator posts; returned unless the question resolves Invalid.
    /// @param noShowBond REP the creator posts; returned if the designated reporter reports, otherwise
    /// the stake of whoever reports first after the reporting window.
    /// @param reportingWindow Seconds after `endTime` reserved for the designated reporter.
    /// @param rewardBps Maximum return on winning stake, in basis points of the stake (Augur: 4,000).
    /// @param pacingRounds Filled dispute rounds after which windows are long.
    /// @param maxRounds Filled dispute rounds after which the question escalates (1 .. MAX_ROUNDS).
    /// @param reportBond REP the designated reporter stakes on its initial report.
    /// @param escalationStake Total stake at or above which a filled round escalates the question.
    /// @param shortDisputeWindow Seconds of a dispute window before `pacingRounds`.
    /// @param longDisputeWindow Seconds of a dispute window from `pacingRounds` on.
    struct Parameters {
        uint96 validityBond;
        uint96 noShowBond;
        uint32 reportingWindow;
        uint16 rewardBps;
        uint8 pacingRounds;
        uint8 maxRounds;
        uint96 reportBond;
        uint96 escalationStake;
        uint32 shortDisputeWindow;
        uint32 longDisputeWindow;
    }

    /// @notice A closed round: the initial report (round 0) or a filled dispute round.
    /// @param outcome The outcome staked on.
    /// @param stake The stake of the round (report stake or filled bond size).
    /// @param winningStake Stake, over rounds 0 .. this one, on outcomes that count as correct if `outcome` is final.
    struct Round {
        uint48 outcome;
        uint96 stake;
        uint96 winningStake;
    }

    /// @notice A question's moving state, packed in one slot.
    /// @param windowEnd Pending: end of the designated reporting window; Reported/Disputed: end of the
    /// dispute window; Final: finalization time.
    /// @param status Where the question stands.
    /// @param rounds Number of filled dispute rounds (the open round is `rounds + 1`).
    /// @param outcome Tentative outcome, final once Final.
    /// @param payoutRate Final only: return per unit of winning stake, scaled by `RATE_SCALE`.
    /// @param totalStake Stake of all closed rounds.
    /// @param designatedReported Whether the designated reporter made the initial report.
    /// @param creatorBondsClaimed Whether `claimCreatorBonds` has paid the creator.
    /// @param escalated Whether the arbitrator decided the final outcome.
    struct State {
        uint40 windowEnd;
        Status status;
        uint8 rounds;
        uint48 outcome;
        uint32 payoutRate;
        uint96 totalStake;
        bool designatedReported;
        bool creatorBondsClaimed;
        bool escalated;
    }

    /// @notice A question's fixed configuration.
    struct Config {
        address designatedReporter;
        uint40 endTime;
        Kind kind;
        address creator;
        uint48 numOutcomes;
        uint48 tolerance;
        uint96 validityBond;
        uint96 noShowBond;
        int128 min;
        uint128 tick;
        address subject;
    }

    // ---------------------------------------------------------------- events

    /// @notice Emitted when a question is created and its creator's bonds are escrowed.
    event QuestionCreated(
        uint256 indexed questionId,
        address indexed creator,
        address indexed designatedReporter,
        uint48 numOutcomes,
        uint40 reportingEnd,
        QuestionParams params
    );

    /// @notice Emitted when the initial report is staked; `designated` tells the designated reporter from a
    /// no-show replacement (whose stake is the no-show bond). The first dispute window ends at `windowEnd`.
    event InitialReported(
        uint256 indexed questionId,
        address indexed reporter,
        uint48 outcome,
        uint256 stake,
        bool designated,
        bytes32 evidenceHash,
        uint40 windowEnd
    );

    /// @notice Emitted when `amount` REP is added to the dispute pool of `outcome` in `round`; the pool now
    /// holds `pooled` of the `size` needed to fill.
    event DisputeContributed(
        uint256 indexed questionId,
        uint256 indexed round,
        address indexed contributor,
        uint48 outcome,
        uint256 amount,
        uint256 pooled,
        uint256 size,
        bytes32 evidenceHash
    );

    /// @notice Emitted when the pool of `outcome` in `round` fills: `outcome` is tentative and a new dispute
    /// window runs until `windowEnd` (0 when the question escalated instead).
    event RoundFilled(
        uint256 indexed questionId,
        uint256 indexed round,
        uint48 outcome,
        uint256 size,
        uint256 totalStake,
        uint40 windowEnd
    );

    /// @notice Emitted when a filled round reaches `maxRounds` or `escalationStake`: only the arbitrator decides now.
    event Escalated(uint256 indexed questionId, uint256 rounds, uint256 totalStake);

    /// @notice Emitted when a question becomes final, by a quiet window or by the arbitrator.
    event Finalized(uint256 indexed questionId, uint48 outcome, bool escalated, uint256 payoutRate, uint256 burned);

    /// @notice Emitted when `account` redeems its stake in `outcome` of `round` for `amount` REP (0 for a
    /// losing stake).
    event Redeemed(uint256 indexed questionId, address indexed account, uint256 round, uint48 outcome, uint256 amount);

    /// @notice Emitted when the creator's remaining bonds (`amount`) are returned.
    event CreatorBondsClaimed(uint256 indexed questionId, address indexed creator, uint256 amount);

    /// @notice Emitted when the parameters change.
    event ParametersSet(Parameters parameters);

    // ---------------------------------------------------------------- errors

    /// @notice Thrown when `questionId` does not exist.
    error UnknownQuestion(uint256 questionId);

    /// @notice Thrown when the question's status does not allow the call.
    error StatusMismatch(uint256 questionId, Status status);

    /// @notice Thrown by `createQuestion` when `endTime` is not in the future.
    error EndTimeNotInFuture(uint256 endTime);

    /// @notice Thrown by `createQuestion` when the designated reporter is the zero address.
    error ZeroDesignatedReporter();

    /// @notice Thrown by `createQuestion` when a categorical question has fewer than 2 or more than
    /// MAX_CATEGORICAL_OUTCOMES outcomes, or a binary or scalar one sets `outcomeCount`.
    error InvalidOutcomeCount(Kind kind, uint256 outcomeCount);

    /// @notice Thrown by `createQuestion` when a scalar range is empty, not a multiple of `tick`, or has too
    /// many ticks; or when a binary or categorical question sets a range.
    error InvalidScalarRange(int256 min, int256 max, uint256 tick);

    /// @notice Thrown by `createQuestion` when the tolerance is set on a non-scalar question or spans the range.
    error InvalidTolerance(Kind kind, uint256 tolerance);

    /// @notice Thrown by `initialReport` before `endTime`.
    error ReportingNotStarted(uint256 questionId, uint256 endTime);

    /// @notice Thrown by `initialReport` when someone else than the designated reporter reports before
    /// `reportingEnd`.
    error NotDesignatedReporter(uint256 questionId, address caller, uint256 reportingEnd);

    /// @notice Thrown when `outcome` is not below the question's `numOutcomes`.
    error OutcomeOutOfRange(uint256 questionId, uint256 outcome, uint256 numOutcomes);

    /// @notice Thrown by `contribute` when `outcome` is the tentative one or within tolerance of it.
    error OutcomeNotDisputable(uint256 questionId, uint256 outcome, uint256 tentative);

    /// @notice Thrown by `contribute` once the dispute window has ended.
    error DisputeWindowClosed(uint256 questionId, uint256 windowEnd);

    /// @notice Thrown by `finalize` while the dispute window is open.
    error DisputeWindowOpen(uint256 questionId, uint256 windowEnd);

    /// @notice Thrown when an amount is zero.
    error ZeroAmount();

    /// @notice Thrown by `redeem` when the caller has no stake there, or its pool is not settled yet.
    error NothingToRedeem(uint256 questionId, uint256 round, uint256 outcome, address account);

    /// @notice Thrown by `claimCreatorBonds` when they were already claimed or nothing is left.
    error NoCreatorBonds(uint256 questionId);

    /// @notice Thrown by `finalOutcome` and `finalValue` unless the question is Final.
    error NotFinal(uint256 questionId, Status status);

    /// @notice Thrown by `finalValue` when the question is not scalar.
    error NotScalar(uint256 questionId);

    /// @notice Thrown by `valueOf` and `finalValue` for the Invalid outcome, which has no value.
    error NoValue(uint256 questionId);

    /// @notice Thrown by `setParameters` (and the constructor) when a window, the report or no-show bond or
    /// the escalation stake is zero, `rewardBps` exceeds 10,000 or `maxRounds` is outside 1 .. MAX_ROUNDS.
    error InvalidParameters(Parameters parameters);

    // ---------------------------------------------------------------- questions

    /// @notice Creates a question and escrows the current validity and no-show bonds from the caller
    /// (approve REP first).
    /// @return questionId The new question's id (ids start at 1).
    function createQuestion(QuestionParams calldata params) external returns (uint256 questionId);

    // ---------------------------------------------------------------- reporting

    /// @notice Makes the initial report. From `endTime` to the end of the reporting window only the
    /// designated reporter may report, staking `reportBond` (approve REP first); afterwards anyone may,
    /// and the no-show bond becomes its stake. Opens the first dispute window.
    function initialReport(uint256 questionId, uint48 outcome, bytes32 evidenceHash) external;

    /// @notice Stakes up to `amount` REP on `outcome` in the open dispute round; only what the bond still
    /// needs is taken. When the pool reaches the bond size, `outcome` becomes tentative and a new window
    /// opens, or the question escalates.
    /// @return accepted The amount actually staked.
    function contribute(uint256 questionId, uint48 outcome, uint256 amount, bytes32 evidenceHash)
        external
        returns (uint256 accepted);

    /// @notice Makes the tentative outcome final once the dispute window has ended without a filled
    /// round; burns the part of the losing stake that is not paid to winners. Anyone may call.
    function finalize(uint256 questionId) external;

    /// @notice Arbitrator only (AccessManager role): decides an Escalated question.
    function resolveEscalated(uint256 questionId, uint48 outcome) external;

    /// @notice Pays the caller's stake in `outcome` of `round`: stake plus reward if it counts as correct,
    /// nothing if it lost (Final only); the whole stake back for a pool that did not fill (as soon as its
    /// round has closed).
    /// @return amount The REP paid.
    function redeem(uint256 questionId, uint256 round, uint48 outcome) external returns (uint256 amount);

    /// @notice Returns the creator's validity bond (unless Invalid) and no-show bond (if the designated
    /// reporter reported) once the question is final. Anyone may call; the creator is paid.
    function claimCreatorBonds(uint256 questionId) external;

    // ---------------------------------------------------------------- parameters

    /// @notice Parameters role only (AccessManager): replaces the parameters.
    function setParameters(Parameters calldata parameters) external;

    // ---------------------------------------------------------------- views

    /// @notice Scale of `payoutRate`: a winner receives `stake + stake x payoutRate / RATE_SCALE`.
    function RATE_SCALE() external view returns (uint256);

    /// @notice Upper bound of `maxRounds`, which bounds every loop over rounds.
    function MAX_ROUNDS() external view returns (uint256);

    /// @notice Most valid outcomes of a categorical question.
    function MAX_CATEGORICAL_OUTCOMES() external view returns (uint256);

    /// @notice The reputation token staked.
    function reputation() external view returns (address);

    /// @notice The current parameters.
    function parameters() external view returns (Parameters memory);

    /// @notice The number of questions created (the last id).
    function questionCount() external view returns (uint256);

    /// @notice A question's moving state.
    function state(uint256 questionId) external view returns (State memory);

    /// @notice A question's fixed configuration.
    function config(uint256 questionId) external view returns (Config memory);

    /// @notice A question's status; reverts for unknown questions.
    function status(uint256 questionId) external view returns (Status);

    /// @notice A closed round (round 0 is the initial report).
    function round(uint256 questionId, uint256 roundIndex) external view returns (Round memory);

    /// @notice Stake on `outcome` over all closed rounds, the `stakeOn` of the bond formula.
    function stakeOn(uint256 questionId, uint48 outcome) external view returns (uint256);

    /// @notice The bond that fills the open round for `outcome`: `2 x totalStake - 3 x stakeOn(outcome)`.
    function bondSize(uint256 questionId, uint48 outcome) external view returns (uint256);

    /// @notice REP pooled on `outcome` in `round`.
    function pooled(uint256 questionId, uint256 roundIndex, uint48 outcome) external view returns (uint256);

    /// @notice `account`'s unredeemed stake on `outcome` in `round`.
    function stakeOf(uint256 questionId, uint256 roundIndex, uint48 outcome, address account)
        external
        view
        returns (uint256);

    /// @notice Whether `outcome` counts as correct if `finalOutcome` is final (equal, or both valid scalar
    /// outcomes within tolerance).
    function isCorrect(uint256 questionId, uint48 outcome, uint48 finalOutcome_) external view returns (bool);

    /// @notice The final outcome; reverts with `NotFinal` unless Final.
    function finalOutcome(uint256 questionId) external view returns (uint48);

    /// @notice A final scalar question's value and finalization time; reverts unless Final, scalar and valid.
    function finalValue(uint256 questionId) external view returns (int256 value, uint256 finalizedAt);

    /// @notice The scalar value of `outcome` (`min + (outcome - 1) x tick`); reverts for Invalid or non-scalar.
    function valueOf(uint256 questionId, uint48 outcome) external view returns (int256);
}

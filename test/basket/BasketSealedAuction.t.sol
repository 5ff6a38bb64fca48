// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Basket} from "../../contracts/basket/Basket.sol";
import {IBasket, Target} from "../../contracts/basket/interfaces/IBasket.sol";
import {IMpcCommittee} from "../../contracts/privacy/interfaces/IMpcCommittee.sol";
import {BasketCommitteeFixture} from "./BasketCommitteeFixture.sol";

/// @notice Sealed-bid auctions: a basket's sell auction settled by a real `MpcCommittee` (`BasketCommitteeFixture`)
/// instead of Dutch bids. The basket holds share 0 (200 per token), share 1 (100) and the plain ERC-20 as quote
/// (1000e18); Alice issued 10 tokens. The manager sells 1000 shares of share 0 (price 6 -> 4 quote tokens per share
/// over a day, the end price being the reserve) and buys 500 of share 1.
contract BasketSealedAuctionTest is BasketCommitteeFixture {
    uint256 internal constant SUPPLY = 10e18;
    uint256 internal constant DURATION = 1 days;
    uint256 internal constant HIGH = 6e36;
    uint256 internal constant LOW = 4e36;
    /// @dev Bids are in units of 1e30 WAD: a bid of 5_500_000 is 5.5 quote tokens per share.
    uint256 internal constant EXPONENT = 30;
    uint256 internal constant BID = 5_500_000;
    uint64 internal constant INPUT_WINDOW = 1 hours;

    Basket internal basket;

    function setUp() public override {
        super.setUp();
        basket = _createWithPlain(1000e18);
        _issue(basket, alice, SUPPLY);
        plain.mint(bob, 1e24);
        vm.prank(bob);
        plain.approve(address(basket), type(uint256).max);
    }

    function _start(Target[] memory targets) internal {
        vm.prank(basketManager);
        basket.startRebalance(2, targets, DURATION);
    }

    function _targets() internal pure returns (Target[] memory targets) {
        targets = new Target[](3);
        targets[0] = Target({unit: 100, startPrice: HIGH, endPrice: LOW});
        targets[1] = Target({unit: 150, startPrice: LOW, endPrice: HIGH});
    }

    /// @dev Only share 0 moves: its sealed auction is the rebalance's last.
    function _sellOnly() internal pure returns (Target[] memory targets) {
        targets = new Target[](3);
        targets[0] = Target({unit: 100, startPrice: HIGH, endPrice: LOW});
        targets[1] = Target({unit: 100, startPrice: LOW, endPrice: HIGH});
    }

    /// @dev A sealed-bid computation for `lot` of `basket_`, taking inputs for an hour.
    function _request(address basket_, uint256 lot) internal returns (uint256) {
        return _requestSealed(basket_, lot, INPUT_WINDOW);
    }

    function _lot(uint256 index) internal view returns (uint256 lot) {
        (,,, lot,) = basket.sealedAuction(index);
    }

    function _seal(uint256 index) internal returns (uint256 id) {
        id = _request(address(basket), _lot(index));
        vm.prank(basketManager);
        basket.sealAuction(index, committee, id, EXPONENT);
    }

    /// @dev `bidder` bonds for component `index`'s sealed auction (a tenth of the lot at the reserve).
    function _bond(address bidder, uint256 index) internal returns (uint256 bond) {
        plain.mint(bidder, 1e24);
        vm.startPrank(bidder);
        plain.approve(address(basket), type(uint256).max);
        bond = basket.bondSealedBid(index);
        vm.stopPrank();
    }

    /// @dev Closes the inputs of computation `id` and posts the committee's result `(winner, bid)`.
    function _post(uint256 id, address winner, uint256 bid_) internal {
        vm.warp(block.timestamp + INPUT_WINDOW);
        _postSealed(id, winner, bid_);
    }

    // ------------------------------------------------------------------------------- sealAuction

    function test_sealAuction_bindsTheComputationAndClosesDutchBids() public {
        _start(_targets());
        uint256 lot = _lot(0);
        assertEq(lot, 1 << 8, "first rebalance, component 0");
        uint256 id = _request(address(basket), lot);
        vm.expectEmit(address(basket));
        emit IBasket.AuctionSealed(0, address(committee), id, EXPONENT);
        vm.prank(basketManager);
        basket.sealAuction(0, committee, id, EXPONENT);

        (address sealedBy, uint256 computationId, uint256 exponent, uint256 sameLot, uint256 reserve) =
            basket.sealedAuction(0);
        assertEq(sealedBy, address(committee));
        assertEq(computationId, id);
        assertEq(exponent, EXPONENT);
        assertEq(sameLot, lot);
        assertEq(reserve, LOW, "the curve's end price");
        (address unsealed,,,, uint256 none) = basket.sealedAuction(1);
        assertEq(unsealed, address(0));
        assertEq(none, 0);

        vm.expectRevert(abi.encodeWithSelector(IBasket.SealedAuction.selector, 0));
        vm.prank(bob);
        basket.bid(0, 1, type(uint256).max);
    }

    function test_sealAuction_revertsForNonManager() public {
        _start(_targets());
        uint256 id = _request(address(basket), _lot(0));
        vm.expectRevert(abi.encodeWithSelector(IBasket.NotManager.selector, bob));
        vm.prank(bob);
        basket.sealAuction(0, committee, id, EXPONENT);
    }

    function test_sealAuction_revertsWithoutRebalance() public {
        uint256 id = _request(address(basket), _lot(0));
        vm.expectRevert(IBasket.NoRebalance.selector);
        vm.prank(basketManager);
        basket.sealAuction(0, committee, id, EXPONENT);
    }

    function test_sealAuction_revertsOnABuyAuction() public {
        _start(_targets());
        uint256 id = _request(address(basket), _lot(1));
        vm.expectRevert(abi.encodeWithSelector(IBasket.NotSellAuction.selector, 1));
        vm.prank(basketManager);
        basket.sealAuction(1, committee, id, EXPONENT);
    }

    function test_sealAuction_revertsWhenSealedAlready() public {
        _start(_targets());
        _seal(0);
        uint256 other = _request(address(basket), _lot(0));
        vm.expectRevert(abi.encodeWithSelector(IBasket.SealedAuction.selector, 0));
        vm.prank(basketManager);
        basket.sealAuction(0, committee, other, EXPONENT);
    }

    function test_sealAuction_revertsOnPriceExponentAbove36() public {
        _start(_targets());
        uint256 id = _request(address(basket), _lot(0));
        vm.expectRevert(abi.encodeWithSelector(IBasket.InvalidPriceExponent.selector, 37));
        vm.prank(basketManager);
        basket.sealAuction(0, committee, id, 37);
    }

    function test_sealAuction_revertsOnAnotherKind() public {
        _start(_targets());
        uint256 id = committee.requestComputation(
            IMpcCommittee.ComputationKind.HolderCap,
            abi.encode(address(basket), _lot(0)),
            uint64(block.timestamp) + INPUT_WINDOW
        );
        _expectInvalid(id);
    }

    function test_sealAuction_revertsOnAnotherLotOrBasket() public {
        _start(_targets());
        _expectInvalid(_request(address(basket), _lot(1)));
        _expectInvalid(_request(address(this), _lot(0)));
        _expectInvalid(committee.computationCount() + 1);
    }

    function test_sealAuction_revertsOnTheLotOfAnEarlierRebalance() public {
        _start(_targets());
        uint256 stale = _request(address(basket), _lot(0));
        vm.startPrank(basketManager);
        basket.endRebalance();
        basket.startRebalance(2, _targets(), DURATION);
        vm.stopPrank();
        assertEq(_lot(0), 2 << 8, "second rebalance");
        _expectInvalid(stale);
    }

    function test_sealAuction_revertsWhenInputsCloseAfterTheDeadline() public {
        _start(_targets());
        uint64 late = uint64(block.timestamp + DURATION + 1);
        uint256 id = committee.requestComputation(
            IMpcCommittee.ComputationKind.SealedBidAuction, abi.encode(address(basket), _lot(0)), late
        );
        vm.expectRevert(abi.encodeWithSelector(IBasket.SealedBidTooLate.selector, late, block.timestamp + DURATION));
        vm.prank(basketManager);
        basket.sealAuction(0, committee, id, EXPONENT);
    }

    function _expectInvalid(uint256 id) internal {
        vm.expectRevert(abi.encodeWithSelector(IBasket.InvalidSealedComputation.selector, address(committee), id));
        vm.prank(basketManager);
        basket.sealAuction(0, committee, id, EXPONENT);
    }

    // ----------------------------------------------------------------------------- fillSealedBid

    function test_fillSealedBid_sellsTheWholeLotToTheWinnerAtItsBid() public {
        _start(_targets());
        uint256 id = _seal(0);
        assertEq(_bond(bob, 0), 400e18, "a tenth of 1000 shares at 4");
        uint256 held = plain.balanceOf(bob);
        _post(id, bob, BID);
        uint256 price = BID * 10 ** EXPONENT;
        vm.expectEmit(address(basket));
        emit IBasket.AuctionBid(bob, address(shares[0]), true, 1000, 5500e18, price);
        vm.prank(bob);
        (uint256 amount, uint256 quoteAmount) = basket.fillSealedBid(0);
        assertEq(amount, 1000);
        assertEq(quoteAmount, 5500e18);
        assertEq(shares[0].balanceOf(bob), 1000);
        assertEq(held - plain.balanceOf(bob), 5100e18, "the bond paid the rest");
        assertEq(basket.sealedBond(_lot(0), bob), 0);
        assertEq(plain.balanceOf(address(basket)), 15_500e18);
        (,, bool running,,) = basket.auction(0);
        assertFalse(running);
        (address sealedBy,,,,) = basket.sealedAuction(0);
        assertEq(sealedBy, address(0), "no longer running");
        (,,, uint256 pending) = basket.rebalanceState();
        assertEq(pending, 1, "the buy auction still runs");
    }

    function test_fillSealedBid_completesTheRebalanceWithTheTargets() public {
        _start(_sellOnly());
        uint256 id = _seal(0);
        _bond(bob, 0);
        _post(id, bob, BID);
        vm.expectEmit(address(basket));
        emit IBasket.RebalanceEnded(true);
        vm.prank(bob);
        basket.fillSealedBid(0);
        assertEq(uint8(basket.status()), uint8(IBasket.Status.Active));
        uint256[] memory units = basket.units();
        assertEq(units[0], 100);
        assertEq(units[2], 1000e18 + 550e18, "the proceeds back the quote's unit");
    }

    function test_fillSealedBid_sellsWhatRemainsAfterDutchBids() public {
        _start(_targets());
        vm.prank(carol);
        plain.approve(address(basket), type(uint256).max);
        plain.mint(carol, 1e24);
        vm.prank(carol);
        basket.bid(0, 300, type(uint256).max);
        uint256 id = _seal(0);
        assertEq(_bond(bob, 0), 280e18, "a tenth of the 700 left");
        _post(id, bob, BID);
        vm.prank(bob);
        (uint256 amount,) = basket.fillSealedBid(0);
        assertEq(amount, 700);
    }

    function test_fillSealedBid_revertsForAnyoneButTheWinner() public {
        _start(_targets());
        _post(_seal(0), bob, BID);
        vm.expectRevert(abi.encodeWithSelector(IBasket.NotWinner.selector, carol, bob));
        vm.prank(carol);
        basket.fillSealedBid(0);
    }

    function test_fillSealedBid_withoutBidsHasNoWinnerAndTheManagerEnds() public {
        _start(_sellOnly());
        _post(_seal(0), address(0), 0);
        vm.expectRevert(abi.encodeWithSelector(IBasket.NotWinner.selector, bob, address(0)));
        vm.prank(bob);
        basket.fillSealedBid(0);
        vm.prank(basketManager);
        basket.endRebalance();
        assertEq(basket.units()[0], 200, "nothing was sold");
    }

    function test_fillSealedBid_revertsBeforeTheResult() public {
        _start(_targets());
        uint256 id = _seal(0);
        vm.expectRevert(abi.encodeWithSelector(IBasket.SealedBidPending.selector, id));
        vm.prank(bob);
        basket.fillSealedBid(0);
    }

    function test_fillSealedBid_revertsBelowTheReserve() public {
        _start(_targets());
        _post(_seal(0), bob, 3_999_999);
        vm.expectRevert(abi.encodeWithSelector(IBasket.BelowReserve.selector, 3_999_999e30, LOW));
        vm.prank(bob);
        basket.fillSealedBid(0);
    }

    function test_fillSealedBid_revertsOnAnUnsealedAuction() public {
        _start(_targets());
        vm.expectRevert(abi.encodeWithSelector(IBasket.NotSealed.selector, 0));
        vm.prank(bob);
        basket.fillSealedBid(0);
    }

    function test_fillSealedBid_revertsAfterTheDeadline() public {
        _start(_targets());
        _post(_seal(0), bob, BID);
        vm.warp(block.timestamp + DURATION);
        vm.expectRevert(abi.encodeWithSelector(IBasket.AuctionExpired.selector, block.timestamp - INPUT_WINDOW));
        vm.prank(bob);
        basket.fillSealedBid(0);
    }

    function test_fillSealedBid_revertsForAnUnbondedWinner() public {
        _start(_targets());
        _post(_seal(0), carol, BID);
        vm.expectRevert(abi.encodeWithSelector(IBasket.NotBonded.selector, carol));
        vm.prank(carol);
        basket.fillSealedBid(0);
    }

    // ----------------------------------------------------------------------------- bondSealedBid

    function test_bondSealedBid_holdsTheBondOutOfTheUsableBalance() public {
        _start(_targets());
        _seal(0);
        plain.mint(carol, 1e24);
        vm.startPrank(carol);
        plain.approve(address(basket), type(uint256).max);
        vm.expectEmit(address(basket));
        emit IBasket.SealedBidBonded(0, carol, 400e18);
        basket.bondSealedBid(0);
        vm.stopPrank();
        assertEq(basket.sealedBond(_lot(0), carol), 400e18);
        assertEq(plain.balanceOf(address(basket)), 10_400e18);
        (uint256[] memory usable,) = basket.collateral();
        assertEq(usable[2], 10_000e18, "bonds are not the holders'");
        vm.expectRevert(abi.encodeWithSelector(IBasket.AlreadyBonded.selector, carol));
        vm.prank(carol);
        basket.bondSealedBid(0);
    }

    /// @dev Regression (issue 15): an ineligible bidder could win the sealed auction and void it, since only the
    /// winner may fill and it cannot receive the component. Eligibility is now checked when it registers to bid.
    function test_bondSealedBid_revertsForAnIneligibleBidder() public {
        _start(_targets());
        _seal(0);
        plain.mint(stranger, 1e24);
        vm.startPrank(stranger);
        plain.approve(address(basket), type(uint256).max);
        vm.expectRevert(abi.encodeWithSelector(IBasket.NotEligible.selector, address(shares[0]), stranger));
        basket.bondSealedBid(0);
        vm.stopPrank();
    }

    function test_bondSealedBid_revertsOnceInputsClose() public {
        _start(_targets());
        _seal(0);
        vm.warp(block.timestamp + INPUT_WINDOW);
        vm.expectRevert(abi.encodeWithSelector(IBasket.SealedBidsClosed.selector, block.timestamp));
        vm.prank(bob);
        basket.bondSealedBid(0);
    }

    function test_bondSealedBid_revertsOnAnUnsealedAuction() public {
        _start(_targets());
        vm.expectRevert(abi.encodeWithSelector(IBasket.NotSealed.selector, 0));
        vm.prank(bob);
        basket.bondSealedBid(0);
    }

    // ----------------------------------------------------------------------- reopenSealedAuction

    /// @dev Regression (issue 15): an unbonded (here ineligible) top bidder voided the sealed auction for free, the
    /// lot staying unsold until the end. Its win cannot be filled, so anyone reopens the lot at once as a Dutch
    /// auction, which an eligible bidder fills.
    function test_reopenSealedAuction_reopensTheLotWhenTheWinnerIsNotBonded() public {
        _start(_sellOnly());
        uint256 id = _seal(0);
        uint256 lot = _lot(0);
        _bond(carol, 0);
        _post(id, stranger, BID);
        vm.expectEmit(address(basket));
        emit IBasket.SealedAuctionReopened(0, stranger, 0);
        assertEq(basket.reopenSealedAuction(0), 0);
        (address sealedBy,,,,) = basket.sealedAuction(0);
        assertEq(sealedBy, address(0), "Dutch again");
        vm.prank(bob);
        basket.bid(0, 1001, type(uint256).max);
        assertEq(uint8(basket.status()), uint8(IBasket.Status.Active), "sold");
        vm.prank(carol);
        assertEq(basket.withdrawSealedBond(lot), 400e18, "the loser's bond back");
    }

    function test_reopenSealedAuction_forfeitsTheBondOfAWinnerWhoDoesNotFill() public {
        _start(_sellOnly());
        uint256 id = _seal(0);
        uint256 lot = _lot(0);
        _bond(bob, 0);
        _post(id, bob, BID);
        uint256 fillDeadline = block.timestamp + basket.SEALED_FILL_WINDOW();
        vm.expectRevert(abi.encodeWithSelector(IBasket.SealedFillOpen.selector, fillDeadline));
        basket.reopenSealedAuction(0);
        vm.expectRevert(abi.encodeWithSelector(IBasket.SealedBondLocked.selector, lot));
        vm.prank(bob);
        basket.withdrawSealedBond(lot);

        vm.warp(fillDeadline + 1);
        vm.expectEmit(address(basket));
        emit IBasket.SealedAuctionReopened(0, bob, 400e18);
        assertEq(basket.reopenSealedAuction(0), 400e18);
        assertEq(basket.sealedBond(lot, bob), 0);
        vm.prank(basketManager);
        basket.endRebalance();
        assertEq(basket.units()[2], 1040e18, "the forfeited bond backs the quote's unit");
    }

    function test_reopenSealedAuction_revertsWhileTheResultIsPending() public {
        _start(_targets());
        uint256 id = _seal(0);
        vm.warp(block.timestamp + INPUT_WINDOW);
        vm.expectRevert(
            abi.encodeWithSelector(IBasket.SealedFillOpen.selector, block.timestamp + basket.SEALED_FILL_WINDOW())
        );
        basket.reopenSealedAuction(0);
        vm.warp(block.timestamp + basket.SEALED_FILL_WINDOW() + 1);
        assertEq(basket.reopenSealedAuction(0), 0, "the committee did not answer: nothing forfeited");
        assertEq(committee.computation(id).inputCount, 0);
    }

    // ------------------------------------------------------------------------ withdrawSealedBond

    function test_withdrawSealedBond_returnsALosersBondOnceTheWinnerIsNamed() public {
        _start(_sellOnly());
        uint256 id = _seal(0);
        uint256 lot = _lot(0);
        _bond(bob, 0);
        _bond(carol, 0);
        vm.expectRevert(abi.encodeWithSelector(IBasket.SealedBondLocked.selector, lot));
        vm.prank(carol);
        basket.withdrawSealedBond(lot);
        _post(id, bob, BID);
        uint256 held = plain.balanceOf(carol);
        vm.prank(carol);
        assertEq(basket.withdrawSealedBond(lot), 400e18);
        assertEq(plain.balanceOf(carol) - held, 400e18);
        vm.expectRevert(abi.encodeWithSelector(IBasket.NotBonded.selector, carol));
        vm.prank(carol);
        basket.withdrawSealedBond(lot);
    }

    /// @dev Bonds left in the basket when the rebalance completes stay out of the quote's unit, and are returned
    /// later.
    function test_withdrawSealedBond_afterTheRebalanceLeavesTheHoldersWhole() public {
        _start(_sellOnly());
        uint256 id = _seal(0);
        uint256 lot = _lot(0);
        _bond(bob, 0);
        _bond(carol, 0);
        _post(id, bob, BID);
        vm.prank(bob);
        basket.fillSealedBid(0);
        assertEq(basket.units()[2], 1550e18, "Carol's bond is not in the unit");
        vm.prank(carol);
        basket.withdrawSealedBond(lot);
        (uint256[] memory usable, uint256[] memory required) = basket.collateral();
        assertGe(usable[2], required[2]);
    }

    function test_endRebalance_forfeitsTheBondOfAWinnerWhoDidNotFill() public {
        _start(_sellOnly());
        uint256 id = _seal(0);
        uint256 lot = _lot(0);
        _bond(bob, 0);
        _post(id, bob, BID);
        vm.warp(block.timestamp + DURATION);
        basket.endRebalance();
        assertEq(basket.sealedBond(lot, bob), 0, "forfeited");
        assertEq(basket.units()[2], 1040e18);
    }

    function test_endRebalance_byTheManagerBeforeTheFillDeadlineReturnsTheBonds() public {
        _start(_sellOnly());
        uint256 id = _seal(0);
        uint256 lot = _lot(0);
        _bond(bob, 0);
        _post(id, bob, BID);
        vm.prank(basketManager);
        basket.endRebalance();
        assertEq(basket.units()[2], 1000e18, "bonds are not the holders'");
        vm.prank(bob);
        assertEq(basket.withdrawSealedBond(lot), 400e18);
    }

    function test_fillSealedBid_revertsOnAnAuctionOfAnEarlierRebalance() public {
        _start(_targets());
        uint256 id = _seal(0);
        vm.startPrank(basketManager);
        basket.endRebalance();
        basket.startRebalance(2, _targets(), DURATION);
        vm.stopPrank();
        _post(id, bob, BID);
        vm.expectRevert(abi.encodeWithSelector(IBasket.NotSealed.selector, 0));
        vm.prank(bob);
        basket.fillSealedBid(0);
        vm.prank(bob);
        basket.bid(0, 1, type(uint256).max);
    }

    // ------------------------------------------------------------------------------------- gas

    function test_gas_sealAuction() public {
        _start(_targets());
        _seal(0);
        vm.snapshotGasLastCall("basket", "seal auction");
    }

    function test_gas_bondSealedBid() public {
        _start(_targets());
        _seal(0);
        plain.mint(carol, 1e24);
        vm.prank(carol);
        plain.approve(address(basket), type(uint256).max);
        vm.prank(carol);
        basket.bondSealedBid(0);
        vm.snapshotGasLastCall("basket", "bond sealed bid");
    }

    function test_gas_fillSealedBid() public {
        _start(_targets());
        uint256 id = _seal(0);
        _bond(bob, 0);
        _post(id, bob, BID);
        vm.prank(bob);
        basket.fillSealedBid(0);
        vm.snapshotGasLastCall("basket", "fill sealed bid");
    }
}

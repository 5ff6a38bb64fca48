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
        _post(id, bob, BID);
        uint256 price = BID * 10 ** EXPONENT;
        vm.expectEmit(address(basket));
        emit IBasket.AuctionBid(bob, address(shares[0]), true, 1000, 5500e18, price);
        vm.prank(bob);
        (uint256 amount, uint256 quoteAmount) = basket.fillSealedBid(0);
        assertEq(amount, 1000);
        assertEq(quoteAmount, 5500e18);
        assertEq(shares[0].balanceOf(bob), 1000);
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
        _post(_seal(0), bob, BID);
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
        _post(_seal(0), bob, BID);
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

    function test_fillSealedBid_revertsForAnIneligibleWinner() public {
        _start(_targets());
        _post(_seal(0), stranger, BID);
        vm.expectRevert(abi.encodeWithSelector(IBasket.NotEligible.selector, address(shares[0]), stranger));
        vm.prank(stranger);
        basket.fillSealedBid(0);
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

    function test_gas_fillSealedBid() public {
        _start(_targets());
        _post(_seal(0), bob, BID);
        vm.prank(bob);
        basket.fillSealedBid(0);
        vm.snapshotGasLastCall("basket", "fill sealed bid");
    }
}

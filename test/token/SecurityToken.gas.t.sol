// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {TokenFixture} from "./TokenFixture.sol";
import {ReferenceERC20} from "./mocks/ReferenceERC20.sol";

/// @notice Gas of the token's hot paths, area `token`, next to a plain OpenZeppelin ERC-20 measured in the same run.
/// Every figure is a whole transaction with `forge test --isolate --match-test gas`. All built-in rules are on
/// (country, category, max holders, max balance, lockup); senders and receivers are single-wallet identities unless
/// the name says otherwise. `mint`, `forced transfer` and `batch transfer 20` credit wallets that already hold tokens.
contract SecurityTokenGasTest is TokenFixture {
    uint256 internal constant BATCH = 20;

    ReferenceERC20 internal plain;
    address[] internal receivers;
    uint256[] internal amounts;

    function setUp() public override {
        super.setUp();
        plain = new ReferenceERC20();
        plain.mint(alice, 1000);
        plain.mint(bob, 1000);

        _verify(alice);
        _verify(bob);
        _verify(carol);
        _mint(alice, 1000);
        _mint(bob, 1000);
        for (uint256 i; i < BATCH; ++i) {
            address receiver = makeAddr(string.concat("receiver", vm.toString(i)));
            _verify(receiver);
            _mint(receiver, 1);
            receivers.push(receiver);
            amounts.push(1);
        }
    }

    function test_gas_plainTransfer() public {
        vm.prank(alice);
        plain.transfer(bob, 1);
        vm.snapshotGasLastCall("token", "plain ERC20 transfer");
    }

    function test_gas_transferExistingHolders() public {
        vm.prank(alice);
        token.transfer(bob, 1);
        vm.snapshotGasLastCall("token", "transfer existing holders");
    }

    function test_gas_transferNewHolder() public {
        vm.prank(alice);
        token.transfer(carol, 1);
        vm.snapshotGasLastCall("token", "transfer new holder");
    }

    function test_gas_transferSharedIdentity() public {
        address aliceSecond = makeAddr("aliceSecond");
        address bobSecond = makeAddr("bobSecond");
        _link(aliceSecond, alice);
        _link(bobSecond, bob);
        vm.prank(alice);
        token.transfer(bob, 1);
        vm.snapshotGasLastCall("token", "transfer existing holders with two wallets each");
    }

    function test_gas_mint() public {
        vm.prank(issuer);
        token.mint(bob, 1);
        vm.snapshotGasLastCall("token", "mint");
    }

    function test_gas_forcedTransfer() public {
        vm.prank(agent);
        token.forcedTransfer(alice, bob, 1);
        vm.snapshotGasLastCall("token", "forced transfer");
    }

    function test_gas_batchTransfer() public {
        vm.prank(alice);
        token.batchTransfer(receivers, amounts);
        vm.snapshotGasLastCall("token", "batch transfer 20");
    }
}

// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.28;

import {BallotTree} from "./BallotTree.sol";

/// @title A secret poll's census tree
/// @notice Area leaves in ascending area order, folded as the ballot tree is (a node without a sibling
/// moves up unchanged), so a path has one sibling per level where the node has one.
library CensusTree {
    /// @dev The leaf an area of the census stands for.
    function leaf(uint32 area, uint256 areaRoot, uint32 members) internal pure returns (bytes32) {
        return keccak256(abi.encode(area, areaRoot, members));
    }

    /// @dev Whether `leaf` at `index` of `size` leaves leads to `root` through `siblings`.
    function verify(
        bytes32 node,
        uint256 index,
        uint256 size,
        bytes32[] calldata siblings,
        bytes32 root
    ) internal pure returns (bool) {
        if (index >= size) return false;
        uint256 used;
        while (size > 1) {
            bool isRight = index & 1 == 1;
            if (isRight || index + 1 < size) {
                if (used == siblings.length) return false;
                bytes32 sibling = siblings[used++];
                node = isRight ? BallotTree.hashPair(sibling, node) : BallotTree.hashPair(node, sibling);
            }
            index >>= 1;
            size = (size + 1) >> 1;
        }
        return used == siblings.length && node == root;
    }
}

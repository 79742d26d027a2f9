// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.28;

/// @title Append-only Merkle tree of ballot leaves
/// @notice Keeps only the frontier: for each height, the root of the last complete subtree. Appending
/// writes one slot, and the root is folded from the frontier on demand, so a ballot never pays for it.
/// A node without a right sibling moves up unchanged, which is how merkletreejs builds its default tree;
/// the fold below therefore gives the same root as merkletreejs over the same leaves.
library BallotTree {
    struct Tree {
        bytes32[32] frontier;
    }

    /// @dev `size` is the number of leaves before this one, so the leaf's index.
    function append(Tree storage tree, uint256 size, bytes32 leaf) internal {
        bytes32 node = leaf;
        uint256 height;
        // Each trailing one bit of the index closes a complete subtree on the left.
        while (size & 1 == 1) {
            node = hashPair(tree.frontier[height], node);
            size >>= 1;
            ++height;
        }
        tree.frontier[height] = node;
    }

    /// @dev The root over `size` leaves; zero for an empty tree.
    function root(Tree storage tree, uint256 size) internal view returns (bytes32 node) {
        bool started;
        for (uint256 height; size != 0; ++height) {
            if (size & 1 == 1) {
                node = started ? hashPair(tree.frontier[height], node) : tree.frontier[height];
                started = true;
            }
            size >>= 1;
        }
    }

    function hashPair(bytes32 left, bytes32 right) internal pure returns (bytes32 node) {
        assembly ("memory-safe") {
            mstore(0x00, left)
            mstore(0x20, right)
            node := keccak256(0x00, 0x40)
        }
    }
}

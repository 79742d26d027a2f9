// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.28;

/// @title Option counters packed eight to a word
/// @notice Each option's tally is a 32-bit lane (enough for every resident of any city), so a ballot in
/// a poll with up to eight options writes one slot, and a re-vote moves its counts within that write.
library PackedTally {
    uint256 internal constant LANES = 8;
    uint256 internal constant LANE_BITS = 32;

    /// @dev Adds one to each option set in `added` and takes one from each set in `removed`.
    /// `removed` must be choices counted before, so no lane goes below zero.
    function move(mapping(uint256 word => uint256 lanes) storage words, uint256 added, uint256 removed) internal {
        unchecked {
            // An option in both stays as it is.
            uint256 common = added & removed;
            added ^= common;
            removed ^= common;
            for (uint256 word; (added | removed) != 0; ++word) {
                uint256 up = added & 0xff;
                uint256 down = removed & 0xff;
                if ((up | down) != 0) {
                    words[word] = words[word] + spread(up) - spread(down);
                }
                added >>= LANES;
                removed >>= LANES;
            }
        }
    }

    /// @dev One in the lane of each set bit of `bits` (eight bits).
    function spread(uint256 bits) internal pure returns (uint256 lanes) {
        unchecked {
            for (uint256 lane; bits != 0; ++lane) {
                if (bits & 1 == 1) lanes |= 1 << (lane * LANE_BITS);
                bits >>= 1;
            }
        }
    }

    /// @dev The tallies of the first `count` options.
    function unpack(
        mapping(uint256 word => uint256 lanes) storage words,
        uint256 count
    ) internal view returns (uint256[] memory counts) {
        counts = new uint256[](count);
        uint256 lanes;
        for (uint256 i; i < count; ++i) {
            if (i % LANES == 0) lanes = words[i / LANES];
            counts[i] = uint32(lanes >> ((i % LANES) * LANE_BITS));
        }
    }
}

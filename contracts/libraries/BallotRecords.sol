// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.28;

/// @title Per-resident ballot records packed into shared words
/// @notice Each poll gives every resident a record of 2^shift bits at bit resident << shift. Without
/// re-voting one bit says "voted", so 256 residents share a slot and most first ballots update a slot
/// instead of creating one. With re-voting a record holds the last revision (16 bits) and the choices
/// it counted, so a re-vote can move them.
library BallotRecords {
    uint256 internal constant REVISION_BITS = 16;
    uint256 internal constant MAX_REVISION = (1 << REVISION_BITS) - 1;

    /// @dev The smallest shift whose record holds `bits`.
    function shiftFor(uint256 bits) internal pure returns (uint8 shift) {
        while ((1 << shift) < bits) ++shift;
    }

    function read(
        mapping(uint256 word => uint256 records) storage words,
        uint256 shift,
        uint32 resident
    ) internal view returns (uint256) {
        (uint256 word, uint256 offset, uint256 mask) = _locate(shift, resident);
        return (words[word] >> offset) & mask;
    }

    /// @dev Replaces the resident's record and returns the old one.
    function swap(
        mapping(uint256 word => uint256 records) storage words,
        uint256 shift,
        uint32 resident,
        uint256 record
    ) internal returns (uint256 old) {
        (uint256 word, uint256 offset, uint256 mask) = _locate(shift, resident);
        uint256 packed = words[word];
        old = (packed >> offset) & mask;
        words[word] = (packed & ~(mask << offset)) | (record << offset);
    }

    function _locate(uint256 shift, uint32 resident) private pure returns (uint256 word, uint256 offset, uint256 mask) {
        uint256 bit = uint256(resident) << shift;
        word = bit >> 8;
        offset = bit & 0xff;
        mask = shift == 8 ? type(uint256).max : (1 << (1 << shift)) - 1;
    }
}

// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.28;

/// @title Question shapes and the choice bitmap
/// @notice A poll's questions are packed 16 bits each into one word (low byte: number of options,
/// high byte: most options a voter may choose), so a ballot reads its poll's shape with one load.
/// Choices are one bitmap in which each question owns the next `options` bits.
library ChoiceCodec {
    uint256 internal constant MAX_QUESTIONS = 16;

    function options(uint256 questions, uint256 index) internal pure returns (uint256) {
        return uint8(questions >> (index * 16));
    }

    function maxChoices(uint256 questions, uint256 index) internal pure returns (uint256) {
        return uint8(questions >> (index * 16 + 8));
    }

    function pack(
        uint256 questions,
        uint256 index,
        uint256 optionCount,
        uint256 maxChoiceCount
    ) internal pure returns (uint256) {
        return questions | (optionCount << (index * 16)) | (maxChoiceCount << (index * 16 + 8));
    }

    /// @dev True when every question has between 1 and maxChoices options chosen and no bit is set
    /// beyond the last question's options.
    function isValid(uint256 questions, uint256 count, uint256 choices) internal pure returns (bool) {
        unchecked {
            for (uint256 q; q < count; ++q) {
                uint256 optionCount = options(questions, q);
                uint256 chosen = choices & ((1 << optionCount) - 1);
                if (chosen == 0) return false;
                uint256 limit = maxChoices(questions, q);
                // Clear the lowest set bit until none is left or the limit is passed.
                for (uint256 n; chosen != 0; ++n) {
                    if (n == limit) return false;
                    chosen &= chosen - 1;
                }
                choices >>= optionCount;
            }
            return choices == 0;
        }
    }
}

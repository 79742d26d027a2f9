// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.28;

/// @title Registry of enrolled voter keys
/// @notice Maps each resident (an opaque id hash from the city register) to one active voter key and a
/// district code. Residents are numbered from 1 in order of first enrolment; the number is what ballots
/// are counted against, so a resident who changes keys still has one vote per poll.
interface IVoterRegistry {
    /// @notice Emitted when `key` becomes the active key of `resident` in `district`.
    event VoterEnrolled(bytes32 indexed residentId, uint32 indexed resident, address indexed key, uint32 district);
    /// @notice Emitted when `key` stops being able to sign ballots for `resident`.
    event VoterRevoked(uint32 indexed resident, address indexed key);
    /// @notice Emitted when `commitment` becomes the resident's anonymous identity (Semaphore v4), the
    /// one a secret poll's census counts, living in `building` (a code from the register); it replaces
    /// any earlier one.
    event IdentityCommitted(uint32 indexed resident, uint256 commitment, uint32 building);

    /// @notice Thrown when the zero address is given as a voter key.
    error RegistryZeroKey();
    /// @notice Thrown when the zero hash is given as a resident id.
    error RegistryZeroResidentId();
    /// @notice Thrown when `key` was already enrolled, for this or another resident; keys are never reused.
    error RegistryKeyTaken(address key, uint32 resident);
    /// @notice Thrown when `residentId` has never been enrolled.
    error RegistryUnknownResident(bytes32 residentId);
    /// @notice Thrown when `residentId` has no active key to revoke.
    error RegistryNoActiveKey(bytes32 residentId);
    /// @notice Thrown when an identity commitment is zero or not a field element of the SNARK curve.
    error RegistryInvalidCommitment(uint256 commitment);

    /// @notice Makes `key` the resident's only active key in `district`, revoking any previous key.
    /// @dev Enrolling the resident's current key again only moves the resident to `district`.
    /// @return resident The resident's number.
    function enrol(bytes32 residentId, address key, uint32 district) external returns (uint32 resident);

    /// @notice Revokes the resident's active key; their ballots already counted stay counted.
    function revoke(bytes32 residentId) external;

    /// @notice Publishes the resident's anonymous identity commitment and building, replacing any
    /// earlier one.
    function commitIdentity(bytes32 residentId, uint256 commitment, uint32 building) external;

    /// @notice The resident's latest identity commitment (0 if none) and building.
    function identityOf(uint32 resident) external view returns (uint256 commitment, uint32 building);

    /// @notice The resident number of `residentId`, or 0 if never enrolled.
    function residentOf(bytes32 residentId) external view returns (uint32 resident);

    /// @notice What the registry knows of `key`: its resident (0 if unknown), the resident's district,
    /// and whether `key` is the resident's active key.
    function voter(address key) external view returns (uint32 resident, uint32 district, bool active);

    /// @notice The resident's active key (zero if revoked) and district.
    function residentKey(uint32 resident) external view returns (address key, uint32 district);

    /// @notice How many residents have ever been enrolled.
    function residentCount() external view returns (uint32);
}

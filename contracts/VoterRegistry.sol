// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IVoterRegistry} from "./interfaces/IVoterRegistry.sol";

/// @title Voter registry
/// @notice Kept in the same deployment as the ballot box: a ballot reads the signer's record with two
/// storage loads instead of an external call to another contract.
abstract contract VoterRegistry is IVoterRegistry, AccessControl {
    bytes32 public constant REGISTRAR_ROLE = keccak256("REGISTRAR_ROLE");

    /// @dev One slot: what a ballot needs to know about its resident, plus the points it may award.
    struct Resident {
        address key;
        uint32 district;
        uint64 points;
    }

    mapping(bytes32 residentId => uint32 resident) private _residentIds;
    mapping(address key => uint32 resident) internal _keyResidents;
    mapping(uint32 resident => Resident) internal _residents;
    uint32 private _residentCount;

    /// @inheritdoc IVoterRegistry
    function enrol(
        bytes32 residentId,
        address key,
        uint32 district
    ) external onlyRole(REGISTRAR_ROLE) returns (uint32 resident) {
        if (key == address(0)) revert RegistryZeroKey();
        if (residentId == bytes32(0)) revert RegistryZeroResidentId();
        resident = _residentIds[residentId];
        if (resident == 0) {
            resident = ++_residentCount;
            _residentIds[residentId] = resident;
        }
        Resident storage record = _residents[resident];
        uint32 holder = _keyResidents[key];
        if (holder != 0 && !(holder == resident && record.key == key)) revert RegistryKeyTaken(key, holder);

        address previous = record.key;
        _keyResidents[key] = resident;
        record.key = key;
        record.district = district;
        if (previous != address(0) && previous != key) emit VoterRevoked(resident, previous);
        emit VoterEnrolled(residentId, resident, key, district);
    }

    /// @inheritdoc IVoterRegistry
    function revoke(bytes32 residentId) external onlyRole(REGISTRAR_ROLE) {
        uint32 resident = _residentIds[residentId];
        if (resident == 0) revert RegistryUnknownResident(residentId);
        Resident storage record = _residents[resident];
        address key = record.key;
        if (key == address(0)) revert RegistryNoActiveKey(residentId);
        record.key = address(0);
        emit VoterRevoked(resident, key);
    }

    /// @inheritdoc IVoterRegistry
    function residentOf(bytes32 residentId) external view returns (uint32) {
        return _residentIds[residentId];
    }

    /// @inheritdoc IVoterRegistry
    function voter(address key) external view returns (uint32 resident, uint32 district, bool active) {
        resident = _keyResidents[key];
        Resident storage record = _residents[resident];
        return (resident, record.district, resident != 0 && record.key == key);
    }

    /// @inheritdoc IVoterRegistry
    function residentKey(uint32 resident) external view returns (address key, uint32 district) {
        Resident storage record = _residents[resident];
        return (record.key, record.district);
    }

    /// @inheritdoc IVoterRegistry
    function residentCount() external view returns (uint32) {
        return _residentCount;
    }
}

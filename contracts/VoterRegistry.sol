// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IVoterRegistry} from "./interfaces/IVoterRegistry.sol";

/// @title Voter registry
/// @notice Kept in the same deployment as the ballot box, and keyed by voter key: a ballot learns the
/// signer's resident, district, whether the key is active, and the resident's points from one storage
/// slot, instead of an external call and several loads.
abstract contract VoterRegistry is IVoterRegistry, AccessControl {
    bytes32 public constant REGISTRAR_ROLE = keccak256("REGISTRAR_ROLE");

    struct Identity {
        uint256 commitment;
        uint32 building;
    }

    /// @dev One slot per key. The resident's points live in their latest key's slot and move with it.
    struct Voter {
        uint32 resident;
        uint32 district;
        bool active;
        uint64 points;
    }

    mapping(bytes32 residentId => uint32 resident) private _residentIds;
    mapping(address key => Voter) internal _voters;
    /// @dev The resident's latest key, active or revoked.
    mapping(uint32 resident => address key) internal _latestKeys;
    mapping(uint32 resident => Identity) private _identities;
    uint32 private _residentCount;

    /// @dev The BN254 scalar field: a Semaphore commitment is one of its elements.
    uint256 internal constant SNARK_SCALAR_FIELD =
        21888242871839275222246405745257275088548364400416034343698204186575808495617;

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
        Voter storage record = _voters[key];
        address previous = _latestKeys[resident];
        if (record.resident != 0) {
            // Only the resident's own active key may be enrolled again, to move district.
            if (previous != key || !record.active) revert RegistryKeyTaken(key, record.resident);
            record.district = district;
            emit VoterEnrolled(residentId, resident, key, district);
            return resident;
        }

        uint64 points;
        if (previous != address(0)) {
            Voter storage old = _voters[previous];
            points = old.points;
            old.points = 0;
            if (old.active) {
                old.active = false;
                emit VoterRevoked(resident, previous);
            }
        }
        _voters[key] = Voter({resident: resident, district: district, active: true, points: points});
        _latestKeys[resident] = key;
        emit VoterEnrolled(residentId, resident, key, district);
    }

    /// @inheritdoc IVoterRegistry
    function revoke(bytes32 residentId) external onlyRole(REGISTRAR_ROLE) {
        uint32 resident = _residentIds[residentId];
        if (resident == 0) revert RegistryUnknownResident(residentId);
        address key = _latestKeys[resident];
        Voter storage record = _voters[key];
        if (!record.active) revert RegistryNoActiveKey(residentId);
        record.active = false;
        emit VoterRevoked(resident, key);
    }

    /// @inheritdoc IVoterRegistry
    function commitIdentity(bytes32 residentId, uint256 commitment, uint32 building) external onlyRole(REGISTRAR_ROLE) {
        uint32 resident = _residentIds[residentId];
        if (resident == 0) revert RegistryUnknownResident(residentId);
        if (commitment == 0 || commitment >= SNARK_SCALAR_FIELD) revert RegistryInvalidCommitment(commitment);
        _identities[resident] = Identity({commitment: commitment, building: building});
        emit IdentityCommitted(resident, commitment, building);
    }

    /// @inheritdoc IVoterRegistry
    function identityOf(uint32 resident) external view returns (uint256 commitment, uint32 building) {
        Identity storage identity = _identities[resident];
        return (identity.commitment, identity.building);
    }

    /// @inheritdoc IVoterRegistry
    function residentOf(bytes32 residentId) external view returns (uint32) {
        return _residentIds[residentId];
    }

    /// @inheritdoc IVoterRegistry
    function voter(address key) external view returns (uint32 resident, uint32 district, bool active) {
        Voter storage record = _voters[key];
        return (record.resident, record.district, record.active);
    }

    /// @inheritdoc IVoterRegistry
    function residentKey(uint32 resident) external view returns (address key, uint32 district) {
        address latest = _latestKeys[resident];
        Voter storage record = _voters[latest];
        return (record.active ? latest : address(0), record.district);
    }

    /// @inheritdoc IVoterRegistry
    function residentCount() external view returns (uint32) {
        return _residentCount;
    }
}

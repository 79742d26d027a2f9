// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.28;

// The audited Semaphore v4 Groth16 verifier, deployed as it is beside the ballot box, which calls it.
// solhint-disable-next-line no-unused-import
import {SemaphoreVerifier} from "@semaphore-protocol/contracts/base/SemaphoreVerifier.sol";

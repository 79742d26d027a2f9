/**
 * Identity enrolment for secret polls: the API takes a resident's Semaphore commitment, answers 202
 * once it is durable, and the registrar publishes it on-chain beside the resident's registry entry
 * with the building's public code — also when the API restarts before sending it.
 */
import { expect } from "chai";
import { Identity } from "@semaphore-protocol/identity";
import { buildingCode } from "../../contracts/protocol";
import { eventually, http, startStack } from "./harness";
import type { Stack } from "./harness";
import { enrolThroughApi, me, signedInResident } from "./residentHelpers";
import type { ErrorBody } from "./residentHelpers";

interface IdentityAnswer {
  commitment: string | null;
  status: "none" | "pending" | "mined";
}

async function identityOnChain(stack: Stack, resident: number) {
  const [commitment, building] = await stack.staff.identityOf(resident);
  return { commitment, building: Number(building) };
}

describe("identity enrolment", function () {
  this.timeout(180_000);
  let stack: Stack;

  before(async () => {
    stack = await startStack();
  });
  after(async () => {
    await stack.stop();
  });

  it("publishes the commitment with the building's code, and a new one replaces it", async () => {
    const { token } = await signedInResident(stack);
    await enrolThroughApi(stack, token);
    const none = await http<IdentityAnswer>(stack, "GET", "/api/me/identity", undefined, token);
    expect(none.body).to.deep.equal({ commitment: null, status: "none" });

    const first = new Identity("identity-test-first").commitment.toString();
    const posted = await http<IdentityAnswer>(stack, "POST", "/api/me/identity", { commitment: first }, token);
    expect(posted.status).to.equal(202);
    expect(posted.body).to.deep.equal({ commitment: first, status: "pending" });
    await eventually(async () => {
      const r = await http<IdentityAnswer>(stack, "GET", "/api/me/identity", undefined, token);
      return r.body.status === "mined" ? r.body : null;
    });
    const { resident, building } = await me(stack, token);
    expect(await identityOnChain(stack, resident!)).to.deep.equal({
      commitment: BigInt(first),
      building: buildingCode(building),
    });

    const second = new Identity("identity-test-second").commitment.toString();
    await http(stack, "POST", "/api/me/identity", { commitment: second }, token);
    await eventually(async () => {
      const onChain = await identityOnChain(stack, resident!);
      return onChain.commitment === BigInt(second) ? onChain : null;
    });
  });

  it("refuses a commitment outside the field, and a resident without a voter key, storing nothing", async () => {
    const { token } = await signedInResident(stack);
    const early = await http<ErrorBody>(
      stack,
      "POST",
      "/api/me/identity",
      { commitment: new Identity("too-early").commitment.toString() },
      token,
    );
    expect(early.status).to.equal(409);
    expect(early.body.error.code).to.equal("IDENTITY_NEEDS_VOTER_KEY");
    await enrolThroughApi(stack, token);
    for (const commitment of ["0", "21888242871839275222246405745257275088548364400416034343698204186575808495617"]) {
      const bad = await http<ErrorBody>(stack, "POST", "/api/me/identity", { commitment }, token);
      expect(bad.status).to.equal(400);
      expect(bad.body.error.code).to.equal("IDENTITY_COMMITMENT_INVALID");
    }
    const malformed = await http<ErrorBody>(stack, "POST", "/api/me/identity", { commitment: "0x12" }, token);
    expect(malformed.body.error.code).to.equal("INVALID_REQUEST");
    const after = await http<IdentityAnswer>(stack, "GET", "/api/me/identity", undefined, token);
    expect(after.body).to.deep.equal({ commitment: null, status: "none" });
    const anonymous = await http<ErrorBody>(stack, "GET", "/api/me/identity");
    expect(anonymous.status).to.equal(401);
  });

  it("sends a request left pending by an API that stopped before sending it", async () => {
    const { token, residentId } = await signedInResident(stack);
    await enrolThroughApi(stack, token);
    const commitment = new Identity("identity-test-restart").commitment;
    // What a crash right after the durable write leaves: a pending row and nothing sent.
    const sql = stack.api!.veche.ctx.sql;
    await sql.run(
      `INSERT INTO identity_commitments (resident_id, commitment, building, status, requested_at)
       VALUES (?, ?, ?, 'pending', ?)`,
      [residentId, commitment.toString(), buildingCode("Tverskaya 7"), Date.now()],
    );
    await stack.stopApi();
    await stack.startApi();
    const { resident } = await me(stack, token);
    await eventually(async () => {
      const onChain = await identityOnChain(stack, resident!);
      return onChain.commitment === commitment ? onChain : null;
    });
    const r = await eventually(async () => {
      const a = await http<IdentityAnswer>(stack, "GET", "/api/me/identity", undefined, token);
      return a.body.status === "mined" ? a.body : null;
    });
    expect(r.commitment).to.equal(commitment.toString());
  });
});

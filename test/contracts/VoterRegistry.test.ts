import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { Wallet, ZeroAddress, ZeroHash, id as hashText } from "ethers";
import { deployVecheFixture, enrolVoter } from "../fixtures";
import { ROLES } from "../../contracts/protocol/contract";

describe("VoterRegistry", function () {
  describe("enrol", function () {
    it("numbers new residents from 1 and records their key and district", async function () {
      const f = await loadFixture(deployVecheFixture);
      const registry = f.ballotBox.connect(f.registrar);
      const first = Wallet.createRandom().address;
      const second = Wallet.createRandom().address;

      expect(await registry.enrol.staticCall(hashText("anna"), first, 7)).to.equal(1n);
      await expect(registry.enrol(hashText("anna"), first, 7))
        .to.emit(f.ballotBox, "VoterEnrolled")
        .withArgs(hashText("anna"), 1, first, 7);
      await expect(registry.enrol(hashText("boris"), second, 9))
        .to.emit(f.ballotBox, "VoterEnrolled")
        .withArgs(hashText("boris"), 2, second, 9);

      expect(await f.ballotBox.residentCount()).to.equal(2n);
      expect(await f.ballotBox.residentOf(hashText("anna"))).to.equal(1n);
      expect(await f.ballotBox.residentOf(hashText("boris"))).to.equal(2n);
      expect(await f.ballotBox.voter(first)).to.deep.equal([1n, 7n, true]);
      expect(await f.ballotBox.residentKey(2)).to.deep.equal([second, 9n]);
    });

    it("knows nothing of a key or resident id that was never enrolled", async function () {
      const f = await loadFixture(deployVecheFixture);
      expect(await f.ballotBox.voter(Wallet.createRandom().address)).to.deep.equal([0n, 0n, false]);
      expect(await f.ballotBox.residentOf(hashText("nobody"))).to.equal(0n);
      expect(await f.ballotBox.residentKey(1)).to.deep.equal([ZeroAddress, 0n]);
      expect(await f.ballotBox.residentCount()).to.equal(0n);
    });

    it("revokes the old key when a resident enrols a new one", async function () {
      const f = await loadFixture(deployVecheFixture);
      const { key: oldKey, residentId, resident } = await enrolVoter(f, 4);
      const newKey = Wallet.createRandom().address;

      const tx = f.ballotBox.connect(f.registrar).enrol(residentId, newKey, 4);
      await expect(tx).to.emit(f.ballotBox, "VoterRevoked").withArgs(resident, oldKey.address);
      await expect(tx).to.emit(f.ballotBox, "VoterEnrolled").withArgs(residentId, resident, newKey, 4);

      expect(await f.ballotBox.voter(oldKey.address)).to.deep.equal([BigInt(resident), 4n, false]);
      expect(await f.ballotBox.voter(newKey)).to.deep.equal([BigInt(resident), 4n, true]);
      expect(await f.ballotBox.residentKey(resident)).to.deep.equal([newKey, 4n]);
      expect(await f.ballotBox.residentCount()).to.equal(1n);
    });

    it("moves a resident to another district when the same key is enrolled again", async function () {
      const f = await loadFixture(deployVecheFixture);
      const { key, residentId, resident } = await enrolVoter(f, 4);

      const tx = f.ballotBox.connect(f.registrar).enrol(residentId, key.address, 12);
      await expect(tx).to.emit(f.ballotBox, "VoterEnrolled").withArgs(residentId, resident, key.address, 12);
      await expect(tx).not.to.emit(f.ballotBox, "VoterRevoked");

      expect(await f.ballotBox.voter(key.address)).to.deep.equal([BigInt(resident), 12n, true]);
      expect(await f.ballotBox.residentCount()).to.equal(1n);
    });

    it("rejects a key that another resident holds", async function () {
      const f = await loadFixture(deployVecheFixture);
      const holder = await enrolVoter(f, 1);

      await expect(f.ballotBox.connect(f.registrar).enrol(hashText("someone else"), holder.key.address, 2))
        .to.be.revertedWithCustomError(f.ballotBox, "RegistryKeyTaken")
        .withArgs(holder.key.address, holder.resident);
      expect(await f.ballotBox.residentCount()).to.equal(1n);
      expect(await f.ballotBox.residentOf(hashText("someone else"))).to.equal(0n);
    });

    it("never gives a resident back a key it replaced", async function () {
      const f = await loadFixture(deployVecheFixture);
      const { key, residentId, resident } = await enrolVoter(f, 1);
      await (await f.ballotBox.connect(f.registrar).enrol(residentId, Wallet.createRandom().address, 1)).wait();

      await expect(f.ballotBox.connect(f.registrar).enrol(residentId, key.address, 1))
        .to.be.revertedWithCustomError(f.ballotBox, "RegistryKeyTaken")
        .withArgs(key.address, resident);
    });

    it("rejects the zero key and the zero resident id", async function () {
      const f = await loadFixture(deployVecheFixture);
      const registry = f.ballotBox.connect(f.registrar);
      await expect(registry.enrol(hashText("anna"), ZeroAddress, 1)).to.be.revertedWithCustomError(
        f.ballotBox,
        "RegistryZeroKey",
      );
      await expect(registry.enrol(ZeroHash, Wallet.createRandom().address, 1)).to.be.revertedWithCustomError(
        f.ballotBox,
        "RegistryZeroResidentId",
      );
      expect(await f.ballotBox.residentCount()).to.equal(0n);
    });
  });

  describe("revoke", function () {
    it("deactivates the resident's key and keeps their number", async function () {
      const f = await loadFixture(deployVecheFixture);
      const { key, residentId, resident } = await enrolVoter(f, 3);

      await expect(f.ballotBox.connect(f.registrar).revoke(residentId))
        .to.emit(f.ballotBox, "VoterRevoked")
        .withArgs(resident, key.address);

      expect(await f.ballotBox.voter(key.address)).to.deep.equal([BigInt(resident), 3n, false]);
      expect(await f.ballotBox.residentKey(resident)).to.deep.equal([ZeroAddress, 3n]);
      expect(await f.ballotBox.residentOf(residentId)).to.equal(BigInt(resident));
    });

    it("lets a revoked resident enrol a new key without revoking again", async function () {
      const f = await loadFixture(deployVecheFixture);
      const { residentId, resident } = await enrolVoter(f, 3);
      await (await f.ballotBox.connect(f.registrar).revoke(residentId)).wait();
      const newKey = Wallet.createRandom().address;

      const tx = f.ballotBox.connect(f.registrar).enrol(residentId, newKey, 3);
      await expect(tx).to.emit(f.ballotBox, "VoterEnrolled").withArgs(residentId, resident, newKey, 3);
      await expect(tx).not.to.emit(f.ballotBox, "VoterRevoked");
      expect(await f.ballotBox.voter(newKey)).to.deep.equal([BigInt(resident), 3n, true]);
    });

    it("rejects a resident without an active key and one never enrolled", async function () {
      const f = await loadFixture(deployVecheFixture);
      const { residentId } = await enrolVoter(f, 3);
      const registry = f.ballotBox.connect(f.registrar);
      await (await registry.revoke(residentId)).wait();

      await expect(registry.revoke(residentId))
        .to.be.revertedWithCustomError(f.ballotBox, "RegistryNoActiveKey")
        .withArgs(residentId);
      await expect(registry.revoke(hashText("nobody")))
        .to.be.revertedWithCustomError(f.ballotBox, "RegistryUnknownResident")
        .withArgs(hashText("nobody"));
    });
  });

  describe("roles", function () {
    it("lets only the registrar enrol", async function () {
      const f = await loadFixture(deployVecheFixture);
      for (const signer of [f.stranger, f.relayer, f.pollAdmin, f.admin]) {
        await expect(f.ballotBox.connect(signer).enrol(hashText("anna"), Wallet.createRandom().address, 1))
          .to.be.revertedWithCustomError(f.ballotBox, "AccessControlUnauthorizedAccount")
          .withArgs(signer.address, ROLES.registrar);
      }
      expect(await f.ballotBox.residentCount()).to.equal(0n);
    });

    it("lets only the registrar revoke", async function () {
      const f = await loadFixture(deployVecheFixture);
      const { key, residentId } = await enrolVoter(f, 1);
      await expect(f.ballotBox.connect(f.stranger).revoke(residentId))
        .to.be.revertedWithCustomError(f.ballotBox, "AccessControlUnauthorizedAccount")
        .withArgs(f.stranger.address, ROLES.registrar);
      expect((await f.ballotBox.voter(key.address)).active).to.equal(true);
    });
  });
});

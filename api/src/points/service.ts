/**
 * Participation points and rewards, read from the chain; a redemption is checked here first (key,
 * consent signature, stock, balance) for a clear error, then sent by the rewards wallet.
 */
import { getAddress, verifyTypedData } from "ethers";
import type { Logger } from "pino";
import { REDEMPTION_TYPES, ballotBoxInterface } from "../../../contracts/protocol";
import type { Chain } from "../chain/chain";
import { AppError, badRequest, conflict } from "../errors";
import type { VoterKeyService } from "../keys/service";
import { ContractRevert, readChain, sendAndWait } from "../keys/transactions";
import type { SerialSender } from "../keys/transactions";
import { voucherCode } from "./vouchers";

export interface RewardView {
  rewardId: number;
  cost: number;
  stock: number;
  active: boolean;
  uri: string;
}

const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";
const REDEEMED_TOPIC = ballotBoxInterface.getEvent("PointsRedeemed")!.topicHash;

const unavailableReward = (rewardId: number) =>
  conflict("REWARD_UNAVAILABLE", `reward ${rewardId} does not exist, is withdrawn or out of stock`);
const consentInvalid = () =>
  badRequest("CONSENT_INVALID", "the redemption must be signed by your active voter key with the current nonce");

export class PointsService {
  constructor(
    private readonly chain: Chain,
    private readonly keys: VoterKeyService,
    private readonly rewardsSender: SerialSender | null,
    private readonly log: Logger,
    /** The register's secret, which voucher codes are derived under. */
    private readonly pepper: () => string,
  ) {}

  async balance(residentId: string): Promise<{ resident: number | null; balance: number; redemptionNonce: number }> {
    const resident = await this.keys.residentNumber(residentId);
    if (resident === null) return { resident: null, balance: 0, redemptionNonce: 0 };
    const box = this.chain.ballotBox;
    const [balance, nonce] = await readChain(() =>
      Promise.all([box.pointsOf(resident), box.redemptionNonce(resident)]),
    );
    return { resident, balance: Number(balance), redemptionNonce: Number(nonce) };
  }

  async rewards(): Promise<RewardView[]> {
    const box = this.chain.ballotBox;
    const count = Number(await readChain(() => box.rewardCount()));
    const ids = Array.from({ length: count }, (_, i) => i);
    const rewards = await readChain(() => Promise.all(ids.map((id) => box.reward(id))));
    return rewards.map((r, rewardId) => ({
      rewardId,
      cost: Number(r.cost),
      stock: Number(r.stock),
      active: r.active,
      uri: r.uri,
    }));
  }

  async redeem(
    residentId: string,
    rewardId: number,
    signature: string,
  ): Promise<{ txHash: string; balance: number; voucher: string | null }> {
    const box = this.chain.ballotBox;
    const resident = await this.keys.residentNumber(residentId);
    const key = resident === null ? ZERO_ADDRESS : (await readChain(() => box.residentKey(resident)))[0];
    if (resident === null || key === ZERO_ADDRESS) {
      throw conflict("NO_VOTER_KEY", "enrol a voter key first; it signs your redemptions");
    }
    const count = Number(await readChain(() => box.rewardCount()));
    if (rewardId >= count) throw unavailableReward(rewardId);
    const [reward, nonce, balance] = await readChain(() =>
      Promise.all([box.reward(rewardId), box.redemptionNonce(resident), box.pointsOf(resident)]),
    );
    if (!reward.active || reward.stock === 0n) throw unavailableReward(rewardId);

    let signer: string;
    try {
      signer = verifyTypedData(this.chain.domain, REDEMPTION_TYPES, { rewardId, nonce }, signature);
    } catch {
      throw consentInvalid();
    }
    if (getAddress(signer) !== getAddress(key)) throw consentInvalid();
    if (balance < reward.cost) {
      throw conflict("POINTS_INSUFFICIENT", `this reward costs ${reward.cost} points; you have ${balance}`, {
        balance: Number(balance),
        cost: Number(reward.cost),
      });
    }

    if (!this.rewardsSender) {
      throw new AppError("SERVICE_NOT_CONFIGURED", 503, "no rewards key is configured (REWARDS_KEY)");
    }
    const args = [resident, rewardId, signature] as const;
    let receipt;
    try {
      receipt = await sendAndWait(
        this.rewardsSender,
        { to: this.chain.deployment.ballotBox, data: ballotBoxInterface.encodeFunctionData("redeem", args) },
        () => box.connect(this.chain.rewards).redeem.staticCall(...args),
        this.log,
      );
    } catch (err) {
      if (!(err instanceof ContractRevert)) throw err;
      const name = err.revert.name;
      if (name === "PointsInsufficient") throw conflict("POINTS_INSUFFICIENT", "not enough points for this reward");
      if (name === "RewardUnavailable") throw unavailableReward(rewardId);
      if (name === "PointsInvalidConsent") throw consentInvalid();
      this.log.error({ revert: err.revert }, "the contract refused a redemption");
      throw new AppError("CHAIN_REJECTED", 502, `the contract refused the redemption (${name})`);
    }
    const after = await readChain(() => box.pointsOf(resident, { blockTag: receipt.blockNumber }));
    const redeemed = receipt.logs.find((l) => l.topics[0] === REDEEMED_TOPIC);
    const voucher = redeemed ? voucherCode(this.pepper(), receipt.hash, redeemed.index) : null;
    return { txHash: receipt.hash, balance: Number(after), voucher };
  }
}

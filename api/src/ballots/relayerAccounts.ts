/**
 * Which relayer accounts this instance sends from. Every instance is given the same keys; the accounts
 * are leased through the store, about an equal share each, so two instances never sign with the same
 * account and nonce. A lease is renewed every check; one not renewed in time (its instance died or
 * lost the store) lapses, and another instance takes the account with its unmined ballots.
 */
import type { Wallet } from "ethers";
import type { Instance } from "../cluster/instance";

export interface Account {
  wallet: Wallet;
  privateKey: Buffer;
  address: string;
  nonce: number;
  inFlight: number;
  /** This instance may sign with the account until then (its lease, less a margin). */
  usableUntil: number;
  /** Its next nonce is known: set once the account is taken on. */
  ready: boolean;
}

export interface AccountChanges {
  /** Accounts taken on: set their nonce and load their unmined ballots before sending. */
  adopted: Account[];
  /** Accounts given up: sign nothing more with them. */
  dropped: Account[];
}

const leaseName = (address: string) => `relayer:${address}`;

export class RelayerAccounts {
  readonly held = new Map<string, Account>();
  private readonly candidates: { wallet: Wallet; address: string }[];

  constructor(
    wallets: readonly Wallet[],
    private readonly instance: Instance,
  ) {
    this.candidates = wallets.map((wallet) => ({ wallet, address: wallet.address }));
    // Instances try the accounts in different orders, so they rarely race for the same one.
    const offset = parseInt(instance.id.slice(0, 8), 16) % Math.max(1, this.candidates.length);
    this.candidates = [...this.candidates.slice(offset), ...this.candidates.slice(0, offset)];
  }

  /** Accounts usable right now. */
  usable(now = Date.now()): Account[] {
    return [...this.held.values()].filter((a) => a.ready && a.usableUntil > now);
  }

  /** Renews the leases held, gives up those above this instance's share, and takes free ones up to it. */
  async maintain(): Promise<AccountChanges> {
    const now = Date.now();
    const instances = await this.instance.heartbeat(now);
    const share = this.instance.options.exclusive
      ? this.candidates.length
      : Math.ceil(this.candidates.length / instances);
    const changes: AccountChanges = { adopted: [], dropped: [] };
    for (const account of [...this.held.values()]) {
      if (await this.instance.take(leaseName(account.address), now)) {
        account.usableUntil = this.instance.usableUntil(now);
      } else {
        this.drop(account, changes);
      }
    }
    for (const account of [...this.held.values()].slice(share)) this.drop(account, changes);
    for (const c of this.candidates) {
      if (this.held.size >= share) break;
      if (this.held.has(c.address)) continue;
      if (!(await this.instance.take(leaseName(c.address), now))) continue;
      const account: Account = {
        wallet: c.wallet,
        privateKey: Buffer.from(c.wallet.privateKey.slice(2), "hex"),
        address: c.address,
        nonce: 0,
        inFlight: 0,
        usableUntil: this.instance.usableUntil(now),
        ready: false,
      };
      this.held.set(c.address, account);
      changes.adopted.push(account);
    }
    return changes;
  }

  private drop(account: Account, changes: AccountChanges): void {
    // Whatever still holds the object (a check under way) sees it is no longer to be signed with.
    account.usableUntil = 0;
    this.held.delete(account.address);
    changes.dropped.push(account);
  }

  /** Gives up an account taken on whose nonce could not be read: another try takes it afresh. */
  async abandon(account: Account): Promise<void> {
    this.drop(account, { adopted: [], dropped: [] });
    await this.release(account);
  }

  /** Lets another instance take the account at once (after this one stopped signing with it). */
  release(account: Account): Promise<void> {
    return this.instance.leases.release(leaseName(account.address), this.instance.id);
  }
}

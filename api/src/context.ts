/** Everything a feature may use, built once by createApp. */
import type { Logger } from "pino";
import type { Config } from "./config";
import type { Chain } from "./chain/chain";
import type { Sql } from "./store/sql";
import type { Instance } from "./cluster/instance";
import type { ChainFollower } from "./indexer/follower";
import type { ChainState } from "./indexer/chainState";
import type { OutboxStore } from "./ballots/store";
import type { Relayer } from "./ballots/relayer";
import type { Metrics } from "./metrics";

export interface AppContext {
  config: Config;
  log: Logger;
  sql: Sql;
  instance: Instance;
  chain: Chain;
  follower: ChainFollower;
  state: ChainState;
  outbox: OutboxStore;
  relayer: Relayer;
  metrics: Metrics;
}

import fs from "node:fs";
import path from "node:path";
import { subtask, task } from "hardhat/config";
import { TASK_COMPILE, TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD } from "hardhat/builtin-tasks/task-names";
import type { HardhatUserConfig } from "hardhat/config";
import "@nomicfoundation/hardhat-toolbox";

/** One compiler for every network: the npm `solc` build, so compiling needs no download. */
export const SOLC_VERSION = "0.8.28";
/** Cancun is the newest EVM that Hyperledger Besu, anvil and Hardhat all run. */
export const EVM_VERSION = "cancun";

subtask(TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD, (args: { solcVersion: string }) => {
  if (args.solcVersion !== SOLC_VERSION) {
    throw new Error(`Veche compiles with solc ${SOLC_VERSION} only, asked for ${args.solcVersion}`);
  }
  const compilerPath = path.join(path.dirname(require.resolve("solc/package.json")), "soljson.js");
  return Promise.resolve({
    compilerPath,
    isSolcJs: true,
    version: SOLC_VERSION,
    longVersion: `${SOLC_VERSION}+commit.7893614a`,
  });
});

/**
 * The ballot box's ABI, without its bytecode, beside the protocol's specification: outside clients read
 * it there, and the browser bundle carries the ABI only. Rewritten after each compile when it changed.
 */
export const ABI_FILE = path.join(__dirname, "contracts", "protocol", "BallotBox.abi.json");

task(TASK_COMPILE).setAction(async (args, hre, runSuper) => {
  await runSuper(args);
  const { abi } = await hre.artifacts.readArtifact("BallotBox");
  const text = `${JSON.stringify(abi, null, 2)}\n`;
  if (!fs.existsSync(ABI_FILE) || fs.readFileSync(ABI_FILE, "utf8") !== text) fs.writeFileSync(ABI_FILE, text);
});

const config: HardhatUserConfig = {
  solidity: {
    version: SOLC_VERSION,
    settings: { evmVersion: EVM_VERSION, optimizer: { enabled: true, runs: 10_000 } },
  },
  networks: {
    hardhat: { blockGasLimit: 300_000_000 },
  },
  paths: { tests: "test", sources: "contracts" },
  mocha: { timeout: 120_000 },
  typechain: { outDir: "typechain-types", target: "ethers-v6" },
};

export default config;

import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { expect } from "chai";
import { startEmbeddedChain } from "../../../node/embedded/chain";
import type { EmbeddedChain } from "../../../node/embedded/chain";
import { ChainError } from "../../../node/embedded/errors";
import { tempDataDir } from "./voting";

async function failureOf(promise: Promise<unknown>): Promise<ChainError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).to.be.instanceOf(ChainError);
  return error as ChainError;
}

describe("embedded chain: port and data folder", function () {
  this.timeout(60_000);
  const dataDirs: string[] = [];
  const running: EmbeddedChain[] = [];
  const servers: net.Server[] = [];

  after(async () => {
    for (const chain of running) await chain.stop().catch(() => undefined);
    for (const server of servers) server.close();
    for (const dir of dataDirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("reports CHAIN_PORT_IN_USE for a taken port and starts nothing", async () => {
    const server = net.createServer();
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : 0;
    const dataDir = path.join(tempDataDir(), "data");
    dataDirs.push(path.dirname(dataDir));

    const error = await failureOf(startEmbeddedChain({ dataDir, port }));
    expect(error.code).to.equal("CHAIN_PORT_IN_USE");
    expect(error.message).to.include(String(port));
    expect(fs.existsSync(dataDir)).to.equal(false);
  });

  it("rejects a second node on a data folder whose node is running", async () => {
    const dataDir = tempDataDir();
    dataDirs.push(dataDir);
    running.push(await startEmbeddedChain({ dataDir, port: 0 }));

    const error = await failureOf(startEmbeddedChain({ dataDir, port: 0 }));
    expect(error.code).to.equal("CHAIN_DATA_DIR_IN_USE");
  });

  it("rejects a port that is not a port number", async () => {
    const dataDir = tempDataDir();
    dataDirs.push(dataDir);
    const error = await failureOf(startEmbeddedChain({ dataDir, port: 70000 }));
    expect(error.code).to.equal("CHAIN_CONFIG_INVALID");
  });
});

/** Port checks made before anvil is spawned, so a taken port is a clear error, not a dead child. */
import net from "node:net";
import { ChainError } from "./errors";

function listenOnce(port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once("error", reject);
    server.listen({ port, host, exclusive: true }, () => {
      const address = server.address();
      const bound = typeof address === "object" && address ? address.port : port;
      server.close(() => resolve(bound));
    });
  });
}

/** Throws CHAIN_PORT_IN_USE when something already listens on `host:port`. */
export async function assertPortFree(port: number, host: string): Promise<void> {
  try {
    await listenOnce(port, host);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE") {
      throw new ChainError(
        "CHAIN_PORT_IN_USE",
        `port ${port} on ${host} is in use; stop what listens there or set CHAIN_PORT to another port`,
      );
    }
    throw new ChainError("CHAIN_CONFIG_INVALID", `cannot listen on ${host}:${port}: ${(error as Error).message}`);
  }
}

/** A port that was free a moment ago (anvil cannot report a port it picked itself). */
export function pickFreePort(host: string): Promise<number> {
  return listenOnce(0, host);
}

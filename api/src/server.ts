/** Runs the API on a port; tests start it in-process on port 0. */
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "pino";
import { createApp } from "./app";
import type { VecheApp } from "./app";
import type { Config } from "./config";
import { clientErrorHandler } from "./http/errorHandler";

export interface RunningServer {
  url: string;
  port: number;
  veche: VecheApp;
  stop(): Promise<void>;
}

export async function startServer(config: Config, options: { logger?: Logger } = {}): Promise<RunningServer> {
  const veche = createApp(config, options);
  await veche.start();
  const server = http.createServer(veche.app);
  server.keepAliveTimeout = 65_000;
  server.on("clientError", clientErrorHandler);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  let stopping: Promise<void> | null = null;
  return {
    url: `http://${config.host}:${port}`,
    port,
    veche,
    stop() {
      stopping ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        });
        await veche.stop();
      })();
      return stopping;
    },
  };
}

export async function stopServer(server: RunningServer): Promise<void> {
  await server.stop();
}

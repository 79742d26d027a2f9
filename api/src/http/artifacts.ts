/**
 * The proving files of Semaphore's circuits, `semaphore-<depth>.wasm` and `.zkey` for depths 1 to 32,
 * served from the npm package `@zk-kit/semaphore-artifacts`: the browser proves with the files for its
 * census area's depth and nothing is fetched from elsewhere. They never change for a version, so they
 * are cached for a year; `sendFile` gives their length, for the browser's download progress.
 */
import path from "node:path";
import type express from "express";
import { semaphoreArtifactsDir } from "../../../contracts/protocol/node/semaphoreArtifacts";

const ARTIFACT = /^\/artifacts\/semaphore-([1-9]|[12][0-9]|3[0-2])\.(wasm|zkey)$/;

export function serveArtifacts(app: express.Express): void {
  const dir = semaphoreArtifactsDir();
  app.get(ARTIFACT, (req, res, next) => {
    const [, depth, kind] = ARTIFACT.exec(req.path) ?? [];
    res.sendFile(
      path.join(dir, `semaphore-${depth}.${kind}`),
      {
        maxAge: "365d",
        immutable: true,
        headers: { "content-type": kind === "wasm" ? "application/wasm" : "application/octet-stream" },
      },
      (err) => {
        if (err) next(err);
      },
    );
  });
}

/**
 * Stands in for `@zk-kit/artifacts` in the web client's bundle: that package downloads proving files
 * from a CDN when a caller passes none. Veche's prover always passes the API's own files, so the
 * download path is left out of the bundle and any call to it fails loudly instead of reaching out.
 */
export const Project = { SEMAPHORE: "semaphore" } as const;

export function maybeGetSnarkArtifacts(): never {
  throw new Error("proving files must come from the API's /artifacts, never from a CDN");
}

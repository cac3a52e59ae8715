// What a replica's shutdown and its health checks share: whether it is draining, and the transfers in flight.

export class Lifecycle {
  /** Set on SIGTERM: /readyz answers 503 so load balancers stop sending new requests here. */
  draining = false
  /** Artifact uploads and downloads being answered (counted by the metrics plugin). */
  transfers = 0
}

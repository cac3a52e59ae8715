// Route options and request context shared by the MLflow routes.

import { defaults } from '@modelreg/contract'
import type { FastifyRequest } from 'fastify'

/** Every MLflow RPC: a caller (Bearer token, or Basic with the token as password), kept out of the OpenAPI document. */
export const rpc = { config: { access: 'caller' as const, basicAuth: true }, schema: { hide: true } }
/** A read that MLflow sends as POST (searches, get-latest-versions): read-only tokens may make it. */
export const readRpc = { config: { ...rpc.config, readCall: true }, schema: { hide: true } }

/** The organisation a request acts on: /mlflow/{org}/api/… names it; the bare /api/2.0/mlflow… is `default`. */
export function orgOf(req: FastifyRequest): string {
  return (req.params as { org?: string }).org ?? defaults.org
}

/** Where the web UI is, as the client reached this server (for links such as a version's run). */
export function webOrigin(req: FastifyRequest): string {
  return `${req.protocol}://${req.host}`
}

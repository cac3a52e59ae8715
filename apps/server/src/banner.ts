// What the registry prints when it starts: where to open it, and (on the first start) the admin's password.

/** The address to open in a browser: a wildcard bind (0.0.0.0, ::) is reachable on loopback. */
export function openUrl(host: string, port: number): string {
  const h = host === '0.0.0.0' || host === '' ? '127.0.0.1' : host === '::' ? '::1' : host
  return `http://${h.includes(':') ? `[${h}]` : h}:${port}`
}

export function firstStartBanner(opts: { url: string; password: string; webUi: boolean }): string {
  const open = opts.webUi
    ? `Open the web UI at ${opts.url} and sign in as admin with it.`
    : `The web UI is not built (npm run build builds it); the API is at ${opts.url}/api/v1.`
  return [
    '',
    'First start: created user "admin" (site admin, organisation "default") with the one-time password',
    '',
    `    ${opts.password}`,
    '',
    open,
    `Programs use an API token: sign in (POST ${opts.url}/api/v1/auth/login), then POST /api/v1/tokens;`,
    `the API reference is at ${opts.url}/api/docs. Ctrl-C (or SIGTERM to this process) stops the registry.`,
    '',
    '',
  ].join('\n')
}

// Shared steps: signing in through the page, arranging data through the API, and saving screenshots.
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { expect, type Page } from '@playwright/test'
import { ADMIN_PASSWORD, BASE_URL } from '../env.js'

export const SCREENS = path.resolve(import.meta.dirname, '../test-results/screens')

export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENS, { recursive: true })
  // Transitions of dialogs are finished at once rather than waited for: the picture shows the screen at rest.
  await page.screenshot({ path: path.join(SCREENS, `${name}.png`), fullPage: true, animations: 'disabled' })
}

/** A suffix no other worker uses: each retry of a failed test runs in a new worker, so it gets a new one. */
export const RUN = randomBytes(3).toString('hex')
let made = 0
/**
 * A name not used before in this registry: the worker's suffix and a counter. Tests create their own data under
 * such names, so that a retry (or a repetition) never meets what an earlier attempt left behind.
 */
export const unique = (name: string) => `${name}-${RUN}${++made}`

export async function signIn(page: Page, username = 'admin', password = ADMIN_PASSWORD): Promise<void> {
  await page.goto('/')
  await page.getByLabel('Username').fill(username)
  await page.getByRole('textbox', { name: 'Password' }).fill(password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page.getByRole('heading', { name: 'Models', level: 1 })).toBeVisible()
}

/** An API caller with a fresh admin token (the UI is not the subject of arrangement steps). */
export async function adminApi(): Promise<(method: string, url: string, body?: unknown) => Promise<Response>> {
  const login = await fetch(`${BASE_URL}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
  })
  const session = (await login.json()) as { csrfToken: string }
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? ''
  const created = await fetch(`${BASE_URL}/api/v1/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': session.csrfToken },
    body: JSON.stringify({ name: unique(`e2e-${Date.now()}`), scope: 'admin' }),
  })
  const { token } = (await created.json()) as { token: string }
  return (method, url, body) =>
    fetch(`${BASE_URL}${url}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
}

/** A field's label exactly, allowing the required marker (" *") that Mantine draws after it. */
export const label = (text: string) => new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\s\\*)?$`)

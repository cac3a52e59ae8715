// Sign-in, a private model hidden from another member, search and filters kept in the URL, and the other screens.
// Every name here is unique to this worker (unique()), so a retry after a failure creates its data again cleanly.
import { expect, test } from '@playwright/test'
import { ADMIN_PASSWORD } from '../env.js'
import { adminApi, label, RUN, screenshot, signIn, unique } from './helpers.js'

const BERT = unique('bert-sentiment')
const YOLO = unique('yolo-detector')
const HOUSE = unique('house-prices')
const SECRET = unique('secret-model')
const BOB = unique('bob')
const BOB_PASSWORD = 'bob-password-1'

test.beforeAll(async () => {
  const api = await adminApi()
  const models = [
    { name: BERT, framework: 'pytorch', taskType: 'classification', tags: ['nlp'], publicAccess: true },
    {
      name: YOLO,
      framework: 'onnx',
      taskType: 'detection',
      modelType: 'yolo',
      tags: ['vision'],
      publicAccess: true,
    },
    {
      name: HOUSE,
      framework: 'others',
      frameworkOther: 'XGBoost',
      taskType: 'regression',
      publicAccess: true,
    },
    { name: SECRET, framework: 'tensorflow', publicAccess: false },
  ]
  // 409: this worker made it already (its names are its own), when beforeAll runs again for a repetition.
  for (const m of models) {
    const res = await api('POST', '/api/v1/models', m)
    expect([201, 409], await res.text()).toContain(res.status)
  }
  const bob = await api('POST', '/api/v1/users', { username: BOB, password: BOB_PASSWORD })
  expect([201, 409]).toContain(bob.status)
  expect((await api('PUT', `/api/v1/orgs/default/members/${BOB}`, { role: 'member' })).ok).toBe(true)
})

test('a wrong password is refused with a message, the right one signs in', async ({ page }) => {
  await page.goto('/')
  await page.getByLabel(label('Username')).fill('admin')
  await page.getByRole('textbox', { name: 'Password' }).fill('not-the-password')
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page.getByRole('alert')).toBeVisible()
  await screenshot(page, '11-sign-in-refused')
  await page.getByRole('textbox', { name: 'Password' }).fill(ADMIN_PASSWORD)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page.getByRole('heading', { name: 'Models', level: 1 })).toBeVisible()
})

test('search and filters narrow the list and live in the URL', async ({ page }) => {
  await signIn(page)
  const table = page.getByRole('table', { name: 'Models' })
  await expect(table.getByRole('link', { name: HOUSE })).toBeVisible()
  await page.getByLabel(label('Search')).fill(BERT)
  await expect(page).toHaveURL(new RegExp(`q=${BERT}`))
  await expect(table.getByRole('link', { name: BERT })).toBeVisible()
  await expect(table.getByRole('link', { name: YOLO })).toHaveCount(0)
  // Straight from "Clear filters" to a filter, without waiting for the list: the search must not come back.
  await page.getByRole('button', { name: 'Clear filters' }).click()
  await page.getByLabel(label('Framework')).selectOption({ label: 'ONNX' })
  await expect(page).toHaveURL(/framework=onnx/)
  await expect(page).not.toHaveURL(/q=/)
  await expect(table.getByRole('link', { name: YOLO })).toBeVisible()
  await expect(table.getByRole('link', { name: BERT })).toHaveCount(0)
  await screenshot(page, '12-models-filtered')
  // A shared link opens the same view.
  await page.reload()
  await expect(page.getByLabel(label('Framework'))).toHaveValue('onnx')
  await expect(table.getByRole('link', { name: YOLO })).toBeVisible()
  // "Others" shows its free text.
  await page.goto(`/models?taskType=regression&q=${HOUSE}`)
  await expect(table.getByRole('cell', { name: 'XGBoost' })).toBeVisible()
  await page.goto('/models?q=nothing-matches-this')
  await expect(page.getByText('No model matches these filters')).toBeVisible()
})

test('the Status and Stage badges of the list show their whole label', async ({ page }) => {
  await signIn(page)
  const table = page.getByRole('table', { name: 'Models' })
  await expect(table.getByRole('link', { name: BERT })).toBeVisible()
  const badges = table.locator('.mantine-Badge-label')
  await expect(badges.filter({ hasText: 'Development' }).first()).toBeVisible()
  const cut = await badges.evaluateAll((labels) =>
    labels.filter((l) => l.scrollWidth > l.clientWidth).map((l) => l.textContent),
  )
  expect(cut).toEqual([])
})

test('a private model is invisible to another member', async ({ page }) => {
  await signIn(page, BOB, BOB_PASSWORD)
  const table = page.getByRole('table', { name: 'Models' })
  // This worker's models only (their names share its suffix): the secret one would be among them.
  await page.getByLabel(label('Search')).fill(RUN)
  await expect(table.getByRole('link', { name: YOLO })).toBeVisible()
  await expect(table.getByRole('link', { name: BERT })).toBeVisible()
  await expect(table.getByRole('link', { name: SECRET })).toHaveCount(0)
  await screenshot(page, '13-models-as-bob')
  await page.goto(`/models/default/${SECRET}`)
  await expect(page.getByText('This model cannot be shown')).toBeVisible()
  await expect(page.getByText(/not found/)).toBeVisible()
})

test('tokens are shown once and revoked; the other screens render', async ({ page }) => {
  const TOKEN = unique('laptop CLI')
  await signIn(page)
  await page.getByRole('link', { name: 'API tokens' }).click()
  await page.getByLabel(label('Token name')).fill(TOKEN)
  await page.getByRole('button', { name: 'Create token' }).click()
  await expect(page.getByLabel('New token', { exact: true })).toHaveText(/^mrt_/)
  await screenshot(page, '14-token-created')
  await page.getByRole('button', { name: 'Done' }).click()
  await page.getByRole('button', { name: `Revoke ${TOKEN}` }).click()
  await expect(page.getByRole('cell', { name: TOKEN })).toHaveCount(0)

  await page.getByRole('link', { name: 'Members' }).click()
  await expect(page.getByRole('cell', { name: BOB, exact: true })).toBeVisible()
  await screenshot(page, '15-members')

  await page.getByRole('link', { name: 'Deployments' }).click()
  await expect(page.getByRole('heading', { name: 'Deployments', level: 1 })).toBeVisible()
  await screenshot(page, '16-deployments')

  await page.getByRole('link', { name: 'Analytics' }).click()
  await expect(page.getByRole('region', { name: 'Models by status' })).toBeVisible()
  // The donut names its slices.
  await expect(page.getByRole('list', { name: 'Legend: models by status' }).getByText(/^Draft: \d+$/)).toBeVisible()
  // Every framework has its label, and a count axis counts in whole numbers.
  const frameworks = page.getByRole('region', { name: 'Models by framework' })
  for (const name of ['PyTorch', 'TensorFlow', 'ONNX', 'Scikit-learn', 'Others'])
    await expect(frameworks.locator('svg text').filter({ hasText: new RegExp(`^${name}$`) })).toBeVisible()
  const ticks = (await frameworks.locator('svg text').allTextContents()).filter((t) => /^[\d.,\s]+$/.test(t))
  expect(ticks.length).toBeGreaterThan(1)
  for (const tick of ticks) expect(tick.trim()).toMatch(/^\d+$/)
  // The metric chart follows the typing: no Enter.
  await page.getByLabel('Model for the metric chart').fill(BERT)
  await expect(page.getByText(`No version of ${BERT} records a metric yet.`)).toBeVisible()
  await screenshot(page, '17-analytics')

  // Dark theme.
  await page.getByRole('button', { name: 'Switch to the dark theme' }).click()
  await expect(page.locator('html')).toHaveAttribute('data-mantine-color-scheme', 'dark')
  await page.getByRole('link', { name: 'Models' }).click()
  await expect(page.getByRole('table', { name: 'Models' }).getByRole('link', { name: BERT })).toBeVisible()
  await screenshot(page, '18-models-dark')
})

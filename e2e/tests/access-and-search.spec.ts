// Sign-in, a private model hidden from another member, search and filters kept in the URL, and the other screens.
import { expect, test } from '@playwright/test'
import { ADMIN_PASSWORD } from '../env.js'
import { adminApi, label, screenshot, signIn } from './helpers.js'

test.beforeAll(async () => {
  const api = await adminApi()
  const models = [
    { name: 'bert-sentiment', framework: 'pytorch', taskType: 'classification', tags: ['nlp'], publicAccess: true },
    {
      name: 'yolo-detector',
      framework: 'onnx',
      taskType: 'detection',
      modelType: 'yolo',
      tags: ['vision'],
      publicAccess: true,
    },
    {
      name: 'house-prices',
      framework: 'others',
      frameworkOther: 'XGBoost',
      taskType: 'regression',
      publicAccess: true,
    },
    { name: 'secret-model', framework: 'tensorflow', publicAccess: false },
  ]
  for (const m of models) expect((await api('POST', '/api/v1/models', m)).status).toBe(201)
  expect((await api('POST', '/api/v1/users', { username: 'bob', password: 'bob-password-1' })).status).toBe(201)
  expect((await api('PUT', '/api/v1/orgs/default/members/bob', { role: 'member' })).ok).toBe(true)
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
  await expect(table.getByRole('link', { name: 'house-prices' })).toBeVisible()
  await page.getByLabel(label('Search')).fill('bert')
  await expect(page).toHaveURL(/q=bert/)
  await expect(table.getByRole('link', { name: 'bert-sentiment' })).toBeVisible()
  await expect(table.getByRole('link', { name: 'yolo-detector' })).toHaveCount(0)
  await page.getByRole('button', { name: 'Clear filters' }).click()
  await page.getByLabel(label('Framework')).selectOption({ label: 'ONNX' })
  await expect(page).toHaveURL(/framework=onnx/)
  await expect(table.getByRole('link', { name: 'yolo-detector' })).toBeVisible()
  await expect(table.getByRole('link', { name: 'bert-sentiment' })).toHaveCount(0)
  await screenshot(page, '12-models-filtered')
  // A shared link opens the same view.
  await page.reload()
  await expect(page.getByLabel(label('Framework'))).toHaveValue('onnx')
  await expect(table.getByRole('link', { name: 'yolo-detector' })).toBeVisible()
  // "Others" shows its free text.
  await page.goto('/models?taskType=regression')
  await expect(table.getByRole('cell', { name: 'XGBoost' })).toBeVisible()
  await page.goto('/models?q=nothing-matches-this')
  await expect(page.getByText('No model matches these filters')).toBeVisible()
})

test('a private model is invisible to another member', async ({ page }) => {
  await signIn(page, 'bob', 'bob-password-1')
  const table = page.getByRole('table', { name: 'Models' })
  await expect(table.getByRole('link', { name: 'bert-sentiment' })).toBeVisible()
  await expect(table.getByRole('link', { name: 'secret-model' })).toHaveCount(0)
  await screenshot(page, '13-models-as-bob')
  await page.goto('/models/default/secret-model')
  await expect(page.getByText('This model cannot be shown')).toBeVisible()
  await expect(page.getByText(/not found/)).toBeVisible()
})

test('tokens are shown once and revoked; the other screens render', async ({ page }) => {
  await signIn(page)
  await page.getByRole('link', { name: 'API tokens' }).click()
  await page.getByLabel(label('Token name')).fill('laptop CLI')
  await page.getByRole('button', { name: 'Create token' }).click()
  await expect(page.getByLabel('New token', { exact: true })).toHaveText(/^mrt_/)
  await screenshot(page, '14-token-created')
  await page.getByRole('button', { name: 'Done' }).click()
  await page.getByRole('button', { name: 'Revoke laptop CLI' }).click()
  await expect(page.getByRole('cell', { name: 'laptop CLI' })).toHaveCount(0)

  await page.getByRole('link', { name: 'Members' }).click()
  await expect(page.getByRole('cell', { name: 'bob', exact: true })).toBeVisible()
  await screenshot(page, '15-members')

  await page.getByRole('link', { name: 'Deployments' }).click()
  await expect(page.getByRole('heading', { name: 'Deployments', level: 1 })).toBeVisible()
  await screenshot(page, '16-deployments')

  await page.getByRole('link', { name: 'Analytics' }).click()
  await expect(page.getByRole('region', { name: 'Models by status' })).toBeVisible()
  await page.getByLabel('Model for the metric chart').fill('bert-sentiment')
  await page.getByLabel('Model for the metric chart').press('Enter')
  await screenshot(page, '17-analytics')

  // Dark theme.
  await page.getByRole('button', { name: 'Switch to the dark theme' }).click()
  await expect(page.locator('html')).toHaveAttribute('data-mantine-color-scheme', 'dark')
  await page.getByRole('link', { name: 'Models' }).click()
  await screenshot(page, '18-models-dark')
})

// The product doc's whole journey in Chromium: register its example configuration, view, edit, new version with a
// file, download and compare bytes, promote to Production, deploy, be refused deletion, stop, delete.
import { createHash, randomBytes } from 'node:crypto'
import fs from 'node:fs'
import { expect, test } from '@playwright/test'
import { label, screenshot, signIn, unique } from './helpers.js'

const weights = randomBytes(3 * 1024 * 1024 + 17)
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex')

test('the doc journey: create, view, edit, version, download, promote, deploy, delete guard, delete', async ({
  page,
}) => {
  // The whole product in one test: a budget of three test timeouts for a loaded machine.
  test.slow()
  // The doc's example name, made unique so that a retry registers it again.
  const MODEL = unique('resnet50-imagenet-v1')
  await signIn(page)
  await screenshot(page, '01-models')

  // Registering a Model: the doc's form, sections, defaults and helper texts.
  await page.getByRole('button', { name: 'Create', exact: true }).click()
  const create = page.getByRole('dialog', { name: 'Create Model' })
  await expect(create).toBeVisible()
  for (const section of ['Basic Information', 'Model Configuration', 'Metadata'])
    await expect(create.getByRole('group', { name: section })).toBeVisible()
  for (const name of ['Model Name', 'Version', 'Description', 'Framework', 'Task Type', 'Model Type', 'Status'])
    await expect(create.getByLabel(label(name))).toBeVisible()
  for (const name of ['Tags', 'Author', 'License', 'Public Access'])
    await expect(create.getByLabel(label(name))).toBeVisible()
  await expect(create.getByText('Semantic version (major.minor.patch)')).toBeVisible()
  await expect(create.getByLabel(label('Version'))).toHaveValue('1.0.0')
  await expect(create.getByLabel(label('Task Type'))).toHaveValue('classification')
  await expect(create.getByLabel(label('Model Type'))).toHaveValue('custom')
  await expect(create.getByLabel(label('Status'))).toHaveValue('draft')
  await expect(create.getByRole('button', { name: 'Cancel' })).toBeVisible()

  // Validation at the field before submit.
  await create.getByRole('button', { name: 'Create Model' }).click()
  await expect(create.getByText('Model Name is required')).toBeVisible()
  await expect(create.getByText('Select a framework')).toBeVisible()
  // The focus goes to the first field in error; its example (placeholder) stays grey, not red like a typed value.
  const nameField = create.getByLabel(label('Model Name'))
  await expect(nameField).toBeFocused()
  await expect(nameField).toHaveAttribute('aria-invalid', 'true')
  const colours = await nameField.evaluate((el) => {
    const style = getComputedStyle(el)
    return {
      placeholder: style.getPropertyValue('--input-placeholder-color'),
      error: style.getPropertyValue('--mantine-color-error'),
    }
  })
  expect(colours.placeholder).not.toBe(colours.error)
  // "Others" reveals its text box.
  await create.getByLabel(label('Framework')).selectOption('others')
  await expect(create.getByLabel('Other framework')).toBeVisible()
  await screenshot(page, '02-create-model-validation')

  // The doc's Example Configuration.
  await create.getByLabel(label('Model Name')).fill(MODEL)
  await create.getByLabel(label('Description')).fill('ResNet50 trained on ImageNet-1K, 76.5% top-1 accuracy')
  await create.getByLabel(label('Framework')).selectOption({ label: 'PyTorch' })
  await create.getByLabel(label('Task Type')).selectOption({ label: 'Classification' })
  await create.getByLabel(label('Model Type')).selectOption({ label: 'Custom' })
  await create.getByLabel(label('Status')).selectOption({ label: 'Draft' })
  await create.getByLabel(label('Tags')).fill('computer-vision, production')
  await create.getByLabel(label('Author')).fill('ML Team')
  await create.getByLabel(label('License')).selectOption({ label: 'MIT' })
  await create.getByLabel('Public Access').check()
  await screenshot(page, '03-create-model-filled')
  await create.getByRole('button', { name: 'Create Model' }).click()

  // Viewing Model Details.
  await expect(page.getByRole('heading', { name: MODEL, level: 1 })).toBeVisible()
  for (const section of ['Basic Information', 'Model Configuration', 'Metadata', 'Artifacts'])
    await expect(page.getByRole('region', { name: section })).toBeVisible()
  const config = page.getByRole('region', { name: 'Model Configuration' })
  await expect(config.getByText('PyTorch')).toBeVisible()
  const metadata = page.getByRole('region', { name: 'Metadata' })
  await expect(metadata.getByText('computer-vision, production')).toBeVisible()
  await expect(metadata.getByText('MIT')).toBeVisible()
  await screenshot(page, '04-model-details')

  // Editing: three-dot menu → Edit opens the same form; only the editable fields are enabled.
  await page.getByRole('button', { name: 'More actions' }).click()
  await page.getByRole('menuitem', { name: 'Edit' }).click()
  const edit = page.getByRole('dialog', { name: 'Edit Model' })
  await expect(edit).toBeVisible()
  await edit.getByRole('button', { name: 'Cancel' }).click()
  await expect(edit).toBeHidden()
  await page.getByRole('button', { name: 'Edit', exact: true }).click()
  await expect(edit).toBeVisible()
  for (const locked of ['Model Name', 'Version', 'Framework'])
    await expect(edit.getByLabel(label(locked))).toBeDisabled()
  for (const open of ['Description', 'Tags', 'Status', 'Author', 'License'])
    await expect(edit.getByLabel(label(open))).toBeEnabled()
  await expect(edit.getByLabel('Public Access')).toBeEnabled()
  await edit.getByLabel(label('Author')).fill('Vision Team')
  await screenshot(page, '05-edit-model')
  await edit.getByRole('button', { name: 'Update Model' }).click()
  await expect(edit).toBeHidden()
  await expect(metadata.getByText('Vision Team')).toBeVisible()

  // Creating a New Version: prefilled with the next minor, a metric and an uploaded file.
  await page.getByRole('button', { name: 'New Version', exact: true }).click()
  const nv = page.getByRole('dialog', { name: 'New Version' })
  await expect(nv.getByLabel(label('Version'))).toHaveValue('1.1.0')
  await nv.getByLabel('Description').fill('Fine-tuned with stronger augmentation')
  await nv.getByRole('button', { name: 'Add metric' }).click()
  await nv.getByLabel('Metric 1 name').fill('top1_accuracy')
  await nv.getByLabel('Metric 1 value').fill('0.781')
  await nv.getByLabel('Artifact files').setInputFiles([
    { name: 'weights.bin', mimeType: 'application/octet-stream', buffer: weights },
    {
      name: 'README.md',
      mimeType: 'text/markdown',
      buffer: Buffer.from(
        '# ResNet50\n\nA **model card** <script>alert(1)</script>\n\n| metric | value |\n| --- | --- |\n| top1 | 0.781 |\n',
      ),
    },
  ])
  await expect(nv.getByText('weights.bin')).toBeVisible()
  await screenshot(page, '06-new-version')
  await nv.getByRole('button', { name: 'Create', exact: true }).click()
  await expect(nv).toBeHidden({ timeout: 30_000 })
  await expect(page.getByLabel('Showing version')).toHaveValue('1.1.0')
  const artifacts = page.getByRole('region', { name: 'Artifacts' })
  await expect(artifacts.getByRole('cell', { name: 'weights.bin', exact: true })).toBeVisible()
  await expect(page.getByRole('region', { name: 'Metrics' }).getByText('top1_accuracy')).toBeVisible()
  // Tags, Author and License carry over from the version before.
  await expect(metadata.getByText('computer-vision, production')).toBeVisible()
  await expect(metadata.getByText('Vision Team')).toBeVisible()
  // The README renders as a model card, its HTML dropped.
  const card = page.getByRole('region', { name: 'Model card' })
  await expect(card.getByRole('heading', { name: 'ResNet50' })).toBeVisible()
  await expect(card.locator('script')).toHaveCount(0)
  // GitHub-flavoured Markdown: a table, not pipes.
  await expect(card.getByRole('table').getByRole('cell', { name: '0.781' })).toBeVisible()
  await expect(card.getByText('| metric')).toHaveCount(0)
  await screenshot(page, '07-version-1.1.0')

  // Downloading Model Artifacts: the bytes are the ones uploaded.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    artifacts.getByRole('link', { name: 'Download weights.bin' }).click(),
  ])
  const saved = await download.path()
  expect(sha256(fs.readFileSync(saved))).toBe(sha256(weights))

  // Lifecycle: promote to Production with a comment; the history says who and when.
  const lifecycle = page.getByRole('region', { name: 'Lifecycle' })
  await lifecycle.getByRole('button', { name: 'Change stage' }).click()
  const stage = page.getByRole('dialog', { name: /Change stage/ })
  await stage.getByLabel(label('Stage')).selectOption({ label: 'Production' })
  await stage.getByLabel(label('Comment')).fill('Passed the offline evaluation')
  await stage.getByRole('button', { name: 'Change stage' }).click()
  await expect(stage).toBeHidden()
  await expect(lifecycle.getByText('Development → Production')).toBeVisible()
  await expect(lifecycle.getByText('Created in Development')).toBeVisible()
  await expect(lifecycle.getByText('Passed the offline evaluation')).toBeVisible()
  await expect(lifecycle.getByText(/by admin/).first()).toBeVisible()
  await screenshot(page, '08-lifecycle')

  // Start a deployment.
  const deployments = page.getByRole('region', { name: 'Deployments' })
  await deployments.getByRole('button', { name: 'Start deployment' }).click()
  const start = page.getByRole('dialog', { name: /Start a deployment/ })
  await start.getByLabel(label('Environment')).fill('production')
  await start.getByRole('button', { name: 'Start deployment' }).click()
  await expect(start).toBeHidden()
  await expect(deployments.getByText('Active')).toBeVisible()

  // The list says where the model is: in Production with 1.1.0, whatever the latest version's stage.
  await page.goto(`/models?q=${MODEL}`)
  const row = page.getByRole('table', { name: 'Models' }).getByRole('row').filter({ hasText: MODEL })
  await expect(row.getByRole('cell').nth(5)).toHaveText(/^Production\s*1\.1\.0$/)
  // A version that does not exist is named as such.
  await page.goto(`/models/default/${MODEL}?version=9.9.9`)
  await expect(page.getByRole('alert')).toContainText('Version 9.9.9 does not exist')
  await page.getByRole('link', { name: 'Show the latest version' }).click()
  await expect(page.getByLabel('Showing version')).toHaveValue('1.1.0')

  // Deleting a deployed model is refused in the doc's words, with the checklist and a link to the deployments.
  await page.getByRole('button', { name: 'Delete', exact: true }).click()
  const del = page.getByRole('dialog', { name: `Delete ${MODEL}?` })
  await expect(
    del.getByText('You cannot delete a model that is currently deployed. Stop all deployments first.'),
  ).toBeVisible()
  for (const item of [
    'Check for active deployments',
    'Download artifacts if needed',
    'Update dependent systems',
    'Archive instead of delete if uncertain',
  ])
    await expect(del.getByText(item)).toBeVisible()
  await expect(del.getByRole('link', { name: 'See its deployments' })).toBeVisible()
  await expect(del.getByRole('button', { name: 'Delete', exact: true })).toBeDisabled()
  await screenshot(page, '09-delete-refused')
  await del.getByRole('button', { name: 'Cancel' }).click()
  await expect(page.getByRole('heading', { name: MODEL, level: 1 })).toBeVisible()

  // Stop the deployment, then delete.
  await deployments.getByRole('button', { name: /Stop deployment/ }).click()
  await expect(deployments.getByRole('button', { name: /Stop deployment/ })).toHaveCount(0)
  await page.getByRole('button', { name: 'Delete', exact: true }).click()
  await expect(del.getByText('This deletes every version')).toBeVisible()
  await screenshot(page, '10-delete-confirm')
  await del.getByRole('button', { name: 'Delete', exact: true }).click()
  await expect(page).toHaveURL(/\/models$/)
  await expect(page.getByRole('heading', { name: 'Models', level: 1 })).toBeVisible()
  await expect(page.getByRole('link', { name: MODEL })).toHaveCount(0)
})

// Keyboard use: a dialog opens from the keyboard, focuses its first field, keeps Tab inside, submits on Enter and
// closes on Escape.
import { expect, test } from '@playwright/test'
import { label, signIn, unique } from './helpers.js'

test('the Create Model dialog works from the keyboard and traps focus', async ({ page }) => {
  await signIn(page)
  await page.getByRole('button', { name: 'Create', exact: true }).focus()
  await page.keyboard.press('Enter')
  const dialog = page.getByRole('dialog', { name: 'Create Model' })
  await expect(dialog).toBeVisible()
  await expect(dialog.getByLabel(label('Model Name'))).toBeFocused()

  // Tab cycles through the dialog's controls and never leaves it.
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab')
    expect(await dialog.evaluate((d) => d.contains(document.activeElement))).toBe(true)
  }

  // Escape closes it; the next opening starts clean.
  await page.keyboard.press('Escape')
  await expect(dialog).toBeHidden()
  await page.getByRole('button', { name: 'Create', exact: true }).press('Enter')
  await expect(dialog.getByLabel(label('Model Name'))).toBeFocused()
  const name = unique('keyboard-model')
  await page.keyboard.type(name)
  await dialog.getByLabel(label('Framework')).focus()
  // Type-ahead on a native select picks "ONNX".
  await page.keyboard.type('O')
  await expect(dialog.getByLabel(label('Framework'))).toHaveValue('onnx')
  await dialog.getByLabel(label('Model Name')).press('Enter')
  await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible()

  // The same name again: the server's refusal lands on Model Name, which gets the focus (not <body>).
  await page.goto('/models')
  await page.getByRole('button', { name: 'Create', exact: true }).click()
  await dialog.getByLabel(label('Model Name')).fill(name)
  await dialog.getByLabel(label('Framework')).selectOption('onnx')
  await dialog.getByRole('button', { name: 'Create Model' }).click()
  await expect(dialog.getByText(/already exists/)).toBeVisible()
  await expect(dialog.getByLabel(label('Model Name'))).toBeFocused()
  await expect(dialog.getByLabel(label('Model Name'))).toBeInViewport()
})

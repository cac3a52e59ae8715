import { createTheme, Input } from '@mantine/core'

export const theme = createTheme({
  primaryColor: 'indigo',
  defaultRadius: 'sm',
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  components: {
    Input: Input.extend({
      // Mantine paints the placeholder of an invalid field red, where it reads like a typed value ("resnet50-imagenet"
      // in red after an empty submit). The border and the message say what is wrong; the example stays grey.
      styles: { input: { '--input-placeholder-color': 'var(--mantine-color-placeholder)' } },
    }),
  },
})

// What every browser test file shares: the two tablet sizes, Chromium's flags on these machines, the
// screenshot folder, and the lifecycle — the static server over the fake-backend build (dist-fake/, or
// SHOUWANG_DIST) and Debian's Chromium started before a file's tests and stopped after them. Importing
// this module registers those hooks; `browser` and `server` are live bindings.
import { before, after } from 'node:test'
import { mkdir } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { dirname, join } from 'node:path'
import { chromium } from 'playwright-core'
import { serve } from './server.mjs'

export const here = dirname(fileURLToPath(import.meta.url))
export const shots = join(here, '../../docs/screenshots')
export const SIZES = [
  { width: 1280, height: 800 },
  { width: 800, height: 1280 },
]
export const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']

export let browser
export let server

before(async () => {
  await mkdir(shots, { recursive: true })
  server = await serve(process.env.SHOUWANG_DIST ?? join(here, '../dist-fake'))
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: FLAGS })
})

after(async () => {
  await browser?.close()
  await server?.close()
})

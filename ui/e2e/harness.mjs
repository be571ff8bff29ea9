// What every browser test file shares: the two tablet sizes, Chromium's flags on these machines, the
// screenshot folder, a scene's query, and the lifecycle — the static server over the test build
// (dist-fake/, or SHOUWANG_DIST), replaying or recording the scenes' fixtures (server.mjs), and Debian's
// Chromium, started before a file's tests and stopped after them. Importing this module registers those
// hooks; `browser` and `server` are live bindings.
import { before, after } from 'node:test'
import assert from 'node:assert/strict'
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
  // A call the recorded fixture does not hold fails the file, naming the call (re-record: README).
  assert.deepEqual(server?.misses ?? [], [], 'calls without a recorded answer')
})

/** The scenes' time (the fixture backend's clock starts there): pages read it too, so that the dates a
 * screen fills in by default are the same in every recording and replay, whatever the machine's day. */
export const SCENE_TIME = new Date('2026-11-23T08:30:00+08:00')

/** A page's query for `scene`, whose options (role, fresh, local, locked) the fixture records; `lang`
 * is the UI's own. */
export function sceneQuery(scene, { lang = 'zh-CN', ...options } = {}) {
  return new URLSearchParams({ scene, lang, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined && v !== false).map(([k, v]) => [k, v === true ? '1' : String(v)])) })
}

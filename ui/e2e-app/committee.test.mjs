// End to end on the real app: the debug binary of src-tauri (real core, real store) under Xvfb, driven
// through tauri-driver 2.1.0 and Debian's WebKitWebDriver over plain W3C WebDriver. A fresh device
// creates its village registry on the first-run screen, then the committee registers an elder through
// the 附件1 form and sees core's error under the ID number input; correcting it saves the record.
//
// Needs: the app binary (SHOUWANG_APP_BIN, default target/debug/shouwang-app; a dev build loads the UI
// from http://localhost:5173, which this test serves from ui/dist), tauri-driver on PATH, Xvfb.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import http from 'node:http'
import { readFile } from 'node:fs/promises'
import { extname } from 'node:path'

const here = dirname(fileURLToPath(import.meta.url))
const root = resolve(here, '../..')
const bin = process.env.SHOUWANG_APP_BIN ?? join(process.env.CARGO_TARGET_DIR ?? join(root, 'target'), 'debug/shouwang-app')
const PORT = 4444
const children = []
let dir
let ui
let session

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

function start(cmd, args, env = {}) {
  const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] })
  child.stderr.on('data', (d) => process.env.SHOUWANG_E2E_VERBOSE && process.stderr.write(d))
  children.push(child)
  return child
}

async function wd(method, path, body) {
  const res = await fetch(`http://127.0.0.1:${PORT}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const json = await res.json()
  if (!res.ok) throw new Error(`${method} ${path}: ${JSON.stringify(json.value)}`)
  return json.value
}

const s = (path) => `/session/${session}${path}`
const ELEMENT = 'element-6066-11e4-a52e-4f4ad08e6b28'

async function find(css, timeout = 20000) {
  const until = Date.now() + timeout
  for (;;) {
    try {
      const el = await wd('POST', s('/element'), { using: 'css selector', value: css })
      return el[ELEMENT] ?? el.ELEMENT ?? Object.values(el)[0]
    } catch (e) {
      if (Date.now() > until) throw e
      await sleep(250)
    }
  }
}
async function textOf(css, timeout) {
  return wd('GET', s(`/element/${await find(css, timeout)}/text`))
}
async function type(css, text) {
  const el = await find(css)
  // Clear as a user would, so Vue's model hears it (WebDriver's clear does not fire an input event here).
  const script = 'const e = document.querySelector(arguments[0]); e.value = ""; e.dispatchEvent(new Event("input", { bubbles: true }))'
  await wd('POST', s('/execute/sync'), { script, args: [css] })
  await wd('POST', s(`/element/${el}/value`), { text })
}
async function click(css) {
  const el = await find(css)
  try {
    await wd('POST', s(`/element/${el}/click`), {})
  } catch (e) {
    if (!/intercepted|not interactable/.test(String(e))) throw e
    // Scrolled under the fixed tab bar: click it the way a script would.
    const script = 'const e = document.querySelector(arguments[0]); e.scrollIntoView({ block: "center" }); e.click()'
    await wd('POST', s('/execute/sync'), { script, args: [css] })
  }
}
async function waitText(css, pattern, timeout = 20000) {
  const until = Date.now() + timeout
  for (;;) {
    const text = await textOf(css, timeout).catch(() => '')
    if (pattern.test(text)) return text
    if (Date.now() > until) throw new Error(`${css}: ${JSON.stringify(text)} does not match ${pattern}`)
    await sleep(250)
  }
}

async function serveDist(port) {
  const dist = join(root, 'ui/dist')
  const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.woff2': 'font/woff2', '.ttf': 'font/ttf', '.woff': 'font/woff' }
  const server = http.createServer(async (req, res) => {
    const path = new URL(req.url, 'http://x').pathname
    const file = join(dist, path === '/' ? 'index.html' : path.replace(/\.\./g, ''))
    try {
      const body = await readFile(file)
      res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' })
      res.end(body)
    } catch {
      res.writeHead(404)
      res.end()
    }
  })
  await new Promise((r) => server.listen(port, '127.0.0.1', r))
  return server
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'shouwang-e2e-'))
  ui = await serveDist(5173)
  const display = `:${90 + (process.pid % 9)}`
  start('Xvfb', [display, '-screen', '0', '1280x800x24', '-nolisten', 'tcp'])
  await sleep(800)
  start('tauri-driver', ['--port', String(PORT), '--native-driver', '/usr/bin/WebKitWebDriver'], {
    DISPLAY: display,
    SHOUWANG_DB: join(dir, 'committee.sqlite'),
  })
  for (let i = 0; i < 100; i++) {
    try {
      await fetch(`http://127.0.0.1:${PORT}/status`)
      break
    } catch {
      await sleep(100)
    }
  }
  const created = await wd('POST', '/session', {
    capabilities: { alwaysMatch: { 'tauri:options': { application: bin } } },
  })
  session = created.sessionId
})

after(async () => {
  if (session) await wd('DELETE', s('')).catch(() => {})
  for (const child of children.reverse()) child.kill('SIGTERM')
  await sleep(300)
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL')
  ui?.close()
  if (dir) await rm(dir, { recursive: true, force: true })
})

async function screenshotOnFailure(body) {
  try {
    await body()
  } catch (e) {
    const shown = await wd('POST', s('/execute/sync'), {
      script: 'return [...document.querySelectorAll(".van-field__error-message, .van-toast")].map((e) => e.closest("[data-test]")?.dataset.test + ": " + e.textContent).join(" | ")',
      args: [],
    }).catch(() => '')
    if (shown) e.message += ` (on screen: ${shown})`
    const png = await wd('GET', s('/screenshot')).catch(() => null)
    if (png) {
      const { writeFile } = await import('node:fs/promises')
      await writeFile(join(tmpdir(), 'shouwang-e2e-failure.png'), Buffer.from(png, 'base64'))
    }
    throw e
  }
}

test('a new committee device creates its registry and sees an inline error for a bad ID number', () => screenshotOnFailure(async () => {
  await find('[data-test="first-run"]', 60000)
  await type('input[name="unit"]', '511902106202')
  await type('input[name="name"]', '斑竹村')
  await click('[data-test="first-run"] button[type="submit"]')

  await find('[data-test="registry"]', 30000)
  await waitText('[data-test="role"]', /村委会/)
  await click('[data-test="add"]')
  await find('[data-test="elder-form"]')
  await type('[data-test="field-name"] input', '赵桂芳')
  await click('[data-test="field-sex"] .van-radio:nth-child(2)')
  await type('[data-test="field-birth_date"] input', '1948-05-12')
  await type('[data-test="field-id_number"] input', '511902194805120020')
  await click('[data-test="field-address"] input')
  const error = await waitText('[data-test="field-id_number"] .van-field__error-message', /校验位/)
  assert.match(error, /身份证号码校验位错误：应为 8，实为 0/, 'core\'s message, under the ID number input')

  await type('[data-test="field-id_number"] input', '511902194805120028')
  await click('[data-test="field-address"] input')
  await type('[data-test="field-address"] input', '斑竹村3组12号')
  await click('[data-test="save"]')
  await find('[data-test="record"]', 30000)
  await waitText('[data-test="record"] h2', /赵桂芳/)
  await waitText('[data-test="sync"]', /待同步|本机登记册/)
}))

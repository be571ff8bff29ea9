// Driving the real app: the debug binary of src-tauri (real core, real store) under Xvfb, through
// tauri-driver 2.1.0 and Debian's WebKitWebDriver over plain W3C WebDriver; and a real relay process
// (the `shouwang-relay` binary) with its own data directory. Shared by every end-to-end file of
// ui/e2e-app/ (and the launch benchmark).
//
// Needs: the app binary (SHOUWANG_APP_BIN, default $CARGO_TARGET_DIR or target/, debug/shouwang-app; a
// dev build loads the UI from http://localhost:5173, which `serveDist` serves from ui/dist), the relay and
// CLI binaries next to it, tauri-driver on PATH, Xvfb.
import { spawn, execFile } from 'node:child_process'
import { readFile, writeFile, readdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, resolve, extname } from 'node:path'
import { fileURLToPath } from 'node:url'
import http from 'node:http'
import net from 'node:net'

const here = dirname(fileURLToPath(import.meta.url))
export const root = resolve(here, '../..')
const targetDir = process.env.CARGO_TARGET_DIR ?? join(root, 'target')
export const bin = process.env.SHOUWANG_APP_BIN ?? join(targetDir, 'debug/shouwang-app')
export const relayBin = process.env.SHOUWANG_RELAY_BIN ?? join(targetDir, 'debug/shouwang-relay')
export const cliBin = process.env.SHOUWANG_CLI_BIN ?? join(targetDir, 'debug/shouwang')

/** The PIN the stories choose on first run (and give the CLI as its passphrase). */
export const PIN = '135790'

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms))
const verbose = !!process.env.SHOUWANG_E2E_VERBOSE

/** Every process a test started, stopped by `stopAll` (and by each handle's own `stop`). */
const children = new Set()

function start(cmd, args, env = {}) {
  const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  child.stdout.on('data', (d) => verbose && process.stderr.write(d))
  child.stderr.on('data', (d) => verbose && process.stderr.write(d))
  children.add(child)
  child.on('exit', () => children.delete(child))
  return child
}

/** Stops a child: SIGTERM, then SIGKILL if it has not exited within `grace` ms. */
export async function stop(child, grace = 3000) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((r) => child.once('exit', r))
  child.kill('SIGTERM')
  const done = await Promise.race([exited.then(() => true), sleep(grace).then(() => false)])
  if (!done) {
    child.kill('SIGKILL')
    await exited
  }
}

/** Every app still open. */
const apps = new Set()

/** Stops every app and process still running (after hooks call it, even when a test failed). */
export async function stopAll() {
  for (const app of [...apps]) await app.close()
  await Promise.all([...children].map((c) => stop(c)))
}

/** Runs a binary to completion; resolves with its standard output, rejects with its standard error. */
export function run(cmd, args, { input, env } = {}) {
  return new Promise((ok, fail) => {
    const child = execFile(cmd, args, { env: { ...process.env, ...env }, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (err) fail(new Error(`${cmd} ${args.join(' ')}: ${stderr || err.message}`))
      else ok(stdout)
    })
    if (input !== undefined) child.stdin.end(input)
  })
}

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((ok, fail) => {
    const server = net.createServer()
    server.unref()
    server.on('error', fail)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => ok(port))
    })
  })
}

/** Serves ui/dist on 127.0.0.1:`port` (the dev build's `devUrl`). */
export async function serveDist(port = 5173) {
  const dist = join(root, 'ui/dist')
  const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.woff2': 'font/woff2', '.ttf': 'font/ttf', '.woff': 'font/woff', '.svg': 'image/svg+xml' }
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
  const listening = await new Promise((ok, fail) => {
    server.once('error', (e) => (e.code === 'EADDRINUSE' ? ok(false) : fail(e)))
    server.listen(port, '127.0.0.1', () => ok(true))
  })
  // Another run on this machine (the launch benchmark) already serves the same ui/dist there.
  return listening ? server : { close() {} }
}

/** Starts Xvfb on a display of its own; returns the display name. */
export async function startDisplay(size = '1280x800x24') {
  const display = `:${90 + (process.pid % 9)}`
  start('Xvfb', [display, '-screen', '0', size, '-nolisten', 'tcp'])
  await sleep(800)
  return display
}

/** A relay process on 127.0.0.1 with its SQLite store in `data`. */
export class RelayProcess {
  constructor(data, port) {
    this.data = data
    this.port = port
    this.url = `http://127.0.0.1:${port}`
    this.child = null
  }

  static async create(data) {
    return new RelayProcess(data, await freePort())
  }

  /** Starts serving; resolves once it listens. */
  async start() {
    this.child = start(relayBin, ['--data', this.data, 'serve', '--listen', `127.0.0.1:${this.port}`], { RUST_LOG: 'warn' })
    const child = this.child
    await new Promise((ok, fail) => {
      let out = ''
      child.stdout.on('data', (d) => {
        out += d
        if (out.includes('listening on')) ok()
      })
      child.once('exit', (code) => fail(new Error(`the relay exited (${code}) before listening`)))
    })
  }

  /** Stops the process (SIGTERM): the network is down for every device. */
  async stop() {
    await stop(this.child)
    this.child = null
  }

  /** A one-time code from `shouwang-relay enroll`. */
  async code(role, scope, { elder, helper } = {}) {
    const args = ['--data', this.data, 'enroll', '--role', role, '--scope', scope, '--relay-url', this.url]
    if (elder) args.push('--elder', elder)
    if (helper) args.push('--helper', helper)
    const out = await run(relayBin, args)
    const found = out.match(/^code: (\S+)$/m)
    if (!found) throw new Error(`no code in: ${out}`)
    return found[1]
  }
}

const ELEMENT = 'element-6066-11e4-a52e-4f4ad08e6b28'

/** The process ids under `pid` (children, grandchildren…), from /proc. */
async function descendants(pid) {
  const parents = new Map()
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8')
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      parents.set(Number(entry), ppid)
    } catch {
      // The process ended while listing.
    }
  }
  const out = []
  const walk = (p) => {
    for (const [child, parent] of parents) {
      if (parent === p) {
        out.push(child)
        walk(child)
      }
    }
  }
  walk(pid)
  return out
}

/**
 * One app process on its own database: a tauri-driver (with its WebKitWebDriver) started for it, so the
 * app inherits `SHOUWANG_DB`, and one WebDriver session.
 */
export class App {
  constructor(port, driver, session) {
    this.port = port
    this.driver = driver
    this.session = session
  }

  /** Starts the app on `db` under `display`. */
  static async launch({ db, display, env = {} }) {
    const port = await freePort()
    const nativePort = await freePort()
    const driver = start('tauri-driver', ['--port', String(port), '--native-port', String(nativePort), '--native-driver', '/usr/bin/WebKitWebDriver'], {
      DISPLAY: display,
      SHOUWANG_DB: db,
      ...env,
    })
    for (let i = 0; i < 100; i++) {
      try {
        await fetch(`http://127.0.0.1:${port}/status`)
        break
      } catch {
        await sleep(100)
      }
    }
    const app = new App(port, driver, null)
    apps.add(app)
    const created = await app.wd('POST', '/session', {
      capabilities: { alwaysMatch: { 'tauri:options': { application: bin } } },
    })
    app.session = created.sessionId
    return app
  }

  async wd(method, path, body) {
    const res = await fetch(`http://127.0.0.1:${this.port}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const json = await res.json()
    if (!res.ok) throw new Error(`${method} ${path}: ${JSON.stringify(json.value)}`)
    return json.value
  }

  s(path) {
    return `/session/${this.session}${path}`
  }

  /** Runs a script in the page. */
  execute(script, ...args) {
    return this.wd('POST', this.s('/execute/sync'), { script, args })
  }

  async find(css, timeout = 20000) {
    const until = Date.now() + timeout
    for (;;) {
      try {
        const el = await this.wd('POST', this.s('/element'), { using: 'css selector', value: css })
        return el[ELEMENT] ?? el.ELEMENT ?? Object.values(el)[0]
      } catch (e) {
        if (Date.now() > until) throw e
        await sleep(250)
      }
    }
  }

  /** Whether an element matches `css` now. */
  async exists(css) {
    return this.execute('return document.querySelector(arguments[0]) !== null', css)
  }

  async textOf(css, timeout) {
    return this.wd('GET', this.s(`/element/${await this.find(css, timeout)}/text`))
  }

  /** Types into an input after clearing it as a user would, so Vue's model hears it (WebDriver's clear
   * does not fire an input event here). */
  async type(css, text) {
    const el = await this.find(css)
    const script = 'const e = document.querySelector(arguments[0]); e.value = ""; e.dispatchEvent(new Event("input", { bubbles: true }))'
    await this.execute(script, css)
    await this.wd('POST', this.s(`/element/${el}/value`), { text })
  }

  async click(css) {
    const el = await this.find(css)
    try {
      await this.wd('POST', this.s(`/element/${el}/click`), {})
    } catch (e) {
      if (!/intercepted|not interactable/.test(String(e))) throw e
      // Scrolled under the fixed tab bar: click it the way a script would.
      const script = 'const e = document.querySelector(arguments[0]); e.scrollIntoView({ block: "center" }); e.click()'
      await this.execute(script, css)
    }
  }

  async waitText(css, pattern, timeout = 20000) {
    const until = Date.now() + timeout
    for (;;) {
      const text = await this.textOf(css, Math.min(timeout, 2000)).catch(() => '')
      if (pattern.test(text)) return text
      if (Date.now() > until) throw new Error(`${css}: ${JSON.stringify(text)} does not match ${pattern}`)
      await sleep(250)
    }
  }

  /** The whole page's visible text. */
  pageText() {
    return this.execute('return document.body.innerText')
  }

  /** Opens a route of the UI (hash history), loading the page afresh. */
  async go(route) {
    await this.execute('location.hash = arguments[0]; location.reload()', `#${route}`)
    await sleep(300)
  }

  /** Unlocks the app on its lock screen with `pin` (every launch of an encrypted registry starts there). */
  async unlock(pin = PIN) {
    await this.find('[data-test="lock-screen"]', 60000)
    await this.type('[data-test="pin"] input', pin)
    await this.click('[data-test="unlock"]')
  }

  /** Fills in the PIN and its repetition on a first-run form (`form`: a CSS selector). */
  async choosePin(form, pin = PIN) {
    await this.type(`${form} [data-test="new-pin"] input`, pin)
    await this.type(`${form} [data-test="new-pin-again"] input`, pin)
  }

  /** Kills the app process itself (SIGKILL: no chance to save anything) and ends the driver. */
  async kill() {
    const under = await descendants(this.driver.pid)
    let killed = 0
    for (const pid of under) {
      const exe = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')
      if (exe.split('\0')[0] === bin) {
        process.kill(pid, 'SIGKILL')
        killed += 1
      }
    }
    if (!killed) throw new Error('no app process found under tauri-driver')
    this.session = null
    await this.close()
  }

  /** Ends the session (the app quits), the driver and the WebKitWebDriver it started (which may outlive
   * it and keep its port). */
  async close() {
    apps.delete(this)
    const under = await descendants(this.driver.pid)
    if (this.session) await this.wd('DELETE', this.s('')).catch(() => {})
    this.session = null
    await stop(this.driver)
    for (const pid of under) {
      try {
        process.kill(pid, 'SIGTERM')
      } catch {
        // Already gone with its parent.
      }
    }
  }

  /** Runs `body`; on failure adds what the screen shows to the error and keeps a screenshot. */
  async explain(body) {
    try {
      return await body()
    } catch (e) {
      const shown = await this.execute(
        'return [...document.querySelectorAll(".van-field__error-message, .van-toast")].map((e) => (e.closest("[data-test]")?.dataset.test ?? "") + ": " + e.textContent).join(" | ")',
      ).catch(() => '')
      if (shown) e.message += ` (on screen: ${shown})`
      const png = await this.wd('GET', this.s('/screenshot')).catch(() => null)
      if (png) await writeFile(join(tmpdir(), 'shouwang-e2e-failure.png'), Buffer.from(png, 'base64'))
      throw e
    }
  }
}

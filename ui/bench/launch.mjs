// One launch of the real app under Xvfb: tauri-driver (in its own process group, with SHOUWANG_DB set)
// starts WebKitWebDriver, a session starts the app binary, and a script in the page waits until the
// registry list shows its first rows and two frames have passed (the rows laid out and painted). The
// clock starts when the session is requested, that is when the app process is launched.
import { spawn } from 'node:child_process'
import { existsSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { readFile } from 'node:fs/promises'
import http from 'node:http'
import { extname, join } from 'node:path'
import { webdriver } from './webdriver.mjs'

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

/** Ends a child and its process group (the driver's WebKitWebDriver and the app), then waits for it. */
async function end(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return
  const gone = new Promise((r) => child.once('exit', r))
  try {
    process.kill(-child.pid, 'SIGTERM')
  } catch {
    return
  }
  if (await Promise.race([gone.then(() => true), sleep(3000).then(() => false)])) return
  try {
    process.kill(-child.pid, 'SIGKILL')
  } catch {
    return
  }
  await gone
}

function start(cmd, args, env = {}) {
  const child = spawn(cmd, args, { env: { ...process.env, ...env }, detached: true, stdio: ['ignore', 'ignore', 'pipe'] })
  child.stderr.on('data', (d) => process.env.SHOUWANG_BENCH_VERBOSE && process.stderr.write(d))
  return child
}

/**
 * A static server of `dist` on 127.0.0.1:`port` (the debug app loads its devUrl, localhost:5173). Every
 * request is logged with its time so that a run knows what the first screen fetched. Waits while the
 * port is taken by another run (the app end-to-end test serves the same port).
 */
export async function serveDist(dist, port, { waitMs = 300000 } = {}) {
  const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.woff2': 'font/woff2', '.ttf': 'font/ttf', '.woff': 'font/woff' }
  const log = []
  const server = http.createServer(async (req, res) => {
    const path = new URL(req.url, 'http://x').pathname
    const file = join(dist, path === '/' ? 'index.html' : path.replace(/\.\./g, ''))
    try {
      const body = await readFile(file)
      log.push({ path, at: Date.now(), bytes: body.length })
      res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' })
      res.end(body)
    } catch {
      res.writeHead(404)
      res.end()
    }
  })
  const until = Date.now() + waitMs
  for (let said = false; ; said = true) {
    const err = await new Promise((r) => {
      server.once('error', r)
      server.listen(port, '127.0.0.1', () => r(null))
    })
    server.removeAllListeners('error')
    if (!err) break
    if (err.code !== 'EADDRINUSE' || Date.now() > until) throw err
    if (!said) process.stderr.write(`port ${port} is in use (another app run?); waiting\n`)
    await sleep(2000)
  }
  return { log, close: () => new Promise((r) => server.close(r)) }
}

/** A private X server for the runs; returns its DISPLAY and a stop function. */
export async function startXvfb() {
  let n = 120 + (process.pid % 60)
  while (existsSync(`/tmp/.X${n}-lock`)) n++
  const display = `:${n}`
  const child = start('Xvfb', [display, '-screen', '0', '1280x800x24', '-nolisten', 'tcp'])
  for (let i = 0; i < 100 && !existsSync(`/tmp/.X11-unix/X${n}`); i++) await sleep(100)
  return { display, stop: () => end(child) }
}

// Resolves once [data-test="elder-row"] exists and two animation frames have passed; a page that is not
// the app yet (about:blank before the first load) answers at once so that the caller asks again.
const WAIT_FIRST_ROWS = `
const done = arguments[arguments.length - 1]
if (!location.href.startsWith(arguments[0])) return done({ notYet: location.href })
const finish = () => requestAnimationFrame(() => requestAnimationFrame(() => {
  const rows = document.querySelectorAll('[data-test="elder-row"]')
  rows[0].getBoundingClientRect()
  done({ at: Date.now(), origin: performance.timeOrigin, rows: rows.length,
    count: document.querySelector('[data-test="count"]')?.textContent ?? '' })
}))
if (document.querySelector('[data-test="elder-row"]')) return finish()
const seen = new MutationObserver(() => {
  if (document.querySelector('[data-test="elder-row"]')) { seen.disconnect(); finish() }
})
seen.observe(document, { childList: true, subtree: true })
`

// Calls the registry's list_elders command as the registry screen does (active elders by name), `n`
// times one after another, timing each from the page: the core's query, serialisation and IPC.
const TIME_LIST = `
const done = arguments[arguments.length - 1]
const args = { text: null, status: 'active', category: null, age: null, sort: 'name' }
;(async () => {
  const times = []
  let rows = 0
  for (let i = 0; i < arguments[0]; i++) {
    const t = performance.now()
    rows = (await window.__TAURI_INTERNALS__.invoke('list_elders', { args })).length
    times.push(performance.now() - t)
  }
  done({ times, rows })
})().catch((e) => done({ error: String(e && (e.message || e)) }))
`

/**
 * Launches `bin` on the store `db` and measures the first screen; returns the times in milliseconds
 * and what the page showed. `server` is serveDist's answer (its log is read from this launch on).
 */
export async function launchOnce({ bin, db, display, port, server, listCalls = 5 }) {
  const driver = start('tauri-driver', ['--port', String(port), '--native-port', String(port + 1), '--native-driver', '/usr/bin/WebKitWebDriver'], {
    DISPLAY: display,
    SHOUWANG_DB: db,
  })
  const client = webdriver(port)
  try {
    await client.ready()
    const from = server.log.length
    const t0 = Date.now()
    await client.start(bin)
    const sessionAt = Date.now()
    await client.timeouts(30000)
    let shown
    for (const until = Date.now() + 60000; ; ) {
      shown = await client.execute(WAIT_FIRST_ROWS, ['http://localhost:5173'], { async: true }).catch((e) => ({ error: e.message }))
      if (shown.at) break
      if (Date.now() > until) {
        const page = await client.execute('return location.href + " | " + document.body.innerText.slice(0, 300)').catch((e) => e.message)
        const png = await client.screenshot().catch(() => null)
        if (png) writeFileSync(join(tmpdir(), 'shouwang-bench-app-failure.png'), Buffer.from(png, 'base64'))
        throw new Error(`no registry rows within 60 s: ${JSON.stringify(shown)}; the page: ${page}`)
      }
      await sleep(20)
    }
    const fetched = server.log.slice(from).filter((r) => r.at <= shown.at).map((r) => r.path)
    const list = await client.execute(TIME_LIST, [listCalls], { async: true })
    if (list.error) throw new Error(`list_elders from the page: ${list.error}`)
    return {
      firstScreen: shown.at - t0,
      session: sessionAt - t0,
      toPage: shown.origin - t0,
      pageToRows: shown.at - shown.origin,
      rowsInDom: shown.rows,
      count: shown.count,
      fetched,
      listTimes: list.times,
      listRows: list.rows,
    }
  } finally {
    await client.stop()
    await end(driver)
  }
}

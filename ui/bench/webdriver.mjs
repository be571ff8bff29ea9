// The few W3C WebDriver calls the app benchmark needs, over plain fetch: tauri-driver forwards them to
// WebKitWebDriver, which drives the app's webview.
export const ELEMENT = 'element-6066-11e4-a52e-4f4ad08e6b28'

/** A client for one WebDriver server on 127.0.0.1:`port`. */
export function webdriver(port) {
  let session = null
  async function wd(method, path, body) {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const json = await res.json()
    if (!res.ok) throw new Error(`${method} ${path}: ${JSON.stringify(json.value)}`)
    return json.value
  }
  const s = (path) => `/session/${session}${path}`
  return {
    /** Waits until the server answers /status. */
    async ready(timeoutMs = 20000) {
      const until = Date.now() + timeoutMs
      for (;;) {
        try {
          await fetch(`http://127.0.0.1:${port}/status`)
          return
        } catch (e) {
          if (Date.now() > until) throw new Error(`no WebDriver on port ${port}: ${e.message}`)
          await new Promise((r) => setTimeout(r, 100))
        }
      }
    },
    /** Starts the application: a new session whose browser is the app binary. */
    async start(application) {
      const created = await wd('POST', '/session', {
        capabilities: { alwaysMatch: { 'tauri:options': { application } } },
      })
      session = created.sessionId
      return session
    },
    /** Runs `script` in the page; an async script calls its last argument with the result. */
    execute(script, args = [], { async = false } = {}) {
      return wd('POST', s(async ? '/execute/async' : '/execute/sync'), { script, args })
    },
    /** Sets the script timeout in milliseconds. */
    timeouts(script) {
      return wd('POST', s('/timeouts'), { script })
    },
    /** A PNG screenshot of the window, base64. */
    screenshot() {
      return wd('GET', s('/screenshot'))
    },
    /** Ends the session (closes the app). */
    async stop() {
      if (session) await wd('DELETE', s('')).catch(() => {})
      session = null
    },
  }
}

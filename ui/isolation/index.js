// The isolation hook (Tauri's isolation pattern): the UI's IPC messages pass through this sandboxed
// frame, which holds the key that encrypts them for the Rust side. A message goes on only when it
// invokes one of the app's own commands (commands.js, generated from src-tauri's command list) or
// listens to the app's events; anything else (a plugin command, a made-up name, a script injected into
// the page calling the IPC directly) is dropped here and never reaches Rust.
;(function () {
  const allowed = new Set(window.__SHOUWANG_COMMANDS__ || [])
  window.__TAURI_ISOLATION_HOOK__ = (payload) => {
    const cmd = payload && typeof payload.cmd === 'string' ? payload.cmd : ''
    if (allowed.has(cmd)) return payload
    throw new Error(`守望: “${cmd}” is not one of the app's commands; the message was not sent`)
  }
})()

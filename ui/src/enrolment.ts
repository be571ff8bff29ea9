// What an enrolment QR code holds: `shouwang://enrol?relay=<url>&code=<code>[&keys=SWK1.…]` (the relay's
// `enroll`, the committee's 设备登记 screen and the printed contact card all write it). Pasted or scanned
// into the code field, it fills in the relay's address, the code and the device's key bundle (the keys
// travel only in the QR code, never through the relay).

export interface EnrolLink {
  relay: string
  code: string
  keys: string
}

/** The relay and code of a pasted QR payload; `null` when the text is a bare code. */
export function parseEnrolLink(text: string): EnrolLink | null {
  const trimmed = text.trim()
  if (!trimmed.toLowerCase().startsWith('shouwang://enrol?')) return null
  const query = trimmed.slice(trimmed.indexOf('?') + 1)
  let relay = ''
  let code = ''
  let keys = ''
  // Split by hand: the relay's URL is not percent-encoded in the payload.
  for (const part of query.split('&')) {
    const eq = part.indexOf('=')
    const key = eq < 0 ? part : part.slice(0, eq)
    const value = eq < 0 ? '' : decodeURIComponent(part.slice(eq + 1))
    if (key === 'relay') relay = value
    if (key === 'code') code = value
    if (key === 'keys') keys = value
  }
  return relay && code ? { relay, code, keys } : null
}

/** Applies a pasted payload to a form with `relay`, `code` and `keys`, leaving a bare code as typed. */
export function applyEnrolLink(form: { relay: string; code: string; keys: string }) {
  const link = parseEnrolLink(form.code)
  if (link) {
    form.relay = link.relay
    form.code = link.code
    form.keys = link.keys
  }
}

// The devices commands of the in-memory double (browser tests only): enrolment codes a committee issues
// for a helper's tablet or a family phone, and whether the family's elder was visited this month. The
// real codes come from the relay and the real QR code from Rust (the `qrcode` crate).
import type { AppRole, Commands, ElderForm, IssuedCode, IssuedKey, SyncView, VisitLine, VisitedView } from '../bindings'

type Names = 'issue_enrolment' | 'family_visited' | 'device_keys' | 'revoke_device' | 'rotate_keys'
type Handlers = { [K in Names]: (args: Commands[K]['args']) => Commands[K]['result'] }

/** What the shared double gives this area. */
export interface DevicesCtx {
  role: AppRole
  elders: Map<string, ElderForm>
  visits: Map<string, VisitLine[]>
  sync: SyncView
  forbid: (allowed: AppRole[]) => void
  today: string
}

/** A stand-in QR code: a fixed pattern drawn from the code's letters (the real one is made in Rust). */
function pattern(text: string): string {
  const n = 25
  let path = ''
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      const finder = (x < 7 && y < 7) || (x >= n - 7 && y < 7) || (x < 7 && y >= n - 7)
      const ring = finder && (Math.max(Math.abs((x % (n - 7)) - 3), Math.abs((y % (n - 7)) - 3)) !== 2)
      const bit = text.charCodeAt((x * 7 + y * 13) % text.length) >> (x + y) % 7 & 1
      if (finder ? ring : bit) path += `M${x + 4} ${y + 4}h1v1h-1z`
    }
  }
  const s = n + 8
  return `<svg class="qr" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${s} ${s}" width="60mm" height="60mm" shape-rendering="crispEdges"><rect width="${s}" height="${s}" fill="#fff"/><path d="${path}" fill="#000"/></svg>`
}

const HELPERS: Record<string, string> = { ['a'.repeat(32)]: '陈桂兰', ['b'.repeat(32)]: '李德明' }

export function devicesHandlers(ctx: DevicesCtx): Handlers {
  let serial = 0
  let generation = 1
  const issued: IssuedKey[] = []
  const keys = () => ({ alg: 'xchacha20poly1305', generation, issued: issued.map((k) => ({ ...k })) })
  const invalid = (field: string, message: string, en: string) => ({ kind: 'invalid', field, message, en, violations: [] })
  return {
    issue_enrolment: (a): IssuedCode => {
      ctx.forbid(['committee'])
      if (!ctx.sync.enrolled || !ctx.sync.relay) {
        throw { kind: 'refused', field: null, message: '本设备尚未登记到中继服务器，不能发放登记码', en: 'this device is not enrolled with a relay: it cannot issue codes', violations: [] }
      }
      let name: string
      if (a.kind === 'helper') {
        if (!a.helper) throw invalid('helper', '请选择互助员', 'choose the helper whose tablet this is')
        name = HELPERS[a.helper] ?? '互助员'
      } else {
        const elder = a.elder ? ctx.elders.get(a.elder) : undefined
        if (!elder) throw invalid('elder', '请选择老人', 'choose the elder whose family this phone is for')
        name = elder.name
      }
      serial += 1
      const code = `K7PQ-${a.kind === 'helper' ? 'H' : 'F'}${String(serial).padStart(3, '0')}-XT`
      const keyId = `${serial}`.padStart(32, 'e')
      issued.push({ key_id: keyId, role: a.kind, label: a.kind === 'helper' ? `${name}的平板` : `${name}的家属手机`, revoked: false })
      const payload = `shouwang://enrol?relay=${ctx.sync.relay}&code=${code}&keys=SWK1.${btoa(keyId).replaceAll('=', '')}`
      const expires = new Date(Date.parse(`${ctx.today}T09:00:00+08:00`) + (a.kind === 'helper' ? 7 : 30) * 86400000)
      return { kind: a.kind, name, code, relay: ctx.sync.relay, payload, qr_svg: pattern(payload), expires_at: expires.toISOString() }
    },
    device_keys: () => {
      ctx.forbid(['committee'])
      return keys()
    },
    revoke_device: (a) => {
      ctx.forbid(['committee'])
      const k = issued.find((x) => x.key_id === a.key_id)
      if (!k) throw invalid('key_id', '本设备没有签发过这个密钥编号', 'this store issued no device key with this id')
      k.revoked = true
      return keys()
    },
    rotate_keys: () => {
      ctx.forbid(['committee'])
      generation += 1
      return keys()
    },
    family_visited: (): VisitedView => {
      ctx.forbid(['family'])
      const elder = ctx.sync.elder
      const last = (elder ? ctx.visits.get(elder)?.[0]?.at.slice(0, 10) : undefined) ?? null
      return { last_visit: last, this_month: last !== null && last.slice(0, 7) === ctx.today.slice(0, 7) }
    },
  }
}

// The paperwork commands of the in-memory double (browser tests only): the Guangdong summary table 附件2
// counted from the demo village, the monthly progress, a CSV ledger import with a dry run, the ledger
// export and the contact cards' printable HTML. The real rules and layouts live in core.
import type {
  AppRole, CheckLine, Commands, ElderForm, ImportLine, ImportPreview, PrintedCards, ProgressLine, SavedFile, SummaryLine,
  SummaryQuery, SummaryTable, SyncView, VisitLine,
} from '../bindings'

type Names = 'summary_table' | 'export_summary' | 'monthly_progress' | 'export_progress' | 'preview_import' | 'import_ledger' | 'export_ledger' | 'print_cards'
type Handlers = { [K in Names]: (args: Commands[K]['args']) => Commands[K]['result'] }

/** What the shared double gives each area. */
export interface PaperworkCtx {
  role: AppRole
  elders: Map<string, ElderForm>
  visits: Map<string, VisitLine[]>
  sync: SyncView
  forbid: (allowed: AppRole[]) => void
  office: AppRole[]
  today: string
}

const UNIT = '511902106202'
const NAME = '斑竹村'
const DOWNLOADS = '/home/office/Downloads'

// schema/reports/guangdong.toml, as the double knows it.
const HEADINGS: string[][] = [
  ['农村户籍留守老人总数'], ['其中：', '60（含）-80岁'], ['其中：', '80岁（含）以上'], ['夫妻情况', '双方健在'], ['夫妻情况', '一方健在'],
  ['健康状况', '健康'], ['健康状况', '残疾'], ['健康状况', '患病'], ['子女情况', '1个'], ['子女情况', '2个'], ['子女情况', '3个及以上'],
  ['子女外出务工或经商，一年以上未与父母共同生活'], ['家庭主要经济来源', '子女打工'], ['家庭主要经济来源', '种养殖业'],
  ['家庭主要经济来源', '政府救助'], ['家庭主要经济来源', '其他'], ['60周岁以上农村户籍老年人数'],
]
const CHECKS = [
  { name: '表间勾稽关系', kind: 'equal', groups: [[1], [2, 3], [4, 5], [6, 7, 8], [9, 10, 11], [12]] },
  { name: '留守老人数不超过60周岁以上农村户籍老年人数', kind: 'not_less', groups: [[17], [1]] },
]

function ageAt(birth: string, day: string): number {
  const [by, bm, bd] = birth.split('-').map(Number)
  const [y, m, d] = day.split('-').map(Number)
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0)
}

function monthsAway(since: string | null | undefined, day: string): number {
  if (!since) return 0
  const [sy, sm] = since.split('-').map(Number)
  const [y, m] = day.split('-').map(Number)
  return (y - sy) * 12 + (m - sm)
}

function counts(list: ElderForm[], cutoff: string): number[] {
  const row = new Array(17).fill(0)
  for (const e of list) {
    const age = ageAt(e.birth_date, cutoff)
    const kids = e.children.length
    const hits = [
      true, age >= 60 && age < 80, age >= 80, e.spouse === 'both_living', e.spouse === 'one_living',
      e.health === 'healthy', e.health === 'disabled', e.health === 'ill', kids === 1, kids === 2, kids >= 3,
      monthsAway(e.migration?.away_since, cutoff) >= 12, e.income_sources.includes('migrant_work'), e.income_sources.includes('farming'),
      e.income_sources.includes('government_aid'), e.income_sources.some((s) => s === 'other' || s === 'relatives'), false,
    ]
    hits.forEach((h, i) => (row[i] += h ? 1 : 0))
  }
  return row
}

function checks(line: SummaryLine, total: boolean): CheckLine[] {
  const out: CheckLine[] = []
  for (const c of CHECKS) {
    const groups = c.groups.map((g) => g.map((n) => line.values[n - 1]))
    if (groups.some((g) => g.some((v) => v === null))) continue
    const sums = groups.map((g) => g.reduce<number>((s, v) => s + (v ?? 0), 0))
    const passed = c.kind === 'equal' ? sums.every((s) => s === sums[0]) : sums.every((s) => s <= sums[0])
    const expression = c.groups.map((g) => g.join('+')).join(c.kind === 'equal' ? ' = ' : ' ≥ ')
    const detail = c.groups.map((g, i) => (g.length === 1 ? `[${g[0]}]=${sums[i]}` : `${g.map((n) => `[${n}]`).join('+')}=${groups[i].join('+')}=${sums[i]}`)).join('; ')
    out.push({
      name: c.name, expression, unit: line.unit, total, passed,
      message: `${c.name}（${expression}）${passed ? '通过' : '不成立'}：${detail}`,
      en: `${c.name} (${expression}) ${passed ? 'holds' : 'FAILS'}: ${detail}`,
    })
  }
  return out
}

const invalid = (field: string, message: string, en: string) => ({ kind: 'invalid', field, message, en, violations: [{ field, rule: 'format', message, en, warning: false }] })

function summary(ctx: PaperworkCtx, q: SummaryQuery): SummaryTable {
  const date = q.date || ctx.today
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw invalid('date', `日期应写成 年-月-日，如 2026-10-31；收到“${date}”`, `a date is written YYYY-MM-DD; got ${date}`)
  const unit = q.unit || UNIT
  if (!UNIT.startsWith(unit.replace(/0+$/, ''))) throw invalid('unit', `单位 ${unit} 不在本登记册（${UNIT}）范围内`, `unit ${unit} lies outside this registry (${UNIT})`)
  const cutoff = q.cutoff || `${date.slice(0, 4)}-09-30`
  const active = [...ctx.elders.values()].filter((e) => (e.status ?? 'active') === 'active')
  const counted = active.filter((e) => ageAt(e.birth_date, cutoff) >= 60 && e.supporters.some((s) => s.away))
  const values = counts(counted, cutoff)
  const row: SummaryLine = { unit: UNIT, name: NAME, values: values.map((v, i) => (i === 16 ? null : v)) }
  const entered = q.entered.find((e) => e.column === 17)
  const total: SummaryLine = { unit, name: '合计', values: values.map((v, i) => (i === 16 ? entered?.value ?? null : v)) }
  const all = [...checks(total, true), ...checks(row, false)]
  return {
    layout: 'guangdong', layouts: ['guangdong', 'liaoning'], title: '农村留守老年人基本信息汇总表', unit_label: '地市（盖章）：',
    date_label: '填报时间：', sub_unit_heading: '单位', unit, unit_name: NAME, date, cutoff, headings: HEADINGS, entered_columns: [17],
    rows: counted.length ? [row] : [], total, checks: all, passes: all.every((c) => c.passed), counted: counted.length,
    not_counted: active.length - counted.length, sign_off: ['分管领导（签名）：', '填表人（签名）：'],
    notes: ['注：1.农村留守老人年龄计算截止时间为当年9月30日。', '2.表间勾稽关系：1列=2列+3列=4列+5列=6列+7列+8列=9列+10列+11列=12列', '3.患病：指患有重特大疾病。'],
  }
}

function saved(stem: string, ext: string): SavedFile {
  const name = `${stem}.${ext}`
  return { path: `${DOWNLOADS}/${name}`, name }
}

// -- the ledger: a CSV the double reads, with the checks the tests exercise --

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
const CHECK = '10X98765432'

function idRule(id: string): [string, string, string] | null {
  if (!/^\d{17}[\dX]$/.test(id)) return ['id_format', '身份证号码应为 18 位，只能是数字，第 18 位可为 X', 'an ID number has 18 characters, digits only, the 18th may be X']
  const expected = CHECK[WEIGHTS.reduce((s, w, i) => s + w * Number(id[i]), 0) % 11]
  if (id[17] !== expected) return ['id_checksum', `身份证号码校验位错误：应为 ${expected}，实为 ${id[17]}`, `wrong check digit: expected ${expected}, found ${id[17]}`]
  return null
}

function decode(data: string): string {
  const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0))
  return new TextDecoder().decode(bytes).replace(/^\uFEFF/, '')
}

interface Planned { preview: ImportPreview; add: ElderForm[] }

function plan(ctx: PaperworkCtx, name: string, data: string): Planned {
  if (!/\.(csv|xlsx)$/i.test(name)) throw invalid('file', `不支持的文件类型“${name}”，应为 .xlsx 或 .csv`, `unsupported file type ${name}: use .xlsx or .csv`)
  const lines = decode(data).split(/\r?\n/).filter((l) => l.trim())
  const head = lines[0].split(',').map((h) => h.trim())
  const col = (re: RegExp) => head.findIndex((h) => re.test(h))
  const c = { name: col(/^姓名$/), sex: col(/^性别$/), birth: col(/^出生日期$/), id: col(/^身份证号码$/), address: col(/^现居住地址$/), phone: col(/^联系电话$/) }
  if (c.name < 0 || c.birth < 0) throw invalid('file', `缺少必需的列：${c.name < 0 ? '姓名' : '出生日期'}`, 'required column missing')
  const known = new Set(Object.values(c))
  const ignored = head.filter((h, i) => h && !known.has(i))
  const registered = new Set([...ctx.elders.values()].map((e) => e.id_number))
  const out: ImportLine[] = []
  const add: ElderForm[] = []
  lines.slice(1).forEach((text, i) => {
    const cells = text.split(',')
    const row = i + 2
    const get = (k: number) => (k >= 0 ? (cells[k] ?? '').trim() : '')
    const id = get(c.id).toUpperCase()
    const problems = []
    const rule = id ? idRule(id) : null
    if (rule) problems.push({ row, column: head[c.id], field: 'id_number', rule: rule[0], message: rule[1], en: rule[2], warning: false })
    if (!get(c.name)) problems.push({ row, column: '姓名', field: 'name', rule: 'required', message: '必填', en: 'is required', warning: false })
    const action = problems.length ? 'refuse' : registered.has(id) ? 'existing' : 'add'
    out.push({ row, name: get(c.name), action, problems })
    if (action === 'add') {
      registered.add(id)
      add.push({
        id: null, unit: UNIT, name: get(c.name), sex: get(c.sex) === '女' ? 'female' : 'male', birth_date: get(c.birth), ethnicity: '汉族',
        id_number: id, hukou: 'rural', household_place: '', address: get(c.address), phone: get(c.phone) || null, health: 'healthy',
        disability: null, illness: '', education: 'primary', spouse: 'one_living', children: [], migration: null, income_sources: [],
        care: 'cared_for', needs: '', difficulties: '', supporters: [], categories: [], status: 'active', sign_off: null,
      } as unknown as ElderForm)
    }
  })
  const n = (a: string) => out.filter((l) => l.action === a).length
  return {
    preview: {
      file: name, rows: out.length, add: n('add'), with_warnings: 0, existing: n('existing'), refused: n('refuse'),
      ignored_headings: ignored, lines: out, imported: 0, written: false,
    },
    add,
  }
}

// -- contact cards --

function esc(s: string): string {
  return s.replace(/[&<>"]/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[ch]!)
}

function cardsHtml(list: ElderForm[], paper: 'a6' | 'a4'): string {
  const cards = list.map((e) => `<div class="card"><h1>巴州区农村互助养老明白卡</h1><table>
<tr><th></th><th>职务</th><th>电话</th></tr>
<tr><th>联村领导</th><td>张明（联村领导）</td><td>13908270001</td></tr>
<tr><th>村互助小队联户人员</th><td>李华（联户人员）</td><td>13908270002</td></tr>
<tr><th>互助员</th><td>王芳（互助员）</td><td>13908270003</td></tr>
<tr><th>受助对象</th><td colspan="2">${esc(e.name)}<br><small>${esc(e.address)}</small></td></tr>
<tr><th>互助内容</th><td colspan="2">巡访、助洁、精神慰藉</td></tr></table></div>`)
  const body = paper === 'a4'
    ? Array.from({ length: Math.ceil(cards.length / 4) }, (_, i) => `<section class="sheet">${cards.slice(i * 4, i * 4 + 4).join('\n')}</section>`).join('\n')
    : cards.join('\n')
  return `<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>明白卡</title><style>
@page { size: ${paper === 'a4' ? 'A4' : 'A6'}; margin: 0; }
body { margin: 0; font-family: 'Noto Sans CJK SC', sans-serif; }
.card { box-sizing: border-box; width: 105mm; height: 148mm; padding: 8mm 7mm; }
.sheet { width: 210mm; display: grid; grid-template-columns: 105mm 105mm; }
.card h1 { font-size: 15pt; text-align: center; margin: 0 0 4mm; }
.card table { width: 100%; border-collapse: collapse; font-size: 10.5pt; }
.card th, .card td { border: 0.3mm solid #000; padding: 2.4mm 1.4mm; text-align: left; }
</style></head><body>${body}</body></html>`
}

export function paperworkHandlers(ctx: PaperworkCtx): Handlers {
  return {
    summary_table: (q) => {
      ctx.forbid(ctx.office)
      return summary(ctx, q)
    },
    export_summary: (a) => {
      ctx.forbid(ctx.office)
      const t = summary(ctx, a.query)
      return saved(`附件2汇总表-${NAME}${t.unit}-${t.date}`, a.format)
    },
    monthly_progress: (q) => {
      ctx.forbid(ctx.office)
      const month = q.month || ctx.today.slice(0, 7)
      if (!/^\d{4}-\d{2}$/.test(month)) throw invalid('month', `月份应写成 年-月，如 2026-11；收到“${month}”`, `a month is written YYYY-MM; got ${month}`)
      const active = [...ctx.elders.values()].filter((e) => (e.status ?? 'active') === 'active')
      const inMonth = (v: VisitLine) => v.at.slice(0, 7) === month
      const visits = active.map((e) => (ctx.visits.get(e.id!) ?? []).filter(inMonth).length)
      const overdue = active.filter((e) => {
        const last = ctx.visits.get(e.id!)?.[0]?.at.slice(0, 10)
        return !last || Date.parse(ctx.today) - Date.parse(last) > 30 * 86_400_000
      }).length
      const base = {
        elders: active.length, visits: visits.reduce((s, n) => s + n, 0), visited: visits.filter((n) => n > 0).length,
        overdue, active_helpers: 3, emergencies: 1, open_cases: 2, coverage_percent: 0,
      }
      base.coverage_percent = base.elders ? (100 * base.visited) / base.elders : 0
      const rows: ProgressLine[] = [
        { level: 'village', unit: UNIT, name: NAME, ...base },
        { level: 'township', unit: '511902106000', name: '', ...base },
        { level: 'total', unit: '', name: '', ...base },
      ]
      return { month, on: ctx.today, rows }
    },
    export_progress: (a) => {
      ctx.forbid(ctx.office)
      return saved(`月度推进情况-${NAME}${UNIT}-${a.query.month || ctx.today.slice(0, 7)}`, a.format)
    },
    preview_import: (f) => {
      ctx.forbid(ctx.office)
      return plan(ctx, f.name, f.data).preview
    },
    import_ledger: (f) => {
      ctx.forbid(ctx.office)
      const { preview, add } = plan(ctx, f.name, f.data)
      for (const e of add) {
        const id = (ctx.elders.size + 1).toString(16).padStart(32, '0')
        ctx.elders.set(id, { ...e, id })
      }
      ctx.sync.pending += add.length * 5
      return { ...preview, imported: add.length, written: add.length > 0 }
    },
    export_ledger: (a) => {
      ctx.forbid(ctx.office)
      return saved(`信息台账-${NAME}${UNIT}-${ctx.today}`, a.format)
    },
    print_cards: (q): PrintedCards => {
      ctx.forbid(ctx.office)
      if (!q.elders.length) throw invalid('elders', '请至少选择一位老人', 'choose at least one elder')
      const list = q.elders.map((id) => {
        const e = ctx.elders.get(id)
        if (!e) throw { kind: 'not_found', field: 'elders', message: '没有这位老人', en: 'no such elder', violations: [] }
        return e
      })
      // The double has no relay: the cards carry no QR code, and say why, as the app does offline.
      return {
        html: cardsHtml(list, q.paper), cards: list.length, with_code: 0,
        no_code: `无法连接中继服务器，${list.length} 张卡片未印二维码（家属可稍后凭村委会发的登记码登记）`,
        no_code_en: `the relay cannot be reached: ${list.length} cards printed without a QR code (families can enrol later with a code from the committee)`,
      }
    },
  }
}

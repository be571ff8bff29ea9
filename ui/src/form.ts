// The registration form 附件1 as data: its groups and fields in the printed order, shared by the
// record view (一人一册) and the form. `choices` name the i18n group holding the printed terms.
import type { ElderForm } from './bindings'

export type FieldKind = 'text' | 'choice' | 'multi' | 'date' | 'month' | 'number' | 'textarea'
export interface FieldSpec {
  key: string
  label: string
  kind: FieldKind
  choices?: { group: string; values: string[] }
  required?: boolean
  inputmode?: 'numeric' | 'tel' | 'text'
}
export interface GroupSpec { title: string; fields: FieldSpec[] }

export const GROUPS: GroupSpec[] = [
  {
    title: 'form.basic',
    fields: [
      { key: 'name', label: 'form.name', kind: 'text', required: true },
      { key: 'sex', label: 'form.sex', kind: 'choice', choices: { group: 'sex', values: ['male', 'female'] }, required: true },
      { key: 'birth_date', label: 'form.birth_date', kind: 'date', required: true },
      { key: 'ethnicity', label: 'form.ethnicity', kind: 'text' },
      { key: 'id_number', label: 'form.id_number', kind: 'text', inputmode: 'text' },
      { key: 'hukou', label: 'form.hukou', kind: 'choice', choices: { group: 'hukou', values: ['rural', 'urban'] } },
      { key: 'household_place', label: 'form.household_place', kind: 'text' },
      { key: 'address', label: 'form.address', kind: 'text' },
      { key: 'phone', label: 'form.phone', kind: 'text', inputmode: 'tel' },
    ],
  },
  {
    title: 'form.healthGroup',
    fields: [
      { key: 'health', label: 'form.health', kind: 'choice', choices: { group: 'health', values: ['healthy', 'disabled', 'ill'] } },
      { key: 'disability.kind', label: 'form.disability', kind: 'choice', choices: { group: 'disability', values: ['visual', 'hearing', 'speech', 'physical', 'intellectual', 'mental', 'multiple'] } },
      { key: 'disability.grade', label: 'form.grade', kind: 'choice', choices: { group: '', values: ['1', '2', '3', '4'] } },
      { key: 'illness', label: 'form.illness', kind: 'text' },
    ],
  },
  {
    title: 'form.family',
    fields: [
      { key: 'education', label: 'form.education', kind: 'choice', choices: { group: 'education', values: ['illiterate', 'primary', 'junior', 'senior_or_above'] } },
      { key: 'spouse', label: 'form.spouse', kind: 'choice', choices: { group: 'spouse', values: ['both_living', 'one_living'] } },
    ],
  },
  {
    title: 'form.migration',
    fields: [
      { key: 'migration.away_since', label: 'form.away_since', kind: 'month' },
      { key: 'migration.last_home_visit', label: 'form.last_home_visit', kind: 'month' },
      { key: 'migration.reunions_per_year', label: 'form.reunions_per_year', kind: 'number' },
      { key: 'migration.reunion_days', label: 'form.reunion_days', kind: 'number' },
    ],
  },
  {
    title: 'form.economy',
    fields: [
      { key: 'income_sources', label: 'form.income_sources', kind: 'multi', choices: { group: 'income', values: ['migrant_work', 'farming', 'government_aid', 'relatives', 'other'] } },
    ],
  },
  {
    title: 'form.careGroup',
    fields: [
      { key: 'care', label: 'form.care', kind: 'choice', choices: { group: 'care', values: ['cared_for', 'not_cared_for'] } },
      { key: 'needs', label: 'form.needs', kind: 'textarea' },
      { key: 'difficulties', label: 'form.difficulties', kind: 'textarea' },
      { key: 'categories', label: 'form.categories', kind: 'multi', choices: { group: 'category', values: ['living_alone', 'empty_nest', 'disabled', 'hardship', 'destitute', 'severe_disability', 'bereaved_one_child'] } },
    ],
  },
  {
    title: 'form.signOff',
    fields: [
      { key: 'sign_off.filing_unit', label: 'form.filing_unit', kind: 'text' },
      { key: 'sign_off.filler', label: 'form.filler', kind: 'text' },
      { key: 'sign_off.reviewer', label: 'form.reviewer', kind: 'text' },
      { key: 'sign_off.unit_head', label: 'form.unit_head', kind: 'text' },
      { key: 'sign_off.date', label: 'form.signDate', kind: 'date' },
    ],
  },
]

export function blank(): ElderForm {
  return {
    unit: '', name: '', sex: '', birth_date: '', ethnicity: '汉族', id_number: null, hukou: 'rural',
    household_place: '', address: '', phone: null, health: null, disability: null, illness: '', education: null,
    spouse: null, children: [], migration: null, income_sources: [], care: null, needs: '', difficulties: '',
    supporters: [], categories: [], status: null, sign_off: { filing_unit: '', filler: '', reviewer: '', unit_head: '', date: null },
  }
}

/** Reads a dotted key (`migration.away_since`) of a record. */
export function get(record: ElderForm, key: string): unknown {
  return key.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), record)
}

/** Writes a dotted key, creating the block when missing. */
export function set(record: ElderForm, key: string, value: unknown) {
  const parts = key.split('.')
  let o = record as unknown as Record<string, unknown>
  for (const p of parts.slice(0, -1)) {
    if (!o[p] || typeof o[p] !== 'object') o[p] = {}
    o = o[p] as Record<string, unknown>
  }
  o[parts[parts.length - 1]] = value
}

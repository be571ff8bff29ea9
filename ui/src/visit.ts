// The visit form's shape and choices (codes as core names them).
import type { VisitForm } from './bindings'

export const MODES = ['door', 'phone', 'video'] as const
export const CHECKS = ['food', 'clothing', 'housing', 'medical'] as const
export const SERVICES = [
  'patrol', 'meals', 'laundry', 'cleaning', 'farm_work', 'errands', 'tidying', 'companionship', 'affairs', 'emergency',
] as const

/** A fresh visit: at the door, all four checks fine, 30 minutes. */
export function blankVisit(elder: string): VisitForm {
  const fine = () => ({ concern: false, note: '' })
  return {
    elder, mode: 'door', services: [], duration_minutes: 30, follow_up: '',
    checks: { food: fine(), clothing: fine(), housing: fine(), medical: fine() },
  }
}

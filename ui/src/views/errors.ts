// An error from the backend as this screen shows it: Chinese or English by the UI's language.
import { isAppError } from '../api'

export function errorText(e: unknown, locale: string): string {
  if (isAppError(e)) return locale === 'en' ? e.en : e.message
  return String(e)
}

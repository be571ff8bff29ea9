import { createI18n } from 'vue-i18n'
import { Locale } from 'vant'
import vantZh from 'vant/es/locale/lang/zh-CN'
import vantEn from 'vant/es/locale/lang/en-US'
import zh from './zh-CN'
import en from './en'

export type Lang = 'zh-CN' | 'en'

function initial(): Lang {
  const asked = new URLSearchParams(location.search).get('lang') ?? localStorage.getItem('lang')
  return asked === 'en' ? 'en' : 'zh-CN'
}

export const i18n = createI18n({
  legacy: false,
  locale: initial(),
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zh, en },
})

export function setLang(lang: Lang) {
  i18n.global.locale.value = lang
  localStorage.setItem('lang', lang)
  document.documentElement.lang = lang
  Locale.use(lang === 'en' ? 'en-US' : 'zh-CN', lang === 'en' ? vantEn : vantZh)
}

setLang(initial())

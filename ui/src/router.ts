import { createRouter, createWebHashHistory, type RouteRecordRaw } from 'vue-router'
import type { AppRole } from './bindings'

// Which screens exist for which role: a route not listed for a role is not registered at all.
const screens: Record<AppRole, RouteRecordRaw[]> = {
  committee: [
    { path: '/', redirect: '/registry' },
    { path: '/registry', name: 'registry', component: () => import('./views/registry/RegistryList.vue') },
    { path: '/elder/:id', name: 'record', component: () => import('./views/registry/ElderRecord.vue'), props: true },
    { path: '/form/:id?', name: 'form', component: () => import('./views/registry/ElderFormView.vue'), props: true },
    { path: '/review', name: 'review', component: () => import('./views/registry/ReviewList.vue') },
    { path: '/enrol', name: 'enrol', component: () => import('./views/devices/EnrolDevice.vue') },
    // -- people: helpers, assignment, cases --
    { path: '/helpers', name: 'helpers', component: () => import('./views/helpers/HelpersView.vue') },
    { path: '/helpers/form/:id?', name: 'helper-form', component: () => import('./views/helpers/HelperForm.vue'), props: true },
    { path: '/cases', name: 'cases', component: () => import('./views/cases/CasesView.vue') },
    { path: '/case/:id', name: 'case', component: () => import('./views/cases/CaseDetail.vue'), props: true },
    { path: '/emergency/:id', name: 'emergency', component: () => import('./views/cases/EmergencyView.vue'), props: true },
    // -- office: risk, agreements --
    { path: '/risk', name: 'risk', component: () => import('./views/risk/RiskList.vue') },
    { path: '/risk/assess/:id', name: 'risk-assess', component: () => import('./views/risk/RiskAssess.vue'), props: true },
    { path: '/risk/elder/:id', name: 'risk-history', component: () => import('./views/risk/RiskHistory.vue'), props: true },
    { path: '/agreements', name: 'agreements', component: () => import('./views/agreements/AgreementList.vue') },
    { path: '/agreements/new/:elder?', name: 'agreement-new', component: () => import('./views/agreements/AgreementFormView.vue'), props: true },
    { path: '/agreements/:id', name: 'agreement', component: () => import('./views/agreements/AgreementDetail.vue'), props: true },
    { path: '/agreements/:id/print', name: 'agreement-print', component: () => import('./views/agreements/AgreementPrint.vue'), props: true },
    // -- paperwork: reports, ledger, cards, devices --
    { path: '/reports', name: 'reports', component: () => import('./views/reports/ReportsView.vue') },
    { path: '/cards', name: 'cards', component: () => import('./views/cards/CardsView.vue') },
    // -- privacy: an elder's consents, export, erasure; the audit log --
    { path: '/privacy/:id', name: 'elder-privacy', component: () => import('./views/privacy/ElderPrivacy.vue'), props: true },
    { path: '/audit', name: 'audit', component: () => import('./views/privacy/AuditLog.vue') },
  ],
  township: [],
  helper: [
    { path: '/', redirect: '/mine' },
    { path: '/mine', name: 'mine', component: () => import('./views/visits/MyElders.vue') },
    { path: '/elder/:id', name: 'elder', component: () => import('./views/visits/HelperElder.vue'), props: true },
    { path: '/visit/:id', name: 'visit', component: () => import('./views/visits/LogVisit.vue'), props: true },
    // -- people: helper's emergency flow --
    { path: '/emergency/:id', name: 'emergency', component: () => import('./views/cases/EmergencyView.vue'), props: true },
    { path: '/enrol', name: 'enrol', component: () => import('./views/devices/EnrolDevice.vue') },
  ],
  family: [
    { path: '/', redirect: '/card' },
    { path: '/card', name: 'card', component: () => import('./views/family/FamilyCard.vue') },
  ],
}
screens.township = screens.committee

export const tabs: Record<AppRole, { name: string; label: string; icon: string }[]> = {
  committee: [
    { name: 'registry', label: 'nav.registry', icon: 'records-o' },
    { name: 'form', label: 'nav.add', icon: 'add-o' },
    { name: 'review', label: 'nav.review', icon: 'warning-o' },
    { name: 'enrol', label: 'nav.enrol', icon: 'qr' },
    // -- people --
    { name: 'helpers', label: 'people.nav.helpers', icon: 'manager-o' },
    { name: 'cases', label: 'people.nav.cases', icon: 'todo-list-o' },
    // -- office --
    { name: 'risk', label: 'office.nav.risk', icon: 'shield-o' },
    { name: 'agreements', label: 'office.nav.agreements', icon: 'description' },
    // -- paperwork --
    { name: 'reports', label: 'paperwork.nav.reports', icon: 'bar-chart-o' },
    { name: 'cards', label: 'paperwork.nav.cards', icon: 'idcard' },
    // -- privacy --
    { name: 'audit', label: 'privacy.nav.audit', icon: 'eye-o' },
  ],
  township: [],
  helper: [
    { name: 'mine', label: 'nav.mine', icon: 'friends-o' },
    { name: 'enrol', label: 'nav.enrol', icon: 'qr' },
  ],
  family: [{ name: 'card', label: 'nav.card', icon: 'idcard' }],
}
tabs.township = tabs.committee

export function makeRouter(role: AppRole) {
  return createRouter({ history: createWebHashHistory(), routes: screens[role] })
}

import { createRouter, createWebHashHistory, type RouteRecordRaw } from 'vue-router'
import type { AppRole } from './bindings'

// Which screens exist for which role: a route not listed for a role is not registered at all.
const screens: Record<AppRole, RouteRecordRaw[]> = {
  committee: [
    { path: '/', redirect: '/registry' },
    { path: '/registry', name: 'registry', component: () => import('./views/RegistryList.vue') },
    { path: '/elder/:id', name: 'record', component: () => import('./views/ElderRecord.vue'), props: true },
    { path: '/form/:id?', name: 'form', component: () => import('./views/ElderFormView.vue'), props: true },
    { path: '/review', name: 'review', component: () => import('./views/ReviewList.vue') },
    { path: '/enrol', name: 'enrol', component: () => import('./views/EnrolDevice.vue') },
  ],
  township: [],
  helper: [
    { path: '/', redirect: '/mine' },
    { path: '/mine', name: 'mine', component: () => import('./views/MyElders.vue') },
    { path: '/elder/:id', name: 'elder', component: () => import('./views/HelperElder.vue'), props: true },
    { path: '/visit/:id', name: 'visit', component: () => import('./views/LogVisit.vue'), props: true },
    { path: '/enrol', name: 'enrol', component: () => import('./views/EnrolDevice.vue') },
  ],
  family: [
    { path: '/', redirect: '/card' },
    { path: '/card', name: 'card', component: () => import('./views/FamilyCard.vue') },
  ],
}
screens.township = screens.committee

export const tabs: Record<AppRole, { name: string; label: string; icon: string }[]> = {
  committee: [
    { name: 'registry', label: 'nav.registry', icon: 'records-o' },
    { name: 'form', label: 'nav.add', icon: 'add-o' },
    { name: 'review', label: 'nav.review', icon: 'warning-o' },
    { name: 'enrol', label: 'nav.enrol', icon: 'qr' },
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

// The console's pages: one table. A page is its own module under pages/; `roles` limits who sees it in the nav
// bar and may open it (absent: every official); `nav` false keeps a page out of the nav bar (it is reached by
// links, e.g. a round from the inbox).
import type { ComponentType } from 'preact';
import type { Role } from '../../domain/enums';
import { InboxPage } from './pages/inbox';
import { RoundPage } from './pages/round';
import { CampaignPage } from './pages/campaign';
import { CountyPage } from './pages/county';
import { ExitPlanPage, ExitsPage } from './pages/exit-plan';
import { FindingsPage } from './pages/findings';
import { HouseholdPage } from './pages/households';
import { RegistryPage } from './pages/registry';
import { ScorecardPage } from './pages/scorecard';
import { TownshipPage } from './pages/township';
import { VillagePage } from './pages/village';
import type { PageProps } from './page';

export type { PageProps };

export interface Route {
  pattern: string;
  title: string;
  component: ComponentType<PageProps>;
  roles?: readonly Role[];
  nav?: boolean;
}

/** The county's views: county officials and administrators. */
const COUNTY_ROLES: readonly Role[] = ['COUNTY', 'ADMIN'];

export const routes: Route[] = [
  { pattern: '/', title: '待办事项', component: InboxPage },
  { pattern: '/rounds/:roundId', title: '评议轮次', component: RoundPage, nav: false },
  { pattern: '/county', title: '县级工作台', component: CountyPage, roles: COUNTY_ROLES },
  { pattern: '/township', title: '乡镇工作台', component: TownshipPage, roles: ['TOWNSHIP', ...COUNTY_ROLES] },
  { pattern: '/campaigns/:campaignId', title: '批次', component: CampaignPage, roles: COUNTY_ROLES, nav: false },
  { pattern: '/villages/:code', title: '村', component: VillagePage, nav: false },
  { pattern: '/households/:householdId', title: '农户', component: HouseholdPage, nav: false },
  { pattern: '/registry', title: '名册', component: RegistryPage, roles: ['TOWNSHIP', ...COUNTY_ROLES] },
  { pattern: '/exit-plan', title: '退出计划', component: ExitPlanPage, roles: ['TOWNSHIP', ...COUNTY_ROLES] },
  { pattern: '/exits', title: '退出申请', component: ExitsPage, roles: ['TOWNSHIP', ...COUNTY_ROLES] },
  { pattern: '/scorecard', title: '乡镇考核', component: ScorecardPage, roles: ['TOWNSHIP', ...COUNTY_ROLES] },
  { pattern: '/findings', title: '督查问题', component: FindingsPage, roles: ['TOWNSHIP', ...COUNTY_ROLES] },
];

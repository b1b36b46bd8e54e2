// The console's pages: one table. A page is its own module under pages/; `roles` limits who sees it in the nav
// bar and may open it (absent: every official); `nav` false keeps a page out of the nav bar (it is reached by
// links, e.g. a round from the inbox).
import type { ComponentType } from 'preact';
import type { Role } from '../../domain/enums';
import { InboxPage } from './pages/inbox';
import { RoundPage } from './pages/round';
import { PlaceholderPage } from './pages/placeholder';
import type { PageProps } from './page';

export type { PageProps };

export interface Route {
  pattern: string;
  title: string;
  component: ComponentType<PageProps>;
  roles?: readonly Role[];
  nav?: boolean;
}

export const routes: Route[] = [
  { pattern: '/', title: '待办事项', component: InboxPage },
  { pattern: '/rounds/:roundId', title: '评议轮次', component: RoundPage, nav: false },
  { pattern: '/county', title: '县级工作台', component: PlaceholderPage, roles: ['COUNTY', 'ADMIN'] },
  { pattern: '/township', title: '乡镇工作台', component: PlaceholderPage, roles: ['TOWNSHIP'] },
];

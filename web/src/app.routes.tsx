/**
 * The console's pages. A page is one entry here: a path pattern under the instance, its title, and,
 * for top-level pages, the label in the navigation. Detail pages name the section they belong to,
 * so the navigation highlights it.
 */
import type { JSX } from 'preact';
import { FlowPage } from './pages/flow.page';
import { FlowsPage } from './pages/flows.page';
import { HomePage } from './pages/home.page';
import { JobPage } from './pages/job.page';
import { JobsPage } from './pages/jobs.page';
import { SchedulePage } from './pages/schedule.page';
import { SourcePage } from './pages/source.page';
import { SourcesPage } from './pages/sources.page';
import { ConnectionsPage } from './pages/connections.page';
import { CustomerPage } from './pages/customer.page';
import { MeasurePage } from './pages/measure.page';
import { NewSegmentPage, SegmentPage } from './pages/segment.page';
import { SegmentsPage } from './pages/segments.page';
import { SubscriptionPage } from './pages/subscription.page';
import { SubscriptionsPage } from './pages/subscriptions.page';
import { UnificationPage } from './pages/unification.page';

export interface PageProps {
  instance: string;
  params: Record<string, string>;
}

export interface PageRoute {
  pattern: string;
  section: string;
  title: (params: Record<string, string>) => string;
  /** Label in the navigation; only one route per section has it. */
  nav?: string;
  view: (props: PageProps) => JSX.Element;
}

export const routes: PageRoute[] = [
  { pattern: '', section: 'home', nav: 'Overview', title: () => 'Overview', view: HomePage },
  {
    pattern: 'sources',
    section: 'sources',
    nav: 'Data sources',
    title: () => 'Data sources',
    view: SourcesPage,
  },
  {
    pattern: 'sources/:name',
    section: 'sources',
    title: (p) => `Data source ${p.name ?? ''}`,
    view: SourcePage,
  },
  { pattern: 'jobs', section: 'jobs', nav: 'Jobs', title: () => 'Jobs', view: JobsPage },
  {
    pattern: 'jobs/:jobId',
    section: 'jobs',
    title: (p) => `Job ${(p.jobId ?? '').slice(0, 8)}`,
    view: JobPage,
  },
  {
    pattern: 'unification',
    section: 'unification',
    nav: 'Unification',
    title: () => 'Unification',
    view: UnificationPage,
  },
  {
    pattern: 'unification/customers/:id',
    section: 'unification',
    title: (p) => `Customer ${p.id ?? ''}`,
    view: CustomerPage,
  },
  {
    pattern: 'segments',
    section: 'segments',
    nav: 'Segments & measures',
    title: () => 'Segments and measures',
    view: SegmentsPage,
  },
  // Not `segments/new`: "new" is a valid segment name.
  {
    pattern: 'new-segment',
    section: 'segments',
    title: () => 'New segment',
    view: NewSegmentPage,
  },
  {
    pattern: 'segments/:name',
    section: 'segments',
    title: (p) => `Segment ${p.name ?? ''}`,
    view: SegmentPage,
  },
  {
    pattern: 'measures/:name',
    section: 'segments',
    title: (p) => `Measure ${p.name ?? ''}`,
    view: MeasurePage,
  },
  {
    pattern: 'subscriptions',
    section: 'subscriptions',
    nav: 'Subscriptions',
    title: () => 'Subscriptions',
    view: SubscriptionsPage,
  },
  {
    pattern: 'subscriptions/:id',
    section: 'subscriptions',
    title: () => 'Subscription',
    view: SubscriptionPage,
  },
  {
    pattern: 'connections',
    section: 'connections',
    nav: 'Connections',
    title: () => 'Connections',
    view: ConnectionsPage,
  },
  {
    pattern: 'schedule',
    section: 'schedule',
    nav: 'Schedule',
    title: () => 'Schedule',
    view: SchedulePage,
  },
  { pattern: 'flows', section: 'flows', nav: 'Flows', title: () => 'Flows', view: FlowsPage },
  {
    pattern: 'flows/:name',
    section: 'flows',
    title: (p) => `Flow ${p.name ?? ''}`,
    view: FlowPage,
  },
];

/** Settings every loopscope dashboard shares, and the final numbering pass. */
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';

export const DASHBOARD_TAG = 'loopscope';

export function loopscopeDashboard(uid: string, title: string, description: string) {
  return new dashboard.DashboardBuilder(title)
    .uid(uid)
    .description(description)
    .tags([DASHBOARD_TAG])
    .editable()
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .time({ from: 'now-1h', to: 'now' })
    .refresh('30s')
    .timezone('browser')
    .link(
      new dashboard.DashboardLinkBuilder('loopscope')
        .type(dashboard.DashboardLinkType.Dashboards)
        .tags([DASHBOARD_TAG])
        .asDropdown(true)
        .includeVars(true)
        .keepTime(true),
    );
}

/**
 * Builds the dashboard and numbers every panel (rows and the panels inside
 * collapsed rows too) 1, 2, 3... in layout order: the SDK assigns no ids,
 * and Grafana needs unique ones for links, repeats and panel edits.
 */
export function finalize(builder: dashboard.DashboardBuilder): dashboard.Dashboard {
  const built = builder.build();
  let id = 0;
  for (const panel of built.panels ?? []) {
    panel.id = ++id;
    if ('collapsed' in panel) for (const inner of panel.panels) inner.id = ++id;
  }
  return built;
}

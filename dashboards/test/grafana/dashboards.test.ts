import assert from 'node:assert/strict';
import { test } from 'node:test';
import { committedDashboards } from '../helpers/generated.js';

interface Target {
  refId?: string;
  expr?: string;
  datasource?: { uid?: string };
}
interface Panel {
  id?: number;
  type: string;
  title?: string;
  panels?: Panel[];
  targets?: Target[];
  datasource?: { uid?: string };
  options?: { legend?: { showLegend?: boolean; show?: boolean } };
  fieldConfig?: { defaults?: { unit?: string } };
  gridPos?: { x: number; y: number; w: number; h: number };
}

const flat = (panels: Panel[] = []): Panel[] => panels.flatMap((p) => [p, ...flat(p.panels)]);

test('three dashboards with fixed uids, the loopscope tag and the Grafana schema of the SDK', async () => {
  const dashboards = await committedDashboards();
  assert.deepEqual(
    dashboards.map((d) => d.json.uid),
    ['loopscope-fleet', 'loopscope-instance', 'loopscope-k6'],
  );
  for (const { json } of dashboards) {
    assert.deepEqual(json.tags, ['loopscope']);
    assert.equal(json.schemaVersion, 42);
  }
});

test('every panel has a unique id; every target a refId unique in its panel and the datasource variable', async () => {
  for (const { file, json } of await committedDashboards()) {
    const panels = flat(json.panels as Panel[]);
    const ids = panels.map((p) => p.id);
    assert.ok(
      ids.every((id) => typeof id === 'number' && id > 0),
      `${file}: panel without id`,
    );
    assert.equal(new Set(ids).size, ids.length, `${file}: duplicate panel ids`);
    for (const p of panels.filter((x) => x.type !== 'row')) {
      const refIds = (p.targets ?? []).map((t) => t.refId);
      assert.ok(refIds.length > 0, `${file} / ${p.title}: no targets`);
      assert.ok(
        refIds.every((r) => typeof r === 'string' && r !== ''),
        `${file} / ${p.title}: target without refId`,
      );
      assert.equal(new Set(refIds).size, refIds.length, `${file} / ${p.title}: duplicate refIds`);
      assert.equal(p.datasource?.uid, '${datasource}', `${file} / ${p.title}`);
      for (const t of p.targets ?? [])
        assert.equal(t.datasource?.uid, '${datasource}', `${file} / ${p.title}`);
    }
  }
});

test('graphs show legends and every panel states a unit', async () => {
  for (const { file, json } of await committedDashboards()) {
    for (const p of flat(json.panels as Panel[])) {
      if (p.type === 'timeseries')
        assert.equal(p.options?.legend?.showLegend, true, `${file} / ${p.title}`);
      if (p.type === 'heatmap') assert.equal(p.options?.legend?.show, true, `${file} / ${p.title}`);
      if (p.type === 'timeseries' || p.type === 'stat')
        assert.ok(p.fieldConfig?.defaults?.unit, `${file} / ${p.title}: no unit`);
    }
  }
});

test('panels stay on the 24-column grid and do not overlap', async () => {
  for (const { file, json } of await committedDashboards()) {
    const boxes = flat(json.panels as Panel[]).map((p) => ({ title: p.title, ...p.gridPos }));
    for (const b of boxes)
      assert.ok(b.x !== undefined && b.w !== undefined && b.x + b.w <= 24, `${file} / ${b.title}`);
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i];
        const c = boxes[j];
        if (!a || !c || a.x === undefined || c.x === undefined) continue;
        const overlap =
          a.x < c.x + (c.w ?? 0) &&
          c.x < a.x + (a.w ?? 0) &&
          (a.y ?? 0) < (c.y ?? 0) + (c.h ?? 0) &&
          (c.y ?? 0) < (a.y ?? 0) + (a.h ?? 0);
        assert.ok(!overlap, `${file}: "${a.title}" overlaps "${c.title}"`);
      }
    }
  }
});

test('the fleet dashboard has the rows the issue lists', async () => {
  const [fleet] = await committedDashboards();
  const rows = (fleet?.json.panels as Panel[]).filter((p) => p.type === 'row').map((p) => p.title);
  assert.deepEqual(rows, [
    'Overview',
    'Event-loop delay',
    'Thread pool',
    'Active resources',
    'Heap and GC',
    'Collector health',
  ]);
});

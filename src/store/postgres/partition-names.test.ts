import { describe, expect, it } from 'vitest';
import { DAY_MS, dayOf } from '../../domain/time.js';
import { createPartitionSql, monthOfDay, monthsCovering, parsePartitionName } from './partition-names.js';

const day = (y: number, m: number, d: number) => dayOf(Date.UTC(y, m, d));

describe('month partitions of prediction_blocks', () => {
  it('names a day’s month and bounds it by day numbers [first of month, first of next)', () => {
    expect(monthOfDay(day(2026, 0, 31))).toEqual({ name: 'prediction_blocks_p202601', fromDay: day(2026, 0, 1), toDay: day(2026, 1, 1) });
    expect(monthOfDay(day(2024, 1, 29))).toMatchObject({ name: 'prediction_blocks_p202402', toDay: day(2024, 2, 1) });
    expect(monthOfDay(day(2026, 11, 31))).toMatchObject({ name: 'prediction_blocks_p202612', toDay: day(2027, 0, 1) });
    // the last millisecond of a month is in it, the next one is not
    expect(monthOfDay(dayOf(Date.UTC(2026, 2, 1) - 1)).name).toBe('prediction_blocks_p202602');
    expect(monthOfDay(dayOf(Date.UTC(2026, 2, 1))).name).toBe('prediction_blocks_p202603');
  });

  it('covers a span of days with consecutive, touching months', () => {
    const months = monthsCovering(day(2025, 10, 20), day(2026, 1, 3));
    expect(months.map((m) => m.name)).toEqual(['prediction_blocks_p202511', 'prediction_blocks_p202512', 'prediction_blocks_p202601', 'prediction_blocks_p202602']);
    for (let i = 1; i < months.length; i++) expect(months[i].fromDay).toBe(months[i - 1].toDay);
    expect(monthsCovering(day(2026, 4, 5), day(2026, 4, 5))).toHaveLength(1);
  });

  it('parses its own names back (live and retired), nothing else', () => {
    for (let d = day(1999, 11, 1); d < day(2031, 0, 1); d += 17) {
      const m = monthOfDay(d);
      expect(parsePartitionName(m.name)).toEqual(m);
      expect(parsePartitionName(m.name.replace('prediction_blocks_p', 'retired_blocks_p'))).toEqual(m);
    }
    for (const bad of ['prediction_blocks', 'prediction_blocks_p2026', 'prediction_blocks_p202613', 'prediction_blocks_p202600', 'x_prediction_blocks_p202601', 'prediction_blocks_p202601x']) expect(parsePartitionName(bad)).toBeNull();
  });

  it('creates a partition idempotently for its range', () => {
    const m = monthOfDay(day(2026, 5, 15));
    expect(createPartitionSql(m)).toBe(`CREATE TABLE IF NOT EXISTS prediction_blocks_p202606 PARTITION OF prediction_blocks FOR VALUES FROM (${m.fromDay}) TO (${m.toDay})`);
    expect((m.toDay - m.fromDay) * DAY_MS).toBe(30 * DAY_MS);
  });
});

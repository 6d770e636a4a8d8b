import { ParallelClusterVersion } from '../src/parallelcluster-version';

describe('ParallelClusterVersion', () => {
  const all = ParallelClusterVersion.all();

  test('revisions are ordered by their first release, oldest first', () => {
    expect(all.map((v) => v.version)).toEqual(['3.2', '3.3', '3.4', '3.5', '3.6', '3.7', '3.8', '3.9', '3.11', '3.13', '3.14', '3.15', '3.16']);
    expect(all.map((v) => v.toString())).toEqual(['V3_2', 'V3_3', 'V3_4', 'V3_5', 'V3_6', 'V3_7', 'V3_8', 'V3_9', 'V3_11', 'V3_13', 'V3_14', 'V3_15', 'V3_16']);
  });

  test('LATEST is the newest revision', () => {
    expect(ParallelClusterVersion.LATEST).toBe(ParallelClusterVersion.V3_16);
    expect(ParallelClusterVersion.LATEST).toBe(all[all.length - 1]);
  });

  test('isAtLeast compares by release, not by string (3.11 is after 3.9)', () => {
    for (const [i, a] of all.entries()) {
      for (const [j, b] of all.entries()) {
        expect([a.toString(), b.toString(), a.isAtLeast(b)]).toEqual([a.toString(), b.toString(), i >= j]);
      }
    }
    expect(ParallelClusterVersion.V3_11.isAtLeast(ParallelClusterVersion.V3_9)).toBe(true);
    expect(ParallelClusterVersion.V3_9.isAtLeast(ParallelClusterVersion.V3_11)).toBe(false);
  });

  test.each([
    ['3.2.1', 'V3_2'],
    ['3.3.0', 'V3_3'],
    ['3.3.0b1', 'V3_3'],
    ['3.5', 'V3_5'],
    ['3.9.3', 'V3_9'],
    ['3.10.1', 'V3_9'],
    ['3.11.0', 'V3_11'],
    ['3.17.0', 'V3_16'],
  ])('forRelease(%s) is %s', (release, expected) => {
    expect(ParallelClusterVersion.forRelease(release).toString()).toBe(expected);
  });

  // Every 3.12 to 3.16 release on PyPI (3.16.2 and 3.16.3 are GitHub releases), by the revision its
  // wheel was checked against.
  test.each([
    ['3.12.0', 'V3_11'],
    ['3.13.0', 'V3_13'], ['3.13.1', 'V3_13'], ['3.13.2', 'V3_13'],
    ['3.14.0', 'V3_14'], ['3.14.1', 'V3_14'], ['3.14.2', 'V3_14'],
    ['3.15.0', 'V3_15'], ['3.15.1', 'V3_15'],
    ['3.16.0', 'V3_16'], ['3.16.1', 'V3_16'], ['3.16.2', 'V3_16'], ['3.16.3', 'V3_16'],
  ])('forRelease(%s) is %s (3.12 to 3.16 releases)', (release, expected) => {
    expect(ParallelClusterVersion.forRelease(release).toString()).toBe(expected);
  });

  test('forRelease refuses releases it cannot map, naming the value and the fix', () => {
    expect(() => ParallelClusterVersion.forRelease('3.1.5')).toThrow(/ParallelCluster 3\.1\.5 is older than the oldest policy revision \(3\.2\).*ParallelClusterVersion\.V3_2/);
    expect(() => ParallelClusterVersion.forRelease('2.11.9')).toThrow(/'2\.11\.9' is not a ParallelCluster 3\.x release.*'3\.10\.1'/);
    expect(() => ParallelClusterVersion.forRelease('latest')).toThrow(/'latest' is not a ParallelCluster 3\.x release/);
  });
});

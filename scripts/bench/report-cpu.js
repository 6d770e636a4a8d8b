// Preloaded with `node --require report-cpu.js <app>`: at exit, prints the process's own CPU time
// (user + system, microseconds) to stderr as `bench-cpu-us <n>`, so any app can be timed by CPU without
// changing it (the shared apps of ../shared/bench print nothing).
process.on('exit', () => {
  const cpu = process.cpuUsage();
  process.stderr.write(`\nbench-cpu-us ${cpu.user + cpu.system}\n`);
});

// Store write speed (harness/store/store.h), on a file in the system temp folder.
// - BM_IngestRunResult: one run's result with `rows` metric rows (plus 200 evaluation
//   items), ingested in one transaction as the coordinator does; counter metric_rows_per_s.
// - BM_Heartbeat: one heartbeat transaction for 4 running runs (every second per sweep).
// - BM_ClaimAndEnd: claiming a run and ending its attempt (two transactions per attempt).
// Run from the repository root:
//   build/bench_store
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>

#include "harness/store/store.h"

namespace tb {
namespace {

namespace fs = std::filesystem;

struct ScratchStore {
  ScratchStore() {
    dir = fs::temp_directory_path() / ("tunebench-bench-store-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    store = std::make_unique<Store>(dir / "tunebench.sqlite");
    sweep = store->create_sweep("bench", "bench.json", "{}");
  }
  ~ScratchStore() {
    store.reset();
    fs::remove_all(dir);
  }
  void add(const std::string& key) {
    store->add_run(sweep, key, "lora", "lora rank=8", 0, R"({"method":{"name":"lora"},"training":{},"seed":0})");
  }
  fs::path dir;
  std::unique_ptr<Store> store;
  int64_t sweep = 0;
};

RunResult result_with(const std::string& key, int64_t rows) {
  RunResult r;
  r.run_key = key;
  r.environment = {"abc", "1.13", "cpu", 1};
  const char* names[] = {"train_loss", "lr", "grad_norm", "tokens_per_second"};
  for (int64_t i = 0; i < rows; ++i) r.metrics.push_back({names[i % 4], i / 4 + 1, 1.0 / double(i + 1)});
  for (int i = 0; i < 200; ++i)
    r.items.push_back({"task_accuracy", "tuned", "item" + std::to_string(i), double(i % 2), -0.5, {{"output", "x"}}});
  return r;
}

void BM_IngestRunResult(benchmark::State& state) {
  ScratchStore s;
  const int64_t rows = state.range(0);
  int64_t n = 0;
  for (auto _ : state) {
    state.PauseTiming();
    const std::string key = "run" + std::to_string(n++);
    s.add(key);
    const RunResult r = result_with(key, rows);
    state.ResumeTiming();
    s.store->record_success(r);
  }
  state.counters["metric_rows_per_s"] =
      benchmark::Counter(double(rows) * double(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_IngestRunResult)->Arg(1000)->Arg(100000)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_Heartbeat(benchmark::State& state) {
  ScratchStore s;
  std::vector<RunProgress> running;
  for (int i = 0; i < 4; ++i) {
    const std::string key = "run" + std::to_string(i);
    s.add(key);
    s.store->claim_run(key, "bench", 1000);
    running.push_back({key, 10, 0.5});
  }
  for (auto _ : state) {
    for (auto& r : running) ++r.step;
    s.store->heartbeat("bench", running);
  }
}
BENCHMARK(BM_Heartbeat)->Unit(benchmark::kMicrosecond)->UseRealTime();

void BM_ClaimAndEnd(benchmark::State& state) {
  ScratchStore s;
  s.add("run");
  for (auto _ : state) {
    s.store->claim_run("run", "bench", 1000);
    s.store->end_attempt("run", {"killed", "bench", 1.0, 0, false});
  }
}
BENCHMARK(BM_ClaimAndEnd)->Unit(benchmark::kMicrosecond)->UseRealTime();

}  // namespace
}  // namespace tb

BENCHMARK_MAIN();

// Evaluation speed per suite on the quickstart model, in items per second (greedy
// generation with the KV cache plus the teacher-forced answer log-probability, for one
// model). The argument is the batch size: 1 scores items one at a time, 32 decodes items
// of equal length together. Run from the repository root:
//   OMP_NUM_THREADS=1 build/bench_eval_suites
#include <benchmark/benchmark.h>

#include "harness/text/byte_tokenizer.h"
#include "evaluators/forgetting.h"
#include "evaluators/long_context.h"
#include "evaluators/reasoning.h"
#include "tools/bench/bench_model.h"

namespace tb {
namespace {

const JsonLocation kAt("bench", "evaluation");

std::vector<SuiteItem> long_context_suite() {
  // The quickstart's grid with 2 items per cell: 4 tasks x 4 lengths x 5 depths x 2.
  return long_context_items(LongContextOptions::from_json(validate_object(
      {{"lengths", {112, 160, 224, 288}}, {"items_per_cell", 2}}, long_context_schema(), kAt)), byte_tokenizer());
}

std::vector<SuiteItem> reasoning_suite() {
  return reasoning_items(
      ReasoningOptions::from_json(validate_object({{"items", 10}}, reasoning_schema(), kAt)));
}

std::vector<SuiteItem> control_suite() {
  return control_items(ForgettingOptions::from_json(
                           validate_object({{"control_items", 40}}, forgetting_schema(), kAt)),
                       0);
}

void score(benchmark::State& state, const std::vector<SuiteItem>& items) {
  torch::set_num_threads(1);
  torch::manual_seed(0);
  LlamaForCausalLM model(bench::quickstart_config());
  ModelResponder responder(model, byte_tokenizer(), state.range(0));
  std::vector<Query> queries;
  for (const auto& item : items) queries.push_back(item.query);
  for (auto _ : state) benchmark::DoNotOptimize(responder.respond(queries));
  state.counters["items/s"] =
      benchmark::Counter(double(items.size()), benchmark::Counter::kIsIterationInvariantRate);
}

void BM_LongContext(benchmark::State& state) { score(state, long_context_suite()); }
void BM_Reasoning(benchmark::State& state) { score(state, reasoning_suite()); }
void BM_ForgettingControl(benchmark::State& state) { score(state, control_suite()); }

BENCHMARK(BM_LongContext)->Arg(1)->Arg(4)->Arg(8)->Arg(32)->Unit(benchmark::kSecond)->Iterations(1);
BENCHMARK(BM_Reasoning)->Arg(1)->Arg(32)->Unit(benchmark::kSecond)->Iterations(1);
BENCHMARK(BM_ForgettingControl)->Arg(1)->Arg(32)->Unit(benchmark::kSecond)->Iterations(1);

}  // namespace
}  // namespace tb

BENCHMARK_MAIN();

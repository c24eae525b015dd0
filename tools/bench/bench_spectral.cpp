// Spectral analysis speed (harness/analysis/spectral.h).
// - BM_QuickstartModel: every weight matrix of the quickstart model changed (as by full
//   fine-tuning), analysed against the base, as the worker does after each run.
// - BM_TopSingularVectors: the top-10 singular vectors of an n×n matrix with a trained-like
//   spectrum (σ_i = i^-0.5 plus noise), by a full exact SVD (arg 0) or the randomised SVD
//   (arg 1); counters give the randomised result's agreement with the exact one: the largest
//   relative error of the top-10 singular values and the subspace similarity φ.
// Run from the repository root:
//   OMP_NUM_THREADS=1 build/bench_spectral
#include <benchmark/benchmark.h>

#include "harness/analysis/spectral.h"
#include "tools/bench/bench_model.h"

namespace tb {
namespace {

std::vector<std::pair<std::string, torch::Tensor>> named(const LlamaForCausalLM& m) {
  std::vector<std::pair<std::string, torch::Tensor>> out;
  for (const auto& p : m->named_parameters()) out.emplace_back(p.key(), p.value().detach().clone());
  return out;
}

void BM_QuickstartModel(benchmark::State& state) {
  torch::set_num_threads(1);
  torch::manual_seed(0);
  LlamaForCausalLM model(bench::quickstart_config());
  const auto base = named(model);
  auto tuned = named(model);
  for (auto& [name, w] : tuned) w = w + 0.01 * torch::randn_like(w);
  size_t matrices = 0;
  for (auto _ : state) matrices = analyze_changed_matrices(base, tuned).size();
  state.counters["matrices"] = double(matrices);
}
BENCHMARK(BM_QuickstartModel)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_TopSingularVectors(benchmark::State& state) {
  torch::set_num_threads(1);
  torch::manual_seed(1);
  const int64_t n = state.range(0);
  const bool randomized = state.range(1) == 1;
  auto [Q1, R1] = torch::linalg_qr(torch::randn({n, n}, torch::kFloat64));
  auto [Q2, R2] = torch::linalg_qr(torch::randn({n, n}, torch::kFloat64));
  const auto s = torch::pow(torch::arange(1, n + 1, torch::kFloat64), -0.5);
  const auto A = torch::matmul(Q1 * s, Q2.transpose(0, 1)) + 1e-3 * torch::randn({n, n}, torch::kFloat64);
  TruncatedSvd top;
  for (auto _ : state) {
    if (randomized) {
      top = randomized_svd(A, 10);
    } else {
      auto [U, S, Vh] = torch::linalg_svd(A, false);
      top = {U.narrow(1, 0, 10), S.narrow(0, 0, 10), Vh.narrow(0, 0, 10).transpose(0, 1)};
    }
  }
  auto [U, S, Vh] = torch::linalg_svd(A, false);
  state.counters["sv_rel_err"] = ((top.S - S.narrow(0, 0, 10)).abs() / S.narrow(0, 0, 10)).max().item<double>();
  state.counters["phi"] = subspace_similarity(top.U, U.narrow(1, 0, 10)).phi;
}
BENCHMARK(BM_TopSingularVectors)
    ->Args({512, 0})
    ->Args({512, 1})
    ->Args({2048, 0})
    ->Args({2048, 1})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace tb

BENCHMARK_MAIN();

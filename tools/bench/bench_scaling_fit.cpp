// Scaling-law fitting speed: the Chinchilla Approach-3 refit of Besiroglu et al. (240
// points, 4,500 L-BFGS starts), on 1 and on all hardware threads, and a 1,000-resample
// bootstrap from the point estimate. The fitted parameters, and the objective at the
// published parameter sets, are reported as counters.
// Run from the repository root:
//   build/bench_scaling_fit
#include <benchmark/benchmark.h>

#include <cmath>

#include "tests/harness/analysis/chinchilla_data.h"

namespace tb {
namespace {

void report(benchmark::State& state, const LawFit& fit) {
  for (const auto& p : fit.parameters) state.counters[p.name] = p.value;
  state.counters["objective"] = fit.objective;
  state.counters["starts_at_best"] = double(fit.starts_at_best);
}

// The objective on the same points at published parameter sets, for comparison with the fit.
void report_published(benchmark::State& state, const FitPoints& points) {
  const auto law = scaling_law("chinchilla");  // parameters: E, A, alpha, B, beta
  auto objective = [&](double E, double A, double alpha, double B, double beta) {
    return huber_log_objective(law, points, {std::log(E), std::log(A), alpha, std::log(B), beta}, 1e-3);
  };
  state.counters["objective_besiroglu_published"] = objective(1.82, 482.01, 0.3478, 2085.43, 0.3658);
  state.counters["objective_notebook_scipy"] = objective(1.817, 477.9, 0.3473, 2143.1, 0.3672);
  state.counters["objective_hoffmann_published"] = objective(1.69, 406.4, 0.34, 410.7, 0.28);
}

void BM_ChinchillaGridFit(benchmark::State& state) {
  const auto points = testing::chinchilla_points(".");
  FitOptions options;
  options.threads = int(state.range(0));
  LawFit fit;
  for (auto _ : state) fit = fit_scaling_law(scaling_law("chinchilla"), points, options);
  report(state, fit);
  report_published(state, points);
}
BENCHMARK(BM_ChinchillaGridFit)->Arg(1)->Arg(0)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_ChinchillaBootstrap(benchmark::State& state) {
  const auto points = testing::chinchilla_points(".");
  FitOptions options;
  options.bootstrap = 1000;
  // One start at the known optimum: the time is the bootstrap's.
  options.start_values = {
      {"E", {0.6}}, {"A", {6.2}}, {"B", {7.6}}, {"alpha", {0.35}}, {"beta", {0.37}}};
  LawFit fit;
  for (auto _ : state) fit = fit_scaling_law(scaling_law("chinchilla"), points, options);
  report(state, fit);
  state.counters["alpha_ci_low"] = *fit.parameters[2].ci_low;
  state.counters["alpha_ci_high"] = *fit.parameters[2].ci_high;
}
BENCHMARK(BM_ChinchillaBootstrap)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace tb

BENCHMARK_MAIN();

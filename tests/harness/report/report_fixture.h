// A small store with hand-chosen numbers for the report, compare, regress and export tests:
// sweep "fixture" with two variants x 3 seeds (one with a hostile label), a failed run,
// aggregates, 0/1 items, loss curves, spectra, and costs.
#pragma once
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "harness/store/store.h"

namespace tb::testing {

inline const std::string kHostileVariant = "lora <b>&\"x_y% {a}$ |";

struct FixtureRun {
  std::string key, method, variant;
  int64_t seed;
  double accuracy, delta_ce;
  std::vector<double> items;  // task_accuracy tuned 0/1 scores, item ids "reverse/0", ...
};

// Accuracies full_ft {0.8, 0.9, 1.0}, hostile lora {0.6, 0.7, 0.5}; Δ held-out CE full_ft
// {3, 4, 5}, lora {1, 1.5, 2}. Items: 10 per run; `item_shift` moves lora's items.
inline std::vector<FixtureRun> fixture_runs(double accuracy_shift = 0) {
  std::vector<FixtureRun> runs;
  const double full[] = {0.8, 0.9, 1.0}, lora[] = {0.6, 0.7, 0.5};
  for (int64_t s = 0; s < 3; ++s) {
    std::vector<double> full_items(10, 0.0), lora_items(10, 0.0);
    for (int i = 0; i < 10; ++i) {
      full_items[size_t(i)] = i < 8 + s % 3 ? 1 : 0;  // 8, 9, 10 right
      lora_items[size_t(i)] = i < 5 ? 1 : 0;           // 5 right, a subset of full_ft's
    }
    runs.push_back({"full" + std::to_string(s), "full_ft", "full_ft lr=0.001", s, full[s] + accuracy_shift,
                    3.0 + double(s), full_items});
    runs.push_back({"lora" + std::to_string(s), "lora", kHostileVariant, s, lora[s] + accuracy_shift,
                    1.0 + 0.5 * double(s), lora_items});
  }
  return runs;
}

inline RunResult fixture_result(const FixtureRun& f) {
  RunResult r;
  r.run_key = f.key;
  r.trainable_params = f.method == "lora" ? 1000 + f.seed : 50000;
  r.total_params = 50000;
  r.optimizer_state_bytes = 8 * r.trainable_params;
  r.peak_rss_bytes = (f.method == "lora" ? 100 : 200) * int64_t(1024 * 1024) + f.seed * 1024 * 1024;
  r.wall_seconds = 10.0 + double(f.seed);
  r.environment = {"abc", "1.13", "cpu", 1};
  for (int64_t step = 10; step <= 50; step += 10) r.metrics.push_back({"train_loss", step, 2.0 / double(step)});
  r.evals = {{"task_accuracy", "tuned", "accuracy", f.accuracy, 0.02, std::nullopt, std::nullopt, 10},
             {"task_accuracy", "base", "accuracy", 0.1, 0.01, std::nullopt, std::nullopt, 10},
             {"forgetting", "delta", "held_out_ce", f.delta_ce, 0.1, std::nullopt, std::nullopt, 8},
             {"forgetting", "tuned", "held_out_ce", 1.0 + f.delta_ce, 0.1, std::nullopt, std::nullopt, 8},
             {"long_context", "tuned", "passkey_accuracy@length=64,depth=0", f.accuracy, 0.1, std::nullopt, std::nullopt, 4},
             {"long_context", "tuned", "passkey_accuracy@length=64,depth=1", 1 - f.accuracy, 0.1, std::nullopt, std::nullopt, 4},
             {"long_context", "tuned", "passkey_accuracy@length=128,depth=0", 0.5, 0.1, std::nullopt, std::nullopt, 4},
             {"long_context", "tuned", "passkey_accuracy@length=128,depth=1", 0.25, 0.1, std::nullopt, std::nullopt, 4}};
  for (size_t i = 0; i < f.items.size(); ++i)
    r.items.push_back({"task_accuracy", "tuned", "reverse/" + std::to_string(i), f.items[i], -1.0, {}});
  for (int layer = 0; layer < 2; ++layer) {
    const std::string m = "model.layers." + std::to_string(layer) + ".self_attn.q_proj.weight";
    r.spectra.push_back({m, "intruders", f.method == "lora" ? 2.0 + layer : 0.0});
    r.spectra.push_back({m, "update_erank", f.method == "lora" ? 8.0 : 30.0 + layer});
    r.spectra.push_back({m, "alpha", 3.0});
  }
  return r;
}

// Records `runs` as sweep `name` (plus a failed run) in the store at `db`.
inline void write_fixture_sweep(const std::filesystem::path& db, const std::string& name,
                                const std::vector<FixtureRun>& runs) {
  Store store(db);
  const int64_t sweep = store.create_sweep(name, name + ".json", "{}");
  for (const auto& f : runs) {
    const std::string key = name + "-" + f.key;
    store.add_run(sweep, key, f.method, f.variant, f.seed, R"({"method":{"name":")" + f.method + R"("},"seed":0})");
    FixtureRun keyed = f;
    keyed.key = key;
    store.record_success(fixture_result(keyed));
  }
  store.add_run(sweep, name + "-broken", "full_ft", "full_ft lr=0.1", 0, R"({"method":{"name":"full_ft"},"seed":0})");
  store.record_failure(name + "-broken", "non-finite loss <nan> at step 3", 1.0);
}

}  // namespace tb::testing
